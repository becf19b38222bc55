"""The moderation feed: every moderation action as one EventBridge event with a documented
schema, so a team can route it (Slack, Discord, a ticket) without touching chatmod.

    Source      "chatmod"
    DetailType  "Moderation Action"
    Detail      {"version": 1, "action", "roomId", "userId", "messageId", "reason",
                 "categories", "ruleIds", "untilMs", "by", "origin", "atMs"}

``action`` is one of deny, hold, approve, reject, timeout, ban, lift, delete, disconnect;
``origin`` says who acted: review, moderator, ladder (the strike ladder) or escalation.
Fields that do not apply are null (``messageId`` of a ban, ``untilMs`` of a deny).

Deployed, the feed function turns the moderation table's stream (refusals, sanctions, held
decisions) into events, and the escalation function publishes its deletes and disconnects;
the review function publishes nothing (no call on its answer path).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from chatmod.moderation.history import UserDecision
from chatmod.moderation.hold import HeldMessage
from chatmod.moderation.sanctions import Sanction

SOURCE = "chatmod"
DETAIL_TYPE = "Moderation Action"
PUT_EVENTS_MAX = 10  # entries per PutEvents call
Action = Literal[
    "deny", "hold", "approve", "reject", "timeout", "ban", "lift", "delete", "disconnect"
]
Origin = Literal["review", "moderator", "ladder", "escalation"]


class FeedEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1
    action: Action
    roomId: str
    userId: str | None = None
    messageId: str | None = None
    reason: str | None = None
    categories: tuple[str, ...] = ()
    ruleIds: tuple[str, ...] = ()
    untilMs: int | None = None
    by: str | None = None
    origin: Origin
    atMs: int

    def entry(self, bus: str) -> dict[str, str]:
        """One PutEvents entry."""
        return {
            "Source": SOURCE,
            "DetailType": DETAIL_TYPE,
            "Detail": self.model_dump_json(),
            "EventBusName": bus,
        }


def _message_fields(record: UserDecision | HeldMessage) -> dict[str, Any]:
    """Which message an event is about and what the review found in it."""
    return {
        "roomId": record.room_id,
        "userId": record.user_id,
        "messageId": record.message_id,
        "categories": record.categories,
        "ruleIds": record.rule_ids,
    }


def refusal_event(decision: UserDecision) -> FeedEvent:
    return FeedEvent(
        action="hold" if decision.held else "deny",
        **_message_fields(decision),
        reason=decision.reason,
        origin="review",
        atMs=decision.at_ms,
    )


def sanction_event(sanction: Sanction) -> FeedEvent:
    return FeedEvent(
        action="lift" if sanction.lifted else sanction.kind,
        roomId=sanction.room_id,
        userId=sanction.user_id,
        reason=sanction.reason,
        untilMs=sanction.until_ms,
        by=sanction.by,
        origin="ladder" if sanction.source == "ladder" else "moderator",
        atMs=sanction.updated_at_ms,
    )


def held_decision_event(held: HeldMessage) -> FeedEvent | None:
    """An approval or a rejection (a message newly held is its refusal's ``hold`` event)."""
    if held.status == "pending":
        return None
    return FeedEvent(
        action="approve" if held.status == "approved" else "reject",
        **_message_fields(held),
        by=held.decided_by,
        origin="moderator",
        atMs=held.decided_at_ms or held.held_at_ms,
    )


def object_event(written: object) -> FeedEvent | None:
    """The event for a record a memory store wrote (the local room's feed)."""
    if isinstance(written, UserDecision):
        return refusal_event(written)
    if isinstance(written, Sanction):
        return sanction_event(written)
    if isinstance(written, HeldMessage):
        return held_decision_event(written)
    return None


def action_events(
    kind: str,
    room_id: str,
    user_id: str,
    deleted: Iterable[str],
    disconnected: bool,
    reason: str | None,
    at_ms: int,
) -> list[FeedEvent]:
    """The escalation function's deletes and disconnects (``kind``: its record's)."""
    origin: Origin = "moderator" if kind.startswith("moderator_") else "escalation"
    events = [
        FeedEvent(
            action="delete",
            roomId=room_id,
            userId=None if user_id == "-" else user_id,
            messageId=message_id,
            reason=reason,
            origin=origin,
            atMs=at_ms,
        )
        for message_id in deleted
    ]
    if disconnected:
        events.append(
            FeedEvent(
                action="disconnect",
                roomId=room_id,
                userId=user_id,
                reason=reason,
                origin=origin,
                atMs=at_ms,
            )
        )
    return events


def item_event(image: dict[str, Any]) -> FeedEvent | None:
    """The event for a moderation table item as its stream shows it (NewImage), if any."""
    pk = image.get("pk", {}).get("S", "")
    body = image.get("body", {}).get("S")
    if body is None:
        return None
    if pk.startswith("user#"):
        return refusal_event(UserDecision.model_validate_json(body))
    if pk.startswith("sanction#"):
        return sanction_event(Sanction.model_validate_json(body))
    if pk.startswith("held#"):
        return held_decision_event(HeldMessage.model_validate_json(body))
    return None


class EventBridgeFeed:
    def __init__(self, client: Any, bus: str) -> None:
        self.client = client
        self.bus = bus

    def publish(self, events: Sequence[FeedEvent]) -> None:
        """Raises when any entry was not accepted (the caller's source retries)."""
        for start in range(0, len(events), PUT_EVENTS_MAX):
            chunk = [e.entry(self.bus) for e in events[start : start + PUT_EVENTS_MAX]]
            response = self.client.put_events(Entries=chunk)
            if response.get("FailedEntryCount", 0):
                failed = [e for e in response["Entries"] if e.get("ErrorCode")]
                raise RuntimeError(f"{len(failed)} feed events not published: {failed[:3]}")


class LogFeed:
    """No bus (a local run): each event is one JSON line, for the logs."""

    def __init__(self) -> None:
        self.published: list[FeedEvent] = []

    def publish(self, events: Iterable[FeedEvent]) -> None:
        for event in events:
            self.published.append(event)
            print(json.dumps({"feed": event.model_dump()}))
