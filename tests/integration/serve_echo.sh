#!/usr/bin/env bash
# `wsprobe serve` echoes what an independent client (Python websockets) sends: text, binary,
# fragmented and 16 MiB messages, over ws:// and wss://, for each server implementation; and it
# stops with exit code 0 on SIGTERM; --max-message-size refuses larger messages with 1009.
set -euo pipefail

: "${WSPROBE:?path to the wsprobe binary}"
: "${WSPROBE_SOURCE_DIR:?path to the source tree}"
. "$(dirname "$0")/lib.sh"
CHECK="$WSPROBE_SOURCE_DIR/tests/integration/peers/echo_check.py"
IMPLS="${IMPLS:-beast wsprobe}"

ran=0

# start_server NAME ARGS...: starts `wsprobe serve ARGS` with stdout in $tmp/NAME.out; sets pid and
# url, or says why not and returns 1.
start_server() {
  start "$WSPROBE" serve "${@:2}" >"$tmp/$1.out" 2>"$tmp/$1.err"
  pid=$!
  url=$(listening_url "$tmp/$1.out" 10 "$pid") && return 0
  fail_later "wsprobe serve ${*:2} printed no 'listening on' line; stderr: $(cat "$tmp/$1.err")"
  return 1
}

# stop_server: SIGTERM, then it must exit 0 within 5 s.
stop_server() { stop "$pid" || fail_later "server exited $? after SIGTERM (expected 0)"; }

for impl in $IMPLS; do
  # Skip an implementation only if serve itself says it does not exist yet.
  probe="$("$WSPROBE" serve --impl "$impl" --listen 127.0.0.1:nope 2>&1 || true)"
  if grep -qiE "not available|unknown --impl" <<<"$probe"; then
    echo "SKIP: --impl $impl is not available in this build: $probe"
    continue
  fi
  for tls in "" "--tls"; do
    name="$impl${tls:+ tls}"
    echo "== $name"
    start_server "serve-$impl$tls" --impl "$impl" --listen 127.0.0.1:0 $tls || continue
    scheme="${url%%://*}"
    expected_scheme=ws
    [[ -n "$tls" ]] && expected_scheme=wss
    [[ "$scheme" == "$expected_scheme" ]] ||
      fail_later "$name announced $url, expected a $expected_scheme:// URL"
    "$py" "$CHECK" "$url" || fail_later "echo check against $name ($url)"
    stop_server
    ran=$((ran + 1))
  done
  # --max-message-size is honoured: a larger message is refused with close code 1009.
  echo "== $impl --max-message-size 1000"
  if start_server "serve-$impl-limit" --impl "$impl" --listen 127.0.0.1:0 --max-message-size 1000; then
    "$py" "$CHECK" "$url" --too-big 1001 || failed=1
    stop_server
  fi
done

[[ $ran -ne 0 ]] || fail "no implementation was checked"
[[ $failed -eq 0 ]] && echo "serve_echo: all $ran server configurations echoed correctly"
exit $failed
