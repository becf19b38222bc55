"""The moderation feed: which event each moderation record becomes (as the table's stream
shows it, or as the escalation function acts), and how events reach EventBridge."""

from __future__ import annotations

import io
import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from chatmod.aws.dynamodb_history import DynamoDBDecisionLog
from chatmod.aws.dynamodb_sanctions import _item as sanction_item
from chatmod.moderation.feed import (
    DETAIL_TYPE,
    SOURCE,
    EventBridgeFeed,
    FeedEvent,
    action_events,
    item_event,
)
from chatmod.moderation.history import UserDecision
from chatmod.moderation.hold import HeldMessage
from chatmod.moderation.sanctions import Sanction

NOW = 1_800_000_000_000
ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/feedRoom0001"


class Capture:
    """A DynamoDB client stand-in that keeps the items put (their stream NewImage)."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def put_item(self, **kwargs: Any) -> None:
        self.items.append(kwargs["Item"])


def test_a_refusal_a_hold_a_timeout_a_ban_and_a_lift_become_their_events() -> None:
    capture = Capture()
    log = DynamoDBDecisionLog("t", capture)
    log.add(
        UserDecision(
            room_id="feedRoom0001",
            user_id="u",
            message_id="M1",
            at_ms=NOW,
            reason="Hateful language isn't allowed in this chat.",
            categories=("hate",),
            rule_ids=("slurs",),
        )
    )
    log.add(
        UserDecision(room_id="feedRoom0001", user_id="u", message_id="M2", at_ms=NOW, held=True)
    )
    timeout = Sanction(
        room_id="feedRoom0001",
        user_id="u",
        until_ms=NOW + 60_000,
        created_at_ms=NOW,
        updated_at_ms=NOW,
        by="arn:mod",
    )
    images = [
        *capture.items,
        sanction_item(timeout),
        sanction_item(timeout.model_copy(update={"until_ms": None, "source": "ladder"})),
        sanction_item(timeout.lifted_at(NOW + 5)),
    ]
    events = [item_event(image) for image in images]
    assert [(e.action, e.origin) for e in events if e] == [
        ("deny", "review"),
        ("hold", "review"),
        ("timeout", "moderator"),
        ("ban", "ladder"),
        ("lift", "moderator"),
    ]
    deny = events[0]
    assert deny is not None and (deny.messageId, deny.categories, deny.reason) == (
        "M1",
        ("hate",),
        "Hateful language isn't allowed in this chat.",
    )
    assert events[2] is not None and events[2].untilMs == NOW + 60_000


def test_only_a_moderators_decision_on_a_held_message_is_an_event() -> None:
    from chatmod.aws.dynamodb_held import _item as held_item

    held = HeldMessage(
        room_arn=ROOM,
        message_id="M3",
        user_id="u",
        content="x",
        held_at_ms=NOW,
        expires_at_ms=NOW + 1,
    )
    assert item_event(held_item(held)) is None  # its refusal's "hold" event says it
    approved = held.model_copy(
        update={"status": "approved", "decided_by": "arn:mod", "decided_at_ms": NOW + 9}
    )
    event = item_event(held_item(approved))
    assert event is not None and (event.action, event.by, event.atMs) == (
        "approve",
        "arn:mod",
        NOW + 9,
    )
    assert item_event({"pk": {"S": "ledger#x"}, "body": {"S": "{}"}}) is None


def test_deletes_and_disconnects_say_who_asked() -> None:
    events = action_events("moderator_disconnect", "r1", "u", [], True, "Bye", NOW)
    assert [(e.action, e.origin, e.reason) for e in events] == [("disconnect", "moderator", "Bye")]
    events = action_events("strike", "r1", "u", ["M1", "M2"], True, None, NOW)
    assert [(e.action, e.messageId, e.origin) for e in events] == [
        ("delete", "M1", "escalation"),
        ("delete", "M2", "escalation"),
        ("disconnect", None, "escalation"),
    ]


def event(i: int) -> FeedEvent:
    return FeedEvent(action="ban", roomId="r1", userId=f"u{i}", origin="moderator", atMs=NOW)


def test_events_go_to_the_bus_ten_at_a_time_and_a_refused_entry_fails_the_batch() -> None:
    client = boto3.client(
        "events", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    feed = EventBridgeFeed(client, "stack-moderation")
    events = [event(i) for i in range(12)]
    with Stubber(client) as stub:
        for chunk in (events[:10], events[10:]):
            stub.add_response(
                "put_events",
                {"FailedEntryCount": 0, "Entries": [{"EventId": "e"}] * len(chunk)},
                {"Entries": [e.entry("stack-moderation") for e in chunk]},
            )
        feed.publish(events)
        stub.add_response(
            "put_events",
            {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure"}]},
            {"Entries": [events[0].entry("stack-moderation")]},
        )
        with pytest.raises(RuntimeError):
            feed.publish(events[:1])
    entry = events[0].entry("b")
    assert (entry["Source"], entry["DetailType"]) == (SOURCE, DETAIL_TYPE)
    assert json.loads(entry["Detail"])["version"] == 1


def test_the_feed_function_skips_ttl_removals() -> None:
    from chatmod_local.invoke import LocalFunction

    feed_app = LocalFunction("FeedFunction", log_stream=io.StringIO()).module
    ban = Sanction(room_id="r1", user_id="u", created_at_ms=NOW, updated_at_ms=NOW)
    image = sanction_item(ban)
    records = [
        {"eventName": "INSERT", "dynamodb": {"NewImage": image}},
        {"eventName": "REMOVE", "dynamodb": {}},
    ]
    assert [e.action for e in feed_app.events_of(records)] == ["ban"]
