#!/usr/bin/env bash
# wsprobe test-client against the node `ws` 8.18 client driven by the Autobahn testee protocol
# (tests/peers/node_ws_testee_client.js). ws passes Autobahn's client suite, so no case may FAIL;
# every non-OK verdict is pinned below. Skipped (exit 0) when node or ws cannot be installed.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || { echo "SKIP: no node"; exit 0; }
if ! NODE_PATH=$(timeout 60 bash "$WSPROBE_SOURCE_DIR/tests/peers/install_node_ws.sh" 2>/dev/null | tail -1) ||
  [ ! -d "$NODE_PATH/ws" ]; then
  echo "SKIP: node ws could not be installed"
  exit 0
fi
export NODE_PATH

start_listening 5 test-client "$WSPROBE" test-client --listen 127.0.0.1:0 \
  --cases-dir "$WSPROBE_SOURCE_DIR/cases" --report-dir "$WSPROBE_TEST_TMP/report" --exit-after-reports 1
timeout 100 node "$WSPROBE_SOURCE_DIR/tests/peers/node_ws_testee_client.js" testee "$url" node-ws \
  2>"$WSPROBE_TEST_TMP/testee.err" || fail "testee failed: $(tail -5 "$WSPROBE_TEST_TMP/testee.err")"
rc=0
wait_exit 20 "$pid" || rc=$?
[ "$rc" = 0 ] || fail "exit code $rc: $(grep FAILED "$WSPROBE_TEST_TMP/test-client.err" | head)"

# Pinned, each explained:
# - ws reads frame lengths in a longer form than needed (§5.2 lenient receiver) → NON-STRICT;
# - ws validates UTF-8 per complete message, so invalid bytes in a middle fragment are caught at
#   the end of the message, not at once (§8.1 fail fast) → NON-STRICT;
# - ws accepts a 101 on HTTP/1.0 (it checks status, Upgrade, accept, not the version) → NON-STRICT;
# - INFORMATIONAL by the cases' design (undefined close codes, drop, request observations);
# - close verdicts: ws ends TCP as soon as both close frames passed (websocket.js), before the
#   server (§7.1.1 SHOULD wait) → NON-STRICT close verdict wherever the closing handshake completed.
$py - "$WSPROBE_TEST_TMP/report/index.json" <<'PY'
import fnmatch, json, sys
r = json.load(open(sys.argv[1]))
assert r["mode"] == "test-client" and r["target"]["agent"] == "node-ws", r["target"]
pins = {
    "framing.reject-nonminimal-*": "NON-STRICT",
    "utf8.invalid-*-in-middle-fragment": "NON-STRICT",
    "client.reject-http-1-0-101": "NON-STRICT",
    "close.undefined-code-*": "INFORMATIONAL",
    "close.large-text-then-close-then-ping": "INFORMATIONAL",
    "client.server-drops-tcp": "INFORMATIONAL",
    "client.request-origin-recorded": "INFORMATIONAL",
    "client.compression-offer-recorded": "INFORMATIONAL",
}
by_id = {x["case"]: x for x in r["results"]}
assert len(by_id) > 300, len(by_id)
bad = []
for case, x in by_id.items():
    want = next((v for p, v in pins.items() if fnmatch.fnmatch(case, p)), "OK")
    # A NON-STRICT pin may come out OK when the peer's timing was lucky, never worse.
    if x["verdict"] != want and not (x["verdict"] == "OK" and want == "NON-STRICT"):
        bad.append(f'{case}: {x["verdict"]} (pinned {want}) {x["observed"].get("reason", "")}')
assert not bad, "\n".join(bad)
o = by_id["client.server-close-1000"]
assert o["close_verdict"] == "NON-STRICT" and o["observed"]["client_closed_tcp_first"], o["observed"]
assert by_id["client.reject-wrong-accept"]["observed"]["client_action"] == "failed"
assert by_id["client.redirect-301"]["observed"]["client_action"] == "failed"  # ws follows only with followRedirects
print("node ws client:", r["summary"], f'{r["duration_ms"]} ms')
PY
