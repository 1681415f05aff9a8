#!/usr/bin/python3
"""Prints the table of scripts/bench-load.sh from the results folder it fills (argument 1).

Layout of the folder: iperf3.json (iperf3 --json), pingpong-R.json (tcp_pingpong --json, round R
of the latency comparison, each followed by the wsprobe run latency-R),
artillery-{connect,echo}.json (artillery --output), NAME/{load.json,rc,hwm_kb,cpu_s} per
`wsprobe load` run, skipped/STEP (the reason a step did not run). Exit 1 when a goal is missed
or a step that has a goal did not run, else 0.
"""
import json
import pathlib
import sys

work = pathlib.Path(sys.argv[1])
rows = []  # (figure, value, floor/peer, ratio, goal, result)
missed = False


def load(path):
    try:
        return json.loads((work / path).read_text())
    except (OSError, ValueError):
        return None


def text(path, default=""):
    try:
        return (work / path).read_text().strip()
    except OSError:
        return default


def number(path):
    try:
        return float(text(path, "0") or 0)
    except ValueError:
        return 0.0


def skipped(step):
    return text(f"skipped/{step}") or None


def row(figure, value, floor="", ratio="", goal="", ok=None):
    """ok: True PASS, False MISS, None no goal (info)."""
    global missed
    result = "info" if ok is None else ("PASS" if ok else "MISS")
    if ok is False:
        missed = True
    rows.append((figure, value, floor, ratio, goal, result))


def absent(figure, why, goal=""):
    global missed
    if goal:
        missed = True
    rows.append((figure, f"n/a: {why}", "", "", goal, "SKIP"))


def rate(x, unit="/s"):
    if x >= 1e6:
        return f"{x / 1e6:.2f} M{unit}"
    if x >= 1e4:
        return f"{x / 1e3:.1f} k{unit}"
    return f"{x:.0f}{unit}"


def gbytes(x):
    return f"{x / 1e9:.2f} GB/s"


def summary(name):
    report = load(f"{name}/load.json")
    return report["summary"] if report else None


def error_total(s):
    return sum(s.get("errors", {}).values())


def why_not(name, step=None):
    return ((step and skipped(step)) or skipped(name)
            or f"no load.json (exit {text(f'{name}/rc', '?')})")


# --- floors ---------------------------------------------------------------------------------
iperf_bps = None
iperf = load("iperf3.json")
if iperf and "end" in iperf:
    iperf_bps = iperf["end"]["sum_received"]["bits_per_second"] / 8
    row("loopback TCP bytes/s (iperf3, 1 stream)", gbytes(iperf_bps), "floor")
else:
    absent("loopback TCP bytes/s (iperf3)", skipped("iperf3") or "iperf3 gave no result")

# The latency rounds: wsprobe, the floor twice, wsprobe (scripts/bench-load.sh, step (e)). Each
# complete round gives the floor's and wsprobe's p50 and p99, each the average of its two runs.
rounds = []  # (floor, wsprobe latency summary) per round that has all four runs
for r in range(1, 100):
    runs = [(load(f"pingpong-{r}-{x}.json"), summary(f"latency-{r}-{x}")) for x in "ab"]
    if all(floor is None and lat is None for floor, lat in runs):
        break
    if all(floor and lat and lat["latency_us"]["count"] for floor, lat in runs):
        rounds.append((
            {f"{q}_us": sum(floor[f"{q}_us"] for floor, _ in runs) / 2 for q in ("p50", "p99")},
            {"latency_us": {q: sum(lat["latency_us"][q] for _, lat in runs) / 2
                            for q in ("p50", "p99")}}))


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


if rounds:
    for q in ("p50", "p99"):
        values = [f"{f[q + '_us']:.0f}" for f, _ in rounds]
        row(f"TCP ping-pong 64 B @1000/s {q} (median of rounds)",
            f"{median([f[q + '_us'] for f, _ in rounds]):.1f} us", "floor", "", "", None)
        row(f"  per round", " / ".join(values) + " us", "floor")
else:
    absent("TCP ping-pong round trip", skipped("pingpong") or "no result")


def artillery(scenario):
    report = load(f"artillery-{scenario}.json")
    if not report:
        return None
    agg = report["aggregate"]
    span = (agg.get("lastCounterAt", 0) - agg.get("firstCounterAt", 0)) / 1000
    counters = agg.get("counters", {})
    return counters, span if span > 0 else None


peer_conn_rate = peer_msg_rate = None
art_connect = artillery("connect")
if art_connect and art_connect[1]:
    counters, span = art_connect
    peer_conn_rate = counters.get("vusers.completed", 0) / span
    failed = counters.get("vusers.failed", 0)
    row("Artillery connections/s (connect, 1 echo, close)", rate(peer_conn_rate), "peer",
        goal="", ok=None)
    if failed:
        row("Artillery failed virtual users", str(failed), "peer")
