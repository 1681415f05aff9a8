#!/usr/bin/python3
"""A WebSocket client that misbehaves on purpose, on raw sockets (no WebSocket library), to check
that `wsprobe test-client` judges every case and ends on time whatever its client does.

  misbehaving_client.py MODE URL            one connection to URL (for --spawn)
  misbehaving_client.py testee BASE MODE... the Autobahn testee protocol: /getCaseCount, then
                                            case N in MODE[(N-1) % len], then /updateReports;
                                            a stray connection that never sends a byte stays
                                            open the whole time

Modes (every one is bounded in time, MAX_SECONDS, and in bytes):
  mute          TCP connect, never send anything
  half-request  send the first half of the opening request, then nothing
  silent        complete the opening handshake, then never send or read
  flood         handshake, then masked binary frames as fast as possible, never reading
  ping-flood    handshake, then masked pings as fast as possible, never reading (pongs pile up)
  half-frame    handshake, wait for the server's first bytes, send half of a masked frame,
                close TCP
  reset         handshake, wait for the server's first bytes, abort the connection (TCP RST)
Exit status 0 whatever the server did (a reset or a closed socket is the expected end).
"""
import base64
import os
import select
import socket
import struct
import sys
import threading
import time
import urllib.parse

MAX_SECONDS = 8           # no mode holds a connection longer
FLOOD_BYTES = 64 << 20    # a flood stops after this many bytes


def frame(opcode, payload, fin=True):
    """One masked client frame (RFC 6455 §5.2), a fresh random key."""
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    key = os.urandom(4)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return head + key + masked


def connect(url):
    u = urllib.parse.urlsplit(url)
    s = socket.create_connection((u.hostname, u.port), timeout=MAX_SECONDS)
    return s, u


def handshake(url):
    """Sends the opening request; returns the socket and the bytes after the response head."""
    s, u = connect(url)
    key = base64.b64encode(os.urandom(16)).decode()
    target = u.path + ("?" + u.query if u.query else "")
    s.sendall((f"GET {target} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return s, head, rest


def wait_closed(s, deadline):
    """Reads (and drops) until the server closes or the deadline."""
    try:
        while time.monotonic() < deadline:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            if not s.recv(65536):
                return
    except OSError:
        pass


def first_frame(s, rest):
    """Reads until one whole frame (header and payload) arrived; returns its opcode and payload."""
    data = rest
    while True:
        if len(data) >= 2:
            n, at = data[1] & 0x7F, 2
            if n == 126 and len(data) >= 4:
                n, at = struct.unpack("!H", data[2:4])[0], 4
            elif n == 127 and len(data) >= 10:
                n, at = struct.unpack("!Q", data[2:10])[0], 10
            if n < 126 or at > 2:
                if len(data) >= at + n:
                    return data[0] & 0x0F, data[at:at + n]
        chunk = s.recv(65536)
        if not chunk:
            return None, b""
        data += chunk


def flood(s, opcode):
    # 256 frames with different keys, sent again and again: as fast as the socket takes them.
    size = 1000 if opcode == 0x2 else 125
    batch = b"".join(frame(opcode, os.urandom(size)) for _ in range(256))
    sent, until = 0, time.monotonic() + MAX_SECONDS
    s.settimeout(MAX_SECONDS)
    try:
        while sent < FLOOD_BYTES and time.monotonic() < until:
            s.sendall(batch)
            sent += len(batch)
    except OSError:
        pass  # the server failed the connection or timed out the case: the expected end
    print(f"flood: {sent} bytes sent", file=sys.stderr)


def run_one(mode, url):
    deadline = time.monotonic() + MAX_SECONDS
    if mode == "mute":
        s, _ = connect(url)
        wait_closed(s, deadline)
        s.close()
        return
    if mode == "half-request":
        s, u = connect(url)
        s.sendall(f"GET {u.path}?{u.query} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpg".encode())
        wait_closed(s, deadline)
        s.close()
        return
    s, head, rest = handshake(url)
    if not head.startswith(b"HTTP/1.1 101"):
        s.close()
        return
    if mode == "silent":
        # Never read: the server's frames stay in our receive buffer; POLLRDHUP still tells
        # when the server has closed its side.
        p = select.poll()
        p.register(s, select.POLLRDHUP)
        while time.monotonic() < deadline and not p.poll(50):
            pass
    elif mode == "flood":
        flood(s, 0x2)
    elif mode == "ping-flood":
        flood(s, 0x9)
    elif mode in ("half-frame", "reset"):
        # Mid-case: once the server's first bytes are here (maybe a part of a frame).
        try:
            if not rest:
                s.recv(65536)
        except OSError:
            pass
        if mode == "half-frame":
            whole = frame(0x1, b"this frame is cut in half")
            try:
                s.sendall(whole[:len(whole) // 2])
            except OSError:
                pass
            print("dropped mid-frame", file=sys.stderr)
        else:
            # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            print("reset mid-case", file=sys.stderr)
    else:
        raise SystemExit(f"unknown mode {mode}")
    s.close()


def control(url):
    """A control endpoint (/getCaseCount, /updateReports): the text it sends, then close."""
    s, head, rest = handshake(url)
    opcode, payload = first_frame(s, rest)
    try:
        s.sendall(frame(0x8, struct.pack("!H", 1000)))
    except OSError:
        pass
    wait_closed(s, time.monotonic() + 2)
    s.close()
    return payload.decode() if opcode == 0x1 else ""


def testee(base, modes):
    base = base.rstrip("/")
    agent = "misbehaving"
    count = int(control(f"{base}/getCaseCount"))
    # A stray connection that never sends a byte, open for the whole run.
    stray, _ = connect(base + "/")
    threading.Thread(target=wait_closed, args=(stray, time.monotonic() + 120), daemon=True).start()
    for n in range(1, count + 1):
        mode = modes[(n - 1) % len(modes)]
        try:
            run_one(mode, f"{base}/runCase?case={n}&agent={agent}")
        except OSError as e:
            print(f"case {n} ({mode}): {e}", file=sys.stderr)
    control(f"{base}/updateReports?agent={agent}")
    stray.close()


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    if sys.argv[1] == "testee":
        testee(sys.argv[2], sys.argv[3:] or ["silent"])
    else:
        run_one(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
