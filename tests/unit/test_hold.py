"""Held for review: which decisions are held (hold rules, held labels in their gray zone),
that a held message is no strike, and how a moderator's decision is taken once."""

from __future__ import annotations

from typing import Any

import pytest

from chatmod.contract import ReviewRequest
from chatmod.escalation.trigger import escalation_kind
from chatmod.moderation.held_service import HeldService, approved_attributes
from chatmod.moderation.hold import APPROVED_EVENT, MemoryHeldStore, held_message
from chatmod.policy import EscalationPolicy, PolicyError, parse_policy
from chatmod.review import Reviewer
from tests.unit.fakes import KeywordModel

POLICY = """
version: 1
defaults:
  model:
    level: standard
  rules:
    - id: hold.giveaways
      category: scam
      action: hold
      terms: [giveaway]
  hold:
    labels: [insult, threat]
    expire_seconds: 60
"""
ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/holdRoom0001"
NOW = 1_800_000_000_000


@pytest.fixture(scope="module")
def reviewer() -> Reviewer:
    model = KeywordModel(
        {
            "dimwit": {"insult": 0.6},  # insult's gray zone on the standard level (0.5-0.8)
            "grim": {"toxicity": 0.6},  # toxicity's: not a held label
            "doomed": {"threat": 0.95},  # over threat's deny threshold
        }
    )
    return Reviewer(parse_policy(POLICY), model)


def request(text: str, user: str = "u1") -> ReviewRequest:
    return ReviewRequest.model_validate(
        {
            "Content": text,
            "MessageId": "ABCDEFGH1234",
            "RoomArn": ROOM,
            "Attributes": {"kind": "chat"},
            "Sender": {"UserId": user, "Attributes": {"displayName": "U One"}},
        }
    )


def test_a_held_label_in_its_gray_zone_is_held_other_labels_go_out(reviewer: Reviewer) -> None:
    held = reviewer.review(request("what a dimwit move")).decision
    assert (held.result, held.held, held.reason) == (
        "DENY",
        True,
        "Your message is held for a moderator.",
    )
    assert held.rule_ids == ("hold", "insult")
    delivered = reviewer.review(request("a grim evening")).decision
    assert (delivered.result, delivered.held, delivered.gray_zone) == (
        "ALLOW",
        False,
        ("toxicity",),
    )
    denied = reviewer.review(request("you are doomed")).decision
    assert (denied.result, denied.held) == ("DENY", False)  # past deny: refused, not held


def test_a_hold_rule_holds_and_a_held_message_is_no_strike(reviewer: Reviewer) -> None:
    decision = reviewer.review(request("giveaway tonight")).decision
    assert decision.held and decision.rule_ids == ("hold", "hold.giveaways")
    assert decision.categories[0] == "scam"
    strict = EscalationPolicy(disconnect_immediately=["scam"], strike_min_severity="low")
    assert escalation_kind(decision, strict) is None


def test_the_hold_labels_must_be_model_labels() -> None:
    with pytest.raises(PolicyError):
        parse_policy("defaults:\n  hold: {labels: [rudeness]}\n")


class FakeIvschat:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.events: list[dict[str, Any]] = []

    def send_event(self, **kwargs: Any) -> dict[str, str]:
        if self.fail:
            raise RuntimeError("ivschat unavailable")
        self.events.append(kwargs)
        return {"id": "EVENT0000001"}


def held_setup(reviewer: Reviewer, ivschat: FakeIvschat) -> tuple[HeldService, list[int]]:
    clock = [NOW]
    store = MemoryHeldStore()
    req = request("what a dimwit move")
    review = reviewer.review(req)
    policy = reviewer.room(ROOM).policy
    store.put(held_message(req, review.decision, policy, NOW))
    return HeldService(store, lambda: ivschat, clock_ms=lambda: clock[0]), clock


def test_an_approval_is_sent_once_with_sender_and_content(reviewer: Reviewer) -> None:
    ivschat = FakeIvschat()
    service, _ = held_setup(reviewer, ivschat)
    assert [h.message_id for h in service.pending("holdRoom0001")] == ["ABCDEFGH1234"]
    result = service.approve("holdRoom0001", "ABCDEFGH1234", "arn:aws:iam::1:user/mod")
    assert result.outcome == "done"
    assert ivschat.events == [
        {
            "roomIdentifier": ROOM,
            "eventName": APPROVED_EVENT,
            "attributes": approved_attributes(result.held),  # type: ignore[arg-type]
        }
    ]
    assert ivschat.events[0]["attributes"]["content"] == "what a dimwit move"
    assert service.approve("holdRoom0001", "ABCDEFGH1234", None).outcome == "decided"
    assert service.reject("holdRoom0001", "ABCDEFGH1234", None).outcome == "decided"
    assert service.pending("holdRoom0001") == []
    assert len(ivschat.events) == 1


def test_an_unanswered_hold_expires(reviewer: Reviewer) -> None:
    service, clock = held_setup(reviewer, FakeIvschat())
    clock[0] = NOW + 60_000
    assert service.pending("holdRoom0001") == []
    assert service.approve("holdRoom0001", "ABCDEFGH1234", None).outcome == "expired"


def test_a_failed_delivery_leaves_the_message_pending(reviewer: Reviewer) -> None:
    ivschat = FakeIvschat(fail=True)
    service, _ = held_setup(reviewer, ivschat)
    with pytest.raises(RuntimeError):
        service.approve("holdRoom0001", "ABCDEFGH1234", None)
    assert [h.status for h in service.pending("holdRoom0001")] == ["pending"]
    ivschat.fail = False
    assert service.approve("holdRoom0001", "ABCDEFGH1234", None).outcome == "done"
    assert service.reject("holdRoom0001", "NOSUCHMSG123", None).outcome == "missing"
