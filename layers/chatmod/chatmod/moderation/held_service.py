"""What a moderator does with held messages: list the pending ones, approve one (delivered
to the room as an ``APPROVED_EVENT`` through ivschat ``SendEvent``) or reject it.

An approval is decided first (a conditional write), then sent; a send that fails puts the
message back to pending, so it can be approved again and is never delivered twice by two
moderators.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from chatmod.moderation.hold import APPROVED_EVENT, HeldMessage, HeldStore

Outcome = Literal["done", "missing", "decided", "expired"]


def _wall_ms() -> int:
    return int(time.time() * 1000)


def approved_attributes(held: HeldMessage) -> dict[str, str]:
    """What clients receive with the event: enough to render it like the original message."""
    return {
        "messageId": held.message_id,
        "userId": held.user_id,
        "content": held.content,
        "senderAttributes": json.dumps(held.sender_attributes, ensure_ascii=False),
        "attributes": json.dumps(held.attributes, ensure_ascii=False),
    }


@dataclass
class Decided:
    outcome: Outcome
    held: HeldMessage | None = None


class HeldService:
    def __init__(
        self,
        store: HeldStore,
        ivschat: Callable[[], Any],
        clock_ms: Callable[[], int] = _wall_ms,
    ) -> None:
        self.store = store
        self.ivschat = ivschat  # the client, made on first use
        self.clock_ms = clock_ms

    def pending(self, room_id: str) -> list[HeldMessage]:
        now = self.clock_ms()
        waiting = [h for h in self.store.list_room(room_id) if h.pending(now)]
        return sorted(waiting, key=lambda h: h.held_at_ms, reverse=True)

    def _decide(
        self, room_id: str, message_id: str, status: Literal["approved", "rejected"], by: str | None
    ) -> Decided:
        now = self.clock_ms()
        held = self.store.get(room_id, message_id)
        if held is None:
            return Decided("missing")
        if held.status != "pending":
            return Decided("decided", held)
        if not held.pending(now):
            return Decided("expired", held)
        decided = held.model_copy(update={"status": status, "decided_by": by, "decided_at_ms": now})
        if not self.store.decide(decided):
            return Decided("decided", self.store.get(room_id, message_id))
        return Decided("done", decided)

    def approve(self, room_id: str, message_id: str, by: str | None) -> Decided:
        result = self._decide(room_id, message_id, "approved", by)
        if result.outcome != "done" or result.held is None:
            return result
        held = result.held
        try:
            self.ivschat().send_event(
                roomIdentifier=held.room_arn,
                eventName=APPROVED_EVENT,
                attributes=approved_attributes(held),
            )
        except Exception:
            self.store.put_back(held.model_copy(update={"status": "pending"}))
            raise
        return result

    def reject(self, room_id: str, message_id: str, by: str | None) -> Decided:
        return self._decide(room_id, message_id, "rejected", by)