else:
    absent("Artillery connections/s",
           skipped("artillery") or skipped("artillery-connect") or "no report")
art_echo = artillery("echo")
if art_echo and art_echo[1]:
    counters, span = art_echo
    peer_msg_rate = counters.get("websocket.messages_received", 0) / span
    row("Artillery echoes/s (closed loop, 1 in flight/conn)", rate(peer_msg_rate), "peer")
    row("Artillery per-message latency", "not reported by Artillery", "peer")
else:
    absent("Artillery echoes/s", skipped("artillery") or skipped("artillery-echo") or "no report")

# --- (a) idle connections -------------------------------------------------------------------
idle, base = summary("idle"), summary("idle-base")
if idle:
    wanted = load("idle/load.json")["params"]["connections"]
    row(f"(a) idle connections up (of {wanted})", str(idle["connections"]), "", "",
        f"= {wanted}", idle["connections"] == wanted)
    hs = idle.get("handshake_rate") or 0
    row("(a) connect+upgrade rate", rate(hs),
        rate(peer_conn_rate) + " Artillery" if peer_conn_rate else "",
        f"{hs / peer_conn_rate:.2f}x" if peer_conn_rate else "")
    row("(a) TCP connect p50 / opening handshake p50",
        f"{idle['connect_us']['p50']:.0f} / {idle['upgrade_us']['p50']:.0f} us")
    errors = {k: v for k, v in idle.get("errors", {}).items() if v}
    row("(a) errors (wsprobe does not retry)",
        ", ".join(f"{k} {v}" for k, v in errors.items()) or "0", "", "", "0", not errors)
    pongs = idle.get("pongs_received", 0)
    row("(a) pings answered", f"{pongs} of {idle.get('pings_sent', 0)}")
    hwm = int(text("idle/hwm_kb", "0") or 0)
    base_hwm = int(text("idle-base/hwm_kb", "0") or 0)
    row("(a) wsprobe peak RSS", f"{hwm / 1024:.1f} MiB",
        f"{base_hwm / 1024:.1f} MiB with 1 conn" if base else "", "", "< 50 MB",
        hwm * 1024 < 50e6)
    if base and idle["connections"] > 1:
        per = (hwm - base_hwm) * 1024 / (idle["connections"] - 1)
        row("(a) peak RSS per connection above the base", f"{per / 1024:.2f} KiB", "", "",
            "<= 0.5 KiB", per <= 512)
else:
    absent("(a) idle connections", why_not("idle"), "all up, 0 errors")
one_core = [s for s in (summary(f"connect-1core-{r}") for r in range(1, 6)) if s]
if one_core:
    wanted = load("connect-1core-1/load.json")["params"]["connections"]
    rates = [s.get("handshake_rate") or 0 for s in one_core]
    hs = median(rates)
    errors = sum(error_total(s) for s in one_core)
    all_up = all(s["connections"] == wanted for s in one_core)
    row("(a) connect+upgrade/s, generator on 1 core (median)", rate(hs),
        f"{sum(s['connections'] for s in one_core)} of {wanted * len(one_core)} up, {errors} errors",
        "", ">= 25 k/s", hs >= 25000 and errors == 0 and all_up)
    row("  per run", " / ".join(rate(x, "") for x in rates) + " /s")
else:
    absent("(a) connect+upgrade on one core", why_not("connect-1core-1", "send-only"), ">= 25 k/s")

# --- (b) open loop --------------------------------------------------------------------------
opened = summary("open")
if opened:
    offered, achieved = opened["offered_rate"], opened["achieved_rate"]
    ratio = achieved / offered if offered else 0
    row("(b) open loop achieved msg/s", rate(achieved), rate(offered) + " offered",
        f"{ratio:.3f}", ">= 0.99", ratio >= 0.99)
    count, received = opened["latency_us"]["count"], opened["messages_received"]
    row("(b) messages with a latency", str(count), f"{received} received", "", "equal",
        count == received)
    row("(b) latency p50 / p99 (from intended send)",
        f"{opened['latency_us']['p50']:.0f} / {opened['latency_us']['p99']:.0f} us")
    errors = error_total(opened)
    row("(b) errors", str(errors), "", "", "0", errors == 0)
    if peer_msg_rate:
        row("(b) achieved msg/s vs Artillery's echoes/s", rate(achieved),
            rate(peer_msg_rate) + " Artillery", f"{achieved / peer_msg_rate:.2f}x")
