"""Rooms compile on their first message and share what they have in common."""

from __future__ import annotations

import textwrap

import pytest

from chatmod.policy import RoomPolicy, parse_policy
from chatmod.review import Reviewer
from chatmod.review import reviewer as reviewer_module
from chatmod.review.compile import CompiledRoom, SharedChecks, compile_room
from chatmod.rules.terms import TermCheck

POLICY = textwrap.dedent(
    """
    version: 1
    defaults:
      languages: [en, de]
      rules:
        - {id: scam, category: scam, action: deny, terms: [free vbucks]}
    rooms:
      roomA: {max_length: 200}
      roomB: {languages: [de, en]}
      roomC:
        rules: [{id: spoilers, category: spoilers, action: mask, terms: [ending]}]
    """
)


def test_only_the_defaults_and_the_rooms_asked_for_are_compiled() -> None:
    reviewer = Reviewer(parse_policy(POLICY))
    reviewer.warm(["roomC"])
    assert reviewer.served_rooms == ("roomC",)
    decision = reviewer.review_text("the ending is sad", "arn:aws:ivschat:us-east-1:1:room/roomA")
    assert decision.content == "the ending is sad"  # roomA has no spoiler rule
    assert reviewer.served_rooms == ("roomC", "roomA")
    assert reviewer.review_text("the ending is sad", "roomC").content == "the e***** is sad"


def term_checks(reviewer: Reviewer, room: str) -> dict[str, TermCheck]:
    return {c.rule_id: c for c in reviewer.room(room).checks if isinstance(c, TermCheck)}


def test_rooms_share_the_checks_they_have_in_common() -> None:
    reviewer = Reviewer(parse_policy(POLICY))
    a, b, c = (term_checks(reviewer, room) for room in ("roomA", "roomB", "roomC"))
    assert set(a) == set(b) == {"slurs", "profanity", "threats", "slurs.de", "profanity.de", "scam"}
    for rule_id in a:
        assert a[rule_id] is b[rule_id] is c[rule_id]  # compiled once for the three rooms
    assert "spoilers" in c and "spoilers" not in a


def test_a_new_policy_version_reuses_what_did_not_change_and_drops_the_rest() -> None:
    old = Reviewer(parse_policy(POLICY))
    old.warm(["roomC"])
    changed = POLICY.replace("terms: [ending]", "terms: [finale]")
    new = Reviewer(parse_policy(changed), shared=SharedChecks(old.shared))
    new.warm(old.served_rooms)
    before, after = term_checks(old, "roomC"), term_checks(new, "roomC")
    assert after["slurs.de"] is before["slurs.de"] and after["scam"] is before["scam"]
    assert after["spoilers"] is not before["spoilers"]
    assert new.review_text("the finale is sad", "roomC").content == "the f***** is sad"
    assert new.review_text("the ending is sad", "roomC").content == "the ending is sad"


def test_a_room_compiled_alone_gets_the_same_checks() -> None:
    policy = parse_policy(POLICY)
    shared = SharedChecks()
    alone = compile_room(policy.for_room("roomB"))
    with_shared = compile_room(policy.for_room("roomB"), shared)
    assert [c.rule_id for c in alone.checks] == [c.rule_id for c in with_shared.checks]
    assert len(shared) == 6  # five packs and one custom rule


def test_a_room_that_does_not_compile_is_reviewed_by_the_defaults_and_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = reviewer_module.compile_room

    def refuse_room_c(policy: RoomPolicy, shared: SharedChecks | None = None) -> CompiledRoom:
        if any(rule.id == "spoilers" for rule in policy.rules):
            raise ValueError("pattern too large")
        return real(policy, shared)

    monkeypatch.setattr(reviewer_module, "compile_room", refuse_room_c)
    errors: list[tuple[str, str]] = []
    reviewer = Reviewer(
        parse_policy(POLICY), on_room_error=lambda room, exc: errors.append((room, str(exc)))
    )
    assert reviewer.review_text("free vbucks here", "roomC").result == "DENY"  # the defaults
    assert errors == [("roomC", "pattern too large")]
    reviewer.review_text("hello", "roomC")
    assert len(errors) == 1  # reported once; the defaults' checks are kept for the room
    with pytest.raises(ValueError, match="too large"):
        Reviewer(parse_policy(POLICY)).room("roomC")  # without a reporter it raises
