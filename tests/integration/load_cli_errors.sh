#!/usr/bin/env bash
# The command line of `wsprobe load`, `wsprobe serve` and `wsprobe report merge` as a user meets
# it (DESIGN.md §2, docs/load.md): `load --help` and docs/load.md list the same options with the
# same defaults; every bad value or conflicting pair is refused before anything runs, with exit
# code 2 and one line on stderr that names the option and the value; an unreachable target (port
# refused, name that does not resolve) exits 2 and still writes load.json and load.html; SIGINT
# during a run exits 130 with both reports; `report merge` refuses no inputs, missing files,
# JSON that is not a load report and the same run twice with exit code 2.
# Standalone on purpose (no lib.sh).
set -euo pipefail

: "${WSPROBE:?path to the wsprobe binary}"
TMP="${WSPROBE_TEST_TMP:-$(mktemp -d)}"
SRC="${WSPROBE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
PY=/usr/bin/python3
rm -rf "$TMP"
mkdir -p "$TMP"

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

failed=0
fail() {
  echo "FAIL: $*" >&2
  failed=1
}

# A TCP port on 127.0.0.1 that nobody listens on (bound, then closed).
free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
REFUSED="ws://127.0.0.1:$(free_port)/"

# expect_usage "TEXT" COMMAND ARGS...: `wsprobe COMMAND ARGS` exits 2 at once, with exactly one
# line on stderr that starts with "wsprobe COMMAND: " and contains TEXT, and writes no report.
n=0
expect_usage() {
  local text="$1"
  shift
  n=$((n + 1))
  local dir="$TMP/usage-$n" rc=0
  local extra=()
  [[ "$1" == load && " $* " != *" --report-dir "* ]] && extra=(--report-dir "$dir")
  timeout 20 "$WSPROBE" "$@" "${extra[@]}" >"$TMP/out" 2>"$TMP/err" || rc=$?
  local lines
  lines=$(wc -l <"$TMP/err")
  if [[ $rc -ne 2 ]]; then
    fail "wsprobe $* exited $rc (expected 2); stderr: $(cat "$TMP/err")"
  elif [[ $lines -ne 1 ]]; then
    fail "wsprobe $*: $lines lines on stderr (expected one): $(cat "$TMP/err")"
  elif ! grep -qF -- "wsprobe $1" "$TMP/err" || ! grep -qF -- "$text" "$TMP/err"; then
    fail "wsprobe $*: stderr lacks 'wsprobe $1' or '$text'; it was: $(cat "$TMP/err")"
  elif [[ -e "$dir/load.json" ]]; then
    fail "wsprobe $*: a usage error wrote $dir/load.json"
  else
    echo "ok   $*  ->  $(cat "$TMP/err")"
  fi
}

# 1. `load --help` and docs/load.md: the same options, the same defaults.
"$WSPROBE" load --help >"$TMP/load-help.txt"
if "$PY" - "$TMP/load-help.txt" "$SRC/docs/load.md" <<'PYEOF'; then
import re, sys
help_text, doc = open(sys.argv[1]).read(), open(sys.argv[2]).read()
helped = set(re.findall(r"^\s+(--[a-z][a-z0-9-]*)", help_text, re.M)) - {"--help"}
# Options are documented in two tables: "| model | options |" (second column) and
# "| option | default |" (first column).
rows, documented, table = [], set(), None
for line in doc.splitlines():
    if not line.startswith("|"):
        table = None
        continue
    cells = [c.strip() for c in line.split("|")[1:-1]]
    if table is None:
        table = {"model": 1, "option": 0}.get(cells[0])
        continue
    if table is None or set(cells[0]) <= set("-: "):
        continue
    if table == 0:
        rows.append(cells)
    for span in re.findall(r"`([^`]*)`", cells[table]):
        documented |= set(re.findall(r"(?<![a-z-])(--[a-z][a-z0-9-]*)", span))
problems = []
if helped - documented:
    problems.append(f"in --help, not in docs/load.md's tables: {sorted(helped - documented)}")
if documented - helped:
    problems.append(f"in docs/load.md's tables, not in --help: {sorted(documented - helped)}")
