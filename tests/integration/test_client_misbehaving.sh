#!/usr/bin/env bash
# `wsprobe test-client` against clients that misbehave (tests/peers/misbehaving_client.py, raw
# sockets): one that connects and never sends a byte, one that sends half its request, one that
# completes the upgrade and then neither reads nor sends, one that floods data frames and one
# that floods pings (never reading either), one that drops TCP in the middle of a frame, one that
# resets the connection mid-case. Through --spawn (one run per behaviour, all at once) and
# through the testee protocol (a different behaviour per case, plus a stray connection that
# never sends anything), with --timeout 1000: every case gets a verdict (FAILED, for the reason
# that behaviour calls for), no case outlives its deadline + close timeout + window + 1 s (+ slack
# for a loaded machine), each run ends within the sum of its cases' budgets, and the report is
# written. A 16 MiB message to a client that does not read (our write blocks) ends at the case
# deadline too.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
. "$(dirname "$0")/lib.sh"
client="$py $WSPROBE_SOURCE_DIR/tests/peers/misbehaving_client.py"
cases_dir="$WSPROBE_SOURCE_DIR/cases"

# A case of our own: its 1.5 s deadline is shorter than the time a client that does not read
# needs to take 16 MiB off the socket (the shipped limits.* cases allow 60 s).
mkdir -p "$tmp/stall-cases"
cat >"$tmp/stall-cases/stall.json" <<'EOF'
[{"id": "stall.echo-16-mib", "title": "A 16 MiB binary message to a client that may not read it",
  "rfc": ["6455#5.6"], "under_test": "client", "timeout_ms": 1500,
  "steps": [{"send_message": {"opcode": "binary", "payload": {"repeat": "*", "bytes": 16777216}}},
            {"await": "echo"}],
  "expect": {"OK": {"echo": true}}}]
EOF

four=(--cases client.mask-every-frame --cases framing.binary-65536-bytes
  --cases client.server-close-1000 --cases pingpong.ping-empty)
two=(--cases client.mask-every-frame --cases pingpong.ping-empty)

# spawn NAME MODE CASES_DIR ARGS...: a --spawn run in the background, 120 s at most.
declare -A pid_of start_of
spawn() {
  local name=$1 mode=$2 dir=$3
  shift 3
  start_of[$name]=$(date +%s%N)
  start timeout 120 "$WSPROBE" test-client --listen 127.0.0.1:0 --cases-dir "$dir" --timeout 1000 \
    --report-dir "$tmp/$name" --agent "$name" --spawn "$client $mode {url}" "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err"
  pid_of[$name]=$!
}
spawn mute mute "$cases_dir" "${two[@]}"
spawn half-request half-request "$cases_dir" "${two[@]}"
for mode in silent flood ping-flood half-frame reset; do
  spawn "$mode" "$mode" "$cases_dir" "${four[@]}"
done
spawn stall-silent silent "$tmp/stall-cases"
spawn stall-ping-flood ping-flood "$tmp/stall-cases"

# The testee protocol: case N gets behaviour N (silent, flood, ping-flood, half-frame, reset).
start_of[testee]=$(date +%s%N)
start timeout 120 "$WSPROBE" test-client --listen 127.0.0.1:0 --cases-dir "$cases_dir" --timeout 1000 \
  --report-dir "$tmp/testee" --exit-after-reports 1 "${four[@]}" --cases framing.text-125-bytes \
  >"$tmp/testee.out" 2>"$tmp/testee.err"
pid_of[testee]=$!
url=$(listening_url "$tmp/testee.out" 5) || fail "testee: no listening line: $(cat "$tmp/testee.err")"
# shellcheck disable=SC2086  # $client is a command line
start timeout 90 $client testee "$url" silent flood ping-flood half-frame reset \
  >"$tmp/testee.client.out" 2>&1
testee_client=$!

# Each run's wall time: poll (every 50 ms, 150 s at most) until every process has ended.
declare -A end_of
for _ in $(seq 3000); do
  running=0
  for name in "${!pid_of[@]}"; do
    [ -n "${end_of[$name]:-}" ] && continue
    if kill -0 "${pid_of[$name]}" 2>/dev/null; then running=1; else end_of[$name]=$(date +%s%N); fi
  done
  [ $running -eq 0 ] && break
  sleep 0.05
