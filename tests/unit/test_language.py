"""Language detection in the review: the model judges only the languages it reads."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chatmod.languages import UNKNOWN, LangidDetector, LanguageGuess
from chatmod.policy import PolicyFile, RoomPolicy
from chatmod.review import Reviewer

from .fakes import KeywordModel


@pytest.fixture(scope="module")
def detector() -> LangidDetector:
    return LangidDetector()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Die sind alle nur Abschaum, raus mit denen", "de"),
        ("Ojalá os muráis todos, panda de ratas", "es"),
        ("Vous êtes tous des déchets", "fr"),
        ("Vocês são um lixo, seus macacos", "pt"),
        ("Fue un partido increíble", "es"),
        ("Che bella partita ragazzi", "it"),
        ("Harika bir maçtı arkadaşlar", "tr"),
        ("that boss fight was brutal", "en"),
    ],
)
def test_chat_lines_are_placed_in_their_language(
    detector: LangidDetector, text: str, code: str
) -> None:
    assert detector.detect(text).code == code


@pytest.mark.parametrize("text", ["gg wp", "lol", "F", "🎉🎉🎉", "ok ok ok"])
def test_lines_with_few_letters_are_of_unknown_language(
    detector: LangidDetector, text: str
) -> None:
    assert detector.detect(text) == LanguageGuess(UNKNOWN)


def test_a_low_confidence_guess_is_unknown() -> None:
    sure = LangidDetector(min_confidence=1.01)  # nothing is that sure
    assert sure.detect("that boss fight was brutal").code == UNKNOWN


# Scores everything "toxic" that contains one of these words, whatever the language.
EVERYTHING_TOXIC = KeywordModel({"e": {"toxicity": 0.99, "insult": 0.99}})
ENGLISH_ONLY = KeywordModel({"e": {"toxicity": 0.99, "insult": 0.99}}, languages=("en",))


def test_the_model_does_not_judge_a_language_it_does_not_read(detector: LangidDetector) -> None:
    reviewer = Reviewer(PolicyFile(), ENGLISH_ONLY, detector)
    spanish = reviewer.review_text("Fue un partido increíble")
    assert (spanish.result, spanish.content, spanish.language) == (
        "ALLOW",
        "Fue un partido increíble",
        "es",
    )
    assert spanish.scores == {}  # the model was not run
    english = reviewer.review_text("that was a really terrible play")
    assert (english.result, english.language) == ("DENY", "en")


def test_a_model_that_does_not_say_what_it_reads_judges_what_the_policy_allows(
    detector: LangidDetector,
) -> None:
    policy = PolicyFile(defaults=RoomPolicy.model_validate({"model": {"languages": ["en", "es"]}}))
    decision = Reviewer(policy, EVERYTHING_TOXIC, detector).review_text("Fue un partido increíble")
    assert decision.result == "DENY"
    german = Reviewer(policy, EVERYTHING_TOXIC, detector).review_text("Das Spiel war der Hammer")
    assert (german.result, german.scores) == ("ALLOW", {})  # German is not in model.languages


def test_without_a_detector_every_message_is_unknown_and_the_model_judges_it() -> None:
    decision = Reviewer(PolicyFile(), EVERYTHING_TOXIC).review_text("Fue un partido increíble")
    assert (decision.result, decision.language) == ("DENY", UNKNOWN)


@pytest.mark.parametrize("languages", [[], ["xx"], ["english"]])
def test_room_languages_must_be_supported_codes(languages: list[str]) -> None:
    with pytest.raises(ValidationError):
        RoomPolicy.model_validate({"languages": languages})
