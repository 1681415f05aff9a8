#!/usr/bin/python3
"""A WebSocket echo server that misbehaves on purpose, for `wsprobe load` tests.

It does the opening handshake itself (RFC 6455 §4.2.2: Sec-WebSocket-Accept is
base64(SHA-1(key + GUID))), echoes every data message with its opcode, answers pings and closes,
and then, per --mode, misbehaves on the connections it picks (every --every'th, counted from 0 in
accept order):

  trickle        (every connection) every frame it sends (echoes, pongs, its own pings) leaves
                 one byte per send() with TCP_NODELAY and a short sleep between sends, so frames
                 arrive split over many reads (payload bytes past the 14th --chunk at a time);
                 echoes of 32 bytes up to 64 KiB leave as two fragments, between which its own
                 ping may come. It pings each connection every --ping-every seconds (once the
                 previous ping has its pong) and checks each pong's payload.
  stall          after --after seconds it stops reading and writing (the socket stays open; its
                 receive buffer is small, so that the client's send buffer fills).
  close-mid-run  after --after seconds it closes: a close frame 1001, a FIN without a close
                 frame, or a reset (SO_LINGER 0), in turn over the connections it picks.
  garbage        after --after seconds it sends bytes that cannot be a frame (reserved bits,
                 reserved opcode, a masked frame, a long or fragmented ping) then random bytes.
  slow-open      (every connection) it listens with a backlog of 0 and accepts nothing for
                 --after seconds, so that the kernel drops most SYNs and the clients' connects
                 complete only when a SYN is sent again; then it sends each 101 in three pieces
                 20 ms apart, and echoes normally.
  bad-head       the connections it picks get a 101 whose head is malformed (a field line
                 without a colon), in one piece, and are closed; the others are served normally.

Everything is bounded: the server exits after --lifetime seconds, a stalled connection waits at
most that long, garbage is a few KiB. On SIGTERM (or at the lifetime) it prints one line
`stats {json}` on stdout with what it counted.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import threading
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_for(key):
    return base64.b64encode(hashlib.sha1(key + GUID).digest())


# The worked example of RFC 6455 §1.3.
assert accept_for(b"dGhlIHNhbXBsZSBub25jZQ==") == b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

stats_lock = threading.Lock()
stats = {
    "connections": 0,
    "messages_echoed": 0,
    "pings_received": 0,
    "pongs_sent": 0,
    "server_pings_sent": 0,
    "server_pongs_ok": 0,
    "server_pongs_bad": 0,
    "unanswered_at_close": 0,
    "closes_received": 0,
    "misbehaved": 0,
    "bad_client_frames": 0,
}


def count(key, n=1):
    with stats_lock:
        stats[key] += n


class Closed(Exception):
    pass


def read_exact(sock, n):
    out = bytearray()
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise Closed()
        out += chunk
    return bytes(out)


def handshake(sock, split=False, bad=False):
    head = bytearray()
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk or len(head) > 16384:
            raise Closed()
        head += chunk
    key = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            key = value.strip()
    if key is None:
        raise Closed()
    accept = accept_for(key)
    head = (
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
    )
    if bad:
        sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade websocket\r\n\r\n")
        raise Closed()
    if not split:
        sock.sendall(head)
        return
    # Cut inside the status line and inside a field, so that no piece ends a line.
    for piece in (head[:12], head[12:60], head[60:]):
        sock.sendall(piece)
        time.sleep(0.02)


def read_frame(sock):
    """One client frame: (fin, opcode, payload). Client frames must be masked (§5.1)."""
    b0, b1 = read_exact(sock, 2)
    length = b1 & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", read_exact(sock, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", read_exact(sock, 8))
    if not b1 & 0x80 or length > (1 << 24):
        count("bad_client_frames")
        raise Closed()
    key = read_exact(sock, 4)
    data = read_exact(sock, length)
    return bool(b0 & 0x80), b0 & 0x0F, unmask(data, key)


def unmask(data, key):
    # XOR as one big integer: fast enough for messages of hundreds of KiB.
    n = len(data)
    if n == 0:
        return b""
    mask = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(mask, "big")).to_bytes(n, "big")


def frame(opcode, payload, fin=True):
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126:
        head += bytes([n])
    elif n < 65536:
        head += bytes([126]) + struct.pack("!H", n)
    else:
        head += bytes([127]) + struct.pack("!Q", n)
    return head + payload


class Connection:
    def __init__(self, sock, index, args, deadline):
        self.sock = sock
        self.index = index
        self.args = args
        self.deadline = deadline
        self.send_lock = threading.Lock()
        self.closed = threading.Event()
        self.outstanding_pings = set()
        self.ping_lock = threading.Lock()
        self.picked = args.mode not in ("trickle", "slow-open") and index % args.every == 0
        self.bad_head = self.picked and args.mode == "bad-head"
        self.up_at = time.monotonic()

    def send(self, data):
        with self.send_lock:
            if self.args.mode == "trickle":
                # One byte per send() (with TCP_NODELAY each leaves in its own segment), a header
                # always so; payload bytes --chunk at a time.
                i = 0
                while i < len(data):
                    step = 1 if i < 14 else self.args.chunk
                    self.sock.sendall(data[i : i + step])
                    i += step
                    time.sleep(self.args.byte_gap)
            else:
                self.sock.sendall(data)

    def echo(self, opcode, payload):
        if self.args.mode == "trickle" and 32 <= len(payload) < 65536:
            # Two fragments (§5.4), so that a server ping may come between them; larger echoes
            # go whole, for the 64-bit length.
            half = len(payload) // 2
            self.send(frame(opcode, payload[:half], fin=False))
            self.send(frame(0x0, payload[half:]))
        else:
            self.send(frame(opcode, payload))
        count("messages_echoed")

    def pinger(self):
        n = 0
        while not self.closed.wait(self.args.ping_every):
            with self.ping_lock:
                # One ping at a time: a client may answer only the latest of several (RFC 6455
                # §5.5.3), and a ping sent after the client's close would go unanswered.
                if self.outstanding_pings:
                    continue
                payload = b"srv" + struct.pack("!IB", self.index, n % 256)
                n += 1
                self.outstanding_pings.add(payload)
            try:
                self.send(frame(0x9, payload))
            except OSError:
                return
            count("server_pings_sent")

    def misbehave_due(self):
        return self.picked and time.monotonic() - self.up_at >= self.args.after

    def misbehave(self):
        count("misbehaved")
        mode = self.args.mode
        if mode == "stall":
            # Neither read nor write; the socket stays open until the server's lifetime ends.
            time.sleep(max(0.0, self.deadline - time.monotonic()))
        elif mode == "close-mid-run":
            how = (self.index // self.args.every) % 3
            if how == 0:
                self.send(frame(0x8, struct.pack("!H", 1001) + b"going away"))
                self.sock.shutdown(socket.SHUT_WR)
            elif how == 1:
                self.sock.shutdown(socket.SHUT_WR)  # FIN, no close frame
            else:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()
        elif mode == "garbage":
            prefixes = [
                b"\xff\xff",  # FIN, RSV1-3 and opcode 15
                b"\x83\x05",  # reserved opcode 3
                b"\x82\x85",  # a masked frame from a server
                b"\x89\x7e",  # a ping longer than 125 bytes
                b"\x09\x02",  # a ping without FIN
            ]
            prefix = prefixes[(self.index // self.args.every) % len(prefixes)]
            rng = random.Random(self.index)
            self.send(prefix + bytes(rng.getrandbits(8) for _ in range(4096)))
            # Then silence: the client must give up on its own.
            time.sleep(max(0.0, min(self.deadline, time.monotonic() + 5) - time.monotonic()))

    def serve(self):
        if self.args.mode == "trickle" and self.args.ping_every > 0:
            threading.Thread(target=self.pinger, daemon=True).start()
        fragments = bytearray()
        frag_opcode = 0
        while time.monotonic() < self.deadline:
            if self.misbehave_due():
                self.misbehave()
                return
            # Wait for a frame in short steps, so that misbehaving starts on time.
            readable, _, _ = select.select([self.sock], [], [], 0.1)
            if not readable:
                continue
            fin, opcode, payload = read_frame(self.sock)
            if opcode == 0x8:
                count("closes_received")
                # A ping still on its way when the client closed may go unanswered.
                with self.ping_lock:
                    count("unanswered_at_close", len(self.outstanding_pings))
                self.send(frame(0x8, payload[:2]))
                return
            if opcode == 0x9:
                count("pings_received")
                self.send(frame(0xA, payload))
                count("pongs_sent")
            elif opcode == 0xA:
                with self.ping_lock:
                    if payload in self.outstanding_pings:
                        self.outstanding_pings.discard(payload)
                        count("server_pongs_ok")
                    else:
                        count("server_pongs_bad")
            elif opcode in (0x1, 0x2):
                if fin:
                    self.echo(opcode, payload)
                else:
                    frag_opcode, fragments = opcode, bytearray(payload)
            elif opcode == 0x0:
                fragments += payload
                if fin:
                    self.echo(frag_opcode, bytes(fragments))
            else:
                count("bad_client_frames")
                return

    def run(self):
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock.settimeout(5)
            if self.bad_head:
                count("misbehaved")
            handshake(self.sock, split=self.args.mode == "slow-open", bad=self.bad_head)
            count("connections")
            self.up_at = time.monotonic()
            self.serve()
        except (Closed, OSError):
            pass
        finally:
            self.closed.set()
            try:
                self.sock.close()
            except OSError:
                pass


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mode", required=True, choices=["trickle", "stall", "close-mid-run", "garbage", "slow-open", "bad-head"])
    p.add_argument("--every", type=int, default=2, help="misbehave on every Nth connection")
    p.add_argument("--after", type=float, default=1.0, help="seconds after the handshake")
    p.add_argument("--byte-gap", type=float, default=0.0002, help="trickle: seconds per byte")
    p.add_argument("--chunk", type=int, default=1, help="trickle: payload bytes per send()")
    p.add_argument("--ping-every", type=float, default=0.15, help="trickle: server pings")
    p.add_argument("--lifetime", type=float, default=60.0)
    args = p.parse_args()
    deadline = time.monotonic() + args.lifetime

    # The handler only asks; the accept loop below reports within its 0.2 s timeout.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.mode == "stall":
        # Small receive buffers (inherited by accepted sockets): a stalled connection soon
        # fills the client's send buffer, so that its writer has to wait for room.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0 if args.mode == "slow-open" else 256)
    listener.settimeout(0.2)
    print(f"listening on ws://127.0.0.1:{listener.getsockname()[1]}/", flush=True)
    if args.mode == "slow-open":
        stop.wait(args.after)
    index = 0
    while time.monotonic() < deadline and not stop.is_set():
        try:
            sock, _ = listener.accept()
        except socket.timeout:
            continue
        conn = Connection(sock, index, args, deadline)
        index += 1
        threading.Thread(target=conn.run, daemon=True).start()
    with stats_lock:
        line = "stats " + json.dumps(stats, sort_keys=True)
    print(line, flush=True)
    os._exit(0)  # connection threads may be asleep in a stall


if __name__ == "__main__":
    sys.exit(main())
