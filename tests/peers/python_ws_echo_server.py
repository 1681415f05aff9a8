"""Echo server on Python `websockets` (Debian's python3-websockets), a third-party peer for
integration tests. Run with /usr/bin/python3. Usage: python_ws_echo_server.py [PORT [HOST]]"""
import asyncio
import signal
import sys

import websockets


async def echo(websocket, path=None):
    try:
        async for message in websocket:
            await websocket.send(message)
    except websockets.ConnectionClosed:
        pass


async def main(port, host="127.0.0.1"):
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    # No compression, messages up to 32 MiB (the suite sends 16 MiB), as for any echo testee.
    async with websockets.serve(echo, host, port, compression=None,
                                max_size=32 * 2**20, max_queue=None) as server:
        bound = server.sockets[0].getsockname()[1]
        print(f"listening on ws://{host}:{bound}/", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0, *sys.argv[2:3]))
