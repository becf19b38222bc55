"""Invisible characters inside words change no decision: each class of
``tests/functional/invisible.yaml`` is a functional category over the suite's deny lines,
judged by the shipped models through the whole pipeline."""

from __future__ import annotations

from functools import cache

import pytest

from chatmod.contract import ReviewRequest
from chatmod.languages import LangidDetector
from chatmod.model.base import REPO_MODEL_DIR
from chatmod.model.onnx_backend import OnnxToxicityModel
from chatmod.policy import load_policy
from chatmod.review import Reviewer
from tests.invisible_characters import (
    CharacterClass,
    character_classes,
    deny_gold_lines,
    inside_each_word,
)

CLASSES = character_classes()
LINES = deny_gold_lines()


@cache
def reviewer() -> Reviewer:
    return Reviewer(load_policy(), OnnxToxicityModel(REPO_MODEL_DIR), LangidDetector())


@cache
def plain(line: str) -> tuple[str, tuple[str, ...]]:
    decision = reviewer().review_text(line)
    return decision.result, decision.rule_ids


def test_the_categories_cover_every_class_the_normalization_removes() -> None:
    assert [c.name for c in CLASSES] == [
        "default_ignorable", "hangul_filler", "braille_blank", "noncharacter", "unassigned",
        "replacement", "tag", "variation_selector",
    ]  # fmt: skip
    assert all(c.characters for c in CLASSES)


@pytest.mark.parametrize("klass", CLASSES, ids=lambda c: c.name)
def test_a_character_inside_each_word_gets_the_plain_lines_decision(klass: CharacterClass) -> None:
    character = klass.characters[0]
    pairs = [(line, inside_each_word(line, character)) for line in LINES]
    assert sum(line != disguised for line, disguised in pairs) > 0.95 * len(LINES)
    changed = []
    for line, disguised in pairs:
        decision = reviewer().review_text(disguised)
        if (decision.result, decision.rule_ids) != plain(line):
            changed.append((line, decision.result, plain(line)[0]))
    assert changed == []


def test_the_threat_from_the_report_is_denied_with_the_filler() -> None:
    decision = reviewer().review_text("i will fi\u3164nd you and ki\u3164ll you")
    assert decision.result == "DENY"
    assert any(rule.startswith("model.") for rule in decision.rule_ids)


def test_a_lone_surrogate_inside_words_is_dropped_like_its_replacement() -> None:
    request = ReviewRequest.model_validate(
        {
            "MessageId": "MSG000000001",
            "RoomArn": "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6",
            "Content": "i will fi\ud800nd you and ki\udfffll you",
            "Attributes": {},
            "Sender": {"UserId": "u", "Attributes": {}, "Ip": "203.0.113.7"},
        }
    )
    review = reviewer().review(request)
    assert review.decision.result == "DENY"
