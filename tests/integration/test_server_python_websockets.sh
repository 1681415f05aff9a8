#!/usr/bin/env bash
# Runs the server suite against Python websockets (Debian's python3-websockets 10.4) and checks
# every verdict other than OK against pinned_verdicts/python-websockets-10.4.json, where each one
# is explained by the RFC and by what the websockets project documents about its compliance
# (compliance/README.rst "Conformance notes", docs "Known limitations"). A verdict that differs
# from its pin, in either direction, fails the test.
# Skipped (exit 0) only when python3-websockets is not installed and cannot be.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
here=$(cd "$(dirname "$0")" && pwd)
version=10.4
. "$(dirname "$0")/lib.sh"

if ! installed=$($py -c 'import websockets; print(websockets.__version__)' 2>/dev/null); then
  echo "SKIP: python3-websockets is not installed for $py (scripts/setup.sh installs it)"
  exit 0
fi
[ "$installed" = "$version" ] ||
  fail "the pins are for websockets $version, $py has $installed: re-examine and re-pin the verdicts"

start_listening 10 server "$py" "$WSPROBE_SOURCE_DIR/tests/peers/python_ws_echo_server.py"

rc=0
"$WSPROBE" test-server "$url" --cases-dir "$WSPROBE_SOURCE_DIR/cases" --report-dir "$WSPROBE_TEST_TMP/pywebsockets" \
  --agent "websockets-$version" --jobs 2 --quiet --json >"$WSPROBE_TEST_TMP/summary.json" || rc=$?
[ "$rc" -le 1 ] || fail "wsprobe test-server exited $rc"
alive "$pid" || fail "websockets server died during the run: $(cat "$WSPROBE_TEST_TMP/server.err")"

$py "$here/check_pinned_verdicts.py" "$WSPROBE_TEST_TMP/pywebsockets/index.json" \
  "$here/pinned_verdicts/python-websockets-$version.json" || fail "python websockets: see the FAIL lines above"
echo "ok: python websockets $version"
