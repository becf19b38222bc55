"""The messaging side of a room: connected clients, their requests and what everyone receives."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from chatmod_local.room import frames
from chatmod_local.room.frames import FrameError
from chatmod_local.room.ids import new_id
from chatmod_local.room.limits import RateLimiter, too_long
from chatmod_local.room.moderation import ModerationLog
from chatmod_local.room.review import ReviewGate, Verdict, review_event
from chatmod_local.room.state import Capability, ChatToken, Directory, Room

log = logging.getLogger("chatmod.room")
CLOSE_NORMAL = 1000
MAX_CLOSE_REASON_BYTES = 123


class Socket(Protocol):
    """The part of a server-side WebSocket the hub uses (aiohttp's WebSocketResponse has it)."""

    async def send_str(self, data: str, compress: int | None = None) -> None: ...


@dataclass(eq=False)
class Connection:
    """One client connection: its socket, the token it connected with and its address.

    The hub never closes a socket itself: it asks (``request_close``) and the connection's
    reader, which owns the socket, sends the Close frame and waits for the client's Close, so
    every client sees a clean close (a dropped TCP connection reads as 1006 and a reconnect)."""

    socket: Socket
    token: ChatToken
    ip: str = "127.0.0.1"
    id: str = field(default_factory=new_id)
    open: bool = True
    close_reason: str = ""
    closing: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def request_close(self, reason: str) -> None:
        if not self.closing.is_set():
            self.close_reason = reason
            self.closing.set()

    def close_message(self) -> bytes:
        """The close reason as at most 123 bytes of whole UTF-8 characters."""
        message = self.close_reason.encode()[:MAX_CLOSE_REASON_BYTES]
        return message.decode(errors="ignore").encode()


class Hub:
    """Every room's connections, the requests they send and the frames the room fans out."""

    def __init__(
        self, directory: Directory, gate: ReviewGate, observer: ModerationLog | None = None
    ) -> None:
        self.directory = directory
        self.gate = gate
        self.observer = observer or ModerationLog()
        self._members: dict[str, set[Connection]] = {}
        self._limiters: dict[str, RateLimiter] = {}
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
        request_id: str | None = None
        try:
            data = frames.decode(text)
            request_id = frames.request_id_of(data)
            action = frames.action_of(data)
            self._require(connection, frames.CAPABILITY_OF[action], request_id)
            request = frames.parse_fields(data)
            if isinstance(request, frames.SendMessage):
                await self._send_message(connection, request)
                return
            room = self._room(connection.token.room_arn, request_id)
            self._within_rate(room, request_id)
            if isinstance(request, frames.DeleteMessage):
                await self.delete_message(
                    room.arn, request.message_id, request.reason or None, request_id
                )
            else:
                await self.disconnect_user(
                    room.arn, request.user_id, request.reason or None, request_id
                )
        except FrameError as exc:
            error = frames.error_frame(exc.code, exc.message, exc.request_id, exc.frame_id)
            await self.send(connection, error)
        except Exception as exc:  # a bug in the emulator must not look like a dead room
            log.exception("request failed")
            await self.send(
                connection, frames.error_frame(frames.INTERNAL_ERROR, str(exc), request_id)
            )

    def _require(
        self, connection: Connection, capability: Capability, request_id: str | None
    ) -> None:
        if not connection.token.can(capability):
            raise FrameError(
                frames.FORBIDDEN, f"The connection's token does not grant {capability}", request_id
            )

    def _room(self, room_arn: str, request_id: str | None) -> Room:
        room = self.directory.room(room_arn)
        if room is None:
            raise FrameError(frames.NOT_FOUND, "Room not found", request_id)
        return room

    def _within_rate(self, room: Room, request_id: str | None) -> None:
        """Every request a client sends to the room counts against its messages per second."""
        limiter = self._limiters.setdefault(room.arn, RateLimiter())
        if not limiter.allow(room.maximum_message_rate_per_second):
            raise FrameError(
                frames.TOO_MANY_REQUESTS,
                f"Room rate of {room.maximum_message_rate_per_second} messages per second exceeded",
                request_id,
            )

    async def _send_message(self, connection: Connection, request: frames.SendMessage) -> None:
        room = self._room(connection.token.room_arn, request.request_id)
        if too_long(request.content, room.maximum_message_length):
            raise FrameError(
                frames.PAYLOAD_TOO_LARGE,
                f"Content is longer than {room.maximum_message_length} characters",
                request.request_id,
            )
        self._within_rate(room, request.request_id)
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
        self.observer.reviewed(room.arn, message_id, token.user_id, request.content, verdict)
        log.info(
            "message %s from %s: %s (%s, %.1f ms)",
            message_id,
            token.user_id,
            verdict.result,
            verdict.outcome,
            verdict.elapsed_ms,
        )
        if verdict.result == "DENY":
            raise FrameError(
                frames.NOT_ACCEPTABLE, verdict.reason, request.request_id, frame_id=message_id
            )
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
        self.observer.deleted(room_arn, message_id, reason)
        return await self._announce(
            room_arn, frames.delete_message_event(message_id, reason, request_id)
        )

    async def disconnect_user(
        self, room_arn: str, user_id: str, reason: str | None, request_id: str | None = None
    ) -> str:
        """Tells the room, then closes every connection of the user with a clean close handshake."""
        self._room(room_arn, request_id)
        self.observer.disconnected(room_arn, user_id, reason)
        frame_id = await self._announce(
            room_arn, frames.disconnect_user_event(user_id, reason, request_id)
        )
        for connection in self.connections(room_arn):
            if connection.token.user_id == user_id:
                self.close_later(connection, reason or "Disconnected by the room")
        return frame_id

    async def send_event(self, room_arn: str, event_name: str, attributes: dict[str, str]) -> str:
        self._room(room_arn, None)
        return await self._announce(room_arn, frames.event_frame(event_name, attributes))

    async def _announce(self, room_arn: str, frame: dict[str, Any]) -> str:
        """Sends an event frame to everyone in the room; its id is what the API answers."""
        await self.broadcast(room_arn, frame)
        return str(frame["Id"])

    async def expire(self, connection: Connection) -> None:
        """The session is over: IVS's 401 ERROR ("The connection has expired"), then a clean
        close. The SDK takes the 401 for an expired token and reconnects with a fresh one (a
        new session), as it does against IVS; no client sees a 1006."""
        await self.send(
            connection, frames.error_frame(frames.UNAUTHORIZED, frames.SESSION_EXPIRED_MESSAGE)
        )
        self.close_later(connection, "Session expired")

    def close_later(self, connection: Connection, reason: str) -> None:
        """Asks the connection's reader to close; the caller does not wait for the handshake."""
        self.leave(connection)
        connection.request_close(reason)

    async def close_all(self, timeout_s: float = 2.0) -> None:
        everyone = [c for members in self._members.values() for c in members]
        for connection in everyone:
            self.close_later(connection, "Room shutting down")
        waits = [asyncio.ensure_future(c.finished.wait()) for c in everyone]
        if waits:
            _, pending = await asyncio.wait(waits, timeout=timeout_s)
            for task in pending:
                task.cancel()
