"""What the shipped model sees must not move by accident: ``prepare_text`` and the rules' views
on a fixed corpus of tricky strings, pinned by digest. ``prepare_text``'s digest was taken
before the look-alike tables were unified; the views' digest was re-taken when the model's
view learned to leave "8" inside words alone, to read a lone "1" or "4" in a leet message as
"i" or "a", "1ll" as "i'll" and dot-joined words apart (tests/unit/test_normalize.py pins
each), and again when it learned to read chat shorthand as words and split words whole
(tests/unit/test_shorthand.py, tests/unit/test_split_words.py)."""

from __future__ import annotations

import hashlib
import random

import pytest

from chatmod.text.prepare import HOMOGLYPHS as MODEL_HOMOGLYPHS
from chatmod.text.prepare import LEET as MODEL_LEET
from chatmod.text.prepare import prepare_text
from chatmod.text.views import HOMOGLYPHS, LEET, RULE_ONLY_HOMOGLYPHS, RULE_ONLY_LEET, normalize

# Every look-alike and leet character either table has ever read, with letters, separators,
# invisible characters, accents, ligatures and emoji around them.
ALPHABET = [
    *"ßæøđħıłœŧɑɡɩʋαβγεηικμνορςστυχωϲавезийкмнопрстухьёѕіїјүһҽӏԁԛԝաեզիլհոջռսվցւքօꞵ",
    *"!$+01345789@|£€",
    *"abcdefghijklmnopqrstuvwxyzABCXYZ",
    *"  .-*_!?,;:'\"",
    *["\u200b", "\u00ad", "é", "ü", "ｆ", "Ｓ", "ß", "æ", "œ", "🙂", "Ꮃ", "ﬁ", "\u0301", "İ"],
    *["K", "ǅ", "8", "9", "|", "+", "€", "£"],
]
PREPARED_SHA256 = "65daf4d72be36513213b02c00da2050cd7d1f344bfa614342b1b65eeb374490e"
VIEWS_SHA256 = "1d42d1ea85b664d5ec5b4df8c4c20b4a0ee86f7c05fd28ea929724ce8d2afa0d"


def _corpus() -> list[str]:
    rng = random.Random(20240612)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24))) for _ in range(4000)]


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_prepare_text_is_unchanged_on_the_tricky_corpus() -> None:
    assert _digest([prepare_text(text) for text in _corpus()]) == PREPARED_SHA256


def test_the_rules_views_are_unchanged_on_the_tricky_corpus() -> None:
    views = [normalize(text) for text in _corpus()]
    lines = [
        f"{v.matching.text}\t{v.model.text}\t{','.join(map(str, v.model.offsets))}" for v in views
    ]
    assert _digest(lines) == VIEWS_SHA256


def test_each_look_alike_is_written_once() -> None:
    assert not MODEL_HOMOGLYPHS.keys() & RULE_ONLY_HOMOGLYPHS.keys()
    assert not MODEL_LEET.keys() & RULE_ONLY_LEET.keys()
    assert HOMOGLYPHS == {**MODEL_HOMOGLYPHS, **RULE_ONLY_HOMOGLYPHS}
    assert LEET == {**MODEL_LEET, **RULE_ONLY_LEET}


@pytest.mark.parametrize(("typed", "rules_see"), [("ꞵitch", "bitch"), ("8itch", "bitch")])
def test_rule_only_entries_do_not_reach_the_model(typed: str, rules_see: str) -> None:
    assert normalize(typed).model.text == rules_see
    assert prepare_text(typed) == typed.lower()
