#!/usr/bin/env bash
# wsprobe test-client --spawn 'CMD {url}': one client process per case, judged within the case
# deadline and killed by PID after it. A good client (Python websockets, one case per process)
# passes; a client that goes silent after its handshake, one that connects and never sends a
# byte, and one that drops TCP mid-case each get a FAILED verdict without stalling the run, and
# the report keeps their exit status and stderr.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
. "$(dirname "$0")/lib.sh"
client="$py $WSPROBE_SOURCE_DIR/tests/peers/python_ws_testee_client.py"
if ! $py -c 'import websockets' 2>/dev/null; then
  echo "SKIP: python3-websockets is not installed for $py"
  exit 0
fi

# run NAME EXPECTED_EXIT MAX_SECONDS MODE wsprobe-args…: one spawn run, bounded in time.
run() {
  local name=$1 want=$2 max=$3 mode=$4
  shift 4
  local start=$SECONDS rc=0
  timeout $((max + 10)) "$WSPROBE" test-client --listen 127.0.0.1:0 \
    --cases-dir "$WSPROBE_SOURCE_DIR/cases" --report-dir "$WSPROBE_TEST_TMP/$name" \
    --agent "$name" --spawn "$client $mode {url}" "$@" \
    >"$WSPROBE_TEST_TMP/$name.out" 2>"$WSPROBE_TEST_TMP/$name.err" || rc=$?
  [ "$rc" = "$want" ] || fail "$name: exit code $rc, expected $want: $(tail -5 "$WSPROBE_TEST_TMP/$name.err")"
  [ $((SECONDS - start)) -le "$max" ] || fail "$name took $((SECONDS - start)) s (at most $max)"
  grep -q '^listening on ws://127.0.0.1:' "$WSPROBE_TEST_TMP/$name.out" || fail "$name: no listening line"
}

# check NAME PYTHON-EXPRESSIONS: assertions about r (report), by_id, proc(case).
check() {
  $py - "$WSPROBE_TEST_TMP/$1/index.json" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
by_id = {x["case"]: x for x in r["results"]}
proc = lambda c: by_id[c]["observed"]["client_process"]
assert r["mode"] == "test-client"
exec(sys.argv[2])
PY
}

run good 0 30 one --cases 'client.mask-*' --cases client.reject-wrong-accept \
  --cases client.redirect-302 --cases 'pingpong.ping-*' --timeout 3000
check good '
assert r["summary"]["FAILED"] == 0 and r["summary"]["total"] >= 8, r["summary"]
for c, x in by_id.items():
    assert proc(c)["exit_code"] == 0 and not proc(c)["killed_at_deadline"], (c, proc(c))
assert by_id["client.redirect-302"]["observed"]["client_action"] == "followed"
assert by_id["client.reject-wrong-accept"]["observed"]["client_action"] == "failed"
assert "InvalidHandshake" in proc("client.reject-wrong-accept")["stderr_tail"] or \
       "Invalid" in proc("client.reject-wrong-accept")["stderr_tail"], proc("client.reject-wrong-accept")
'

run silent 1 20 silent --cases client.mask-every-frame --cases client.pong-after-idle --timeout 1000
check silent '
for c in ("client.mask-every-frame", "client.pong-after-idle"):
    x = by_id[c]
    assert x["verdict"] == "FAILED" and "timeout" in x["observed"].get("reason", ""), x["observed"].get("reason", "")
    assert proc(c)["killed_at_deadline"] and proc(c)["signal"] == 9, proc(c)
'

run mute 1 20 mute --cases client.mask-every-frame --timeout 1000
check mute '
x = by_id["client.mask-every-frame"]
assert x["verdict"] == "FAILED" and "opening handshake" in x["observed"].get("reason", ""), x["observed"].get("reason", "")
assert proc("client.mask-every-frame")["killed_at_deadline"]
'

run drop 1 20 drop --cases client.mask-every-frame --cases client.server-close-1000 --timeout 2000
check drop '
for c in ("client.mask-every-frame", "client.server-close-1000"):
    x = by_id[c]
    assert x["verdict"] == "FAILED", (c, x["verdict"], x["observed"].get("reason", ""))
    assert proc(c)["exit_code"] == 3 and "dropped mid-case" in proc(c)["stderr_tail"], proc(c)
'
echo "spawn runs: good, silent, mute, drop OK"
