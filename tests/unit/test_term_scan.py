"""Term matching stays exact on adjacent terms and linear on long, dense text."""

from __future__ import annotations

import random
import string
from importlib import resources
from pathlib import Path

import pytest

from chatmod.policy import PolicyFile, RoomPolicy
from chatmod.review import Reviewer
from chatmod.review.compile import builtin_exemptions, builtin_terms, compile_room
from chatmod.rules.base import RuleMeta, Severity
from chatmod.rules.terms import TermCheck
from chatmod.text.views import normalize

from .fakes import KeywordModel


def _profanity() -> TermCheck:
    room = compile_room(RoomPolicy())
    return next(c for c in room.checks if isinstance(c, TermCheck) and c.rule_id == "profanity")


def _spans(text: str) -> list[str]:
    return [text[h.start : h.end] for h in _profanity().scan(normalize(text))]


def test_adjacent_terms_sharing_one_boundary_are_each_found() -> None:
    assert _spans("shit shit,shit.shit") == ["shit", "shit", "shit", "shit"]


def test_offsets_are_code_points_after_multibyte_text() -> None:
    text = "ünïcödé 😀 shit and 日本 shit"
    assert _spans(text) == ["shit", "shit"]


def test_dense_adjacent_matches_over_100k_characters_are_all_found() -> None:
    """Every one of 20,000 adjacent terms is found (a restart at the match's end would skip
    every other one). How long the scan takes is measured by benchmarks, not asserted here."""
    check = _profanity()
    assert len(check.scan(normalize("shit " * 2_000))) == 2_000
    hits = check.scan(normalize("shit " * 20_000))
    assert len(hits) == 20_000
    assert [(h.start, h.end) for h in hits[:2]] == [(0, 4), (5, 9)]


def test_too_long_message_is_refused_before_rules_or_model_run() -> None:
    model = KeywordModel({})
    reviewer = Reviewer(PolicyFile(defaults=RoomPolicy(max_length=50)), model)
    decision = reviewer.review_text("shit " * 20_000)
    assert decision.result == "DENY" and decision.rule_ids == ("length.max",)
    assert model.calls == []
    assert decision.hits == ()


def test_stems_and_plain_terms_match_as_one_alternation_each() -> None:
    """Stems share one trailing letter class; the matches are those of one alternation of all
    terms: whole words, a stem's longer words, plurals, nothing inside a word."""
    from chatmod.rules.terms import _whole_word_regex, term_pattern, term_spans

    regex = _whole_word_regex(term_pattern(t) for t in ("fuck*", "shit", "ass", "bitch"))
    text = " fuckers and shits, a bitches' ass, classic fuck fu-cking passage "
    found = [text[s:e] for s, e in term_spans(regex, text)]
    assert found == ["fuckers", "shits", "bitches", "ass", "fuck", "fu-cking"]
    only_stems = _whole_word_regex(term_pattern(t) for t in ("fuck*",))
    assert [text[s:e] for s, e in term_spans(only_stems, text)] == ["fuckers", "fuck", "fu-cking"]


def test_an_exempt_phrase_shields_only_its_own_words_whatever_separates_them() -> None:
    from chatmod.rules.base import RuleMeta, Severity
    from chatmod.rules.terms import TermCheck

    meta = RuleMeta(rule_id="t", category="hate", action="deny", severity=Severity.HIGH)
    check = TermCheck(meta, ("dick",), ("moby dick",))
    for shielded in ("reading moby dick today", "moby—dick", "Moby · Dick", "moby_dick"):
        assert check.scan(normalize(shielded)) == [], shielded
    for hit in ("moby is a dick", "dick moby", "mobydick dick"):
        assert check.scan(normalize(hit)), hit


def test_a_long_term_list_is_split_into_alternations_that_each_still_match() -> None:
    rnd = random.Random(5)
    terms = tuple("".join(rnd.choices(string.ascii_lowercase, k=64)) for _ in range(400))
    check = TermCheck(RuleMeta("long", "scam", "deny", Severity.HIGH), terms)
    regexes = check._regexes  # type: ignore[attr-defined]
    assert len(regexes) > 1
    line = f"{terms[0]} and {terms[-1].upper()}, not {terms[1][:-1]}"
    hits = [(h.start, h.end) for h in check.scan(normalize(line))]
    assert [line[s:e] for s, e in hits] == [terms[0], terms[-1].upper()]


def test_a_pack_stays_one_alternation() -> None:
    check = TermCheck(RuleMeta("p", "c", "mask", Severity.LOW), builtin_terms("tr/profanity"))
    assert len(check._regexes) == 1  # type: ignore[attr-defined]


PACKS = Path(str(resources.files("chatmod").joinpath("packs")))
PACK_FILES = sorted(
    str(path.relative_to(PACKS)).removesuffix(".yaml")
    for path in PACKS.rglob("*.yaml")
    if path.stem in ("profanity", "slurs", "mild_profanity", "threats")
)


@pytest.mark.parametrize("pack", PACK_FILES)
def test_every_packs_exemptions_compile_and_are_read_only_after_a_match(pack: str) -> None:
    check = TermCheck(
        RuleMeta(pack, "c", "mask", Severity.LOW), builtin_terms(pack), builtin_exemptions(pack)
    )
    assert check.scan(normalize("good game everyone")) == []
    assert check._exempt_regex is None  # type: ignore[attr-defined]
    check._exempt_spans(" anything ")
    assert (check._exempt_regex is None) == (not check.exempt)  # type: ignore[attr-defined]
