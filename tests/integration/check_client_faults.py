"""Runs the whole client suite (`wsprobe test-client`, Autobahn testee protocol) against our own
reference client, once strict and once per --fault, all runs at once on port 0, and checks
(client_fault_cases.json):
  a) every case meant for a fault gets the expected non-OK verdict (or close verdict);
  b) every other case keeps the verdict and close verdict it has against the strict client, but
     for the one rule-wide change a fault's `elsewhere` names (and requires where it applies);
  c) the strict client gets no FAILED (exit 0).
Prints the fault -> cases -> verdict table with timings.
Usage: check_client_faults.py WSPROBE SCRATCH_DIR [FAULT ...]"""
import concurrent.futures
import fnmatch
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "cases")
# Per-case deadline: long enough for the 16 MiB cases with ten runs sharing two cores, short
# enough that no-pong's ~23 pong timeouts do not dominate the test's wall time.
TIMEOUT_MS = 2000
RUN_BUDGET_S = 240  # one whole run, client and server; a run that takes longer is a stall


def run_suite(wsprobe, faults, report_dir):
    """One test-client + echo-client pair; returns ({case: result}, exit code, seconds)."""
    agent = "+".join(faults) or "strict"
    os.makedirs(report_dir, exist_ok=True)
    out_path = os.path.join(report_dir, "test-client.out")
    started = time.monotonic()
    with open(out_path, "w") as out, open(out_path + ".err", "w") as err:
        server = subprocess.Popen(
            [wsprobe, "test-client", "--listen", "127.0.0.1:0", "--cases-dir", CASES_DIR,
             "--report-dir", report_dir, "--exit-after-reports", "1", "--timeout", str(TIMEOUT_MS),
             "--quiet"], stdout=out, stderr=err)
    client = None
    try:
        url = None
        for _ in range(200):
            with open(out_path) as f:
                line = f.readline().strip()
            if line.startswith("listening on "):
                url = line[len("listening on "):]
                break
            if server.poll() is not None:
                break
            time.sleep(0.05)
        if url is None:
            raise RuntimeError(f"{agent}: test-client printed no listening line")
        args = [wsprobe, "echo-client", "--impl", "wsprobe", "--agent", agent]
        for fault in faults:
            args += ["--fault", fault]
        with open(os.path.join(report_dir, "echo-client.out"), "w") as cout:
            client = subprocess.Popen(args + [url], stdout=cout, stderr=subprocess.STDOUT)
            client_rc = client.wait(timeout=RUN_BUDGET_S)
        if client_rc != 0:
            raise RuntimeError(f"{agent}: echo-client exited {client_rc}")
        rc = server.wait(timeout=30)
    finally:
        for proc in (client, server):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    elapsed = time.monotonic() - started
    with open(os.path.join(report_dir, "index.json")) as f:
        report = json.load(f)
    return {r["case"]: r for r in report["results"]}, rc, elapsed


def matches(case, patterns):
    return any(fnmatch.fnmatchcase(case, p) for p in patterns)


