#!/usr/bin/env bash
# `wsprobe echo-client` (both implementations) against a Python websockets server that checks it
# (tests/peers/echo_client_check_server.py): with --once, text, binary, fragmented and 1 MiB
# messages and a ping come back, masked (websockets checks masking), and the client answers the
# close with 1000; without --once, the Autobahn testee loop (/getCaseCount, /runCase,
# /updateReports). Over ws:// and wss:// (--ca, --insecure). Faults no-mask and no-pong are
# caught by the same server; an unreachable server is exit code 2.
set -euo pipefail

: "${WSPROBE:?path to the wsprobe binary}"
: "${WSPROBE_SOURCE_DIR:?path to the source tree}"
. "$(dirname "$0")/lib.sh"
SERVER="$WSPROBE_SOURCE_DIR/tests/peers/echo_client_check_server.py"

# start_server NAME ARGS...: starts the check server (stdout in $tmp/NAME.out); sets pid and url.
start_server() { start_listening 10 "$1" "$py" "$SERVER" "${@:2}"; }
stop_server() { stop "$pid" || true; }

# verdicts OUT COUNT: waits (5 s at most) until OUT holds COUNT PASS/FAIL lines, prints them.
verdicts() {
  local out="$1" count="$2"
  for _ in $(seq 1 50); do
    (($(grep -cE '^(PASS|FAIL) ' "$out" || true) >= count)) && break
    sleep 0.1
  done
  grep -E '^(PASS|FAIL) ' "$out" || true
}

# client NAME ARGS...: runs `wsprobe echo-client ARGS` (60 s at most), which must exit 0.
client() {
  local name="$1"
  shift
  local rc=0
  timeout 60 "$WSPROBE" echo-client "$@" >"$tmp/$name.client.out" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    fail_later "$name: echo-client $* exited $rc"
    cat "$tmp/$name.client.out" >&2
  fi
}

make_cert "$tmp"

for scheme in ws wss; do
  server_args=()
  [[ $scheme == wss ]] && server_args=(--tls "$tmp/cert.pem" "$tmp/key.pem")
  for impl in beast wsprobe; do
    name="$impl-$scheme"
    out="$tmp/$name.server.out"
    tls_args=()
    [[ $scheme == wss ]] && tls_args=(--ca "$tmp/cert.pem")
    start_server "$name.server" "${server_args[@]}"

    client "$name-once" --impl "$impl" "${tls_args[@]}" --once "${url}check"
    client "$name-testee" --impl "$impl" "${tls_args[@]}" --agent "agent $impl" "$url"
    lines="$(verdicts "$out" 6)"
    stop_server
    expected="PASS /check
PASS /getCaseCount
PASS /runCase?case=1&agent=agent%20$impl
PASS /runCase?case=2&agent=agent%20$impl
PASS /runCase?case=3&agent=agent%20$impl
PASS /updateReports?agent=agent%20$impl"
    if [[ "$lines" != "$expected" ]]; then
      fail_later "$name: the check server saw
$lines
expected
$expected"
    fi
    if ! grep -q '^case 3/3: closed cleanly (1000)$' "$tmp/$name-testee.client.out"; then
      fail_later "$name: no progress line for case 3"
      cat "$tmp/$name-testee.client.out" >&2
    fi
  done
done

# --insecure accepts the certificate without --ca; without either, verification fails (exit 2).
out="$tmp/insecure.server.out"
start_server insecure.server --tls "$tmp/cert.pem" "$tmp/key.pem"
for impl in beast wsprobe; do
  client "insecure-$impl" --impl "$impl" --insecure --once "${url}check"
  rc=0
  timeout 30 "$WSPROBE" echo-client --impl "$impl" --once "${url}check" \
    >"$tmp/verify-$impl.out" 2>&1 || rc=$?
  [[ $rc -eq 2 ]] || fail_later "$impl: an unverifiable certificate gave exit $rc, not 2"
done
lines="$(verdicts "$out" 2)"
stop_server
[[ "$(grep -c '^PASS /check$' <<<"$lines")" -eq 2 ]] || fail_later "--insecure: the server saw: $lines"

# --cases N runs only the first N cases.
out="$tmp/limit.server.out"
start_server limit.server --cases 3
client "limit" --impl wsprobe --cases 2 "$url"
lines="$(verdicts "$out" 4)"
stop_server
if grep -q 'case=3' <<<"$lines" || ! grep -q 'PASS /runCase?case=2' <<<"$lines"; then
  fail_later "--cases 2: the server saw: $lines"
fi

# Faults of our own client are caught by an independent server.
for fault in no-mask no-pong; do
  out="$tmp/fault-$fault.server.out"
  start_server "fault-$fault.server"
  client "fault-$fault" --impl wsprobe --fault "$fault" --once "${url}check"
  lines="$(verdicts "$out" 1)"
  stop_server
  grep -q '^FAIL /check' <<<"$lines" || fail_later "fault $fault was not caught: $lines"
done

# Nothing listening: exit code 2 with a message.
for impl in beast wsprobe; do
  rc=0
  "$WSPROBE" echo-client --impl "$impl" ws://127.0.0.1:1/ >"$tmp/refused.out" 2>&1 || rc=$?
  [[ $rc -eq 2 ]] || fail_later "$impl: connection refused gave exit $rc, not 2"
  grep -q 'wsprobe echo-client: ' "$tmp/refused.out" || fail_later "$impl: no message for refused"
done

# Against `wsprobe test-client` (when this build has it): both clients pass the client.* cases,
# and each fault of our own client makes a case meant for it FAIL (exit code 1).
# run_test_client NAME CASES ARGS...: test-client on CASES, echo-client ARGS; sets tc_rc.
run_test_client() {
  local name="$1" cases="$2"
  shift 2
  local out="$tmp/tc-$name.out"
  start "$WSPROBE" test-client --listen 127.0.0.1:0 --cases "$cases" --report-dir "$tmp/tc-$name" \
    --exit-after-reports 1 --quiet >"$out" 2>&1
  pid=$!
  if ! url=$(listening_url "$out" 10 "$pid"); then
    fail_later "$name: test-client printed no 'listening on' line"
    stop_server
    tc_rc=-1
    return
  fi
  client "tc-$name" --agent "$name" "$@" "$url"
  tc_rc=0
  wait_exit 60 "$pid" || tc_rc=$?
}

# (An unknown subcommand with --help prints the main help and exits 0: look for its own option.)
if "$WSPROBE" test-client --help 2>&1 | grep -q -- '--exit-after-reports'; then
  for impl in beast wsprobe; do
    run_test_client "strict-$impl" 'client.*' --impl "$impl"
    [[ $tc_rc -eq 0 ]] || fail_later "$impl: test-client judged the client.* cases with exit $tc_rc"
  done
  for fault in no-mask accept-masked-frames no-accept-check accept-unoffered-subprotocol no-pong; do
    run_test_client "fault-$fault" 'client.*' --impl wsprobe --fault "$fault"
    [[ $tc_rc -eq 1 ]] || fail_later "test-client did not fail fault $fault (exit $tc_rc)"
  done
  run_test_client "fault-no-utf8-check" 'utf8.invalid-*' --impl wsprobe --fault no-utf8-check
  [[ $tc_rc -eq 1 ]] || fail_later "test-client did not fail fault no-utf8-check (exit $tc_rc)"
fi

if [[ $failed -ne 0 ]]; then
  exit 1
fi
echo "echo-client: both implementations pass over ws:// and wss://, faults caught"
