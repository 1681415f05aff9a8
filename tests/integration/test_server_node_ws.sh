#!/usr/bin/env bash
# Runs the server suite against the node `ws` library (ws@8.18.3 from npm, configured as ws
# configures its own Autobahn server) and checks our verdicts against the Autobahn verdicts the
# ws project publishes (../shared/oracles/ws-8.18.3-node.index.json): at least 97 % of the
# Autobahn cases agree, every difference is explained in oracle_differences/ws-8.18.3.json, and
# no case FAILS but the deviations of ws pinned in pinned_verdicts/node-ws-8.18.3.json.
# Skipped (exit 0) only when ws cannot be installed: no node/npm, or the npm registry unreachable.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
here=$(cd "$(dirname "$0")" && pwd)
version=8.18.3
. "$(dirname "$0")/lib.sh"

# CI clones the repository with shared/ beside it.
oracle="$WSPROBE_SOURCE_DIR/../shared/oracles/ws-$version-node.index.json"
[ -f "$oracle" ] || fail "oracle $oracle is missing: shared/oracles/ must sit beside the source tree"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: node or npm is not installed, so node ws cannot be installed"
  exit 0
fi
# Bounded, so that an unreachable registry costs a minute at most.
if ! node_path=$(NODE_WS_VERSION=$version npm_config_fetch_retries=1 npm_config_fetch_timeout=15000 timeout 60 bash "$WSPROBE_SOURCE_DIR/tests/peers/install_node_ws.sh" \
    2>"$WSPROBE_TEST_TMP/install.err"); then
  if ! timeout 20 npm ping >/dev/null 2>&1; then
    echo "SKIP: the npm registry is unreachable, so ws@$version cannot be installed"
    exit 0
  fi
  fail "installing ws@$version failed although npm is reachable: $(cat "$WSPROBE_TEST_TMP/install.err")"
fi

start_listening 10 server env NODE_PATH="$node_path" node "$WSPROBE_SOURCE_DIR/tests/peers/node_ws_echo_server.js"

rc=0
"$WSPROBE" test-server "$url" --cases-dir "$WSPROBE_SOURCE_DIR/cases" --report-dir "$WSPROBE_TEST_TMP/nodews" \
  --agent "ws@$version" --jobs 2 --quiet --json >"$WSPROBE_TEST_TMP/summary.json" || rc=$?
[ "$rc" -le 1 ] || fail "wsprobe test-server exited $rc"
alive "$pid" || fail "node ws server died during the run: $(cat "$WSPROBE_TEST_TMP/server.err")"

report="$WSPROBE_TEST_TMP/nodews/index.json"
status=0
$py "$here/compare_autobahn_oracle.py" "$report" "$oracle" "$here/oracle_differences/ws-$version.json" \
  --agent "ws@$version" --min-agreement 0.97 || status=1
$py "$here/check_pinned_verdicts.py" "$report" "$here/pinned_verdicts/node-ws-$version.json" || status=1
[ "$status" -eq 0 ] || fail "node ws: see the FAIL lines above"
echo "ok: node ws@$version"
