#!/usr/bin/env bash
# `wsprobe serve` echoes what an independent client (Python websockets) sends: text, binary,
# fragmented and 16 MiB messages, over ws:// and wss://, for each server implementation; and it
# stops with exit code 0 on SIGTERM; --max-message-size refuses larger messages with 1009.
set -euo pipefail

: "${WSPROBE:?path to the wsprobe binary}"
: "${WSPROBE_SOURCE_DIR:?path to the source tree}"
TMP="${WSPROBE_TEST_TMP:-$(mktemp -d)}"
mkdir -p "$TMP"
PY=/usr/bin/python3  # Debian's, with python3-websockets (the one on PATH may lack it)
CHECK="$WSPROBE_SOURCE_DIR/tests/integration/peers/echo_check.py"
IMPLS="${IMPLS:-beast wsprobe}"

server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

failed=0
ran=0

# start_server OUT ARGS...: starts `wsprobe serve ARGS` with stdout in OUT, sets server_pid and
# url (from the first line, "listening on URL").
start_server() {
  local out="$1"
  shift
  "$WSPROBE" serve "$@" >"$out" 2>"$out.err" &
  server_pid=$!
  url=""
  for _ in $(seq 1 100); do
    if [[ -s "$out" ]]; then
      url="$(head -n1 "$out" | sed -n 's/^listening on //p')"
      [[ -n "$url" ]] && return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL: wsprobe serve $* printed no 'listening on' line; stderr:" >&2
  cat "$out.err" >&2
  return 1
}

# stop_server: SIGTERM, then it must exit 0 within 5 s.
stop_server() {
  kill -TERM "$server_pid"
  for _ in $(seq 1 50); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "FAIL: server $server_pid still running 5 s after SIGTERM" >&2
    return 1
  fi
  local rc=0
  wait "$server_pid" || rc=$?
  server_pid=""
  if [[ $rc -ne 0 ]]; then
    echo "FAIL: server exited $rc after SIGTERM (expected 0)" >&2
    return 1
  fi
}

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
    if ! start_server "$TMP/serve-$impl$tls.out" --impl "$impl" --listen 127.0.0.1:0 $tls; then
      failed=1
      continue
    fi
    scheme="${url%%://*}"
    expected_scheme=ws
    [[ -n "$tls" ]] && expected_scheme=wss
    if [[ "$scheme" != "$expected_scheme" ]]; then
      echo "FAIL: $name announced $url, expected a $expected_scheme:// URL" >&2
      failed=1
    fi
    if ! "$PY" "$CHECK" "$url"; then
      echo "FAIL: echo check against $name ($url)" >&2
      failed=1
    fi
    stop_server || failed=1
    ran=$((ran + 1))
  done
  # --max-message-size is honoured: a larger message is refused with close code 1009.
  echo "== $impl --max-message-size 1000"
  if start_server "$TMP/serve-$impl-limit.out" --impl "$impl" --listen 127.0.0.1:0 \
    --max-message-size 1000; then
    "$PY" "$CHECK" "$url" --too-big 1001 || failed=1
    stop_server || failed=1
  else
    failed=1
  fi
done

if [[ $ran -eq 0 ]]; then
  echo "FAIL: no implementation was checked" >&2
  exit 1
fi
[[ $failed -eq 0 ]] && echo "serve_echo: all $ran server configurations echoed correctly"
exit $failed