done
c=0
wait "$testee_client" || c=$?
[ "$c" -eq 0 ] || fail "the misbehaving testee exited $c: $(tail -3 "$tmp/testee.client.out")"
results=()
for name in "${!pid_of[@]}"; do
  c=0
  wait "${pid_of[$name]}" || c=$?
  [ -n "${end_of[$name]:-}" ] || fail "$name still running after 150 s"
  results+=("$name=$c=$(((end_of[$name] - start_of[$name]) / 1000000))")
done

$py - "$tmp" "${results[@]}" <<'PY'
import json, os, sys
tmp = sys.argv[1]
# Budgets (harness/run/README.md): a case ends by deadline + close timeout (min(--timeout, 1000))
# + window (200) + 1 s; a spawned client is judged by deadline + close timeout + window + watch
# (500) + 2 s, then has 300 ms to exit; 500 ms more to see whether it connected at all.
# SLACK: the floods keep both cores busy (and ctest runs other tests beside this one), so
# timers fire late; a stall would overrun by the 60 s of a shipped limits case or forever.
SLACK_MS = 2000
def case_cap_ms(deadline):
    return deadline + 1000 + 200 + 1000 + SLACK_MS
def spawn_budget_ms(deadline):
    return deadline + 1000 + 200 + 500 + 2000 + 300 + 500
# What each behaviour must be failed for (a text in observed.reason; "" = any FAILED).
reason = {
    "mute": "did not send the case's opening handshake",
    "half-request": "did not send the case's opening handshake",
    "silent": "timeout",
    "flood": "",
    # The pongs pile up until our writes block (a timeout), unless the client's bounded flood
    # ends first on a fast machine and it closes (the case's outcome does not match): any FAILED.
    "ping-flood": "",
    "half-frame": "",
    "reset": "",
    "stall-silent": "deadline passed while sending",
    # Like ping-flood: the client's bounded flood may end and close before our write times out
    # (stall-silent is the case that must be cut by the deadline while sending).
    "stall-ping-flood": "",
}
problems = []
for arg in sys.argv[2:]:
    name, rc, wall_ms = arg.rsplit("=", 2)
    rc, wall_ms = int(rc), int(wall_ms)
    path = os.path.join(tmp, name, "index.json")
    if not os.path.exists(path):
        problems.append(f"{name}: no report (exit {rc})")
        continue
    r = json.load(open(path))
    results = r["results"]
    deadline = 1500 if name.startswith("stall") else 1000
    expected = {"mute": 2, "half-request": 2, "testee": 5}.get(name, 1 if name.startswith("stall") else 4)
    if rc != 1:
        problems.append(f"{name}: exit {rc}, expected 1")
    if len(results) != expected or r["summary"].get("not_run", 0):
        problems.append(f"{name}: {len(results)} verdicts, expected {expected} (summary {r['summary']})")
    for x in results:
        why = x["observed"].get("reason", "")
        if x["verdict"] != "FAILED":
            problems.append(f"{name}: {x['case']} is {x['verdict']} ({why})")
        if reason.get(name, "") not in why:
            problems.append(f"{name}: {x['case']}: reason {why!r} lacks {reason[name]!r}")
        if x["duration_ms"] > case_cap_ms(deadline):
            problems.append(f"{name}: {x['case']} took {x['duration_ms']} ms (cap {case_cap_ms(deadline)})")
    bound = (spawn_budget_ms(deadline) if name != "testee" else case_cap_ms(deadline)) * expected + 3000
    if wall_ms > bound:
        problems.append(f"{name}: the run took {wall_ms} ms, bound {bound}")
    print(f"{name}: {len(results)} cases FAILED as expected, run {wall_ms / 1000:.1f} s (bound {bound / 1000:.1f} s), "
          f"longest case {max(x['duration_ms'] for x in results)} ms")
if problems:
    print("\n".join("PROBLEM: " + p for p in problems))
    sys.exit(1)
print("every misbehaving client judged on time, reports written")
PY
