"""What a moderation console shows: every review the room made, the escalations queued for
them and what the escalation function did about them.

IVS itself never shows refused messages or their scores to anyone; the local room sees every
review (the verdict), every escalation record on its queue (categories, scores, strikes) and
every DeleteMessage / DisconnectUser, so the page's moderator panel can show why each message
was masked, refused or removed.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from chatmod_local.room.review import Verdict

MAX_ENTRIES = 500
SecondOpinion = Literal["pending", "removed", "kept"]


@dataclass
class ReviewEntry:
    """One reviewed message and what became of it."""

    message_id: str
    room_arn: str
    user_id: str
    typed: str
    delivered: str | None
    result: str
    reason: str | None
    outcome: str
    masked: bool
    categories: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    escalation: str | None = None  # "strike" or "second_opinion"
    second_opinion: SecondOpinion | None = None
    removed_reason: str | None = None
    rule_ids: list[str] = field(default_factory=list)
    at_ms: int = 0

    def describe(self) -> dict[str, Any]:
        return {
            "messageId": self.message_id,
            "atMs": self.at_ms,
            "ruleIds": self.rule_ids,
            "userId": self.user_id,
            "typed": self.typed,
            "delivered": self.delivered,
            "result": self.result,
            "reason": self.reason,
            "outcome": self.outcome,
            "masked": self.masked,
            "categories": self.categories,
            "scores": self.scores,
            "escalation": self.escalation,
            "secondOpinion": self.second_opinion,
            "removedReason": self.removed_reason,
        }


class ModerationLog:
    """Thread-safe (the queue is fed from the review function's thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, ReviewEntry] = {}
        self._order: deque[str] = deque()
        self._strikes: dict[tuple[str, str], int] = {}
        self._disconnects: list[dict[str, str | None]] = []
        self._early: dict[str, dict[str, Any]] = {}
        self._audits: dict[str, dict[str, Any]] = {}  # audit lines read before the verdict

    def reviewed(
        self, room_arn: str, message_id: str, user_id: str, typed: str, verdict: Verdict
    ) -> None:
        denied = verdict.result == "DENY"
        entry = ReviewEntry(
            message_id=message_id,
            room_arn=room_arn,
            user_id=user_id,
            typed=typed,
            delivered=None if denied else verdict.content,
            result=verdict.result,
            reason=verdict.reason if denied else verdict.attributes.get("Reason"),
            outcome=verdict.outcome,
            masked=not denied and verdict.content != typed,
            at_ms=int(time.time() * 1000),
        )
        with self._lock:
            audit = self._audits.pop(message_id, None)
            if audit is not None:
                _audit(entry, audit)
            early = self._early.pop(message_id, None)
            if early is not None:  # the review function queues before the room has its verdict
                _apply(entry, early)
            self._entries[message_id] = entry
            self._order.append(message_id)
            while len(self._order) > MAX_ENTRIES:
                self._entries.pop(self._order.popleft(), None)

    def escalated(self, body: str) -> None:
        """An escalation record the review function queued (its JSON body)."""
        try:
            record = json.loads(body)
        except ValueError:
            return
        if not isinstance(record, dict):
            return
        kind, message_id = record.get("kind"), record.get("message_id")
        with self._lock:
            if kind == "strike":
                key = (str(record.get("room_arn")), str(record.get("user_id")))
                self._strikes[key] = self._strikes.get(key, 0) + 1
            entry = self._entries.get(str(message_id))
            if entry is not None:
                _apply(entry, record)
            elif len(self._early) < MAX_ENTRIES:
                self._early[str(message_id)] = record

    def audited(self, record: dict[str, Any]) -> None:
        """The review function's audit line for a message: its rule ids and categories."""
        message_id = str(record.get("message_id"))
        with self._lock:
            entry = self._entries.get(message_id)
            if entry is not None:
                _audit(entry, record)
            elif len(self._audits) < MAX_ENTRIES:
                self._audits[message_id] = record

    def escalation_done(self, body: str) -> None:
        """The escalation function finished a record; a second opinion that removed nothing kept
        the message."""
        try:
            record = json.loads(body)
        except ValueError:
            return
        if not isinstance(record, dict) or record.get("kind") != "second_opinion":
            return
        with self._lock:
            entry = self._entries.get(str(record.get("message_id")))
            if entry is not None and entry.second_opinion == "pending":
                entry.second_opinion = "kept"

    def deleted(self, room_arn: str, message_id: str, reason: str | None) -> None:
        with self._lock:
            entry = self._entries.get(message_id)
            if entry is None:
                return
            entry.removed_reason = reason or "Removed"
            if entry.second_opinion == "pending":
                entry.second_opinion = "removed"

    def disconnected(self, room_arn: str, user_id: str, reason: str | None) -> None:
        with self._lock:
            self._disconnects.append({"roomArn": room_arn, "userId": user_id, "reason": reason})

    def snapshot(self, room_arn: str) -> dict[str, Any]:
        """The room's reviews (newest last), strikes per user and disconnects."""
        with self._lock:
            entries = [self._entries[i] for i in self._order if i in self._entries]
            return {
                "reviews": [e.describe() for e in entries if e.room_arn == room_arn],
                "strikes": {u: n for (r, u), n in sorted(self._strikes.items()) if r == room_arn},
                "disconnects": [d for d in self._disconnects if d["roomArn"] == room_arn],
            }


def _apply(entry: ReviewEntry, record: dict[str, Any]) -> None:
    kind = str(record.get("kind"))
    entry.escalation = kind
    categories = record.get("categories", [])
    if isinstance(categories, list):
        entry.categories = [str(c) for c in categories]
    scores = record.get("scores", {})
    if isinstance(scores, dict):
        entry.scores = {str(k): float(v) for k, v in scores.items() if isinstance(v, int | float)}
    if kind == "second_opinion" and entry.second_opinion is None:
        entry.second_opinion = "pending"


def _audit(entry: ReviewEntry, record: dict[str, Any]) -> None:
    rule_ids, categories = record.get("rule_ids"), record.get("categories")
    if isinstance(rule_ids, list):
        entry.rule_ids = [str(r) for r in rule_ids]
    if isinstance(categories, list) and not entry.categories:
        entry.categories = [str(c) for c in categories]
