"""Runs a room's aiohttp application on a background thread, for synchronous callers.

Tests (and scripts) that talk to the room with blocking clients, such as boto3 or
``websockets.sync``, cannot share a thread with the room's event loop; this gives the room a
thread and a loop of its own on a free 127.0.0.1 port and stops both on exit.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")
START_TIMEOUT_S = 10.0


class BackgroundRoom:
    """A started application: its base URL and a way to run coroutines on its loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, base_url: str) -> None:
        self.loop = loop
        self.base_url = base_url
        self.ws_url = base_url.replace("http://", "ws://", 1) + "/"

    def call(self, coroutine: Coroutine[Any, Any, T], timeout_s: float = 10.0) -> T:
        """Runs ``coroutine`` on the room's loop and waits for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout_s)


@contextmanager
def serve_in_thread(
    make_app: Callable[[], web.Application], host: str = "127.0.0.1"
) -> Iterator[BackgroundRoom]:
    """Builds the app on the room's own loop (so its asyncio objects belong there) and serves it."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    state: dict[str, Any] = {}

    async def start() -> None:
        runner = web.AppRunner(make_app(), access_log=None)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((host, 0))
        sock.listen(64)
        sock.setblocking(False)
        state["port"] = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        state["runner"] = runner

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        except BaseException as exc:
            state["error"] = exc
            started.set()
            return
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="room", daemon=True)
    thread.start()
    if not started.wait(START_TIMEOUT_S) or "error" in state:
        raise RuntimeError(f"the room did not start: {state.get('error')}")
    room = BackgroundRoom(loop, f"http://{host}:{state['port']}")
    try:
        yield room
    finally:
        room.call(state["runner"].cleanup())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(START_TIMEOUT_S)
        loop.close()
