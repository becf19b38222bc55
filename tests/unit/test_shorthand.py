"""Chat shorthand in the model's readings: the words it stands for, mapped back to what was typed."""

from __future__ import annotations

import pytest

from chatmod.text.shorthand import expand_shorthand
from chatmod.text.views import model_readings, normalize


def _expand(text: str) -> str:
    return expand_shorthand(text, range(len(text)))[0]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("how r u tdy", "how are you today"),
        ("ily", "i love you"),
        ("U R SO LATE", "you are SO LATE"),
        ("see ya tmrw!", "see you tomorrow!"),
        ("kil urself", "kil yourself"),
        ("pls, ppl", "please, people"),
    ],
)
def test_shorthand_reads_as_words(typed: str, read: str) -> None:
    assert _expand(typed) == read


@pytest.mark.parametrize(
    "typed",
    ["you're right", "run the urn", "rust", "I'm in round 2", "you'r", "'ur", "r2d2", "u_r", "uru"],
)
def test_only_whole_shorthand_words_change(typed: str) -> None:
    assert _expand(typed) == typed


def test_each_expanded_character_maps_into_the_word_it_replaces() -> None:
    typed = "ok ur late"
    text, offsets = expand_shorthand(typed, range(len(typed)))
    assert text == "ok your late"
    assert len(offsets) == len(text)
    assert list(offsets) == sorted(offsets)
    start = text.index("your")
    assert {offsets[k] for k in range(start, start + 4)} == {3, 4}
    assert offsets[start + 4 :] == tuple(range(5, len(typed)))


def test_the_model_views_read_shorthand_and_map_spans_back() -> None:
    views = normalize("r u ok")
    assert views.typed == "are you ok"
    assert views.model.text == "are you ok"
    start = views.model.text.index("you")
    assert views.model.to_original(start, start + 3) == (2, 3)
    assert views.original == "r u ok"  # the rules and the answer keep what was typed


def test_model_readings_score_the_expanded_text_not_the_shorthand() -> None:
    assert model_readings(normalize("how r u tdy")) == ["how are you today"]
    assert model_readings(normalize("H0W R U")) == ["H0W are you", "how are you"]
