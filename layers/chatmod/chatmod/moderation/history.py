"""A user's recent refusals in a room (denied or held), for the moderator API's user view.

The review writes one short item per refusal (never per delivered message), with the end of
its strike window when it was a strike, so the view counts strikes that still count without
reading the escalation ledger; items expire after ``KEEP_DAYS`` (TTL).
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from chatmod.contract import ReviewRequest, room_id_from_arn
from chatmod.escalation.trigger import escalation_kind
from chatmod.moderation.store import one_per_process
from chatmod.policy import RoomPolicy
from chatmod.review.decision import Decision

KEEP_DAYS = 7
RECENT_MAX = 50


class UserDecision(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    room_id: str
    user_id: str
    message_id: str
    at_ms: int
    held: bool = False
    reason: str | None = None
    categories: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    severity: str | None = None
    # When this refusal stops counting as a strike (None: it is none).
    strike_until_ms: int | None = Field(default=None)

    def describe(self) -> dict[str, object]:
        return {
            "messageId": self.message_id,
            "atMs": self.at_ms,
            "result": "HELD" if self.held else "DENY",
            "reason": self.reason,
            "categories": list(self.categories),
            "ruleIds": list(self.rule_ids),
            "severity": self.severity,
            "strike": self.strike_until_ms is not None,
        }


def user_decision(
    request: ReviewRequest, decision: Decision, policy: RoomPolicy, now_ms: int
) -> UserDecision:
    strike = escalation_kind(decision, policy.escalation) == "strike"
    window_ms = policy.escalation.window_seconds * 1000
    return UserDecision(
        room_id=room_id_from_arn(request.room_arn),
        user_id=request.sender.user_id,
        message_id=request.message_id,
        at_ms=now_ms,
        held=decision.held,
        reason=decision.reason,
        categories=decision.categories,
        rule_ids=decision.rule_ids,
        severity=decision.severity.label if decision.severity is not None else None,
        strike_until_ms=now_ms + window_ms if strike else None,
    )


class DecisionLog(Protocol):
    def add(self, decision: UserDecision) -> None: ...

    def recent(self, room_id: str, user_id: str, limit: int = 20) -> list[UserDecision]:
        """Newest first."""


class MemoryDecisionLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], deque[UserDecision]] = defaultdict(
            lambda: deque(maxlen=RECENT_MAX)
        )
        self.listeners: list[Callable[[Any], None]] = []  # see MemorySanctionStore

    def add(self, decision: UserDecision) -> None:
        with self._lock:
            self._items[(decision.room_id, decision.user_id)].append(decision)
        for listener in self.listeners:
            listener(decision)

    def recent(self, room_id: str, user_id: str, limit: int = 20) -> list[UserDecision]:
        with self._lock:
            items = list(self._items.get((room_id, user_id), ()))
        return sorted(items, key=lambda d: d.at_ms, reverse=True)[:limit]


# One per process, like ``store.shared_memory_store``.
shared_memory_decision_log = one_per_process(MemoryDecisionLog)
