"""Checks a WebSocket echo server with Python `websockets` (Debian's python3-websockets), an
implementation independent of ours. Run with /usr/bin/python3.

Usage: echo_check.py URL    (wss:// URLs are checked without certificate verification, for the
                            self-signed certificate `wsprobe serve --tls` generates)
       echo_check.py URL --too-big N   only checks that a message of N bytes is refused with
                            close code 1009 (for a server started with a smaller
                            --max-message-size)
Prints one line per check; exits 0 when every echo matched, 1 otherwise."""
import asyncio
import os
import ssl
import sys

import websockets

MIB = 2**20
failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail and not ok else ''}",
          flush=True)
    if not ok:
        failures.append(name)


def describe(value):
    kind = "text" if isinstance(value, str) else "binary"
    return f"{kind} of {len(value)}"


async def echo(ws, name, message, expected=None):
    """Sends `message` (a str, bytes, or a list of fragments) and compares the reply."""
    await ws.send(message)
    reply = await ws.recv()
    if expected is None:
        expected = message
    same_type = isinstance(reply, type(expected))
    check(name, same_type and reply == expected,
          f"sent {describe(expected)}, got {describe(reply)}"
          + ("" if same_type else " (type changed)"))


async def main(url):
    context = None
    if url.startswith("wss://"):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    async with websockets.connect(url, ssl=context, compression=None, max_size=64 * MIB,
                                  max_queue=None, open_timeout=10, close_timeout=10) as ws:
        await echo(ws, "text", "Hello, wsprobe — ü€😀")
        await echo(ws, "empty text", "")
        await echo(ws, "binary", bytes(range(256)))
        await echo(ws, "empty binary", b"")
        # websockets sends an iterable as one fragmented message: one frame per item.
        await echo(ws, "fragmented text", ["frag", "men", "ted ", "ü€"], "fragmented ü€")
        await echo(ws, "fragmented binary", [b"\x00\x01", b"", b"\xff" * 1000],
                   b"\x00\x01" + b"\xff" * 1000)
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 10)
        check("ping answered", True)
        await echo(ws, "16 MiB binary", os.urandom(16 * MIB))
        # Multi-byte characters throughout, so a UTF-8 check or a split sequence would show.
        text = ("wsprobe ü€😀 " * ((16 * MIB) // 20))[: 16 * MIB // 2]
        await echo(ws, "16 MiB text", text + "x" * (16 * MIB - len(text.encode())))
        await ws.close()
        check("close handshake 1000", ws.close_code == 1000, f"close code {ws.close_code}")


async def too_big(url, size):
    """A message over the server's limit must be refused with 1009 (RFC 6455 §7.4.1)."""
    context = None
    if url.startswith("wss://"):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    async with websockets.connect(url, ssl=context, compression=None, open_timeout=10,
                                  close_timeout=10) as ws:
        await echo(ws, "message under the limit", b"x" * 10)
        await ws.send(b"y" * size)
        try:
            reply = await asyncio.wait_for(ws.recv(), 10)
            check(f"{size}-byte message refused", False, f"echoed {describe(reply)}")
        except websockets.ConnectionClosed:
            code = ws.close_code
            check(f"{size}-byte message refused with 1009", code == 1009, f"close code {code}")


if __name__ == "__main__":
    try:
        if len(sys.argv) == 4 and sys.argv[2] == "--too-big":
            asyncio.run(asyncio.wait_for(too_big(sys.argv[1], int(sys.argv[3])), 60))
        else:
            asyncio.run(asyncio.wait_for(main(sys.argv[1]), 120))
    except Exception as e:  # any failure to connect or a dropped connection is a failure
        check("connection", False, f"{type(e).__name__}: {e}")
    print(f"{'all echoes matched' if not failures else 'failed: ' + ', '.join(failures)}")
    sys.exit(1 if failures else 0)
