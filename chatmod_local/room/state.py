"""Rooms and chat tokens: what the control plane creates and the messaging endpoint checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from chatmod_local.room.ids import new_id, new_token
from chatmod_local.template import LOCAL_PSEUDO

Capability = Literal["SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"]
FallbackResult = Literal["ALLOW", "DENY"]
Clock = Callable[[], float]

REGION = LOCAL_PSEUDO["AWS::Region"]
ACCOUNT = LOCAL_PSEUDO["AWS::AccountId"]
DEFAULT_RATE = 10
DEFAULT_MAX_LENGTH = 500
DEFAULT_SESSION_MINUTES = 60
TOKEN_LIFETIME_S = 60.0  # IVS: a chat token must be used within one minute of its creation
MINUTE_S = 60.0


def room_arn(room_id: str) -> str:
    return f"arn:aws:ivschat:{REGION}:{ACCOUNT}:room/{room_id}"


def logging_configuration_arn(configuration_id: str) -> str:
    return f"arn:aws:ivschat:{REGION}:{ACCOUNT}:logging-configuration/{configuration_id}"


def resource_id(arn: str) -> str:
    """The id at the end of an ivschat ARN (what error bodies name as ``resourceId``)."""
    return arn.rsplit("/", 1)[-1]


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


@dataclass(frozen=True, kw_only=True)
class _Resource:
    """What every resource the control plane keeps has: an id, a name, tags and its times."""

    id: str
    name: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)
    created: float = 0.0
    updated: float = 0.0

    @property
    def arn(self) -> str:
        raise NotImplementedError

    def _description(self) -> dict[str, Any]:
        """What the API's description of the resource starts with."""
        return {
            "arn": self.arn,
            "id": self.id,
            "name": self.name,
            "createTime": iso(self.created),
            "updateTime": iso(self.updated),
        }


@dataclass(frozen=True, kw_only=True)
class Room(_Resource):
    """One chat room's configuration, as GetRoom describes it."""

    maximum_message_length: int = DEFAULT_MAX_LENGTH
    maximum_message_rate_per_second: int = DEFAULT_RATE
    review_handler: ReviewHandler | None = None
    logging_configuration_identifiers: tuple[str, ...] = ()

    @property
    def arn(self) -> str:
        return room_arn(self.id)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            **self._description(),
            "maximumMessageLength": self.maximum_message_length,
            "maximumMessageRatePerSecond": self.maximum_message_rate_per_second,
            "tags": dict(self.tags),
            "loggingConfigurationIdentifiers": list(self.logging_configuration_identifiers),
        }
        if self.review_handler is not None:
            out["messageReviewHandler"] = self.review_handler.describe()
        return out


@dataclass(frozen=True, kw_only=True)
class LoggingConfiguration(_Resource):
    """Where a room's messages and events would be logged; stored, never delivered."""

    destination: Mapping[str, Mapping[str, str]]

    @property
    def arn(self) -> str:
        return logging_configuration_arn(self.id)

    def describe(self) -> dict[str, Any]:
        return {
            **self._description(),
            "destinationConfiguration": {k: dict(v) for k, v in self.destination.items()},
            "state": "ACTIVE",
            "tags": dict(self.tags),
        }


# What the directory keeps by ARN, updated and deleted the same way.
Resource = TypeVar("Resource", Room, LoggingConfiguration)


@dataclass(frozen=True)
class ChatToken:
    """What a chat token grants: one user, in one room, with some capabilities, for a while.

    As in IVS, two clocks: the token must be used to connect before ``token_expires`` (a minute
    after it was created), and the connection it opens (the session) lasts until
    ``session_expires`` (``sessionDurationInMinutes`` after creation, as CreateChatToken's
    ``sessionExpirationTime`` says)."""

    value: str
    room_arn: str
    user_id: str
    capabilities: frozenset[Capability]
    attributes: Mapping[str, str]
    token_expires: float
    session_expires: float

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def usable(self, now: float) -> bool:
        """Whether the token may still open a connection: unexpired, with session time left."""
        return now < self.token_expires and now < self.session_expires

    def describe(self) -> dict[str, str]:
        """The CreateChatToken response (also what the SDK's token provider returns)."""
        return {
            "token": self.value,
            "tokenExpirationTime": iso(self.token_expires),
            "sessionExpirationTime": iso(self.session_expires),
        }


