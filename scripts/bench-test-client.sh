#!/usr/bin/env bash
# The whole client suite (`wsprobe test-client`, Autobahn testee protocol) against the Beast
# reference client, WSPROBE_BENCH_RUNS times (default 3): prints each run's wall time (from the
# client's first request to its /updateReports answer), its verdict counts and the slowest cases,
# then best and median. Goal (issue 6): under 15 s on 2 cores, at most 8 s on a quiet machine;
# PASS/MISS compares the best run with 8 s. The machine load (uptime) is printed with the figures:
# compare runs measured under the same load.
#
#   scripts/bench-test-client.sh                    # builds wsprobe into build/ first
#   WSPROBE=build-x/wsprobe scripts/bench-test-client.sh
#   WSPROBE_BENCH_IMPL=wsprobe scripts/bench-test-client.sh   # our own reference client
#
# Knobs: WSPROBE_BUILD_DIR, WSPROBE_JOBS (when building), WSPROBE_BENCH_RUNS, WSPROBE_BENCH_IMPL
# (beast | wsprobe), WSPROBE_BENCH_GOAL_S (8), WSPROBE_BENCH_KEEP=DIR (keep the reports there).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${WSPROBE_BENCH_RUNS:-3}
impl=${WSPROBE_BENCH_IMPL:-beast}
goal=${WSPROBE_BENCH_GOAL_S:-8}
py=/usr/bin/python3

if [ -z "${WSPROBE:-}" ]; then
  WSPROBE_BUILD_DIR=${WSPROBE_BUILD_DIR:-$root/build} "$root/scripts/build.sh" >/dev/null
  WSPROBE=${WSPROBE_BUILD_DIR:-$root/build}/wsprobe
fi
[ -x "$WSPROBE" ] || { echo "no wsprobe binary at $WSPROBE" >&2; exit 2; }

tmp=${WSPROBE_BENCH_KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  [ -n "${WSPROBE_BENCH_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

echo "wsprobe test-client vs echo-client --impl $impl, $runs runs; $(uptime | sed 's/^ *//')"
walls=()
for i in $(seq "$runs"); do
  dir=$tmp/run$i
  rm -rf "$dir"
  mkdir -p "$dir"
  "$WSPROBE" test-client --listen 127.0.0.1:0 --cases-dir "$root/cases" --quiet \
    --exit-after-reports 1 --report-dir "$dir/report" >"$dir/out" 2>"$dir/err" &
  server=$!
  url=
  for _ in $(seq 200); do
    url=$(sed -n 's|^listening on \(ws://[^ ]*\)$|\1|p' "$dir/out" | head -1)
    [ -n "$url" ] && break
    sleep 0.05
  done
  [ -n "$url" ] || { echo "run $i: no listening line: $(cat "$dir/err")" >&2; exit 1; }
  start=$(date +%s%N)
  timeout 120 "$WSPROBE" echo-client --impl "$impl" "$url" >"$dir/client" 2>&1 ||
    { echo "run $i: echo-client failed: $(tail -3 "$dir/client")" >&2; exit 1; }
  end=$(date +%s%N)
  timeout 30 tail --pid="$server" -f /dev/null || { echo "run $i: test-client did not exit" >&2; exit 1; }
  wait "$server" || true  # exit 1: Beast's known 1014 difference FAILS one case
  server=
  wall=$(( (end - start) / 1000000 ))
  walls+=("$wall")
  $py - "$dir/report/index.json" "$i" "$wall" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
counts = ", ".join(f"{k} {s[k]}" for k in ("OK", "NON-STRICT", "INFORMATIONAL", "FAILED"))
slow = sorted(r["results"], key=lambda x: -x["duration_ms"])[:3]
slowest = ", ".join(f'{x["case"]} {x["duration_ms"]} ms' for x in slow)
print(f"run {sys.argv[2]}: {int(sys.argv[3]) / 1000:.2f} s wall, {s['total']} cases ({counts}); "
      f"slowest: {slowest}")
PY
done

$py - "$goal" "${walls[@]}" <<'PY'
import statistics, sys
goal = float(sys.argv[1])
walls = sorted(int(w) / 1000 for w in sys.argv[2:])
best, median = walls[0], statistics.median(walls)
verdict = "PASS" if best <= goal else "MISS"
print(f"best {best:.2f} s, median {median:.2f} s (goal: best <= {goal:g} s on a quiet machine, "
      f"< 15 s loaded) {verdict}")
PY
