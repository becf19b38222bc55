"""Which review decisions become escalation records, and what a record accepts."""

from __future__ import annotations

import json
import textwrap

import pytest
from pydantic import ValidationError

from chatmod.contract import ReviewRequest
from chatmod.escalation import EscalationRecord, clip_reason, escalation_record, parse_record
from chatmod.policy import EscalationPolicy, parse_policy
from chatmod.review import Reviewer
from chatmod.rules.base import Severity

from .fakes import KeywordModel

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
NOW = 1_790_000_000_000
POLICY = parse_policy(
    textwrap.dedent(
        """
        defaults:
          model:
            level: custom
            thresholds:
              toxicity: {deny: 0.97, allow: 0.6}
              threat: {deny: 0.9, allow: 0.5}
            severity: {threat: critical, toxicity: medium}
          escalation: {strike_min_severity: high, disconnect_immediately: [threat]}
        rooms:
          quiet:
            escalation: {second_opinion: false}
          disabled:
            escalation: {enabled: false}
        """
    )
)
MODEL = KeywordModel(
    {
        "i will hurt you": {"threat": 0.95},
        "meh": {"toxicity": 0.7},
        "awful": {"toxicity": 0.98},
    }
)


def request(content: str, room: str = ROOM, message_id: str = "MSG000000001") -> ReviewRequest:
    return ReviewRequest.model_validate(
        {
            "Content": content,
            "MessageId": message_id,
            "RoomArn": room,
            "Sender": {"UserId": "viewer-42", "Ip": "203.0.113.7"},
        }
    )


def record_for(content: str, room: str = ROOM) -> EscalationRecord | None:
    reviewer = Reviewer(POLICY, MODEL)
    req = request(content, room)
    decision = reviewer.review(req).decision
    return escalation_record(req, decision, POLICY.for_room(room).escalation, NOW)


def test_severe_deny_becomes_a_strike_record_without_the_text() -> None:
    record = record_for("get out of here you f4ggot")
    assert record is not None
    assert record.kind == "strike"
    assert record.result == "DENY"
    assert record.severity is not None and Severity.parse(record.severity) >= Severity.HIGH
    assert record.content is None
    assert (record.room_arn, record.user_id, record.message_id) == (
        ROOM,
        "viewer-42",
        "MSG000000001",
    )
    assert record.reviewed_at_ms == NOW


def test_threat_is_a_strike_even_though_policy_lists_it_for_immediate_disconnect() -> None:
    record = record_for("i will hurt you")
    assert record is not None and record.kind == "strike"
    assert "threat" in record.categories
    assert record.severity == "critical"


def test_medium_deny_is_not_a_strike() -> None:
    # toxicity 0.98 >= deny, but its severity (medium) is below strike_min_severity (high)
    assert record_for("awful") is None


def test_gray_zone_allow_asks_for_a_second_opinion_with_the_delivered_text() -> None:
    record = record_for("meh, that was a take")
    assert record is not None
    assert record.kind == "second_opinion"
    assert record.result == "ALLOW"
    assert record.gray_zone == ("toxicity",)
    assert record.content == "meh, that was a take"
    assert record.scores["toxicity"] == pytest.approx(0.7)


def test_clean_message_and_disabled_rooms_escalate_nothing() -> None:
    assert record_for("good game everyone") is None
    assert record_for("meh, that was a take", room="quiet") is None
    assert record_for("get out of here you f4ggot", room="disabled") is None


def test_length_deny_is_low_severity_and_no_strike() -> None:
    policy = EscalationPolicy(strike_min_severity="low", disconnect_immediately=[])
    reviewer = Reviewer(parse_policy("defaults: {max_length: 5}"), None)
    req = request("way too long")
    decision = reviewer.review(req).decision
    assert decision.result == "DENY"
    record = escalation_record(req, decision, policy, NOW)
    assert record is not None and record.kind == "strike"  # low counts once the policy says so
    assert escalation_record(req, decision, EscalationPolicy(), NOW) is None


def test_record_round_trips_through_the_queue_body() -> None:
    record = record_for("meh, that was a take")
    assert record is not None
    assert parse_record(record.to_body()) == record
    assert "content" not in json.loads(record_for("i will hurt you").to_body())  # type: ignore[union-attr]


