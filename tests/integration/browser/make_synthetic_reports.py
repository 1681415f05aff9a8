#!/usr/bin/env python3
"""Writes N synthetic single-agent index.json files (schema wsprobe-report/1) of C cases each,
deterministically, for the HTML report's size budget check: OUT/agent-K/index.json."""
import json
import os
import sys

VERDICTS = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]
AREAS = ["handshake", "framing", "pingpong", "reserved", "opcodes", "fragmentation", "utf8",
         "close", "limits", "masking", "deflate", "keepalive"]


def verdict_of(case, agent):
    # Mostly OK, a deterministic sprinkle of the others that differs between agents.
    h = (case * 2654435761 + agent * 40503) % 97
    if h < 80:
        return "OK"
    return VERDICTS[1 + h % 4]


def result(case, agent):
    area = AREAS[case % len(AREAS)]
    verdict = verdict_of(case, agent)
    frame = "81856162636465" + "%02x" % (case % 256)
    return {
        "case": "%s.case-%04d" % (area, case),
        "autobahn": "%d.%d.%d" % (case % 13 + 1, case % 7 + 1, case % 11 + 1),
        "area": area,
        "transport": "h1",
        "verdict": verdict,
        "close_verdict": "OK",
        "duration_ms": case % 17,
        "expected": {"expect": {"OK": [{"message": {"opcode": "text", "payload": "abcde"}}]}},
        "observed": {
            "connected": True,
            "handshake": {"status": 101, "headers": [["Upgrade", "websocket"]],
                          "subprotocol": None},
            "close": {"initiator": "us", "received": True, "code": 1000, "reason": "",
                      "sent": True, "sent_code": 1000, "peer_closed_tcp": True},
            "connect_us": 80, "handshake_us": 120,
            "reason": "" if verdict == "OK" else "synthetic %s" % verdict,
            "close_verdict_reason": "",
        },
        "wirelog": [
            {"t_us": 10, "dir": "out", "kind": "frame", "fin": True, "rsv": 0, "opcode": 1,
             "masked": True, "length": 5, "bytes": {"length": 11, "hex": frame[:22].ljust(22, "0")}},
            {"t_us": 90, "dir": "in", "kind": "frame", "fin": True, "rsv": 0, "opcode": 1,
             "masked": False, "length": 5, "bytes": {"length": 7, "hex": "81056162636465"}},
            {"t_us": 120, "dir": "out", "kind": "frame", "fin": True, "rsv": 0, "opcode": 8,
             "masked": True, "length": 2, "bytes": {"length": 8, "hex": "888200000000" + "03e8"}},
            {"t_us": 180, "dir": "in", "kind": "frame", "fin": True, "rsv": 0, "opcode": 8,
             "masked": False, "length": 2, "bytes": {"length": 4, "hex": "880203e8"}},
        ],
        "rfc": ["6455#5.6"],
        "title": "Synthetic case %d" % case,
        "requirement": "Synthetic requirement",
    }


def main():
    out, cases, agents = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for k in range(agents):
        results = [result(i, k) for i in range(cases)]
        summary = {"total": cases}
        for v in VERDICTS:
            summary[v] = sum(1 for r in results if r["verdict"] == v)
        doc = {
            "schema": "wsprobe-report/1",
            "tool": {"name": "wsprobe", "version": "synthetic"},
            "mode": "test-server",
            "target": {"url": "ws://127.0.0.1:%d/" % (9000 + k), "agent": "agent-%02d" % k},
            "started_at": "2026-01-01T00:00:%02d.000Z" % k,
            "duration_ms": 1000 + k,
            "summary": summary,
            "results": results,
        }
        d = os.path.join(out, "agent-%02d" % k)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "index.json"), "w") as f:
            json.dump(doc, f)


if __name__ == "__main__":
    main()
