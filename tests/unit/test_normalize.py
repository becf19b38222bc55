"""Normalization: evasions are seen through, innocent text is left alone, offsets stay exact."""

from __future__ import annotations

import pytest

from chatmod.normalize import deleet, fold, join_split_letters, normalize


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("FUCK", "fuck"),  # case folding
        ("ｆｕｃｋ", "fuck"),  # fullwidth (NFKC)
        ("fu\u200bck", "fuck"),  # zero-width space
        ("f\u00adu\u200dc\ufeffk", "fuck"),  # soft hyphen, ZWJ, BOM
        ("fück", "fuck"),  # accent stripped
        ("fаck", "fack"),  # Cyrillic а
        ("ѕһіt", "shit"),  # Cyrillic look-alikes
        ("ѕhιt", "shit"),  # Greek iota
        ("bօօb", "boob"),  # Armenian օ
        ("f u c k", "fuck"),  # split by spaces
        ("f.u.c.k", "fuck"),  # split by dots
        ("f-u-c-k", "fuck"),
        ("f_u_c_k", "fuck"),
        ("f*u*c*k", "fuck"),
    ],
)
def test_matching_view_sees_through_evasions(typed: str, seen: str) -> None:
    assert normalize(typed).matching.text == seen


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("sh1t", "shit"),
        ("$hit", "shit"),
        ("@ss", "ass"),
        ("fuuuuuuck", "fuuck"),
        ("b1tch3s", "bitches"),
        ("5h!7", "shit"),
    ],
)
def test_model_view_reads_leetspeak_and_stretching(typed: str, seen: str) -> None:
    assert normalize(typed).model.text == seen


@pytest.mark.parametrize(
    "innocent",
    [
        "classic",
        "assassin",
        "Scunthorpe",
        "cocktail",
        "therapist",
        "I scored 1337 points in 2024",
        "call me at 5pm",
        "a b",
        "the price is $5",
    ],
)
def test_innocent_text_keeps_its_words(innocent: str) -> None:
    views = normalize(innocent)
    assert views.matching.text == innocent.casefold()


def test_numbers_are_not_read_as_letters() -> None:
    assert deleet(fold("call 555 1234 or 2024")).text == "call 555 1234 or 2024"


def test_leading_article_stays_apart_from_split_letters() -> None:
    assert join_split_letters(fold("a f u c k")).text == "a fuck"
    assert join_split_letters(fold("i f u c k e d up")).text == "i fucked up"


def test_short_single_letter_runs_are_not_joined() -> None:
    assert join_split_letters(fold("a b")).text == "a b"
    assert join_split_letters(fold("u r ok")).text == "u r ok"


@pytest.mark.parametrize(
    "typed", ["fu\u200bck you", "f u c k", "ＦＵＣＫ", "fück", "ﬁne", "Straße"]
)
def test_offsets_map_every_view_character_to_its_source(typed: str) -> None:
    for view in (normalize(typed).matching, normalize(typed).model):
        assert len(view.offsets) == len(view.text)
        assert list(view.offsets) == sorted(view.offsets)
        for ch, offset in zip(view.text, view.offsets, strict=True):
            source = fold(typed[offset]).text
            assert ch in source or ch in deleet(fold(typed[offset])).text or source == ""


def test_span_maps_back_to_the_original_characters() -> None:
    typed = "hey f.u.c.k off"
    view = normalize(typed).matching
    start = view.text.index("fuck")
    assert view.to_original(start, start + 4) == (4, 11)
    assert typed[4:11] == "f.u.c.k"


def test_ligature_expands_but_maps_to_one_character() -> None:
    view = fold("ﬁx")
    assert view.text == "fix"
    assert view.offsets == (0, 0, 1)
