#!/usr/bin/env bash
# `wsprobe serve --sink` and `--threads`: the sink (on two threads, SO_REUSEPORT) accepts the
# opening handshake, answers pings, echoes a close and discards messages, counting them on stderr
# when stopped; `wsprobe load --send-only` against it sends exactly what the sink counts and
# reports its achieved send rate beside the offered one; idle load with pings works against it.
# The Beast server on two threads has two listeners and serves every connection too.
set -euo pipefail

: "${WSPROBE:?path to the wsprobe binary}"
. "$(dirname "$0")/lib.sh"

# start_server ARGS...: `wsprobe serve ARGS` on port 0; sets pid, url and port.
start_server() {
  start_serve server "$@"
  port="$(sed -n 's#^ws://127\.0\.0\.1:\([0-9]*\)/$#\1#p' <<<"$url")"
}

# stop_server: SIGTERM, and the server must exit 0 within 5 s.
stop_server() { stop "$pid" || fail "server exit code $? after SIGTERM"; }

# listeners: how many sockets listen on $port.
listeners() {
  ss -Hltn "sport = :$port" | wc -l
}

# run_load NAME ARGS...: `wsprobe load` must exit 0; the report lands in $tmp/NAME/load.json.
run_load() {
  local name="$1"
  shift
  local rc=0
  timeout 30 "$WSPROBE" load "$url" "$@" --threads 2 --quiet --report-dir "$tmp/$name" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  [[ "$rc" == 0 ]] || fail "$name: exit code $rc: $(cat "$tmp/$name.err")"
}

# check NAME PYTHON-EXPRESSIONS...: each expression, over s (the summary), is true.
check() { check_json "$1" "$tmp/$1/load.json" "${@:2}"; }

summary() {
  "$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['summary'][sys.argv[2]])" \
    "$tmp/$1/load.json" "$2"
}

NO_ERRORS='all(n == 0 for n in s["errors"].values())'

# 1. The sink on two threads: two listeners on one port.
start_server --sink --threads 2
[[ "$(listeners)" == 2 ]] || fail "sink --threads 2: $(listeners) listeners"

# 2. A third-party client (Python websockets): handshake, a ping answered with its payload, four
# messages (one fragmented) that get no answer, and our close echoed with its code.
"$py" - "$url" <<'PYEOF'
import asyncio, sys
import websockets

async def main(url):
    async with websockets.connect(url, compression=None) as ws:
        pong = await ws.ping(b"sink-ping")
        await asyncio.wait_for(pong, 5)
        await ws.send("hello")                   # 5 bytes
        await ws.send(b"\x00" * 1000)            # 1000 bytes
        await ws.send(["frag", "mented"])        # one message in two frames, 10 bytes
        await ws.send(b"")                       # 0 bytes
        try:
            got = await asyncio.wait_for(ws.recv(), 0.3)
            sys.exit(f"FAIL: the sink sent a message back: {got!r}")
        except asyncio.TimeoutError:
            pass
        await ws.close(code=1000, reason="bye")
        if ws.close_rcvd is None or ws.close_rcvd.code != 1000:
            sys.exit(f"FAIL: close not echoed with 1000: {ws.close_rcvd!r}")

asyncio.run(main(sys.argv[1]))
PYEOF

# 2b. Handshakes the sink refuses, by harness/wire's rules, get their status and headers and are
# not counted: version 8 gets 426 with Sec-WebSocket-Version: 13, no Upgrade and a head that does
# not parse get 400.
refusals() {
  "$py" - "$1" "$2" <<'PYEOF'
import socket, ssl, sys
port, tls = int(sys.argv[1]), sys.argv[2] == "tls"
good = (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
cases = [
    (good + b"Sec-WebSocket-Version: 8\r\n\r\n", b"HTTP/1.1 426 ", b"\r\nSec-WebSocket-Version: 13\r\n"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Version: 13\r\n\r\n", b"HTTP/1.1 400 ", b""),
    (b"not a request line\r\n\r\n", b"HTTP/1.1 400 ", b""),
]
for request, status, header in cases:
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        s = ctx.wrap_socket(s)
    s.sendall(request)
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = s.recv(4096)
        if not chunk:
            break
        answer += chunk
    s.close()
    if not answer.startswith(status) or header not in answer:
        sys.exit(f"{request[:40]!r}: answered {answer!r}, expected {status!r} with {header!r}")
PYEOF
}
refusals "$port" plain || fail "sink refusals over ws://"

# 3. Send-only at a rate the machine keeps up with: achieved = offered, nothing awaited.
run_load sendonly "--send-only" --connections 8 --rate 4000 --duration 1 --size 100
check sendonly "$NO_ERRORS" 's["connections"] == 8' 's["messages_sent"] > 3000' \
  's["messages_received"] == 0' 's["bytes_sent"] == 100 * s["messages_sent"]' \
  's["offered_rate"] > 3000' 'abs(s["send_rate"] - s["offered_rate"]) <= 0.02 * s["offered_rate"]'

# 4. Idle connections with pings: every ping answered.
run_load idle --connections 20 --idle --ping-interval 0.2 --duration 1
check idle "$NO_ERRORS" 's["connections"] == 20' 's["pings_sent"] >= 60' \
  's["pongs_received"] == s["pings_sent"]'

# 5. On stop the sink counts every connection, message and payload byte it was sent.
stop_server
line="$(grep '^sink: ' "$tmp/server.err" || true)"
sent="$(summary sendonly messages_sent)"
sent_bytes="$(summary sendonly bytes_sent)"
expected="sink: $((1 + 8 + 20)) connections, $((4 + sent)) messages, $((1015 + sent_bytes)) payload bytes received"
[[ "$line" == "$expected" ]] || fail "sink said '$line', expected '$expected'"

# 6. The same refusals over wss:// (the sink's TLS path).
start_server --sink --tls
port="$(sed -n 's#^wss://127\.0\.0\.1:\([0-9]*\)/$#\1#p' <<<"$url")"
refusals "$port" tls || fail "sink refusals over wss://"
stop_server

# 7. The Beast echo server on two threads: two listeners, every connection up and echoed.
start_server --impl beast --threads 2
[[ "$(listeners)" == 2 ]] || fail "beast --threads 2: $(listeners) listeners"
run_load beast --connections 20 --rate 1000 --duration 1
check beast "$NO_ERRORS" 's["connections"] == 20' 's["messages_received"] == s["messages_sent"] > 800'
stop_server

echo "load_sink: all checks passed"
