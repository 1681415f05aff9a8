"""Test server on Python `websockets` (Debian's python3-websockets, run with /usr/bin/python3)
that checks an echo client, the testee of `wsprobe test-client`. websockets itself checks that
every client frame is masked (RFC 6455 §5.1) and well formed.

  echo_client_check_server.py [--tls CERT KEY] [--cases N]

prints "listening on ws://127.0.0.1:PORT/" (wss:// with --tls), then serves until SIGTERM:
  /getCaseCount                 sends the count N (default 3) as a text message
  /runCase?case=K&agent=A       case K of N trivial ones (1 text, 2 binary, 3 ping then text)
  /updateReports?agent=A        closes at once
  any other path                the full check: text, binary, a text message fragmented into
                                three frames, 1 MiB of binary, a ping; each must come back
and, for every connection, prints one line after it ends:
  "PASS <path>" or "FAIL <path>: <why>" (a client that did not echo, answer the ping, or
  close with 1000)."""
import asyncio
import signal
import ssl
import sys

import websockets

PING_TIMEOUT = 5
ECHO_TIMEOUT = 10
MIB = bytes(range(256)) * 4096  # 1 MiB


async def fragments():
    for part in ("frag", "mented ", "text ✓"):
        yield part


async def expect_echo(ws, sent, label):
    got = await asyncio.wait_for(ws.recv(), ECHO_TIMEOUT)
    expected = "".join([p async for p in fragments()]) if sent is fragments else sent
    if type(got) is not type(expected):
        raise AssertionError(f"{label}: echoed as {type(got).__name__}, sent as "
                             f"{type(expected).__name__}")
    if got != expected:
        raise AssertionError(f"{label}: echo differs ({len(got)} vs {len(expected)} units)")


async def send_and_check(ws, message, label):
    await ws.send(message() if message is fragments else message)
    await expect_echo(ws, message, label)


async def check_ping(ws):
    waiter = await ws.ping(b"probe")
    try:
        await asyncio.wait_for(waiter, PING_TIMEOUT)
    except asyncio.TimeoutError:
        raise AssertionError("no pong within 5 s") from None


async def full_check(ws):
    await send_and_check(ws, "Hello, echo client ✓", "text")
    await send_and_check(ws, bytes([0, 1, 2, 255]), "binary")
    await send_and_check(ws, fragments, "fragmented text")
    await send_and_check(ws, MIB, "1 MiB binary")
    await check_ping(ws)


async def run_case(ws, case):
    if case == 1:
        await send_and_check(ws, "case one", "text")
    elif case == 2:
        await send_and_check(ws, b"\x00case two\xff", "binary")
    else:
        await check_ping(ws)
        await send_and_check(ws, "case three", "text")


def make_handler(case_count):
    async def handler(ws, path=None):
        path = ws.path
        why = None
        try:
            if path.startswith("/getCaseCount"):
                await ws.send(str(case_count))
            elif path.startswith("/runCase"):
                query = dict(p.split("=", 1) for p in path.split("?", 1)[1].split("&"))
                if not query.get("agent"):
                    raise AssertionError("no agent")
                await run_case(ws, int(query["case"]))
            elif path.startswith("/updateReports"):
                pass
            else:
                await full_check(ws)
            await ws.close(1000, "done")
            await ws.wait_closed()
            # The client answers our close with 1000 and leaves the TCP close to us.
            if ws.close_code != 1000:
                why = f"client closed with {ws.close_code}, not 1000"
        except AssertionError as e:
            why = str(e)
        except websockets.ConnectionClosed as e:
            why = f"connection closed early: {e}"
        except Exception as e:  # noqa: BLE001 - report whatever broke the check
            why = f"{type(e).__name__}: {e}"
        print(f"PASS {path}" if why is None else f"FAIL {path}: {why}", flush=True)

    return handler


async def main(argv):
    tls = None
    case_count = 3
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--tls":
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(args.pop(0), args.pop(0))
        elif arg == "--cases":
            case_count = int(args.pop(0))
        else:
            raise SystemExit(f"unknown argument {arg}")
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set_result, None)
    async with websockets.serve(make_handler(case_count), "127.0.0.1", 0, ssl=tls,
                                compression=None, max_size=2 * 2**20,
                                ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        scheme = "wss" if tls else "ws"
        print(f"listening on {scheme}://127.0.0.1:{port}/", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
