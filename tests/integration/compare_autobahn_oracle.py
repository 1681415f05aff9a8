"""Compares the verdicts of a `wsprobe test-server` run with the Autobahn|Testsuite verdicts a
project publishes for the same server (an Autobahn index.json: agent -> case id -> {behavior,
behaviorClose, remoteCloseCode, duration, reportfile}), case by case on the `autobahn` ids of
our cases.

Compared: behavior with our `verdict`, behaviorClose with our `close_verdict`, and, unless
either side's behavior is INFORMATIONAL, remoteCloseCode with the code of the close frame we
received (null when none came or it carried no code). duration and reportfile are ignored.

Every difference must be listed, with its reason against the RFC, in DIFFERENCES (JSON:
{"differences": [{"autobahn", "case", "field", "oracle", "ours", "why"}]}); the check fails on
a difference that is not listed, on a listed one that no longer occurs, and when fewer than
--min-agreement of the compared cases agree on every field.

Usage: compare_autobahn_oracle.py REPORT ORACLE DIFFERENCES [--agent NAME] [--min-agreement F]
Exit 0 when all holds, 1 otherwise (the reasons go to stderr)."""
import argparse
import json
import sys

FIELDS = ("behavior", "behaviorClose", "remoteCloseCode")


def received_close_code(result):
    """The code of the peer's close frame as Autobahn's remoteCloseCode counts it."""
    close = (result.get("observed") or {}).get("close") or {}
    if not close.get("received"):
        return None
    code = close.get("code")
    return None if code in (None, 1005) else code


def our_fields(result):
    return {"behavior": result["verdict"], "behaviorClose": result["close_verdict"],
            "remoteCloseCode": received_close_code(result)}


def compare(results, oracle):
    """Yields (result, per-field differences) for every result with an Autobahn id."""
    for result in results:
        autobahn = result.get("autobahn")
        if not autobahn:
            continue
        if autobahn not in oracle:
            raise SystemExit(f"{result['case']}: Autobahn case {autobahn} is not in the oracle")
        theirs, ours = oracle[autobahn], our_fields(result)
        fields = FIELDS
        if "INFORMATIONAL" in (theirs["behavior"], ours["behavior"]):
            fields = FIELDS[:2]
        yield result, {f: (theirs[f], ours[f]) for f in fields if theirs[f] != ours[f]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report")
    parser.add_argument("oracle")
    parser.add_argument("differences")
    parser.add_argument("--agent", help="agent in the oracle (default: its only one)")
    parser.add_argument("--min-agreement", type=float, default=0.97)
    args = parser.parse_args()

    with open(args.report) as f:
        report = json.load(f)
    with open(args.oracle) as f:
        agents = json.load(f)
    with open(args.differences) as f:
        listed = json.load(f)["differences"]
    agent = args.agent or next(iter(agents))
    if agent not in agents:
        raise SystemExit(f"agent {agent!r} not in {args.oracle} (it has {', '.join(agents)})")
    oracle = agents[agent]

    expected = {}
    for entry in listed:
        key = (entry["autobahn"], entry["field"])
        if key in expected:
            raise SystemExit(f"{args.differences}: {key} listed twice")
        if not entry.get("why", "").strip():
            raise SystemExit(f"{args.differences}: {key} has no explanation")
        expected[key] = entry

    problems, compared, agreeing, seen, explained = [], 0, 0, set(), 0
    for result, diffs in compare(report["results"], oracle):
        compared += 1
        agreeing += not diffs
        for field, (theirs, ours) in diffs.items():
            key = (result["autobahn"], field)
            seen.add(key)
            entry = expected.get(key)
            reason = (result.get("observed") or {}).get("reason", "")
            what = (f"{result['autobahn']} ({result['case']}) {field}: oracle {theirs}, ours {ours}"
                    + (f" [{reason}]" if reason else ""))
            if entry is None:
                problems.append(f"unexplained difference: {what}")
            elif (entry["oracle"], entry["ours"], entry["case"]) != (theirs, ours, result["case"]):
                problems.append(f"difference changed: {what}; listed as {entry['case']} oracle "
                                f"{entry['oracle']}, ours {entry['ours']}")
            else:
                explained += 1
                print(f"  known difference: {what}\n    why: {entry['why']}")
    for key in expected.keys() - seen:
        problems.append(f"listed difference no longer occurs: {key[0]} {key[1]} "
                        f"({expected[key]['case']}): remove it from {args.differences}")

    if compared == 0:
        problems.append("no result carries an Autobahn id: nothing was compared")
    ratio = agreeing / compared if compared else 0.0
    print(f"agreement with the published Autobahn verdicts of {agent}: {agreeing}/{compared} "
          f"cases ({100 * ratio:.1f} %), {explained} explained difference(s)")
    if ratio < args.min_agreement:
        problems.append(f"agreement {100 * ratio:.1f} % is below {100 * args.min_agreement:g} %")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
