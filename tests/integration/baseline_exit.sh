#!/usr/bin/env bash
# --baseline: the exit code reflects regressions only. A baseline taken from a run against
# `--fault no-pong` (cases FAIL, exit 1) makes a second run against the same fault exit 0 and
# list the cases as still failing; a server with one more fault (binary-as-text) makes the run
# exit 1 and name the newly failing case on stdout. An expectations file (wsprobe-baseline/1)
# does the same, `index.json` carries the comparison under "baseline", and `wsprobe report diff`
# prints it for two finished runs.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
. "$(dirname "$0")/lib.sh"

# run NAME URL ARGS...: test-server on a few areas; sets $rc, stdout in $tmp/NAME.stdout.
run() {
  local name=$1 target=$2; shift 2
  rc=0
  "$WSPROBE" test-server "$target" --cases-dir "$WSPROBE_SOURCE_DIR/cases" \
    --cases 'pingpong.ping-*' --cases 'framing.binary-*' --cases 'framing.text-*' --timeout 1000 \
    --report-dir "$tmp/$name" "$@" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr" || rc=$?
}

start_serve no-pong --impl wsprobe --fault no-pong
no_pong=$url
start_serve two-faults --impl wsprobe --fault no-pong --fault binary-as-text
two_faults=$url

run base "$no_pong"
[ "$rc" -eq 1 ] || fail "the baseline run should FAIL the ping cases (exit $rc)"
grep -q '^FAILED pingpong\.' "$tmp/base.stdout" || fail "no FAILED ping case in the baseline run"

# Same fault, with the baseline: nothing regressed.
run same "$no_pong" --baseline "$tmp/base/index.json"
[ "$rc" -eq 0 ] || { cat "$tmp/same.stdout"; fail "same fault with baseline: exit $rc, expected 0"; }
grep -q '^STILL FAILED pingpong\.' "$tmp/same.stdout" || fail "still failing cases not listed"
grep -q '^NEWLY FAILED' "$tmp/same.stdout" && fail "a newly failing case without a new fault"

# One more fault: binary messages come back as text, a new failure.
run worse "$two_faults" --baseline "$tmp/base/index.json"
[ "$rc" -eq 1 ] || { cat "$tmp/worse.stdout"; fail "new fault with baseline: exit $rc, expected 1"; }
grep -q '^NEWLY FAILED framing\.binary-' "$tmp/worse.stdout" || { cat "$tmp/worse.stdout"; fail "newly failing case not named"; }
grep -q '^NEWLY FAILED pingpong\.' "$tmp/worse.stdout" && fail "ping cases failed before: not new"

$py - "$tmp/worse/index.json" "$tmp/base/index.json" <<'PY' || fail "index.json baseline object"
import json, sys
worse, base = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
b = worse["baseline"]
assert b["kind"] == "report" and b["source"] == sys.argv[2]
assert b["regressions"] == len(b["newly_failing"]) + len(b["unexpected"]) > 0
assert all(c["case"].startswith("framing.binary-") and c["after"] == "FAILED" and c["before"] == "OK"
           for c in b["newly_failing"]), b["newly_failing"]
failed_before = {r["case"] for r in base["results"] if r["verdict"] == "FAILED"}
assert {c["case"] for c in b["still_failing"]} == failed_before
assert "baseline" not in base
PY

# `wsprobe report diff A B` says the same about two finished runs.
rc=0
"$WSPROBE" report diff "$tmp/base" "$tmp/worse/index.json" >"$tmp/diff.stdout" || rc=$?
[ "$rc" -eq 1 ] || fail "report diff base worse: exit $rc, expected 1"
grep -q '^NEWLY FAILED framing\.binary-' "$tmp/diff.stdout" || fail "report diff names no new failure"
rc=0
"$WSPROBE" report diff "$tmp/base" "$tmp/same" >"$tmp/diff-same.stdout" || rc=$?
[ "$rc" -eq 0 ] || fail "report diff base same: exit $rc, expected 0"

# The fixed server (no fault) against the baseline: newly passing, exit 0.
start_serve fixed --impl wsprobe
run fixed "$url" --baseline "$tmp/base/index.json"
[ "$rc" -eq 0 ] || fail "fixed server with baseline: exit $rc"
grep -q '^NEWLY PASSING pingpong\.' "$tmp/fixed.stdout" || fail "newly passing cases not listed"

# An expectations file: ping cases may FAIL (known bug), the rest must be OK.
cat >"$tmp/expect.json" <<'JSON'
{"schema": "wsprobe-baseline/1",
 "expect": {"pingpong.*": ["OK", "FAILED"], "*": ["OK", "NON-STRICT", "INFORMATIONAL"]}}
JSON
run expect-same "$no_pong" --baseline "$tmp/expect.json"
[ "$rc" -eq 0 ] || { cat "$tmp/expect-same.stdout"; fail "expectations, same fault: exit $rc"; }
run expect-worse "$two_faults" --baseline "$tmp/expect.json" --json
[ "$rc" -eq 1 ] || fail "expectations, new fault: exit $rc"
$py -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["exit_code"] == 1 and j["baseline"]["kind"] == "expectations"
assert j["baseline"]["newly_failing"] and all(c["case"].startswith("framing.binary-") for c in j["baseline"]["newly_failing"])
' "$tmp/expect-worse.stdout" || fail "--json baseline summary"

# A broken baseline file is a usage error (exit 2) before any case runs.
echo '{"schema": "wsprobe-baseline/1", "expect": {"*": ["GOOD"]}}' >"$tmp/bad.json"
run bad "$no_pong" --baseline "$tmp/bad.json"
[ "$rc" -eq 2 ] || fail "bad baseline: exit $rc, expected 2"
grep -q 'not a verdict' "$tmp/bad.stderr" || fail "bad baseline message: $(cat "$tmp/bad.stderr")"
echo "ok: baseline exit codes (0 same fault, 1 new fault naming the case, 0 fixed, 2 bad file)"