def check_fault(fault, spec, strict, results):
    """Problems of one fault's run against its spec; and the table rows (glob, verdicts, count)."""
    problems, rows = [], []
    meant = set()
    for exp in spec["caught_by"]:
        for pattern in exp["cases"]:
            matched = sorted(c for c in results if fnmatch.fnmatchcase(c, pattern))
            if not matched:
                problems.append(f"{fault}: pattern {pattern} matches no case")
            meant.update(matched)
            for case in matched:
                got, base = results[case], strict[case]
                for field in ("verdict", "close_verdict"):
                    if field not in exp:
                        continue
                    if got[field] != exp[field]:
                        problems.append(f"{fault}: {case} {field} is {got[field]}, expected {exp[field]}"
                                        f" ({got['observed'].get('reason', '')})")
                    elif base[field] == exp[field]:
                        problems.append(f"{fault}: {case} is {exp[field]} against the strict client too")
                if "reason" in exp and exp["reason"] not in got["observed"].get("reason", ""):
                    problems.append(f"{fault}: {case} reason {got['observed'].get('reason', '')!r} "
                                    f"lacks {exp['reason']!r}")
            want = "/".join(f"{f}={exp[f]}" for f in ("verdict", "close_verdict") if f in exp)
            rows.append((pattern, want, len(matched)))

    elsewhere = spec.get("elsewhere", {})
    reason_of = {"verdict": "reason", "close_verdict": "close_verdict_reason"}
    wanted_reason = {"verdict": elsewhere.get("reason"), "close_verdict": elsewhere.get("close_reason")}
    rule_wide = 0
    for case in sorted(set(results) - meant):
        got, base = results[case], strict[case]
        changed = False
        for field in ("verdict", "close_verdict"):
            if got[field] == base[field]:
                continue
            changed = True
            text = got["observed"].get(reason_of[field], "")
            allowed = elsewhere.get(field) == got[field] and (wanted_reason[field] or "") in text
            if not allowed:
                problems.append(f"{fault}: collateral: {case} {field} {base[field]} -> {got[field]} ({text})")
        frames = got["observed"].get("client_frames", 0)
        if ("min_client_frames" in elsewhere and frames >= elsewhere["min_client_frames"]
                and base["verdict"] in elsewhere["from"] and got["verdict"] != elsewhere["verdict"]):
            problems.append(f"{fault}: {case} ({frames} client frames) is {got['verdict']}, "
                            f"the rule makes it {elsewhere['verdict']}")
        rule_wide += changed
    if elsewhere:
        want = "/".join(f"{f}={elsewhere[f]}" for f in ("verdict", "close_verdict") if f in elsewhere)
        rows.append(("(every other case the rule applies to)", want, rule_wide))
    return problems, rows


def main():
    wsprobe, scratch = sys.argv[1], sys.argv[2]
    wanted = sys.argv[3:]
    with open(os.path.join(HERE, "client_fault_cases.json")) as f:
        table = json.load(f)["faults"]
    listed = subprocess.run([wsprobe, "echo-client", "--list-faults"], capture_output=True,
                            text=True, check=True).stdout.splitlines()
    offered = [line.split()[0] for line in listed if line.strip()]
    problems = []
    for fault in sorted(set(offered) - set(table)):
        problems.append(f"fault {fault} has no entry in client_fault_cases.json")
    for fault in sorted(set(table) - set(offered)):
        problems.append(f"client_fault_cases.json names {fault}, which echo-client does not offer")
    faults = [f for f in (wanted or offered) if f in table]

    started = time.monotonic()
    # All runs at once: they mostly wait on timers; no-pong (pong timeouts) is the longest.
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(faults) + 1) as pool:
        jobs = {name: pool.submit(run_suite, wsprobe, [] if name == "strict" else [name],
                                  os.path.join(scratch, name))
                for name in ["no-pong", "strict"] + [f for f in faults if f != "no-pong"]
                if name == "strict" or name in faults}
        runs = {name: job.result() for name, job in jobs.items()}
    wall = time.monotonic() - started

    strict, rc, elapsed = runs["strict"]
    strict_failed = sorted(c for c, r in strict.items() if r["verdict"] == "FAILED")
    counts = {v: sum(r["verdict"] == v for r in strict.values())
              for v in ("OK", "NON-STRICT", "INFORMATIONAL", "FAILED")}
    print(f"strict: {len(strict)} cases in {elapsed:.1f} s, {counts}")
    if strict_failed or rc != 0:
        problems.append(f"strict client FAILED {strict_failed} (exit {rc})")

    print(f"{'fault':30} {'cases':55} {'expected':32} {'n':>4}")
    for fault in faults:
        results, rc, elapsed = runs[fault]
        fault_problems, rows = check_fault(fault, table[fault], strict, results)
        failed = sum(r["verdict"] == "FAILED" for r in results.values())
        if rc != (1 if failed else 0):
            fault_problems.append(f"{fault}: exit {rc} with {failed} FAILED")
        for i, (pattern, want, n) in enumerate(rows):
            print(f"{fault if i == 0 else '':30} {pattern:55} {want:32} {n:4}")
        print(f"{'':30} ({len(results)} cases in {elapsed:.1f} s, {failed} FAILED, "
              f"{'caught' if not fault_problems else 'PROBLEMS'})")
        problems += fault_problems
    print(f"wall time of the {len(runs)} parallel runs: {wall:.1f} s")
    if problems:
        print("\n".join("PROBLEM: " + p for p in problems))
        sys.exit(1)
    print("every client fault caught by its cases, no collateral; strict client passes")


if __name__ == "__main__":
    main()
