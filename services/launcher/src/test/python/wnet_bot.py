"""A wnet bot written like the public Python peer of Protocol_4.1: it registers a name with the auth cookie and
answers every message with "Hello from bot! You said: <text>". It never answers `isalive` (like three of the
four public peers). When the connection ends it prints `closed <code> <reason>` (1006: no close frame came).
Used by the interoperability tests; also a usable example:

    python3 wnet_bot.py ws://127.0.0.1:8080/wnet/ws NAME USERNAME PASSWORD
"""
import asyncio
import json
import sys
import urllib.parse

import websockets


def auth_cookie(username, password):
    data = json.dumps({"username": username, "password": password})
    value = "type=password&auth=" + urllib.parse.quote(data)
    return 'auth="%s"' % value


def print_close(ws):
    print("closed %s %s" % (ws.close_code, ws.close_reason), flush=True)


async def main(url, name, username, password):
    async with websockets.connect(url, extra_headers={"Cookie": auth_cookie(username, password)}) as ws:
        await ws.send("add@" + name)
        print(await ws.recv(), flush=True)
        try:
            async for frame in ws:
                print(frame, flush=True)
                if frame.startswith("mess@"):
                    _, sid, text = frame.split("@", 2)
                    await ws.send("scsend@%s@Hello from bot! You said: %s" % (sid, text))
        except websockets.ConnectionClosed:
            pass
        print_close(ws)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
