"""The messaging side of a room: connected clients, their requests and what everyone receives."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from chatmod_local.room import frames
from chatmod_local.room.frames import FrameError
from chatmod_local.room.ids import new_id
from chatmod_local.room.limits import RateLimiter, too_long
from chatmod_local.room.review import ReviewGate, Verdict, review_event
from chatmod_local.room.state import Capability, ChatToken, Directory, Room

log = logging.getLogger("chatmod.room")
CLOSE_NORMAL = 1000
MAX_CLOSE_REASON_BYTES = 123


class Socket(Protocol):
    """The part of a server-side WebSocket the hub uses (aiohttp's WebSocketResponse has it)."""

    async def send_str(self, data: str, compress: int | None = None) -> None: ...

    async def close(
        self, *, code: int = CLOSE_NORMAL, message: bytes = b"", drain: bool = True
    ) -> bool: ...


@dataclass(eq=False)
class Connection:
    """One client connection: its socket, the token it connected with and its address."""

    socket: Socket
    token: ChatToken
    ip: str = "127.0.0.1"
    id: str = field(default_factory=new_id)
    open: bool = True


class Hub:
    """Every room's connections, the requests they send and the frames the room fans out."""

    def __init__(self, directory: Directory, gate: ReviewGate) -> None:
        self.directory = directory
        self.gate = gate
        self._members: dict[str, set[Connection]] = {}
        self._limiters: dict[str, RateLimiter] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self.verdicts: list[tuple[str, Verdict]] = []  # (message id, verdict): for logs and tests

    # -- membership -------------------------------------------------------------------------
    def join(self, connection: Connection) -> None:
        self._members.setdefault(connection.token.room_arn, set()).add(connection)

    def leave(self, connection: Connection) -> None:
        connection.open = False
        self._members.get(connection.token.room_arn, set()).discard(connection)

    def connections(self, room_arn: str) -> list[Connection]:
        return [c for c in self._members.get(room_arn, set()) if c.open]

    def users(self, room_arn: str) -> list[str]:
        return sorted({c.token.user_id for c in self.connections(room_arn)})

    # -- fan-out ----------------------------------------------------------------------------
    async def send(self, connection: Connection, frame: dict[str, Any]) -> None:
        if not connection.open:
            return
        try:
            await connection.socket.send_str(json.dumps(frame, ensure_ascii=False))
        except (ConnectionError, RuntimeError):
            self.leave(connection)

    async def broadcast(self, room_arn: str, frame: dict[str, Any]) -> None:
        await asyncio.gather(*(self.send(c, frame) for c in self.connections(room_arn)))

    # -- client requests --------------------------------------------------------------------
    async def handle(self, connection: Connection, text: str | bytes) -> None:
        """One client frame: answered with the frames IVS would send, never an exception."""
        try:
            envelope = frames.parse_envelope(text)
            self._require(connection, frames.CAPABILITY_OF[envelope.action], envelope.request_id)
            request = frames.parse_fields(envelope)
            if isinstance(request, frames.SendMessage):
                await self._send_message(connection, request)
            elif isinstance(request, frames.DeleteMessage):
                await self.delete_message(
                    connection.token.room_arn,
                    request.message_id,
                    request.reason,
                    request.request_id,
                )
            else:
                await self.disconnect_user(
                    connection.token.room_arn, request.user_id, request.reason, request.request_id
                )
        except FrameError as exc:
            await self.send(connection, frames.error_frame(exc.code, exc.message, exc.request_id))
        except Exception as exc:  # a bug in the emulator must not look like a dead room
            log.exception("request failed")
            request_id = _request_id_of(text)
            await self.send(
                connection, frames.error_frame(frames.INTERNAL_ERROR, str(exc), request_id)
            )

    def _require(self, connection: Connection, capability: Capability, request_id: str) -> None:
        if not connection.token.can(capability):
            raise FrameError(
                frames.FORBIDDEN, f"The connection's token does not grant {capability}", request_id
            )

    def _room(self, room_arn: str, request_id: str | None) -> Room:
        room = self.directory.room(room_arn)
        if room is None:
            raise FrameError(frames.NOT_FOUND, "Room not found", request_id)
        return room

    async def _send_message(self, connection: Connection, request: frames.SendMessage) -> None:
        room = self._room(connection.token.room_arn, request.request_id)
        if not request.content:
            raise FrameError(frames.BAD_REQUEST, "Content must not be empty", request.request_id)
        if too_long(request.content, room.maximum_message_length):
            raise FrameError(
                frames.PAYLOAD_TOO_LARGE,
                f"Content is longer than {room.maximum_message_length} characters",
                request.request_id,
            )
        limiter = self._limiters.setdefault(room.arn, RateLimiter())
        if not limiter.allow(room.maximum_message_rate_per_second):
            raise FrameError(
                frames.TOO_MANY_REQUESTS,
                f"Room rate of {room.maximum_message_rate_per_second} messages per second exceeded",
                request.request_id,
            )
        message_id = new_id()
        token = connection.token
        event = review_event(
            content=request.content,
            message_id=message_id,
            room_arn=room.arn,
            attributes=request.attributes,
            user_id=token.user_id,
            sender_attributes=token.attributes,
            ip=connection.ip,
        )
        verdict = await self.gate.review(room, event)
        self.verdicts.append((message_id, verdict))
        log.info(
            "message %s from %s: %s (%s, %.1f ms)",
            message_id,
            token.user_id,
            verdict.result,
            verdict.outcome,
            verdict.elapsed_ms,
        )
        if verdict.result == "DENY":
            raise FrameError(frames.NOT_ACCEPTABLE, verdict.reason, request.request_id)
        await self.broadcast(
            room.arn,
            frames.message_frame(
                message_id=message_id,
                content=verdict.content,
                attributes=verdict.attributes,
                sender_id=token.user_id,
                sender_attributes=token.attributes,
                request_id=request.request_id,
            ),
        )

    # -- moderation (from clients with capabilities, or from the control plane) ------------
    async def delete_message(
        self, room_arn: str, message_id: str, reason: str | None, request_id: str | None = None
    ) -> str:
        self._room(room_arn, request_id)
        frame = frames.delete_message_event(message_id, reason, request_id)
        await self.broadcast(room_arn, frame)
        return str(frame["Id"])

    async def disconnect_user(
        self, room_arn: str, user_id: str, reason: str | None, request_id: str | None = None
    ) -> str:
        """Tells the room, then closes every connection of the user with a clean close handshake."""
        self._room(room_arn, request_id)
        frame = frames.disconnect_user_event(user_id, reason, request_id)
        await self.broadcast(room_arn, frame)
        for connection in self.connections(room_arn):
            if connection.token.user_id == user_id:
                self.close_later(connection, reason or "Disconnected by the room")
        return str(frame["Id"])

    async def send_event(self, room_arn: str, event_name: str, attributes: dict[str, str]) -> str:
        self._room(room_arn, None)
        frame = frames.event_frame(event_name, attributes)
        await self.broadcast(room_arn, frame)
        return str(frame["Id"])

    def close_later(self, connection: Connection, reason: str) -> None:
        """Closes without making the caller wait for the client's half of the handshake."""
        self.leave(connection)
        message = reason.encode()[:MAX_CLOSE_REASON_BYTES]
        while message:
            try:
                message.decode()
                break
            except UnicodeDecodeError:
                message = message[:-1]
        task = asyncio.get_running_loop().create_task(self._close(connection, message))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _close(self, connection: Connection, message: bytes) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError, asyncio.TimeoutError):
            await connection.socket.close(code=CLOSE_NORMAL, message=message)

    async def close_all(self) -> None:
        for room_connections in list(self._members.values()):
            for connection in list(room_connections):
                self.close_later(connection, "Room shutting down")
        if self._closing:
            await asyncio.wait(set(self._closing), timeout=2)


def _request_id_of(text: str | bytes) -> str | None:
    with contextlib.suppress(ValueError, UnicodeDecodeError):
        data = json.loads(text)
        if isinstance(data, dict) and isinstance(data.get("RequestId"), str):
            return str(data["RequestId"])
    return None
