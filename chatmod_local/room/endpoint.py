"""The messaging WebSocket endpoint: the chat token is the subprotocol, echoed back on success."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from aiohttp import WSMsgType, web

from chatmod_local.room.frames import MAX_FRAME_BYTES
from chatmod_local.room.messaging import Connection, Hub
from chatmod_local.room.state import ChatToken, Directory


def requested_protocols(request: web.Request) -> list[str]:
    header = request.headers.get("Sec-WebSocket-Protocol", "")
    return [part.strip() for part in header.split(",") if part.strip()]


def is_upgrade(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


def messaging_handler(
    directory: Directory, hub: Hub
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Accepts a connection whose subprotocol is a live token; refuses the handshake otherwise."""

    async def handle(request: web.Request) -> web.StreamResponse:
        offered = requested_protocols(request)
        token: ChatToken | None = None
        for value in offered:
            token = directory.token(value)
            if token is not None:
                break
        if token is None:
            status = 401 if not offered else 403
            return web.json_response(
                {"message": "A valid chat token is required as the WebSocket subprotocol"},
                status=status,
            )
        socket = web.WebSocketResponse(
            protocols=[token.value], max_msg_size=MAX_FRAME_BYTES * 2, autoping=True
        )
        await socket.prepare(request)
        connection = Connection(socket=socket, token=token, ip=request.remote or "127.0.0.1")
        hub.join(connection)
        remaining = max(0.0, token.session_expires - directory.now())
        expiry = asyncio.get_running_loop().call_later(
            remaining, hub.close_later, connection, "Session expired"
        )
        try:
            async for message in socket:
                if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    if not connection.open:
                        break
                    await hub.handle(connection, message.data)
                elif message.type == WSMsgType.ERROR:
                    break
        finally:
            expiry.cancel()
            hub.leave(connection)
            with contextlib.suppress(ConnectionError, RuntimeError):
                await socket.close()
        return socket

    return handle
