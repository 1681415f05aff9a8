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
TMP="${WSPROBE_TEST_TMP:-$(mktemp -d)}"
mkdir -p "$TMP"
PY=/usr/bin/python3  # Debian's, with python3-websockets (the one on PATH may lack it)
SERVER="$WSPROBE_SOURCE_DIR/tests/peers/echo_client_check_server.py"

server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

failed=0
fail() {
  echo "FAIL: $*" >&2
  failed=1
}

# start_server OUT ARGS...: starts the check server, sets server_pid and url.
start_server() {
  local out="$1"
  shift
  "$PY" "$SERVER" "$@" >"$out" 2>"$out.err" &
  server_pid=$!
  url=""
  for _ in $(seq 1 100); do
    url="$(sed -n 's/^listening on //p' "$out" | head -n1)"
    [[ -n "$url" ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "check server printed no 'listening on' line; stderr:" >&2
  cat "$out.err" >&2
  return 1
}

stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

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
  timeout 60 "$WSPROBE" echo-client "$@" >"$TMP/$name.client.out" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    fail "$name: echo-client $* exited $rc"
    cat "$TMP/$name.client.out" >&2
  fi
}

# A certificate for 127.0.0.1 (IP SAN), so that --ca verifies the name too.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
  >/dev/null 2>&1

for scheme in ws wss; do
  server_args=()
  [[ $scheme == wss ]] && server_args=(--tls "$TMP/cert.pem" "$TMP/key.pem")
  for impl in beast wsprobe; do
    name="$impl-$scheme"
    out="$TMP/$name.server.out"
    tls_args=()
    [[ $scheme == wss ]] && tls_args=(--ca "$TMP/cert.pem")
    start_server "$out" "${server_args[@]}"

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
      fail "$name: the check server saw
$lines
expected
$expected"
    fi
    if ! grep -q '^case 3/3: closed cleanly (1000)$' "$TMP/$name-testee.client.out"; then
      fail "$name: no progress line for case 3"
      cat "$TMP/$name-testee.client.out" >&2
    fi
  done
done

# --insecure accepts the certificate without --ca; without either, verification fails (exit 2).
out="$TMP/insecure.server.out"
start_server "$out" --tls "$TMP/cert.pem" "$TMP/key.pem"
for impl in beast wsprobe; do
  client "insecure-$impl" --impl "$impl" --insecure --once "${url}check"
  rc=0
  timeout 30 "$WSPROBE" echo-client --impl "$impl" --once "${url}check" \
    >"$TMP/verify-$impl.out" 2>&1 || rc=$?
  [[ $rc -eq 2 ]] || fail "$impl: an unverifiable certificate gave exit $rc, not 2"
done
lines="$(verdicts "$out" 2)"
stop_server
[[ "$(grep -c '^PASS /check$' <<<"$lines")" -eq 2 ]] || fail "--insecure: the server saw: $lines"

# --cases N runs only the first N cases.
out="$TMP/limit.server.out"
start_server "$out" --cases 3
client "limit" --impl wsprobe --cases 2 "$url"
lines="$(verdicts "$out" 4)"
stop_server
if grep -q 'case=3' <<<"$lines" || ! grep -q 'PASS /runCase?case=2' <<<"$lines"; then
  fail "--cases 2: the server saw: $lines"
fi

# Faults of our own client are caught by an independent server.
for fault in no-mask no-pong; do
  out="$TMP/fault-$fault.server.out"
  start_server "$out"
  client "fault-$fault" --impl wsprobe --fault "$fault" --once "${url}check"
  lines="$(verdicts "$out" 1)"
  stop_server
  grep -q '^FAIL /check' <<<"$lines" || fail "fault $fault was not caught: $lines"
done

# Nothing listening: exit code 2 with a message.
for impl in beast wsprobe; do
  rc=0
  "$WSPROBE" echo-client --impl "$impl" ws://127.0.0.1:1/ >"$TMP/refused.out" 2>&1 || rc=$?
  [[ $rc -eq 2 ]] || fail "$impl: connection refused gave exit $rc, not 2"
  grep -q 'wsprobe echo-client: ' "$TMP/refused.out" || fail "$impl: no message for refused"
done

# Against `wsprobe test-client` (when this build has it): both clients pass the client.* cases,
# and each fault of our own client makes a case meant for it FAIL (exit code 1).
# run_test_client NAME CASES ARGS...: test-client on CASES, echo-client ARGS; sets tc_rc.
run_test_client() {
  local name="$1" cases="$2"
  shift 2
  local out="$TMP/tc-$name.out"
  "$WSPROBE" test-client --listen 127.0.0.1:0 --cases "$cases" --report-dir "$TMP/tc-$name" \
    --exit-after-reports 1 --quiet >"$out" 2>&1 &
  server_pid=$!
  url=""
  for _ in $(seq 1 100); do
    url="$(sed -n 's/^listening on //p' "$out" | head -n1)"
    [[ -n "$url" ]] && break
    sleep 0.1
  done
  if [[ -z "$url" ]]; then
    fail "$name: test-client printed no 'listening on' line"
    stop_server
    tc_rc=-1
    return
  fi
  client "tc-$name" --agent "$name" "$@" "$url"
  tc_rc=0
  timeout 60 tail --pid="$server_pid" -f /dev/null || true
  wait "$server_pid" || tc_rc=$?
  server_pid=""
}

# (An unknown subcommand with --help prints the main help and exits 0: look for its own option.)
if "$WSPROBE" test-client --help 2>&1 | grep -q -- '--exit-after-reports'; then
  for impl in beast wsprobe; do
    run_test_client "strict-$impl" 'client.*' --impl "$impl"
    [[ $tc_rc -eq 0 ]] || fail "$impl: test-client judged the client.* cases with exit $tc_rc"
  done
  for fault in no-mask accept-masked-frames no-accept-check accept-unoffered-subprotocol no-pong; do
    run_test_client "fault-$fault" 'client.*' --impl wsprobe --fault "$fault"
    [[ $tc_rc -eq 1 ]] || fail "test-client did not fail fault $fault (exit $tc_rc)"
  done
  run_test_client "fault-no-utf8-check" 'utf8.invalid-*' --impl wsprobe --fault no-utf8-check
  [[ $tc_rc -eq 1 ]] || fail "test-client did not fail fault no-utf8-check (exit $tc_rc)"
fi

if [[ $failed -ne 0 ]]; then
  exit 1
fi
echo "echo-client: both implementations pass over ws:// and wss://, faults caught"
