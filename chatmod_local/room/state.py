"""Rooms and chat tokens: what the control plane creates and the messaging endpoint checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from chatmod_local.room.ids import new_id, new_token
from chatmod_local.template import LOCAL_PSEUDO

Capability = Literal["SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"]
CAPABILITIES: tuple[Capability, ...] = ("SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER")
FallbackResult = Literal["ALLOW", "DENY"]
Clock = Callable[[], float]

REGION = LOCAL_PSEUDO["AWS::Region"]
ACCOUNT = LOCAL_PSEUDO["AWS::AccountId"]
DEFAULT_RATE = 10
DEFAULT_MAX_LENGTH = 500
DEFAULT_SESSION_MINUTES = 60


def room_arn(room_id: str) -> str:
    return f"arn:aws:ivschat:{REGION}:{ACCOUNT}:room/{room_id}"


def function_arn(name: str, alias: str | None = None) -> str:
    base = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    return f"{base}:{alias}" if alias else base


def iso(epoch: float) -> str:
    """ISO 8601 in UTC with milliseconds, as IVS returns times (and as JS Date parses)."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class ReviewHandler:
    """A room's message review handler: the function ARN and what to do when it fails."""

    uri: str
    fallback_result: FallbackResult = "ALLOW"

    def describe(self) -> dict[str, str]:
        return {"uri": self.uri, "fallbackResult": self.fallback_result}


@dataclass(frozen=True)
class Room:
    """One chat room's configuration, as GetRoom describes it."""

    id: str
    name: str = ""
    maximum_message_length: int = DEFAULT_MAX_LENGTH
    maximum_message_rate_per_second: int = DEFAULT_RATE
    review_handler: ReviewHandler | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    created: float = 0.0
    updated: float = 0.0

    @property
    def arn(self) -> str:
        return room_arn(self.id)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "arn": self.arn,
            "id": self.id,
            "name": self.name,
            "createTime": iso(self.created),
            "updateTime": iso(self.updated),
            "maximumMessageLength": self.maximum_message_length,
            "maximumMessageRatePerSecond": self.maximum_message_rate_per_second,
            "tags": dict(self.tags),
            "loggingConfigurationIdentifiers": [],
        }
        if self.review_handler is not None:
            out["messageReviewHandler"] = self.review_handler.describe()
        return out


@dataclass(frozen=True)
class ChatToken:
    """What a chat token grants: one user, in one room, with some capabilities, for a while."""

    value: str
    room_arn: str
    user_id: str
    capabilities: frozenset[Capability]
    attributes: Mapping[str, str]
    token_expires: float
    session_expires: float

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def describe(self) -> dict[str, str]:
        """The CreateChatToken response (also what the SDK's token provider returns)."""
        return {
            "token": self.value,
            "tokenExpirationTime": iso(self.token_expires),
            "sessionExpirationTime": iso(self.session_expires),
        }


class Directory:
    """The rooms of the local account and the tokens issued for them (thread-safe)."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rooms: dict[str, Room] = {}
        self._tokens: dict[str, ChatToken] = {}

    def now(self) -> float:
        return self._clock()

    def create_room(
        self,
        *,
        room_id: str | None = None,
        name: str = "",
        maximum_message_length: int = DEFAULT_MAX_LENGTH,
        maximum_message_rate_per_second: int = DEFAULT_RATE,
        review_handler: ReviewHandler | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Room:
        now = self._clock()
        room = Room(
            id=room_id or new_id(),
            name=name,
            maximum_message_length=maximum_message_length,
            maximum_message_rate_per_second=maximum_message_rate_per_second,
            review_handler=review_handler,
            tags=dict(tags or {}),
            created=now,
            updated=now,
        )
        with self._lock:
            self._rooms[room.arn] = room
        return room

    def room(self, identifier: str) -> Room | None:
        """A room by ARN (what the API takes) or by bare id (a local convenience)."""
        with self._lock:
            return self._rooms.get(identifier) or self._rooms.get(room_arn(identifier))

    def rooms(self) -> list[Room]:
        with self._lock:
            return sorted(self._rooms.values(), key=lambda r: r.created)

    def update_room(self, arn: str, **changes: Any) -> Room | None:
        with self._lock:
            room = self._rooms.get(arn)
            if room is None:
                return None
            updated = replace(room, updated=self._clock(), **changes)
            self._rooms[arn] = updated
            return updated

    def delete_room(self, arn: str) -> bool:
        with self._lock:
            return self._rooms.pop(arn, None) is not None

    def issue_token(
        self,
        room: Room,
        user_id: str,
        capabilities: Iterable[Capability] = (),
        session_minutes: int = DEFAULT_SESSION_MINUTES,
        attributes: Mapping[str, str] | None = None,
    ) -> ChatToken:
        now = self._clock()
        expires = now + session_minutes * 60
        token = ChatToken(
            value=new_token(),
            room_arn=room.arn,
            user_id=user_id,
            capabilities=frozenset(capabilities),
            attributes=dict(attributes or {}),
            token_expires=expires,
            session_expires=expires,
        )
        with self._lock:
            self._drop_expired(now)
            self._tokens[token.value] = token
        return token

    def token(self, value: str) -> ChatToken | None:
        """The token's grant, or None when it is unknown, expired or its room is gone."""
        now = self._clock()
        with self._lock:
            token = self._tokens.get(value)
            if token is None or token.token_expires <= now or token.room_arn not in self._rooms:
                return None
            return token

    def _drop_expired(self, now: float) -> None:
        for key in [k for k, t in self._tokens.items() if t.token_expires <= now]:
            del self._tokens[key]