# Defaults: the Options table's default column against --help's "=VALUE".
helped_default = dict(re.findall(r"^\s+(--[a-z][a-z0-9-]*) [A-Z]+=(\S+)", help_text, re.M))
for cells in rows:
    m = re.match(r"`(--[a-z][a-z0-9-]*)", cells[0])
    if not m or not re.fullmatch(r"[0-9a-z/.]+", cells[1]) or not re.search(r"[0-9/]", cells[1]):
        continue
    flag, doc_default = m.group(1), cells[1]
    if helped_default.get(flag) != doc_default:
        problems.append(f"{flag}: docs/load.md says default {doc_default}, --help "
                        f"{helped_default.get(flag)}")
for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PYEOF
  echo "ok   load --help and docs/load.md list the same options and defaults"
else
  fail "load --help and docs/load.md disagree"
fi

# 2. Bad values and conflicts: refused before connecting, exit 2, one line naming option and value.
U=ws://127.0.0.1:9/
expect_usage "bad URL 'nope': scheme must be ws:// or wss://" load nope
expect_usage "bad URL 'http://127.0.0.1:9/': scheme must be ws:// or wss://" load http://127.0.0.1:9/
expect_usage "bad URL 'ws://127.0.0.1:0/': port must be a number from 1 to 65535" load ws://127.0.0.1:0/
expect_usage "bad URL 'ws://127.0.0.1:99999/'" load ws://127.0.0.1:99999/
expect_usage "--connections 0: must be a whole number of at least 1" load $U --connections 0
expect_usage "--connections -1: must be a whole number of at least 1" load $U --connections -1
expect_usage "--connections abc: must be a whole number of at least 1" load $U --connections abc
expect_usage "--connections 1.5: must be a whole number" load $U --connections 1.5
expect_usage "--rate 0: must be a number of messages per second above 0" load $U --rate 0
expect_usage "--rate -5: must be" load $U --rate -5
expect_usage "--rate nan: must be" load $U --rate nan
expect_usage "--rate-per-conn 0: must be" load $U --rate-per-conn 0
expect_usage "--in-flight 0: must be a whole number of at least 1" load $U --in-flight 0
expect_usage "--in-flight -3: must be a whole number of at least 1" load $U --in-flight -3
expect_usage "--connect-rate -1: must be" load $U --connect-rate -1
expect_usage "--max-pending-handshakes 0: must be a whole number of at least 1" load $U --max-pending-handshakes 0
expect_usage "--duration 0: must be a number of seconds above 0" load $U --duration 0
expect_usage "--duration -1: must be" load $U --duration -1
expect_usage "--duration inf: must be" load $U --duration inf
expect_usage "--duration 10s: must be" load $U --duration 10s
expect_usage "--warmup -1: must be" load $U --warmup -1
expect_usage "--threads 0: must be a whole number of at least 1" load $U --threads 0
expect_usage "--ping-interval 0: must be" load $U --idle --ping-interval 0
expect_usage "--size 8: must be at least 16 bytes" load $U --size 8
expect_usage "--size -1: must be at least 16 bytes" load $U --size -1
expect_usage "--size 2000000000: must be at most 1073741824 bytes" load $U --size 2000000000
expect_usage "--size-dist '300:20': MIN is larger than MAX" load $U --size-dist 300:20
expect_usage "--size-dist '10:20': MIN must be at least 16 bytes" load $U --size-dist 10:20
expect_usage "--size-dist '16:20x': must be MIN:MAX" load $U --size-dist 16:20x
expect_usage "--size-dist '-5:20': must be MIN:MAX" load $U --size-dist -5:20
expect_usage "--payload-file '$TMP/missing': cannot read it (No such file or directory)" \
  load $U --payload-file "$TMP/missing"
: >"$TMP/empty"
expect_usage "--payload-file '$TMP/empty': holds 0 bytes, at least 16 are needed" \
  load $U --payload-file "$TMP/empty"
printf '0123456789abcdef\377\376' >"$TMP/binary"
expect_usage "--payload-file '$TMP/binary': not valid UTF-8 at byte 16" \
  load $U --payload-file "$TMP/binary" --text
expect_usage "--source-ip 'nope': not an IP address" load $U --source-ip nope
expect_usage "--source-ip '127.0.0.1,': not an IP address" load $U --source-ip 127.0.0.1,
expect_usage "--source-ip 127.0.0.1 and ::1: IPv4 and IPv6 cannot be mixed" \
  load $U --source-ip 127.0.0.1,::1
if [[ "$(cat /proc/sys/net/ipv4/ip_nonlocal_bind 2>/dev/null || echo 0)" == 0 ]]; then
  expect_usage "--source-ip 192.0.2.1: not an address of this machine" load $U --source-ip 192.0.2.1
