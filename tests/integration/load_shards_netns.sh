#!/usr/bin/env bash
# Four `wsprobe load` shards as separate processes, each in its own network namespace (its own
# address on a private /24 bridged to the root namespace), against `wsprobe serve` in the root
# namespace, all with the same --start-at. Checks that the server saw the four addresses, that
# every shard took its share and started on time, and that `wsprobe report merge` of the four
# load.json equals their sums: counters, errors by kind, histograms bucket by bucket (so the
# merged percentiles are those of the union), series by second.
# Needs root (CAP_NET_ADMIN) for `ip netns`; without it the test says so and exits 77 (skip).
set -euo pipefail

: "${WSPROBE:?path to the wsprobe binary}"
. "$(dirname "$0")/lib.sh"
SHARDS=4

# Names unique to this run (interface names are at most 15 characters).
tag=$(($$ % 100000))
bridge="wspbr$tag"
namespaces=()
pids=()

cleanup() {
  stop_all
  # Root-side veth ends first: a deleted namespace lets go of its end only later.
  for k in $(seq 0 $((SHARDS - 1))); do ip link del "wspv$tag-$k" 2>/dev/null || true; done
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$bridge" 2>/dev/null || true
}
trap cleanup EXIT

if ! command -v ip >/dev/null || ! ip netns add "wspns$tag-probe" 2>/dev/null; then
  echo "SKIP: cannot create network namespaces (needs root / CAP_NET_ADMIN and iproute2)"
  exit 77
fi
ip netns del "wspns$tag-probe"

# A /24 of 10.77.0.0/16 that no interface here uses yet.
net=""
for i in $(seq 0 40); do
  candidate="10.77.$(((tag + i) % 250)).0"
  prefix=${candidate%.0}
  if ! ip -4 addr show | grep -q "inet $prefix\."; then
    net=$prefix
    break
  fi
done
[[ -n "$net" ]] || fail "no free 10.77.x.0/24"

ip link add "$bridge" type bridge
ip addr add "$net.1/24" dev "$bridge"
ip link set "$bridge" up
for k in $(seq 0 $((SHARDS - 1))); do
  ns="wspns$tag-$k"
  ip netns add "$ns"
  namespaces+=("$ns")
  ip link add "wspv$tag-$k" type veth peer name "wspp$tag-$k"
  ip link set "wspv$tag-$k" master "$bridge" up
  ip link set "wspp$tag-$k" netns "$ns"
  ip -n "$ns" link set "wspp$tag-$k" name eth0
  ip -n "$ns" addr add "$net.$((10 + k))/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
done