def test_second_opinion_records_carry_the_newest_context_cut_to_the_record_limits() -> None:
    reviewer = Reviewer(POLICY, MODEL)
    req = request("meh, that was a take")
    decision = reviewer.review(req).decision
    policy = POLICY.for_room(ROOM).escalation
    context = ["first", "   ", "second", "third", "y" * 600 + "tail"]
    record = escalation_record(req, decision, policy, NOW, context=context)
    assert record is not None and record.kind == "second_opinion"
    assert record.context[:2] == ("second", "third")
    assert len(record.context[2]) == 500 and record.context[2].endswith("tail")
    assert parse_record(record.to_body()).context == record.context
    strike_req = request("get out of here you f4ggot")
    strike = escalation_record(
        strike_req, reviewer.review(strike_req).decision, policy, NOW, context=["earlier"]
    )
    assert strike is not None and strike.kind == "strike" and strike.context == ()


def test_a_record_without_context_keeps_the_shape_from_before_the_field() -> None:
    """Old records (no ``context``) parse as having none, and a record with no context is
    written without the field, so an escalation function of the previous release reads it."""
    record = record_for("meh, that was a take")
    assert record is not None and record.context == ()
    body = json.loads(record.to_body())
    assert "context" not in body and body["version"] == 1
    assert parse_record(json.dumps(body)).context == ()
    with_context = record.model_copy(update={"context": ("hi",)})
    assert json.loads(with_context.to_body())["context"] == ["hi"]


@pytest.mark.parametrize(
    "change",
    [
        {"message_id": "short"},
        {"message_id": "MSG00000000!"},
        {"message_id": "MSG0000000001"},  # 13 characters: ivschat ids have 12
        {"room_arn": "room/g1H2I3J4k5L6"},
        {"kind": "ban"},
        {"severity": "apocalyptic"},
        {"kind": "second_opinion"},  # without content
        {"context": ["earlier"]},  # context on a strike
        {"kind": "second_opinion", "content": "x", "context": ["a", "b", "c", "d"]},
        {"kind": "second_opinion", "content": "x", "context": ["y" * 501]},
        {"kind": "second_opinion", "content": "x", "context": [""]},
        {"unexpected": 1},
    ],
)
def test_invalid_records_are_rejected(change: dict[str, object]) -> None:
    body = {
        "kind": "strike",
        "room_arn": ROOM,
        "user_id": "viewer-42",
        "message_id": "MSG000000001",
        "reviewed_at_ms": NOW,
        "result": "DENY",
        "severity": "high",
        **change,
    }
    with pytest.raises(ValidationError):
        parse_record(json.dumps(body))


def test_poison_bodies_are_rejected() -> None:
    for body in ["", "not json", "[]", '{"kind": "strike"}']:
        with pytest.raises(ValidationError):
            parse_record(body)


def test_request_with_an_id_ivschat_cannot_delete_raises_for_the_caller_to_log() -> None:
    reviewer = Reviewer(POLICY, MODEL)
    req = request("i will hurt you", message_id="not-an-ivs-id")
    decision = reviewer.review(req).decision
    with pytest.raises(ValidationError):
        escalation_record(req, decision, EscalationPolicy(), NOW)


def test_clip_reason_keeps_ivschat_limits() -> None:
    assert clip_reason("  spaced   out  ", "x") == "spaced out"
    assert clip_reason("", "Default reason.") == "Default reason."
    assert clip_reason(None, "") == "Moderation action."
    long = clip_reason("ä" * 300, "x")
    assert len(long) == 256 and long.endswith("…")
    assert clip_reason("a" * 256, "x") == "a" * 256


def test_the_escalation_package_names_load_lazily_from_their_modules() -> None:
    import importlib

    import chatmod.escalation as escalation

    assert sorted(escalation.__all__) == sorted(escalation._HOMES)
    for name, home in escalation._HOMES.items():
        module = importlib.import_module(f"chatmod.escalation.{home}")
        assert getattr(escalation, name) is getattr(module, name)
    with pytest.raises(AttributeError):
        _ = escalation.NoSuchName
