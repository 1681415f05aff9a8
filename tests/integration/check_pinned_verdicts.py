"""Checks the verdicts of a `wsprobe test-server` run against a file of pinned verdicts for one
third-party peer, and prints the verdict counts.

PINS is JSON: {"peer": "...", "scope": "not-ok" | "failed", "pins": {case id: {"verdict",
"close_verdict", "rfc", "why"}}}; a verdict or close verdict may be a list of the values a
documented race allows (the `why` says which race). The scope says which results must be pinned:
  not-ok  every result whose verdict is not OK or whose close verdict is neither OK nor
          INFORMATIONAL (an INFORMATIONAL close verdict is the case's own choice, not the peer's);
  failed  every FAILED result (a peer that must fail nothing but a documented deviation).
The check fails on a result in scope that is not pinned, on a pinned case whose verdict or close
verdict differs from the pin (also when it became OK: update the pin), and on a pin for a case
that did not run.

Usage: check_pinned_verdicts.py REPORT PINS
Exit 0 when all holds, 1 otherwise (the reasons go to stderr)."""
import collections
import json
import sys

VERDICTS = ("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED")


def in_scope(result, scope):
    if scope == "failed":
        return result["verdict"] == "FAILED"
    return result["verdict"] != "OK" or result["close_verdict"] not in ("OK", "INFORMATIONAL")


def allowed(value):
    return value if isinstance(value, list) else [value]


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    with open(sys.argv[1]) as f:
        report = json.load(f)
    with open(sys.argv[2]) as f:
        pinned = json.load(f)
    scope, pins = pinned["scope"], pinned["pins"]
    if scope not in ("not-ok", "failed"):
        raise SystemExit(f"{sys.argv[2]}: unknown scope {scope!r}")
    for case, pin in pins.items():
        if not pin.get("why", "").strip() or not pin.get("rfc", "").strip():
            raise SystemExit(f"{sys.argv[2]}: {case} needs both `rfc` and `why`")

    results = {r["case"]: r for r in report["results"]}
    problems = []
    for case, result in results.items():
        got = (result["verdict"], result["close_verdict"])
        pin = pins.get(case)
        reason = (result.get("observed") or {}).get("reason", "")
        if pin is None:
            if in_scope(result, scope):
                problems.append(f"{case}: {got[0]} (close {got[1]}) is not pinned: {reason}")
            continue
        if got[0] not in allowed(pin["verdict"]) or got[1] not in allowed(pin["close_verdict"]):
            problems.append(f"{case}: {got[0]} (close {got[1]}), pinned {pin['verdict']} (close "
                            f"{pin['close_verdict']}): {reason or 'matched'}; update the pin")
        else:
            print(f"  pinned {case}: {got[0]} (close {got[1]}): {pin['why']}")
    for case in pins.keys() - results.keys():
        problems.append(f"{case}: pinned but did not run")

    counts = collections.Counter(r["verdict"] for r in results.values())
    close_counts = collections.Counter(r["close_verdict"] for r in results.values())
    print(f"{pinned['peer']}: {len(results)} cases: "
          + ", ".join(f"{counts[v]} {v}" for v in VERDICTS)
          + "; close verdicts: " + ", ".join(f"{close_counts[v]} {v}" for v in VERDICTS)
          + f"; {len(pins)} pinned")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
