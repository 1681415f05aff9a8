#!/usr/bin/python3
"""Autobahn-style testee client on Python websockets (Debian python3-websockets 10.4).

  python_ws_testee_client.py testee ws://127.0.0.1:PORT [AGENT]   getCaseCount, runCase 1..N
                                                                  (echo every message),
                                                                  updateReports
  python_ws_testee_client.py one URL                              one case at URL (for --spawn)
  python_ws_testee_client.py silent URL                           handshake, then never read or send
  python_ws_testee_client.py mute URL                             TCP connect, never send anything
  python_ws_testee_client.py drop URL                             handshake, read one frame, drop TCP
"""
import asyncio
import base64
import os
import socket
import sys
import time
import urllib.parse

import websockets


async def echo_case(url):
    try:
        async with websockets.connect(url, max_size=2 ** 25, ping_interval=None,
                                      open_timeout=5, close_timeout=2) as ws:
            async for message in ws:
                await ws.send(message)
    except Exception as e:  # every way a case can end is fine for an echo testee
        print(f"{url}: {type(e).__name__}: {e}", file=sys.stderr)


async def testee(base, agent):
    async with websockets.connect(f"{base}/getCaseCount") as ws:
        count = int(await ws.recv())
    for n in range(1, count + 1):
        await echo_case(f"{base}/runCase?case={n}&agent={agent}")
    async with websockets.connect(f"{base}/updateReports?agent={agent}") as ws:
        try:
            await ws.recv()
        except websockets.ConnectionClosed:
            pass


def raw_connect(url):
    u = urllib.parse.urlsplit(url)
    s = socket.create_connection((u.hostname, u.port), timeout=10)
    return s, u


def raw_handshake(url):
    s, u = raw_connect(url)
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
    return s, data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""


def main():
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "testee":
        asyncio.run(testee(url.rstrip("/"), sys.argv[3] if len(sys.argv) > 3 else "python-websockets"))
    elif mode == "one":
        asyncio.run(echo_case(url))
    elif mode == "silent":
        s, _ = raw_handshake(url)
        time.sleep(3600)
    elif mode == "mute":
        s, _ = raw_connect(url)
        time.sleep(3600)
    elif mode == "drop":
        s, rest = raw_handshake(url)
        if not rest:
            s.recv(1)
        s.close()
        print("dropped mid-case", file=sys.stderr)
        sys.exit(3)
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
