#!/usr/bin/env bash
# `wsprobe test-client` runs every case for clients against both reference clients (Boost.Beast
# and our own strict one), each driven both ways: the Autobahn testee protocol
# (`echo-client URL`) and --spawn (`echo-client --once {url}`, one process per case). Each run
# has the expected number of cases and no FAILED case but the known differences of that client
# (cases whose known_differences name "beast"; our own client has none), and every such case
# does FAIL (so the list stays true); spawned clients that exit on their own exit 0; and the two
# driving modes give every case the same verdict. The four runs go at once, on port 0.
set -euo pipefail
: "${WSPROBE:?}" "${WSPROBE_SOURCE_DIR:?}" "${WSPROBE_TEST_TMP:?}"
. "$(dirname "$0")/lib.sh"
cases_dir="$WSPROBE_SOURCE_DIR/cases"

# test_client NAME ARGS...: `wsprobe test-client ARGS` in the background (300 s at most).
declare -A server_pid
test_client() {
  local name=$1; shift
  start timeout 300 "$WSPROBE" test-client --listen 127.0.0.1:0 --cases-dir "$cases_dir" \
    --report-dir "$tmp/$name" --quiet "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  server_pid[$name]=$!
}

# url_of NAME: the URL test-client NAME printed (5 s at most).
url_of() { listening_url "$tmp/$1.out" 5 || fail "$1: no listening line: $(cat "$tmp/$1.err")"; }

declare -A client_pid
for impl in beast wsprobe; do
  test_client "$impl-testee" --exit-after-reports 1
  test_client "$impl-spawn" --agent "$impl" --spawn "$WSPROBE echo-client --impl $impl --once {url}"
done
for impl in beast wsprobe; do
  url=$(url_of "$impl-testee")
  start timeout 240 "$WSPROBE" echo-client --impl "$impl" --agent "$impl" "$url" \
    >"$tmp/$impl-testee.client.out" 2>&1
  client_pid[$impl]=$!
done

declare -A rc
for impl in beast wsprobe; do
  c=0
  wait "${client_pid[$impl]}" || c=$?
  [ "$c" -eq 0 ] || fail "$impl: echo-client (testee) exited $c: $(tail -3 "$tmp/$impl-testee.client.out")"
done
for name in beast-testee beast-spawn wsprobe-testee wsprobe-spawn; do
  c=0
  wait "${server_pid[$name]}" || c=$?
  rc[$name]=$c
done

"$WSPROBE" cases --list --json --dir "$cases_dir" >"$tmp/cases.json"
$py - "$tmp" "${rc[beast-testee]}" "${rc[beast-spawn]}" "${rc[wsprobe-testee]}" "${rc[wsprobe-spawn]}" <<'PY'
import json, sys
tmp = sys.argv[1]
rcs = dict(zip(["beast-testee", "beast-spawn", "wsprobe-testee", "wsprobe-spawn"], map(int, sys.argv[2:6])))
cases = [c for c in json.load(open(f"{tmp}/cases.json"))
         if c["under_test"] != "server" and "h1" in c["transport"]]
problems = []
verdicts = {}
for name, rc in rcs.items():
    impl, mode = name.split("-")
    r = json.load(open(f"{tmp}/{name}/index.json"))
    by_id = {x["case"]: x for x in r["results"]}
    verdicts[name] = {c: (x["verdict"], x["close_verdict"]) for c, x in by_id.items()}
    # Only the cases whose known_differences name this client may FAIL, and each of them must.
    known = {c["id"]: c["known_differences"][impl] for c in cases if impl in c["known_differences"]}
    failed = {c: x["observed"].get("reason", "") for c, x in by_id.items() if x["verdict"] == "FAILED"}
    if r["mode"] != "test-client" or r["target"]["agent"] != impl:
        problems.append(f"{name}: mode {r['mode']}, agent {r['target']['agent']}")
    if len(by_id) != len(cases) or r["summary"]["total"] != len(cases):
        problems.append(f"{name}: {len(by_id)} cases, expected {len(cases)}")
    for c in sorted(set(failed) - set(known)):
        problems.append(f"{name}: {c} FAILED: {failed[c]}")
    for c in sorted(set(known) - set(failed)):
        problems.append(f"{name}: known difference {c} no longer FAILS ({by_id.get(c, {}).get('verdict')})")
    if rc != (1 if failed else 0):
        problems.append(f"{name}: exit {rc} with {len(failed)} FAILED")
    if mode == "spawn":
        # A client judged but still tearing down 300 ms later is killed (a loaded machine);
        # one that exited must have exited 0 (a never-judged one FAILS above).
        killed = 0
        for c, x in by_id.items():
            p = x["observed"]["client_process"]
            killed += p["killed_at_deadline"]
            if not p["killed_at_deadline"] and p["exit_code"] != 0:
                problems.append(f"{name}: {c}: client process {p}")
        if killed:
            print(f"  {name}: {killed} client(s) killed after their case was judged")
    s = r["summary"]
    print(f"{name}: {s['total']} cases, OK {s['OK']}, NON-STRICT {s['NON-STRICT']}, "
          f"INFORMATIONAL {s['INFORMATIONAL']}, FAILED {s['FAILED']} ({', '.join(sorted(failed)) or 'none'}), "
          f"{r['duration_ms'] / 1000:.1f} s")
    for c, x in sorted(by_id.items()):
        if x["verdict"] == "NON-STRICT":
            print(f"  NON-STRICT {c}: {x['observed'].get('reason', '')}")
# Beast 1.74's client teardown (websocket/impl/teardown.hpp) drops the byte count of its read and
# stops at the first bytes it gets: after failing a connection it closes TCP as soon as the
# server's close reply arrives, before the server closes (§7.1.1 SHOULD), so its close verdict
# there is NON-STRICT or, when our TCP close wins the race, OK. Case verdicts must agree exactly.
for impl in ("beast", "wsprobe"):
    a, b = verdicts[f"{impl}-testee"], verdicts[f"{impl}-spawn"]
    raced = 0
    for c in sorted(a):
        if c not in b or a[c][0] != b[c][0]:
            problems.append(f"{impl}: {c} is {a[c]} through the testee protocol, {b.get(c)} through --spawn")
        elif a[c][1] != b[c][1]:
            if impl == "beast" and {a[c][1], b[c][1]} == {"OK", "NON-STRICT"}:
                raced += 1
            else:
                problems.append(f"{impl}: {c} close verdict {a[c][1]} (testee) vs {b[c][1]} (--spawn)")
    print(f"{impl}: testee and --spawn agree on {len(a)} case verdicts"
          + (f" ({raced} close verdicts OK in one mode, NON-STRICT in the other: Beast's teardown race)" if raced else ""))
if problems:
    print("\n".join("PROBLEM: " + p for p in problems))
    sys.exit(1)
print("both reference clients pass every client case through both driving modes")
PY
