"""A scripted wnet peer for tests: every line read on stdin is sent as one text frame, every frame received is
printed on its own line, and when the connection ends it prints `closed <code> <reason>` (1006 when the server
vanished without a close frame). End of stdin closes the connection normally. With a user name and password it
sends the same quoted password cookie as wnet_bot.py, so it may register as a bot.

    python3 wnet_peer.py ws://127.0.0.1:8080/wnet/ws [USERNAME PASSWORD]
"""
import asyncio
import sys
import threading

import websockets

from wnet_bot import auth_cookie, print_close


def read_stdin_into(loop, queue):
    # A daemon thread: a read blocked on stdin must not keep the process alive once the connection ended.
    for line in sys.stdin:
        loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\n"))
    loop.call_soon_threadsafe(queue.put_nowait, None)


async def send_lines(ws, queue):
    while True:
        line = await queue.get()
        if line is None:
            await ws.close()
            return
        await ws.send(line)


async def main(url, username=None, password=None):
    headers = {"Cookie": auth_cookie(username, password)} if username else {}
    queue = asyncio.Queue()
    threading.Thread(target=read_stdin_into, args=(asyncio.get_running_loop(), queue), daemon=True).start()
    async with websockets.connect(url, extra_headers=headers) as ws:
        sender = asyncio.ensure_future(send_lines(ws, queue))
        try:
            async for frame in ws:
                print(frame, flush=True)
        except websockets.ConnectionClosed:
            pass
        finally:
            sender.cancel()
            print_close(ws)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
