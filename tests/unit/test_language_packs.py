"""The per-language packs: present for every supported language, compiled for the languages a
room serves, and never starring an everyday word of the line's own language."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import pytest
import yaml

from chatmod.languages import SUPPORTED, LangidDetector
from chatmod.languages.packs import builtin_harmless
from chatmod.policy import PolicyFile, RoomPolicy
from chatmod.review import Reviewer
from chatmod.review.compile import compile_room
from chatmod.text.views import normalize

OTHER_LANGUAGES = [code for code in SUPPORTED if code != "en"]


def _pack(language: str, name: str) -> dict[str, list[str]]:
    text = resources.files("chatmod").joinpath(f"packs/{language}/{name}.yaml").read_text("utf-8")
    data: dict[str, list[str]] = yaml.safe_load(text)
    return data


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_language_has_its_packs_and_credits_the_source(language: str) -> None:
    for name in ("profanity", "slurs"):
        text = resources.files("chatmod").joinpath(f"packs/{language}/{name}.yaml").read_text()
        assert "LDNOOBW" in text and "CC BY 4.0" in text
        assert len(_pack(language, name)["terms"]) >= 10
    assert builtin_harmless(language)  # every language lists words to keep


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_room_serving_a_language_compiles_its_packs(language: str) -> None:
    room = compile_room(RoomPolicy.model_validate({"languages": ["en", language]}))
    ids = {check.rule_id for check in room.checks}
    assert {f"profanity.{language}", f"slurs.{language}", "profanity", "slurs"} <= ids
    assert room.pack_languages[f"slurs.{language}"] == language


def _hit_ids(policy: RoomPolicy, text: str) -> list[str]:
    room = compile_room(policy)
    return [h.rule_id for c in room.checks for h in c.scan(normalize(text))]


def test_a_language_pack_works_only_in_rooms_that_serve_the_language() -> None:
    german = RoomPolicy.model_validate({"languages": ["en", "de"]})
    assert _hit_ids(german, "Scheiße, schon wieder gestorben") == ["profanity.de"]
    assert _hit_ids(RoomPolicy(), "Scheiße, schon wieder gestorben") == []


def test_one_language_pack_can_be_turned_off() -> None:
    policy = RoomPolicy.model_validate(
        {"languages": ["en", "de", "es"], "disable_rules": ["profanity.de"]}
    )
    ids = {check.rule_id for check in compile_room(policy).checks}
    assert "profanity.de" not in ids and "profanity.es" in ids and "profanity" in ids


@pytest.fixture(scope="module")
def languages_reviewer() -> Reviewer:
    room = RoomPolicy.model_validate({"languages": ["en", "de", "es"]})
    return Reviewer(PolicyFile(defaults=room), None, LangidDetector())


def test_an_english_term_that_is_an_everyday_german_word_stays_in_german(
    languages_reviewer: Reviewer,
) -> None:
    line = "Der Endboss ist echt dick gepanzert, passt auf"
    decision = languages_reviewer.review_text(line)
    assert (decision.language, decision.content, decision.rule_ids) == ("de", line, ())
    english = languages_reviewer.review_text("stop being such a dick to everyone")
    assert english.language == "en" and "profanity" in english.rule_ids


def test_slurs_of_a_served_language_deny(languages_reviewer: Reviewer) -> None:
    decision = languages_reviewer.review_text("callate maricón")
    assert (decision.result, decision.categories) == ("DENY", ("hate",))


def test_a_slur_that_is_also_a_vegetable_is_left_alone_in_recipes() -> None:
    italian = RoomPolicy.model_validate({"languages": ["en", "it"]})
    assert _hit_ids(italian, "stasera insalata di finocchio e arance") == []
    assert _hit_ids(italian, "sei proprio un finocchio") == ["slurs.it"]


def test_attribution_in_a_detected_language_never_stars_its_articles_or_groups() -> None:
    """A keyword model scores the German line in the mask range whenever "die" and
    "flüchtlinge" are both in it: English lists know neither word, so without German ones the
    article or the group's name would be starred; with them the line goes out unstarred (its
    gray zone for the second opinion) rather than hide the group."""
    from tests.unit.fakes import KeywordModel

    class PairModel(KeywordModel):
        def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
            out = super().predict(texts)
            for text, scores in zip(texts, out, strict=True):
                words = text.casefold().split()
                if "die" in words and any(
                    w.startswith(("fluchtling", "flüchtling")) for w in words
                ):
                    scores["toxicity"] = 0.78  # standard mask range
            return out

    room = RoomPolicy.model_validate({"languages": ["en", "de"]})
    model = PairModel({}, languages=("en", "de"))
    reviewer = Reviewer(PolicyFile(defaults=room), model, LangidDetector(), model)
    line = "die flüchtlinge sollen endlich wieder nach hause gehen"
    decision = reviewer.review_text(line)
    assert decision.language == "de"
    assert decision.result == "ALLOW" and decision.content == line  # nothing starred
    assert decision.gray_zone  # the second opinion still gets it
