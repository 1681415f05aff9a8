#!/usr/bin/env bash
# `wsprobe test-server` runs the whole shipped suite against both reference servers with the
# expected number of cases and no FAILED case (against Beast: exactly the cases whose
# known_differences name "beast"), writes index.json, and does FAIL the ping cases
# against a server that never answers pings (so that this test cannot pass vacuously). An
# unreachable target is exit 2.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
. "$(dirname "$0")/lib.sh"
cases_dir="$WSPROBE_SOURCE_DIR/cases"

# The cases for servers over HTTP/1.1, as `wsprobe cases` counts them, and their known
# differences (agent -> explanation) for the reference peers.
"$WSPROBE" cases --list --json --dir "$cases_dir" >"$WSPROBE_TEST_TMP/cases.json"
expected=$($py -c '
import json, sys
print(sum(1 for c in json.load(open(sys.argv[1])) if c["under_test"] != "client" and "h1" in c["transport"]))' \
  "$WSPROBE_TEST_TMP/cases.json")
[ "$expected" -gt 0 ] || fail "no cases found"

for impl in beast wsprobe; do
  start_serve "$impl" --impl "$impl"
  rc=0
  "$WSPROBE" test-server "$url" --cases-dir "$cases_dir" --report-dir "$WSPROBE_TEST_TMP/report-$impl" \
    --agent "$impl" --json --quiet >"$WSPROBE_TEST_TMP/$impl.json" || rc=$?
  $py - "$WSPROBE_TEST_TMP/$impl.json" "$WSPROBE_TEST_TMP/report-$impl/index.json" "$expected" "$impl" "$rc" \
    "$WSPROBE_TEST_TMP/cases.json" <<'PY' || fail "$impl"
import json, sys
summary, report, expected, impl, rc = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
# Against Beast only the cases whose known_differences name "beast" may FAIL, and each of them
# must FAIL (so that the list stays true); our own strict server FAILS nothing.
agent = "beast" if impl == "beast" else None
known = {c["id"] for c in json.load(open(sys.argv[6])) if agent and agent in c["known_differences"]}
failed = {f["case"]: f["reason"] for f in summary["failed"]}
unexpected = sorted(set(failed) - known)
for case in unexpected:
    print(f"  FAILED {case}: {failed[case]}", file=sys.stderr)
assert not unexpected, f"{len(unexpected)} FAILED without a known difference"
stale = sorted(c for c in known if c not in failed)
assert not stale, f"known differences of {impl} that no longer FAIL: {stale}"
assert rc == (1 if failed else 0), f"exit {rc} with {len(failed)} FAILED"
assert summary["total"] == expected, f"ran {summary['total']} cases, expected {expected}"
assert report["schema"] == "wsprobe-report/1" and report["mode"] == "test-server"
assert report["target"]["agent"] == impl
assert report["summary"]["total"] == expected == len(report["results"])
assert all(r["verdict"] in ("OK", "INFORMATIONAL", "NON-STRICT", "UNIMPLEMENTED") or r["case"] in known
           for r in report["results"])
areas = ", ".join(f"{a} {v['total']} in {v['duration_ms'] / 1000:.2f}s" for a, v in summary["areas"].items())
print(f"ok: {impl}: {summary['total']} cases, {summary['OK']} OK, {summary['NON-STRICT']} NON-STRICT, "
      f"{summary['INFORMATIONAL']} INFORMATIONAL, {len(failed)} FAILED as known, wall {summary['duration_ms'] / 1000:.2f}s ({areas})")
PY
done

# A server that never answers pings: every case that waits for a pong FAILS, exit 1.
start_serve no-pong --impl wsprobe --fault no-pong
rc=0
"$WSPROBE" test-server "$url" --cases-dir "$cases_dir" --cases 'pingpong.*' --timeout 1000 \
  --report-dir "$WSPROBE_TEST_TMP/report-no-pong" --json --quiet >"$WSPROBE_TEST_TMP/no-pong.json" || rc=$?
[ "$rc" -eq 1 ] || fail "no-pong: exit $rc, expected 1"
$py - "$WSPROBE_TEST_TMP/no-pong.json" <<'PY' || fail "no-pong"
import json, sys
s = json.load(open(sys.argv[1]))
failed = {f["case"] for f in s["failed"]}
for case in ("pingpong.ping-empty", "pingpong.ping-125-bytes", "pingpong.ten-pings"):
    assert case in failed, f"{case} did not fail against no-pong"
print(f"ok: no-pong: {len(failed)} of {s['total']} ping cases FAILED")
PY

# Unreachable target: exit 2 and a message naming it, before any case runs.
rc=0
out=$("$WSPROBE" test-server ws://127.0.0.1:9/ --cases-dir "$cases_dir" \
  --report-dir "$WSPROBE_TEST_TMP/unreachable" --junit "$WSPROBE_TEST_TMP/unreachable-junit.xml" 2>&1) || rc=$?
[ "$rc" -eq 2 ] || fail "unreachable: exit $rc"
grep -q "cannot reach 127.0.0.1:9" <<<"$out" || fail "unreachable message: $out"
# CI's test reporter still gets a junit.xml that says why: one error naming the target.
for f in "$WSPROBE_TEST_TMP/unreachable/junit.xml" "$WSPROBE_TEST_TMP/unreachable-junit.xml"; do
  grep -q '<error message="cannot reach 127.0.0.1:9' "$f" || fail "unreachable: no error in $f"
done
echo "ok: unreachable -> $out"

# A bad URL is a usage error.
rc=0
"$WSPROBE" test-server http://127.0.0.1:1/ --cases-dir "$cases_dir" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "bad URL: exit $rc"
echo "ok: bad URL -> exit 2"
