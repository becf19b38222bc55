"""Held for review, like AutoMod: a message in a gray zone the room holds (or that a ``hold``
rule matches) is refused for now with a reason the sender sees, and waits for a moderator,
who approves it (delivered to the room with ivschat ``SendEvent``) or rejects it; an
unanswered hold expires.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from chatmod.contract import ReviewRequest, room_id_from_arn
from chatmod.moderation.store import one_per_process
from chatmod.policy import RoomPolicy
from chatmod.review.decision import Decision

# The event an approved message reaches the room as; the page and SDK clients render it like
# a message from its sender.
APPROVED_EVENT = "chatmod:held-message-approved"
Status = Literal["pending", "approved", "rejected"]


class HeldMessage(BaseModel):
    """A message waiting for a moderator: what an approval delivers, and who sent it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    room_arn: str
    message_id: str = Field(min_length=1, max_length=128)
    user_id: str
    content: str = Field(max_length=500)
    sender_attributes: dict[str, str] = Field(default_factory=dict)
    attributes: dict[str, str] = Field(default_factory=dict)
    categories: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    held_at_ms: int
    expires_at_ms: int
    status: Status = "pending"
    decided_by: str | None = None
    decided_at_ms: int | None = None

    @property
    def room_id(self) -> str:
        return room_id_from_arn(self.room_arn)

    def pending(self, now_ms: int) -> bool:
        return self.status == "pending" and self.expires_at_ms > now_ms

    def describe(self) -> dict[str, object]:
        return {
            "messageId": self.message_id,
            "roomId": self.room_id,
            "userId": self.user_id,
            "content": self.content,
            "senderAttributes": self.sender_attributes,
            "categories": list(self.categories),
            "ruleIds": list(self.rule_ids),
            "heldAtMs": self.held_at_ms,
            "expiresAtMs": self.expires_at_ms,
            "status": self.status,
            "decidedBy": self.decided_by,
        }


def held_message(
    request: ReviewRequest, decision: Decision, policy: RoomPolicy, now_ms: int
) -> HeldMessage:
    return HeldMessage(
        room_arn=request.room_arn,
        message_id=request.message_id,
        user_id=request.sender.user_id,
        content=decision.content,
        sender_attributes=dict(request.sender.attributes),
        attributes=dict(request.attributes),
        categories=decision.categories,
        rule_ids=decision.rule_ids,
        held_at_ms=now_ms,
        expires_at_ms=now_ms + policy.hold.expire_seconds * 1000,
    )


class HeldStore(Protocol):
    def put(self, held: HeldMessage) -> None:
        """Stores a newly held message."""

    def get(self, room_id: str, message_id: str) -> HeldMessage | None: ...

    def list_room(self, room_id: str) -> list[HeldMessage]:
        """Every held message of the room still stored (decided and expired ones included)."""

    def decide(self, held: HeldMessage) -> bool:
        """Writes a decision (status no longer pending) only if the stored one is still
        pending: False when another moderator decided first."""

    def put_back(self, held: HeldMessage) -> None:
        """Overwrites the stored one (an approval whose delivery failed goes back to pending)."""


class MemoryHeldStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], HeldMessage] = {}
        self.listeners: list[Callable[[Any], None]] = []  # see MemorySanctionStore

    def put(self, held: HeldMessage) -> None:
        with self._lock:
            self._items.setdefault((held.room_id, held.message_id), held)

    def get(self, room_id: str, message_id: str) -> HeldMessage | None:
        with self._lock:
            return self._items.get((room_id, message_id))

    def list_room(self, room_id: str) -> list[HeldMessage]:
        with self._lock:
            return [h for (room, _), h in self._items.items() if room == room_id]

    def decide(self, held: HeldMessage) -> bool:
        with self._lock:
            current = self._items.get((held.room_id, held.message_id))
            if current is None or current.status != "pending":
                return False
            self._items[(held.room_id, held.message_id)] = held
        for listener in self.listeners:
            listener(held)
        return True

    def put_back(self, held: HeldMessage) -> None:
        with self._lock:
            self._items[(held.room_id, held.message_id)] = held


# One per process, like ``store.shared_memory_store``.
shared_memory_held_store = one_per_process(MemoryHeldStore)
