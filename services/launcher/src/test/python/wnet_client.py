"""A wnet client written like the public Python peer: search, connect to a bot, send a message, print every
frame until the bot's answer arrives (or 10 s pass). Exit code 0 when the answer came.

    python3 wnet_client.py ws://127.0.0.1:8080/wnet/ws BOTNAME "some text"
"""
import asyncio
import sys

import websockets


async def main(url, bot, text):
    async with websockets.connect(url) as ws:
        await ws.send("search@" + bot[:2])
        print(await ws.recv(), flush=True)
        await ws.send("connect@" + bot)
        print(await ws.recv(), flush=True)
        await ws.send("cssend@%s@%s" % (bot, text))
        while True:
            frame = await asyncio.wait_for(ws.recv(), 10)
            print(frame, flush=True)
            if frame.startswith("mess@"):
                return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:4])))
