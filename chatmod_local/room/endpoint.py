"""The messaging WebSocket endpoint: the chat token is the subprotocol, echoed back on success.

The connection's reader owns the socket: when the hub asks a connection to close (a
disconnect, an expired session, a deleted room), the reader stops reading, sends the Close
frame and waits for the client's Close before the TCP connection goes, which is what makes
the close clean for every WebSocket implementation (Node's built-in one reports 1006 and the
SDK reconnects when the server drops the connection first).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from aiohttp import WSMessage, WSMsgType, web

from chatmod_local.room.frames import MAX_FRAME_BYTES
from chatmod_local.room.messaging import CLOSE_NORMAL, Connection, Hub
from chatmod_local.room.state import ChatToken, Directory

CLOSE_HANDSHAKE_TIMEOUT_S = 5.0


def requested_protocols(request: web.Request) -> list[str]:
    header = request.headers.get("Sec-WebSocket-Protocol", "")
    return [part.strip() for part in header.split(",") if part.strip()]


def is_upgrade(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


async def _next_message(socket: web.WebSocketResponse, connection: Connection) -> WSMessage | None:
    """The client's next frame, or None once the hub has asked this connection to close."""
    if connection.closing.is_set():
        return None
    receive = asyncio.ensure_future(socket.receive())
    closing = asyncio.ensure_future(connection.closing.wait())
    done, _ = await asyncio.wait({receive, closing}, return_when=asyncio.FIRST_COMPLETED)
    if receive in done:
        closing.cancel()
        return receive.result()
    receive.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await receive
    return None


async def _serve(socket: web.WebSocketResponse, connection: Connection, hub: Hub) -> None:
    while (message := await _next_message(socket, connection)) is not None:
        if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
            await hub.handle(connection, message.data)
        elif message.type in (
            WSMsgType.CLOSE,
            WSMsgType.CLOSING,
            WSMsgType.CLOSED,
            WSMsgType.ERROR,
        ):
            return


def messaging_handler(
    directory: Directory, hub: Hub
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Accepts a connection whose subprotocol is a live, unused token; refuses it otherwise."""

    async def handle(request: web.Request) -> web.StreamResponse:
        offered = requested_protocols(request)
        token: ChatToken | None = None
        for value in offered:
            token = directory.claim_token(value)
            if token is not None:
                break
        if token is None:
            status = 401 if not offered else 403
            return web.json_response(
                {"message": "A valid, unused chat token is required as the WebSocket subprotocol"},
                status=status,
            )
        socket = web.WebSocketResponse(
            protocols=[token.value],
            max_msg_size=MAX_FRAME_BYTES * 2,
            autoping=True,
            timeout=CLOSE_HANDSHAKE_TIMEOUT_S,
        )
        await socket.prepare(request)
        connection = Connection(socket=socket, token=token, ip=request.remote or "127.0.0.1")
        hub.join(connection)
        remaining = max(0.0, token.session_expires - directory.now())
        loop = asyncio.get_running_loop()
        expiring: set[asyncio.Task[None]] = set()

        def expire() -> None:
            expiring.add(loop.create_task(hub.expire(connection)))

        expiry = loop.call_later(remaining, expire)
        try:
            await _serve(socket, connection, hub)
        finally:
            expiry.cancel()
            for task in expiring:
                with contextlib.suppress(Exception):
                    await task
            hub.leave(connection)
            with contextlib.suppress(ConnectionError, RuntimeError, asyncio.TimeoutError):
                await socket.close(code=CLOSE_NORMAL, message=connection.close_message())
            connection.finished.set()
        return socket

    return handle
