#!/usr/bin/env bash
# DIR/junit.xml of a real run, read by another project's JUnit parser (Debian's
# python3-junitparser): its counts match index.json (failures + errors = FAILED, skipped =
# UNIMPLEMENTED + the cases left out), every case is there under its area's suite, failures
# carry the reason, --junit writes the same file elsewhere. The run is against our server with
# `--fault no-pong`, so that some cases FAIL. Also checks --summary-md and --autobahn-json of the
# same run.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
. "$(dirname "$0")/lib.sh"
$py -c 'import junitparser' 2>/dev/null || fail "python3-junitparser is missing (scripts/setup.sh installs it)"

start_serve serve --impl wsprobe --fault no-pong

rc=0
"$WSPROBE" test-server "$url" --cases-dir "$WSPROBE_SOURCE_DIR/cases" --report-dir "$tmp/report" \
  --cases 'pingpong.*' --cases 'framing.*' --cases 'reserved.*' --exclude 'framing.*binary*' \
  --timeout 1000 --agent 'no-pong <&>' --junit "$tmp/elsewhere/copy.xml" \
  --summary-md "$tmp/summary.md" --autobahn-json "$tmp/autobahn" --quiet --json >"$tmp/summary.json" || rc=$?
[ "$rc" -eq 1 ] || fail "expected exit 1 (pings unanswered), got $rc"
[ -f "$tmp/report/junit.xml" ] || fail "no junit.xml beside index.json"
cmp -s "$tmp/report/junit.xml" "$tmp/elsewhere/copy.xml" || fail "--junit copy differs"

$py - "$tmp/report/junit.xml" "$tmp/report/index.json" "$tmp/summary.json" <<'PY' || fail "junit.xml does not match index.json"
import collections, json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
index = json.load(open(sys.argv[2]))
results = {r["case"]: r for r in index["results"]}
reasons = {f["case"]: f["reason"] for f in json.load(open(sys.argv[3]))["failed"]}  # --json
s = index["summary"]

cases, skipped_not_run = {}, 0
per_suite = collections.Counter()
for suite in xml:
    assert suite.name.startswith("wsprobe."), suite.name
    n = 0
    for case in suite:
        n += 1
        assert case.classname == suite.name, (case.classname, suite.name)
        kinds = [type(r).__name__ for r in case.result]
        cases[case.name] = (kinds, case)
        if case.name not in results:
            assert kinds == ["Skipped"], (case.name, kinds)
            skipped_not_run += 1
    assert suite.tests == n, (suite.name, suite.tests, n)

ran = {k: v for k, v in cases.items() if k in results}
assert set(ran) == set(results), set(results) ^ set(ran)
for cid, (kinds, case) in ran.items():
    v = results[cid]["verdict"]
    if v == "FAILED":
        assert kinds in (["Failure"], ["Error"]), (cid, kinds)
        r = case.result[0]
        assert r.message == reasons[cid], (r.message, reasons[cid])
        assert "expected:" in (r.text or "") and "observed:" in (r.text or "")
    elif v == "UNIMPLEMENTED":
        assert kinds == ["Skipped"], (cid, kinds)
    else:
        assert kinds == [], (cid, kinds)
    assert case.system_out and "wire log:" in case.system_out, cid
    assert abs(case.time - results[cid]["duration_ms"] / 1000) < 0.0015, (cid, case.time)

failures = sum(1 for k, _ in ran.values() if k == ["Failure"])
errors = sum(1 for k, _ in ran.values() if k == ["Error"])
assert failures + errors == s["FAILED"] > 0, (failures, errors, s["FAILED"])
assert skipped_not_run > 0, "expected the excluded framing cases as skipped"
# The root element's totals, as the parser reads them.
assert xml.tests == s["total"] + skipped_not_run, (xml.tests, s["total"], skipped_not_run)
assert xml.failures == failures and xml.errors == errors
print(f"ok: junitparser read {xml.tests} testcases in {len(list(xml))} suites: "
      f"{failures} failures, {errors} errors, {skipped_not_run} skipped (not run); index.json agrees")
PY

# Markdown summary: totals and every FAILED case.
grep -q '^| total | OK | NON-STRICT' "$tmp/summary.md" || fail "summary.md has no totals table"
$py - "$tmp/summary.md" "$tmp/report/index.json" <<'PY' || fail "summary.md lacks FAILED cases"
import json, sys
md = open(sys.argv[1]).read()
for r in json.load(open(sys.argv[2]))["results"]:
    if r["verdict"] == "FAILED":
        assert f"- `{r['case']}`:" in md, r["case"]
assert "no-pong &lt;&amp;&gt;" in md  # the agent name, escaped
PY

# Autobahn files: an index keyed by the agent, one case file per id it lists.
$py - "$tmp/autobahn" "$tmp/report/index.json" <<'PY' || fail "autobahn json"
import json, os, sys
d = sys.argv[1]
index = json.load(open(os.path.join(d, "index.json")))
assert list(index) == ["no-pong <&>"], list(index)
ids = {r["autobahn"] for r in json.load(open(sys.argv[2]))["results"] if r.get("autobahn")}
entries = index["no-pong <&>"]
assert set(entries) == ids and ids, (set(entries) ^ ids)
for cid, e in entries.items():
    assert list(e) == ["behavior", "behaviorClose", "duration", "remoteCloseCode", "reportfile"], e
    case = json.load(open(os.path.join(d, e["reportfile"])))
    for k in ("behavior", "behaviorClose", "duration", "remoteCloseCode"):
        assert case[k] == e[k], (cid, k)
    assert case["id"] == cid and case["description"] and case["expectation"] and case["result"]
print(f"ok: autobahn index with {len(entries)} cases and their files")
PY
echo "ok: junit.xml, summary.md and Autobahn JSON of a no-pong run"