fi
expect_usage "--shard must be K/N (K from 0 to N-1) or auto/N, not 'x'" load $U --shard x
expect_usage "--shard must be K/N (K from 0 to N-1) or auto/N, not ''" load $U --shard ''
expect_usage "--shard 4/4: shards are counted from 0" load $U --shard 4/4 --connections 4
expect_usage "--shard 0/4: 2 connections cannot be split over 4 shards" \
  load $U --shard 0/4 --connections 2
expect_usage "--start-at 'nope': not a time" load $U --start-at nope
expect_usage "--start-at '': not a time" load $U --start-at ''
expect_usage "--start-at '2026-12-03T10:00:00': give the time in UTC" \
  load $U --start-at 2026-12-03T10:00:00
expect_usage "--start-at '0' (1970-01-01T00:00:00.000Z) was more than 7 days ago" \
  load $U --start-at 0
expect_usage "--rate and --idle exclude each other" load $U --idle --rate 10
expect_usage "--rate and --in-flight exclude each other" load $U --in-flight 2 --rate 10
expect_usage "--rate and --rate-per-conn exclude each other" load $U --rate 10 --rate-per-conn 1
expect_usage "--send-only and --idle exclude each other" load $U --send-only --idle
expect_usage "--send-only and --in-flight exclude each other" load $U --send-only --in-flight 2
expect_usage "--ping-interval 2: needs --idle" load $U --rate 10 --ping-interval 2
expect_usage "--size and --idle exclude each other" load $U --idle --size 100
expect_usage "--size and --size-dist exclude each other" load $U --size 100 --size-dist 16:20
expect_usage "--text and --binary exclude each other" load $U --text --binary
expect_usage "--ca '$TMP/missing.pem': cannot read it" load wss://127.0.0.1:9/ --ca "$TMP/missing.pem"
echo x >"$TMP/afile"
expect_usage "--report-dir '$TMP/afile/sub': cannot create it" \
  load $U --report-dir "$TMP/afile/sub"

# 3. Unreachable targets: exit 2, a message that says why, and the reports all the same.
# run_unreachable NAME TEXT URL: 3 connections to URL fail; stderr's last line has TEXT.
run_unreachable() {
  local name="$1" text="$2" url="$3" rc=0
  timeout 60 "$WSPROBE" load "$url" --connections 3 --duration 0.5 --quiet \
    --report-dir "$TMP/$name" >"$TMP/$name.out" 2>"$TMP/$name.err" || rc=$?
  if [[ $rc -ne 2 ]]; then
    fail "$name: exit code $rc, expected 2: $(cat "$TMP/$name.err")"
  elif ! grep -qF -- "$text" "$TMP/$name.err"; then
    fail "$name: stderr lacks '$text': $(cat "$TMP/$name.err")"
  elif [[ ! -s "$TMP/$name/load.json" || ! -s "$TMP/$name/load.html" ]]; then
    fail "$name: no load.json or load.html in $TMP/$name"
  elif ! "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
assert s["connections"] == 0 and s["connect_errors"] == 3, s
assert sum(s["errors"].values()) == 3, s["errors"]' "$TMP/$name/load.json"; then
    fail "$name: load.json does not count 3 failed connections"
  else
    echo "ok   $name  ->  $(tail -n1 "$TMP/$name.err")"
  fi
}
run_unreachable refused "no connection to $REFUSED could be established (connect_refused 3)" \
  "$REFUSED"
# .invalid never resolves (RFC 6761).
run_unreachable unresolvable "no connection to ws://nosuch.invalid:80/: cannot resolve 'nosuch.invalid'" \
  ws://nosuch.invalid/

# 4. SIGINT during a run: exit 130, with load.json (interrupted) and load.html.
"$WSPROBE" serve --listen 127.0.0.1:0 >"$TMP/server.out" 2>"$TMP/server.err" &
server_pid=$!
pids+=("$server_pid")
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^listening on //p' "$TMP/server.out" | head -n1)"
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || {
  fail "wsprobe serve did not start: $(cat "$TMP/server.err")"
  exit 1
}
"$WSPROBE" load "$url" --connections 2 --rate 200 --duration 30 --threads 1 \
  --report-dir "$TMP/sigint" >"$TMP/sigint.out" 2>"$TMP/sigint.err" &
