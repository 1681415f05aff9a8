#!/usr/bin/env bash
# `wsprobe serve` refuses bad arguments and unusable addresses or certificates with exit code 2
# and a message that names the problem (DESIGN.md §2).
set -euo pipefail

: "${WSPROBE:?path to the wsprobe binary}"
TMP="${WSPROBE_TEST_TMP:-$(mktemp -d)}"
mkdir -p "$TMP"

server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

failed=0

# expect_error "MESSAGE" ARGS...: `wsprobe serve ARGS` exits 2 and stderr contains MESSAGE.
# A command that unexpectedly starts a server is stopped after 3 s (timeout) and fails.
expect_error() {
  local message="$1"
  shift
  local rc=0
  timeout 3 "$WSPROBE" serve "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  if [[ $rc -ne 2 ]]; then
    echo "FAIL: serve $* exited $rc (expected 2); stderr: $(cat "$TMP/err")" >&2
    failed=1
  elif ! grep -qF -- "$message" "$TMP/err"; then
    echo "FAIL: serve $*: stderr lacks '$message'; it was: $(cat "$TMP/err")" >&2
    failed=1
  else
    echo "ok   serve $*  ->  $(head -n1 "$TMP/err")"
  fi
}

expect_error "--no-such-flag" --no-such-flag
expect_error "bad listen address 'nope': expected HOST:PORT" --listen nope
expect_error "bad listen address '127.0.0.1:99999': port must be a number from 0 to 65535" \
  --listen 127.0.0.1:99999
expect_error "unknown --impl 'nginx' (beast or wsprobe)" --impl nginx
expect_error "--cert needs --key" --cert "$TMP/cert.pem"
expect_error "--key needs --cert" --key "$TMP/key.pem"
expect_error "--fault needs --impl wsprobe" --fault no-pong
expect_error "unknown fault 'no-such-fault'" --impl wsprobe --fault no-such-fault --listen 127.0.0.1:0
expect_error "cannot read certificate '$TMP/missing.pem': No such file or directory" \
  --listen 127.0.0.1:0 --cert "$TMP/missing.pem" --key "$TMP/missing.key"
echo "not a certificate" >"$TMP/junk.pem"
expect_error "cannot use certificate '$TMP/junk.pem'" \
  --listen 127.0.0.1:0 --cert "$TMP/junk.pem" --key "$TMP/junk.pem"

# A port in use: one server holds it, a second on the same port must refuse to start.
"$WSPROBE" serve --listen 127.0.0.1:0 >"$TMP/first.out" 2>"$TMP/first.err" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(head -n1 "$TMP/first.out" 2>/dev/null | sed -n 's/^listening on //p')"
  [[ -n "$url" ]] && break
  sleep 0.1
done
if [[ -z "$url" ]]; then
  echo "FAIL: the first server did not start: $(cat "$TMP/first.err")" >&2
  exit 1
fi
hostport="${url#ws://}"
hostport="${hostport%/}"
for impl in beast wsprobe; do
  expect_error "cannot listen on $hostport: address already in use" --impl "$impl" \
    --listen "$hostport"
done
kill -TERM "$server_pid"
wait "$server_pid" || { echo "FAIL: first server exited $? after SIGTERM" >&2; failed=1; }
server_pid=""

# --list-faults prints one line per fault and exits 0.
if "$WSPROBE" serve --list-faults >"$TMP/faults" && [[ -s "$TMP/faults" ]] &&
  grep -q "^accept-unmasked " "$TMP/faults"; then
  echo "ok   serve --list-faults ($(wc -l <"$TMP/faults") faults)"
else
  echo "FAIL: serve --list-faults" >&2
  failed=1
fi

[[ $failed -eq 0 ]] && echo "serve_cli_errors: all checks passed"
exit $failed
