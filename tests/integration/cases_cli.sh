#!/usr/bin/env bash
# `wsprobe cases`: broken case files give exit 2 and a message naming file, case and field; the
# shipped cases validate; --list --cases GLOB filters.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
. "$(dirname "$0")/lib.sh"

head='"title": "t", "rfc": ["6455#5.2"], "expect": {"OK": []}'

# expect_error NAME JSON EXPECTED_MESSAGE: the file alone in a cases folder must fail validation
# with exactly that one message.
expect_error() {
  local name=$1 json=$2 expected=$3
  local dir="$WSPROBE_TEST_TMP/$name/cases"
  mkdir -p "$dir/area"
  printf '%s\n' "$json" > "$dir/area/$name.json"
  local rc=0 out
  out=$("$WSPROBE" cases --validate --dir "$dir" 2>&1) || rc=$?
  [ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2 ($out)"
  grep -qF -- "$expected" <<<"$out" || fail "$name: message '$out' lacks '$expected'"
  echo "ok: $name -> $(head -n1 <<<"$out")"
}

expect_error unknown-step \
  "{\"id\": \"area.unknown-step\", $head, \"steps\": [{\"send_frame\": {\"opcode\": \"text\"}}, {\"sendframe\": {}}]}" \
  'cases/area/unknown-step.json: case "area.unknown-step": steps[1].sendframe: unknown step kind "sendframe"'
expect_error wrong-type \
  "{\"id\": \"area.wrong-type\", $head, \"steps\": [{\"pause\": {\"ms\": \"fifty\"}}]}" \
  'cases/area/wrong-type.json: case "area.wrong-type": steps[0].pause.ms: expected a non-negative integer, found string'
expect_error missing-field \
  "{\"id\": \"area.missing-field\", $head, \"steps\": [{\"send_raw\": {\"chunk\": 1}}]}" \
  'cases/area/missing-field.json: case "area.missing-field": steps[0].send_raw.payload: missing required field'
expect_error empty-matrix \
  "{\"id\": \"area.m-\${n}\", $head, \"matrix\": [], \"steps\": []}" \
  'cases/area/empty-matrix.json: case "area.m-${n}": matrix: expands to no case'

# The shipped cases are valid.
out=$("$WSPROBE" cases --validate --dir "$WSPROBE_SOURCE_DIR/cases") || fail "shipped cases: $out"
grep -qE '^[0-9]+ cases in [0-9]+ files OK$' <<<"$out" || fail "validate summary: $out"
echo "ok: $out"

# The default folder is found from the executable's location (the build folder sits in the
# repository), whatever the current directory; WSPROBE_CASES_DIR overrides it.
out=$(cd "$WSPROBE_TEST_TMP" && "$WSPROBE" cases --validate) || fail "default dir: $out"
out=$(WSPROBE_CASES_DIR="$WSPROBE_TEST_TMP/empty-matrix/cases" "$WSPROBE" cases --validate 2>&1) &&
  fail "WSPROBE_CASES_DIR ignored"

# --list --cases GLOB filters by id, area or Autobahn id.
list_dir="$WSPROBE_TEST_TMP/list/cases"
mkdir -p "$list_dir"
cat > "$list_dir/two.json" <<'JSON'
[
  {"id": "framing.small", "autobahn": "1.1.1", "title": "Small frame", "rfc": ["6455#5.2"],
   "steps": [], "expect": {"OK": []}},
  {"id": "utf8.bad-${n}", "autobahn": "6.4.${n}", "title": "Bad UTF-8 number ${n}", "rfc": ["6455#8.1"],
   "matrix": [{"n": 1}, {"n": 2}], "steps": [], "expect": {"fail": {"codes": [1007]}}}
]
JSON
all=$("$WSPROBE" cases --list --dir "$list_dir")
[ "$(wc -l <<<"$all")" -eq 3 ] || fail "list all: $all"
out=$("$WSPROBE" cases --list --dir "$list_dir" --cases 'framing.*')
[ "$(wc -l <<<"$out")" -eq 1 ] && grep -qE '^framing\.small +\[1\.1\.1\] +Small frame$' <<<"$out" ||
  fail "--cases framing.*: $out"
out=$("$WSPROBE" cases --list --dir "$list_dir" --cases utf8 --exclude '6.4.1')
[ "$(wc -l <<<"$out")" -eq 1 ] && grep -qE '^utf8\.bad-2 +\[6\.4\.2\] +Bad UTF-8 number 2$' <<<"$out" || fail "--cases utf8 --exclude 6.4.1: $out"
out=$("$WSPROBE" cases --list --dir "$list_dir" --cases '6.4.*' --json)
/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert [c["id"] for c in d]==["utf8.bad-1","utf8.bad-2"], d' <<<"$out" ||
  fail "--json: $out"
echo "ok: --list filters"
