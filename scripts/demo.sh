#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts the embedded reference server
# (`wsprobe serve`, Boost.Beast, or --impl wsprobe with WSPROBE_DEMO_IMPL=wsprobe) on a free
# port, runs the whole conformance suite against it with `wsprobe test-server`, writes
# reports/latest/index.json, prints the summary and stops the server.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${WSPROBE_BUILD_DIR:-$root/build}
impl=${WSPROBE_DEMO_IMPL:-beast}

"$root/scripts/setup.sh"
"$root/scripts/build.sh"
wsprobe="$build_dir/wsprobe"

server_out=$(mktemp)
"$wsprobe" serve --impl "$impl" --listen 127.0.0.1:0 >"$server_out" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -f "$server_out"' EXIT

url=""
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on \(ws:\/\/[^ ]*\).*/\1/p' "$server_out")
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "demo: the reference server did not start" >&2; exit 2; }
echo "demo: reference server ($impl) at $url"

cd "$root"
rc=0
"$wsprobe" test-server "$url" --agent "$impl" --report-dir "$root/reports/latest" "$@" || rc=$?
echo "demo: report in $root/reports/latest/index.json (exit $rc)"
exit "$rc"