else:
    absent("(b) open loop", why_not("open"), "achieved within 1 %")

# --- (c), (d) send-only to the sink ---------------------------------------------------------
def sent_in_window(name):
    """Messages per second that left during the measured window, from the per-second series.

    The rate asked for is far above what one core sends, so the schedule falls behind and the
    backlog of the window still leaves after it (load.json's send_rate counts those too).
    """
    report = load(f"{name}/load.json")
    params, s = report["params"], report["summary"]
    lo, hi = params["warmup_s"], params["warmup_s"] + params["duration_s"]
    points = [p["sent"] for p in report.get("series", []) if lo < p["t"] <= hi + 1e-6]
    if points:
        return sum(points) / len(points)
    return s["messages_sent"] / s["window_s"] if s["window_s"] else 0


def sent_per_cpu_second(name):
    """Messages sent per second of CPU the generator used: what one core can send when nothing
    else limits it (the sink on the other core often does). The series misses the last partial
    second and messages_sent the warm-up, so the larger of the two (an underestimate)."""
    report = load(f"{name}/load.json")
    cpu = number(f"{name}/cpu_s")
    total = max(sum(p["sent"] for p in report.get("series", [])),
                report["summary"]["messages_sent"])
    return total / cpu if cpu > 0 else 0


def busy(name):
    """How much of a core the generator and the sink used during the run."""
    wall = number(f"{name}/wall_s")
    if wall <= 0:
        return ""
    parts = [f"generator {100 * number(f'{name}/cpu_s') / wall:.0f} %"]
    if (work / name / "server_cpu_s").exists():
        parts.append(f"sink {100 * number(f'{name}/server_cpu_s') / wall:.0f} %")
    return ", ".join(parts) + " busy"


sink64, sink16 = summary("sink-64"), summary("sink-16k")
if sink64:
    sent = sent_in_window("sink-64")
    row("(c) 64 B send-only msg/s, generator on 1 core", rate(sent), busy("sink-64"))
    row("(c) 64 B msgs per CPU-second of the generator", rate(sent_per_cpu_second("sink-64"), ""))
else:
    absent("(c) 64 B send-only msg/s", why_not("sink-64", "send-only"))
if sink16:
    size = load("sink-16k/load.json")["params"]["size_max"]
    bps = sent_in_window("sink-16k") * size
    if iperf_bps:
        ratio = bps / iperf_bps
        row("(d) 16 KiB send-only bytes/s", gbytes(bps), gbytes(iperf_bps) + " iperf3",
            f"{ratio:.2f}", ">= 0.75", ratio >= 0.75)
    else:
        row("(d) 16 KiB send-only bytes/s", gbytes(bps), "no iperf3 figure", "", ">= 0.75")
    row("(d) CPU use during the 16 KiB run", busy("sink-16k"))
    # Bytes per CPU-second of the sender, whatever CPU the machine left it. (iperf3's own
    # cpu_utilization_percent is no match: runs that were not pinned report a fraction of it.)
    per_cpu = sent_per_cpu_second("sink-16k") * size
    row("(d) bytes per CPU-second of the sender", f"{per_cpu / 1e9:.2f} GB")
else:
    absent("(d) 16 KiB send-only bytes/s", why_not("sink-16k", "send-only"), ">= 0.75 x iperf3")

# --- (e) latency against the TCP floor ------------------------------------------------------
if rounds:
    for q, limit in (("p50", 10), ("p99", 50)):
        diffs = [lat["latency_us"][q] - floor[f"{q}_us"] for floor, lat in rounds]
        diff = median(diffs)
        value = median([lat["latency_us"][q] for _, lat in rounds])
        floor_value = median([floor[f"{q}_us"] for floor, _ in rounds])
        row(f"(e) 1 conn @1000/s latency {q} (median of rounds)", f"{value:.0f} us",
            f"{floor_value:.1f} us TCP", f"{diff:+.0f} us", f"<= +{limit} us", diff <= limit)
        row("  per-round difference", " / ".join(f"{d:+.0f}" for d in diffs) + " us")
else:
    absent("(e) 1 conn latency", why_not("latency-1-a", "latency"), "<= +10 us p50, +50 us p99")

# --- print ----------------------------------------------------------------------------------
head = ("figure", "value", "floor/peer", "ratio", "goal", "")
widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(6)]
line = "  ".join(f"{{:<{w}}}" for w in widths)
print(line.format(*head))
print("  ".join("-" * w for w in widths))
for r in rows:
    print(line.format(*r))
print("Artillery reports connections and messages only, no per-message latency; its echoes are"
      " closed loop (one in flight per connection), wsprobe's open loop.")
sys.exit(1 if missed else 0)