class Directory:
    """The rooms of the local account and the tokens issued for them (thread-safe).

    ``session_minute_s`` is how long one minute of ``sessionDurationInMinutes`` lasts: 60 as in
    IVS; tests that watch a session end give a second or so (``--session-minute-seconds``).
    Token expiry is not scaled: a token is good for one real minute either way."""

    def __init__(self, clock: Clock = time.time, session_minute_s: float = MINUTE_S) -> None:
        if not session_minute_s > 0:
            raise ValueError(f"session_minute_s must be positive, not {session_minute_s!r}")
        self._clock = clock
        self.session_minute_s = session_minute_s
        self._lock = threading.Lock()
        self._rooms: dict[str, Room] = {}
        self._logging: dict[str, LoggingConfiguration] = {}
        self._tokens: dict[str, ChatToken] = {}
        self._claimed: set[str] = set()

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
        logging_configuration_identifiers: Iterable[str] = (),
    ) -> Room:
        now = self._clock()
        room = Room(
            id=room_id or new_id(),
            name=name,
            maximum_message_length=maximum_message_length,
            maximum_message_rate_per_second=maximum_message_rate_per_second,
            review_handler=review_handler,
            tags=dict(tags or {}),
            logging_configuration_identifiers=tuple(logging_configuration_identifiers),
            created=now,
            updated=now,
        )
        return self._keep(self._rooms, room)

    def room(self, identifier: str) -> Room | None:
        """A room by ARN (what the API takes) or by bare id (a local convenience)."""
        with self._lock:
            return self._rooms.get(identifier) or self._rooms.get(room_arn(identifier))

    def rooms(self) -> list[Room]:
        """Newest update first, the order ListRooms documents."""
        with self._lock:
            return sorted(self._rooms.values(), key=lambda r: (r.updated, r.created), reverse=True)

    def room_count(self) -> int:
        with self._lock:
            return len(self._rooms)

    # -- logging configurations --------------------------------------------------------------
    def create_logging_configuration(
        self,
        destination: Mapping[str, Mapping[str, str]],
        name: str = "",
        tags: Mapping[str, str] | None = None,
    ) -> LoggingConfiguration:
        now = self._clock()
        configuration = LoggingConfiguration(
            id=new_id(),
            destination=destination,
            name=name,
            tags=dict(tags or {}),
            created=now,
            updated=now,
        )
        return self._keep(self._logging, configuration)

    def logging_configuration(self, arn: str) -> LoggingConfiguration | None:
        with self._lock:
            return self._logging.get(arn)

    def logging_configurations(self) -> list[LoggingConfiguration]:
        with self._lock:
            return sorted(self._logging.values(), key=lambda c: c.created, reverse=True)

    def update_logging_configuration(self, arn: str, **changes: Any) -> LoggingConfiguration | None:
        return self._update(self._logging, arn, changes)

    def delete_logging_configuration(self, arn: str) -> bool:
        return self._delete(self._logging, arn)

    def rooms_logging_to(self, arn: str) -> list[Room]:
        with self._lock:
            return [r for r in self._rooms.values() if arn in r.logging_configuration_identifiers]

    # -- tags (rooms and logging configurations alike) ---------------------------------------
    def tags_of(self, arn: str) -> dict[str, str] | None:
        with self._lock:
            resource = self._rooms.get(arn) or self._logging.get(arn)
            return None if resource is None else dict(resource.tags)

    def set_tags(self, arn: str, tags: Mapping[str, str]) -> bool:
        """Replaces the resource's whole tag map (the caller merged and checked it)."""
        with self._lock:
            if arn in self._rooms:
                self._rooms[arn] = replace(self._rooms[arn], tags=dict(tags))
            elif arn in self._logging:
                self._logging[arn] = replace(self._logging[arn], tags=dict(tags))
            else:
                return False
            return True

    def update_room(self, arn: str, **changes: Any) -> Room | None:
        return self._update(self._rooms, arn, changes)

    def delete_room(self, arn: str) -> bool:
        return self._delete(self._rooms, arn)

    def _keep(self, table: dict[str, Resource], resource: Resource) -> Resource:
        with self._lock:
            table[resource.arn] = resource
        return resource

    def _update(self, table: dict[str, Resource], arn: str, changes: Any) -> Resource | None:
        """The resource with ``changes`` and a new update time, or None when there is none."""
        with self._lock:
            current = table.get(arn)
            if current is None:
                return None
            updated = replace(current, updated=self._clock(), **changes)
            table[arn] = updated
            return updated

    def _delete(self, table: dict[str, Resource], arn: str) -> bool:
        with self._lock:
            return table.pop(arn, None) is not None

    def issue_token(
        self,
        room: Room,
        user_id: str,
        capabilities: Iterable[Capability] = (),
        session_minutes: int = DEFAULT_SESSION_MINUTES,
        attributes: Mapping[str, str] | None = None,
    ) -> ChatToken:
        now = self._clock()
        token = ChatToken(
            value=new_token(),
            room_arn=room.arn,
            user_id=user_id,
            capabilities=frozenset(capabilities),
            attributes=dict(attributes or {}),
            token_expires=now + TOKEN_LIFETIME_S,
            session_expires=now + session_minutes * self.session_minute_s,
        )
        with self._lock:
            self._drop_expired(now)
            self._tokens[token.value] = token
        return token

    def token(self, value: str) -> ChatToken | None:
        """The token's grant, or None when it is unknown, expired (or its session is already
        over) or its room is gone."""
        now = self._clock()
        with self._lock:
            token = self._tokens.get(value)
            if token is None or not token.usable(now) or token.room_arn not in self._rooms:
                return None
            return token

    def claim_token(self, value: str) -> ChatToken | None:
        """The token's grant for a new connection; IVS accepts each token once."""
        token = self.token(value)
        with self._lock:
            if token is None or value in self._claimed:
                return None
            self._claimed.add(value)
            return token

    def _drop_expired(self, now: float) -> None:
        for key in [k for k, t in self._tokens.items() if not t.usable(now)]:
            del self._tokens[key]
            self._claimed.discard(key)
