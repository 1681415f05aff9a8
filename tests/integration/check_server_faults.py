"""Runs the server suite against our own reference server, once strict and once per --fault,
and checks that every fault is caught by the cases meant for it (server_fault_cases.json) and
that the strict server fails no case. Prints, fault by fault, how many cases caught it.
Usage: check_server_faults.py WSPROBE SCRATCH_DIR [FAULT ...]"""
import fnmatch
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def start_server(wsprobe, faults):
    args = [wsprobe, "serve", "--impl", "wsprobe", "--listen", "127.0.0.1:0"]
    for fault in faults:
        args += ["--fault", fault]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise SystemExit(f"server with faults {faults} did not start: {line!r}")
    return proc, line[len("listening on "):]


def stop_server(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_suite(wsprobe, faults, report_dir):
    proc, url = start_server(wsprobe, faults)
    try:
        started = time.monotonic()
        rc = subprocess.run([wsprobe, "test-server", url, "--report-dir", report_dir, "--quiet", "--jobs", "8",
                             "--agent", "wsprobe+" + ("+".join(faults) or "strict")],
                            stdout=subprocess.DEVNULL).returncode
        elapsed = time.monotonic() - started
    finally:
        stop_server(proc)
    if rc not in (0, 1):
        raise SystemExit(f"test-server exited {rc} against faults {faults}")
    with open(os.path.join(report_dir, "index.json")) as f:
        report = json.load(f)
    return {r["case"]: r["verdict"] for r in report["results"]}, rc, elapsed


def main():
    wsprobe, scratch = sys.argv[1], sys.argv[2]
    wanted = sys.argv[3:]
    with open(os.path.join(HERE, "server_fault_cases.json")) as f:
        table = json.load(f)["faults"]
    listed = subprocess.run([wsprobe, "serve", "--list-faults"], capture_output=True, text=True,
                            check=True).stdout.split("\n")
    served = [line.split()[0] for line in listed if line.strip()]
    problems = []
    missing = sorted(set(served) - set(table))
    if missing:
        problems.append(f"faults without expected cases in server_fault_cases.json: {missing}")

    strict, rc, elapsed = run_suite(wsprobe, [], os.path.join(scratch, "strict"))
    strict_failed = sorted(c for c, v in strict.items() if v == "FAILED")
    print(f"strict: {len(strict)} cases in {elapsed:.1f} s, {len(strict_failed)} FAILED")
    if strict_failed or rc != 0:
        problems.append(f"strict server FAILED {strict_failed} (exit {rc})")

    for fault in wanted or served:
        spec = table.get(fault)
        if spec is None:
            continue
        verdicts, rc, elapsed = run_suite(wsprobe, [fault], os.path.join(scratch, fault))
        changed = sorted(c for c, v in verdicts.items() if v != strict.get(c))
        caught = sorted(c for c, v in verdicts.items() if v in spec["verdicts"] and v != strict.get(c))
        for pattern in spec["cases"]:
            matched = [c for c in verdicts if fnmatch.fnmatchcase(c, pattern)]
            if not matched:
                problems.append(f"{fault}: pattern {pattern} matches no case")
            for case in matched:
                if verdicts[case] not in spec["verdicts"]:
                    problems.append(f"{fault}: {case} is {verdicts[case]}, expected one of {spec['verdicts']}")
        print(f"{fault}: caught by {len(caught)} cases ({len(changed)} verdicts changed), {elapsed:.1f} s")
    if problems:
        print("\n".join("PROBLEM: " + p for p in problems))
        sys.exit(1)
    print("every fault caught; strict server passes")


if __name__ == "__main__":
    main()
