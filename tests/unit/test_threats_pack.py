"""The threats pack: phrases that are a threat or self-harm incitement wherever they appear are
denied by the rules, whatever the model says; context-dependent violent words are left alone."""

from __future__ import annotations

import pytest

from chatmod.policy import PackConfig, RoomPolicy
from chatmod.review import Reviewer
from chatmod.review.compile import compile_room
from chatmod.text.views import normalize


def _threat_hits(text: str, policy: RoomPolicy | None = None) -> list[str]:
    room = compile_room(policy or RoomPolicy())
    views = normalize(text)
    return [
        text[h.start : h.end] for c in room.checks for h in c.scan(views) if h.rule_id == "threats"
    ]


def _with_threats(config: PackConfig) -> RoomPolicy:
    policy = RoomPolicy()
    return policy.model_copy(update={"packs": policy.packs.model_copy(update={"threats": config})})


@pytest.mark.parametrize(
    ("typed", "phrase"),
    [
        ("kys", "kys"),
        ("just kys already", "kys"),
        ("go kill yourself", "kill yourself"),
        ("KILL URSELF LOSER", "KILL URSELF"),
        ("k y s", "k y s"),
        ("k1ll y0urself", "k1ll y0urself"),
        ("kiiiill yourseeelf", "kiiiill yourseeelf"),
        ("hang yourself lmao", "hang yourself"),
        ("i hope you die", "hope you die"),
        ("i know where you live", "i know where you live"),
        ("i know where u live btw", "i know where u live"),
        ("i'll rape you", "i'll rape you"),
        ("ill slit your throat", "slit your throat"),
    ],
)
def test_threats_and_incitement_are_denied_by_the_rules(
    rules_reviewer: Reviewer, typed: str, phrase: str
) -> None:
    assert _threat_hits(typed) == [phrase]
    decision = rules_reviewer.review_text(typed)
    assert decision.result == "DENY"
    assert "threats" in decision.rule_ids
    assert "threat" in decision.categories
    assert decision.reason == "Threats aren't allowed in this chat."


@pytest.mark.parametrize(
    "typed",
    [
        "this boss will kill you if you stand there",
        "i'm gonna kill you next round",
        "watch your back, sniper on the roof",
        "2 secs and i'll find you a thread on the forums",
        "don't kill yourself over a ranked game",
        "that joke killed me lol",
        "i could die for this soundtrack",
        "the kids in the class",
        "skys the limit",
    ],
)
def test_context_dependent_violent_words_are_left_to_the_model(
    rules_reviewer: Reviewer, typed: str
) -> None:
    assert _threat_hits(typed) == []
    assert "threats" not in rules_reviewer.review_text(typed).rule_ids


def test_a_room_can_turn_the_pack_off_or_change_its_action() -> None:
    assert _threat_hits("kys", _with_threats(PackConfig(enabled=False))) == []
    room = compile_room(_with_threats(PackConfig(action="mask", severity="critical")))
    hits = [h for c in room.checks for h in c.scan(normalize("kys")) if h.rule_id == "threats"]
    assert [(h.action, h.severity.name.lower()) for h in hits] == [("mask", "critical")]


def test_the_pack_is_on_in_the_default_policy(rules_reviewer: Reviewer) -> None:
    default = rules_reviewer.review_text("kill yourself")
    assert default.result == "DENY"
    assert RoomPolicy().packs.threats.enabled


@pytest.mark.parametrize(
    "typed",
    [
        "mods please time out the guy telling people to drink bleach",
        "he told me to kys, can a mod look",
        "don't kill yourself, talk to someone",
    ],
)
def test_reported_and_negated_phrases_are_delivered(typed: str) -> None:
    assert _threat_hits(typed) == []


def test_a_denied_threat_phrase_is_a_strike_that_disconnects_at_once(
    rules_reviewer: Reviewer,
) -> None:
    from chatmod.escalation.trigger import escalation_kind

    policy = rules_reviewer.policy.defaults.escalation
    assert "threat" in policy.disconnect_immediately
    decision = rules_reviewer.review_text("k1ll yourself")
    assert escalation_kind(decision, policy) == "strike"
    # the escalation processor disconnects at once for a strike whose categories it lists
    assert set(decision.categories) & set(policy.disconnect_immediately) == {"threat"}
    assert escalation_kind(rules_reviewer.review_text("gg wp"), policy) is None