start_listening 10 server "$WSPROBE" serve --impl wsprobe --listen "$net.1:0"
port=${url##*:}
port=${port%%/*}

# Every namespace reaches the server before the clock starts (ARP, bridge learning).
for k in $(seq 0 $((SHARDS - 1))); do
  ip netns exec "wspns$tag-$k" "$py" -c "
import socket, sys
s = socket.create_connection(('$net.1', $port), timeout=5); s.close()" \
    || fail "namespace $k cannot reach $net.1:$port"
done

# 10 connections and 800 messages/s for 3 s over four shards: 3, 3, 2, 2 connections; 240, 240, 160,
# 160 messages/s. Two shards take their index from JOB_COMPLETION_INDEX (as in an Indexed Job).
start_at=$(($(date +%s) + 3))
for k in $(seq 0 $((SHARDS - 1))); do
  if ((k < 2)); then shard="auto/$SHARDS"; else shard="$k/$SHARDS"; fi
  start ip netns exec "wspns$tag-$k" env JOB_COMPLETION_INDEX="$k" timeout 60 \
    "$WSPROBE" load "ws://$net.1:$port/" --shard "$shard" --start-at "$start_at" \
    --connections 10 --rate 800 --duration 3 --threads 1 --quiet \
    --report-dir "$tmp/shard-$k" >"$tmp/shard-$k.out" 2>"$tmp/shard-$k.err"
  pids+=($!)
done

# While they run: the server's peers are the four namespaces' addresses.
peers="$tmp/peers.txt"
: >"$peers"
for _ in $(seq 1 50); do
  ss -Htn state established "( sport = :$port )" | awk '{print $4}' | sed 's/:[0-9]*$//' \
    >>"$peers" || true
  [[ $(sort -u "$peers" | wc -l) -ge $SHARDS ]] && break
  sleep 0.2
done

for k in $(seq 0 $((SHARDS - 1))); do
  rc=0
  wait "${pids[$k]}" || rc=$?
  [[ $rc -eq 0 ]] || fail "shard $k exited $rc: $(cat "$tmp/shard-$k.err")"
done

expected_peers=$(for k in $(seq 0 $((SHARDS - 1))); do echo "$net.$((10 + k))"; done)
[[ "$(sort -u "$peers")" == "$(echo "$expected_peers" | sort)" ]] ||
  fail "the server's peers were not the four namespaces: $(sort -u "$peers" | tr '\n' ' ')"

rc=0
"$WSPROBE" report merge "$tmp"/shard-{0..3}/load.json --out "$tmp/merged" \
  >"$tmp/merge.out" 2>"$tmp/merge.err" || rc=$?
[[ $rc -eq 0 && ! -s "$tmp/merge.err" ]] ||
  fail "report merge exited $rc or warned: $(cat "$tmp/merge.err")"

"$py" - "$tmp" "$SHARDS" "$start_at" <<'PYEOF'
import datetime, json, math, sys
def started(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
tmp, n, start_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
shards = [json.load(open(f"{tmp}/shard-{k}/load.json")) for k in range(n)]
m = json.load(open(f"{tmp}/merged/load.json"))
problems = []
def check(ok, what):
    if not ok:
        problems.append(what)

# Each shard: its index, its share, the common start.
for k, r in enumerate(shards):
    p, s = r["params"], r["summary"]
    check(p["shard"]["index"] == k and p["shard"]["count"] == n, f"shard {k}: {p['shard']}")
    check(p["connections"] == [3, 3, 2, 2][k], f"shard {k}: {p['connections']} connections")
    check(p["rate"] == [240, 240, 160, 160][k], f"shard {k}: rate {p['rate']}")
    check(p["start_at"] == started(start_at), f"shard {k}: start_at {p['start_at']}")
    check(s["start_late_s"] < 0.5, f"shard {k} started {s['start_late_s']} s late")
    check(s["connections"] == p["connections"], f"shard {k}: {s['connections']} up")
    check(s["messages_received"] > 0, f"shard {k} received nothing")
    check(sum(s["errors"].values()) == 0, f"shard {k} errors {s['errors']}")
    # t counts from the start time: whole seconds (plus the lateness).
    check(all(abs(pt["t"] - round(pt["t"])) < 0.5 for pt in r["series"]), f"shard {k} series t")

ms = m["summary"]
for key in ("connections", "connect_errors", "messages_scheduled", "messages_sent",
            "messages_received", "bytes_sent", "bytes_received"):
    check(ms[key] == sum(r["summary"][key] for r in shards), f"summary.{key}")
for key in ("offered_rate", "achieved_rate"):
    check(math.isclose(ms[key], sum(r["summary"][key] for r in shards)), f"summary.{key}")
for kind in shards[0]["summary"]["errors"]:
    check(ms["errors"][kind] == sum(r["summary"]["errors"][kind] for r in shards), f"errors.{kind}")
check(m["params"]["connections"] == 10 and m["params"]["rate"] == 800, f"params {m['params']}")
check(m["params"]["shard"]["missing"] == [], "missing shards")
check(len(m["shards"]) == n, "shards[]")

# Histograms: bucket by bucket, the sum of the shards'.
def added(name):
    total = {}
    for r in shards:
        for v, c in r["histograms"][name]:
            total[v] = total.get(v, 0) + c
    return sorted([v, c] for v, c in total.items())
for name in ("latency_us", "connect_us", "upgrade_us"):
    check(m["histograms"][name] == added(name), f"histograms.{name}")

# Percentiles of the union, with the histogram's own bucket arithmetic (harness/load/
# latency_histogram.hpp: exact below 2048, then 1024 buckets per power of two).
def highest(v):
    if v < 2048:
        return v
    shift = v.bit_length() - 11
    return (((v >> shift) + 1) << shift) - 1
def percentile(pairs, q, exact_max):
    total = sum(c for _, c in pairs)
    rank = max(1, min(total, math.ceil(q / 100 * total - 1e-9)))
    seen = 0
    for v, c in pairs:
        seen += c
        if seen >= rank:
            return min(highest(v), exact_max)
union = added("latency_us")
exact_max = max(r["summary"]["latency_us"]["max"] for r in shards)
check(ms["latency_us"]["count"] == sum(c for _, c in union) == ms["messages_received"], "count")
for key, q in (("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9)):
    check(ms["latency_us"][key] == percentile(union, q, exact_max),
          f"latency {key}: {ms['latency_us'][key]} != {percentile(union, q, exact_max)}")
check(ms["latency_us"]["max"] == exact_max, "latency max")

# Series: the shards' points of each second, added.
by_t = {}
for r in shards:
    for pt in r["series"]:
        acc = by_t.setdefault(round(pt["t"]), {"sent": 0, "received": 0, "connections": 0, "reports": 0})
        for key in ("sent", "received", "connections"):
            acc[key] += pt[key]
        acc["reports"] += 1
check([p["t"] for p in m["series"]] == sorted(by_t), "series t")
check(len(m["series"]) >= 2, f"{len(m['series'])} seconds in the merged series")
for p in m["series"]:
    acc = by_t[round(p["t"])]
    for key in acc:
        check(p[key] == acc[key], f"series t={p['t']} {key}: {p[key]} != {acc[key]}")
    check(p["p99_us"] is not None, f"series t={p['t']} p99 missing")

if problems:
    print("FAIL:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"ok: {n} shards in their own namespaces, {ms['messages_received']} echoes, "
      f"p99 {ms['latency_us']['p99']} us; merge equals the shards' sums")
PYEOF