load_pid=$!
pids+=("$load_pid")
# Once the run is going (its first status line): a signal before the handler kills outright.
for _ in $(seq 1 200); do
  grep -q "conns" "$TMP/sigint.err" 2>/dev/null && break
  sleep 0.05
done
kill -INT "$load_pid"
rc=0
wait "$load_pid" || rc=$?
if [[ $rc -ne 130 ]]; then
  fail "sigint: exit code $rc, expected 130: $(tail -n3 "$TMP/sigint.err")"
elif [[ ! -s "$TMP/sigint/load.html" ]] || ! "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
assert s["interrupted"] is True and s["connections"] == 2, s' "$TMP/sigint/load.json"; then
  fail "sigint: no load.html, or load.json does not say interrupted"
else
  echo "ok   SIGINT -> 130, load.json (interrupted) and load.html"
fi

# A good run to merge below.
rc=0
"$WSPROBE" load "$url" --connections 2 --rate 100 --duration 0.5 --threads 1 --quiet \
  --report-dir "$TMP/good" >/dev/null 2>"$TMP/good.err" || rc=$?
[[ $rc -eq 0 ]] || fail "good run: exit code $rc: $(cat "$TMP/good.err")"

# 5. serve: negative numbers are refused, not wrapped around to huge ones.
expect_usage "--threads -1: must be at least 1" serve --listen 127.0.0.1:0 --threads -1
expect_usage "--max-message-size -1: must be at least 1" serve --listen 127.0.0.1:0 \
  --max-message-size -1
expect_usage "bad listen address '127.0.0.1:99999'" serve --listen 127.0.0.1:99999
kill -TERM "$server_pid"
wait "$server_pid" 2>/dev/null || true

# 6. report merge: what cannot be merged is refused by name, exit 2.
echo '{"a": 1}' >"$TMP/other.json"
echo 'not json' >"$TMP/notjson.json"
echo '{"schema": "wsprobe-load/1"}' >"$TMP/nosummary.json"
"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
r["params"]["shard"] = {"index": "x", "count": 2}
json.dump(r, open(sys.argv[2], "w"))' "$TMP/good/load.json" "$TMP/badshard.json"
mkdir -p "$TMP/emptydir"
expect_usage "nothing to merge" report merge --out "$TMP/merged"
expect_usage "cannot read '$TMP/missing.json': no such file or folder" \
  report merge "$TMP/missing.json" --out "$TMP/merged"
expect_usage "cannot read '$TMP/missing.json': no such file or folder" \
  report merge "$TMP/good/load.json" "$TMP/missing.json" --out "$TMP/merged"
expect_usage "$TMP/other.json is neither a conformance report (schema wsprobe-report/1) nor a load report (schema wsprobe-load/1)" \
  report merge "$TMP/other.json" --out "$TMP/merged"
expect_usage "$TMP/other.json is not a load report (schema wsprobe-load/1; no schema)" \
  report merge "$TMP/good/load.json" "$TMP/other.json" --out "$TMP/merged"
expect_usage "$TMP/notjson.json is not JSON" \
  report merge "$TMP/good" "$TMP/notjson.json" --out "$TMP/merged"
expect_usage "$TMP/nosummary.json is not a usable load report: no summary object" \
  report merge "$TMP/nosummary.json" --out "$TMP/merged"
expect_usage "$TMP/badshard.json is not a usable load report: params.shard must be" \
  report merge "$TMP/badshard.json" --out "$TMP/merged"
expect_usage "'$TMP/emptydir' holds neither index.json nor load.json" \
  report merge "$TMP/emptydir" --out "$TMP/merged"
expect_usage "hold the same run: it would be counted twice" \
  report merge "$TMP/good/load.json" "$TMP/good" --out "$TMP/merged"
[[ ! -e "$TMP/merged/load.json" ]] || fail "a refused merge wrote $TMP/merged/load.json"
# ... and what can be merged is: exit 1 here, the refused run's errors count.
rc=0
"$WSPROBE" report merge "$TMP/good" "$TMP/refused/load.json" --out "$TMP/merged" \
  >"$TMP/merge.out" 2>"$TMP/merge.err" || rc=$?
if [[ $rc -ne 1 || ! -s "$TMP/merged/load.json" ]]; then
  fail "merge of a good and a refused run: exit code $rc (expected 1): $(cat "$TMP/merge.err")"
else
  echo "ok   report merge good refused  ->  $(cat "$TMP/merge.out")"
fi

[[ $failed -eq 0 ]] && echo "load_cli_errors: all checks passed"
exit $failed
