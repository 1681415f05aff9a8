#!/usr/bin/env bash
# `wsprobe serve` refuses bad arguments and unusable addresses or certificates with exit code 2
# and a message that names the problem (DESIGN.md §2).
set -euo pipefail

: "${WSPROBE:?path to the wsprobe binary}"
. "$(dirname "$0")/lib.sh"

# expect_error "MESSAGE" ARGS...: `wsprobe serve ARGS` exits 2 and stderr contains MESSAGE.
# A command that unexpectedly starts a server is stopped after 3 s (timeout) and fails.
expect_error() {
  local message="$1"
  shift
  local rc=0
  timeout 3 "$WSPROBE" serve "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [[ $rc -ne 2 ]]; then
    fail_later "serve $* exited $rc (expected 2); stderr: $(cat "$tmp/err")"
  elif ! grep -qF -- "$message" "$tmp/err"; then
    fail_later "serve $*: stderr lacks '$message'; it was: $(cat "$tmp/err")"
  else
    echo "ok   serve $*  ->  $(head -n1 "$tmp/err")"
  fi
}

expect_error "--no-such-flag" --no-such-flag
expect_error "bad listen address 'nope': expected HOST:PORT" --listen nope
expect_error "bad listen address '127.0.0.1:99999': port must be a number from 0 to 65535" \
  --listen 127.0.0.1:99999
expect_error "unknown --impl 'nginx' (beast or wsprobe)" --impl nginx
expect_error "--cert needs --key" --cert "$tmp/cert.pem"
expect_error "--key needs --cert" --key "$tmp/key.pem"
expect_error "--fault needs --impl wsprobe" --fault no-pong
expect_error "unknown fault 'no-such-fault'" --impl wsprobe --fault no-such-fault --listen 127.0.0.1:0
expect_error "cannot read certificate '$tmp/missing.pem': No such file or directory" \
  --listen 127.0.0.1:0 --cert "$tmp/missing.pem" --key "$tmp/missing.key"
echo "not a certificate" >"$tmp/junk.pem"
expect_error "cannot use certificate '$tmp/junk.pem'" \
  --listen 127.0.0.1:0 --cert "$tmp/junk.pem" --key "$tmp/junk.pem"

# A port in use: one server holds it, a second on the same port must refuse to start.
start_serve first
hostport="${url#ws://}"
hostport="${hostport%/}"
for impl in beast wsprobe; do
  expect_error "cannot listen on $hostport: address already in use" --impl "$impl" \
    --listen "$hostport"
done
stop "$pid" || fail_later "first server exited $? after SIGTERM"

# --list-faults prints one line per fault and exits 0.
if "$WSPROBE" serve --list-faults >"$tmp/faults" && [[ -s "$tmp/faults" ]] &&
  grep -q "^accept-unmasked " "$tmp/faults"; then
  echo "ok   serve --list-faults ($(wc -l <"$tmp/faults") faults)"
else
  fail_later "serve --list-faults"
fi

[[ $failed -eq 0 ]] && echo "serve_cli_errors: all checks passed"
exit $failed
