"""Which model judges a message: the English one, the multilingual one, or none."""

from __future__ import annotations

import pytest

from chatmod.languages import UNKNOWN, LangidDetector, LanguageGuess
from chatmod.model.router import pick_model
from chatmod.policy import PolicyFile, RoomPolicy
from chatmod.review import Reviewer

from .fakes import KeywordModel

ENGLISH = KeywordModel({"idiot": {"toxicity": 0.99, "insult": 0.99}}, languages=("en",), name="en")
MULTI = KeywordModel(
    {"idiota": {"toxicity": 0.99, "insult": 0.99}, "idiot": {"toxicity": 0.99}},
    languages=("en", "de", "es", "fr", "pt", "it", "tr"),
    name="multi",
)
ALL_SEVEN = ["en", "de", "es", "fr", "pt", "it", "tr"]


def guess(code: str) -> LanguageGuess:
    return LanguageGuess(code, 0.99 if code != UNKNOWN else 0.0)


@pytest.mark.parametrize(
    ("code", "room_languages", "expected"),
    [
        ("en", ["en"], "en"),
        ("en", ["en", "es"], "en"),  # English lines stay with the English model
        ("es", ["en"], "multi"),  # a known language goes to the model that reads it
        ("tr", ["en", "tr"], "multi"),
        (UNKNOWN, ["en"], "en"),  # too short to tell, in an English room
        (UNKNOWN, ["en", "es"], "multi"),  # too short to tell, in a room serving Spanish
    ],
)
def test_each_message_goes_to_the_model_that_reads_its_language(
    code: str, room_languages: list[str], expected: str
) -> None:
    model = pick_model([ENGLISH, MULTI], guess(code), ALL_SEVEN, room_languages)
    assert model is not None and model.name == expected


def test_a_line_placed_in_no_language_goes_by_the_room() -> None:
    """Long enough to read but placed in none of the seven: Dutch, or disguised English
    ("y0u @re a fr3ak"), which the English model reads far better."""
    unplaced = LanguageGuess(UNKNOWN, 0.41)
    assert pick_model([ENGLISH, MULTI], unplaced, ALL_SEVEN, ["en"]) is ENGLISH
    assert pick_model([ENGLISH, MULTI], unplaced, ALL_SEVEN, ["en", "de"]) is MULTI


def test_a_language_no_loaded_model_reads_gets_the_rules_alone() -> None:
    assert pick_model([ENGLISH], guess("es"), ALL_SEVEN, ["en", "es"]) is None
    assert pick_model([ENGLISH], guess(UNKNOWN), ALL_SEVEN, ["en", "es"]) is ENGLISH


def test_a_language_the_policy_leaves_out_gets_the_rules_alone() -> None:
    assert pick_model([ENGLISH, MULTI], guess("es"), ["en"], ["en", "es"]) is None
    assert pick_model([], guess("en"), ALL_SEVEN, ["en"]) is None


@pytest.fixture(scope="module")
def detector() -> LangidDetector:
    return LangidDetector()


def test_the_reviewer_routes_a_spanish_insult_to_the_multilingual_model(
    detector: LangidDetector,
) -> None:
    english = KeywordModel({"idiot": {"toxicity": 0.99}}, languages=("en",), name="en")
    multi = KeywordModel({"idiota": {"toxicity": 0.99}}, languages=tuple(ALL_SEVEN), name="multi")
    room = PolicyFile(defaults=RoomPolicy.model_validate({"languages": ["en", "es"]}))
    reviewer = Reviewer(room, english, detector, multi)
    spanish = reviewer.review_text("eres un idiota y todos lo saben")
    assert (spanish.result, spanish.language) == ("DENY", "es")
    assert multi.calls and not english.calls
    reviewer.review_text("you are such an idiot, everyone knows it")
    assert english.calls and len(multi.calls) == 1


def test_without_the_multilingual_model_a_spanish_line_is_judged_by_the_rules(
    detector: LangidDetector,
) -> None:
    english = KeywordModel({"e": {"toxicity": 0.99}}, languages=("en",), name="en")
    room = PolicyFile(defaults=RoomPolicy.model_validate({"languages": ["en", "es"]}))
    decision = Reviewer(room, english, detector).review_text("Fue un partido increíble")
    assert (decision.result, decision.content, decision.scores) == (
        "ALLOW",
        "Fue un partido increíble",
        {},
    )


def test_a_model_whose_words_are_not_starred_sends_its_mask_range_to_the_gray_zone() -> None:
    """Same score, same room: the English model's words are starred, the multilingual model's
    folder says not to, so its line goes out as typed with its gray zone (second opinion)."""
    in_mask_range = {"idiota": {"toxicity": 0.78}}  # standard: mask 0.75, deny 0.83
    english = KeywordModel(in_mask_range, languages=("en",), name="en")
    multi = KeywordModel(in_mask_range, languages=tuple(ALL_SEVEN), name="multi")
    multi.stars_words = False  # type: ignore[attr-defined]
    room = RoomPolicy.model_validate({"languages": ALL_SEVEN})
    line = "eres un idiota de verdad"

    starred = Reviewer(PolicyFile(defaults=room), english, None, None).review_text(line)
    assert starred.content == "eres un i***** de verdad"

    detector = LangidDetector()
    routed = Reviewer(PolicyFile(defaults=room), english, detector, multi).review_text(line)
    assert routed.model == "multi"
    assert routed.result == "ALLOW" and routed.content == line
    assert "toxicity" in routed.gray_zone
