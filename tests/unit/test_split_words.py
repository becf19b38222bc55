"""Words split by a space read whole in the model's view; real word pairs stay apart."""

from __future__ import annotations

import pytest

from chatmod.text.split_words import split_word_spaces, words
from chatmod.text.views import normalize


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("i'm gonna ch oke you", "i'm gonna choke you"),
        ("i know your add ress", "i know your address"),
        ("i'm going to mur der you", "i'm going to murder you"),
    ],
)
def test_a_split_word_is_read_whole(typed: str, read: str) -> None:
    assert normalize(typed).model.text == read


@pytest.mark.parametrize(
    "typed",
    ["a part of it", "any one of you", "see you to day", "is it on", "go in to the room", "ok ok"],
)
def test_two_real_words_stay_apart(typed: str) -> None:
    assert split_word_spaces(typed) == []


def test_the_join_maps_back_to_both_parts() -> None:
    typed = "gonna ch oke you"
    view = normalize(typed).model
    start = view.text.index("choke")
    assert view.to_original(start, start + 5) == (6, 12)
    assert typed[6:12] == "ch oke"


def test_the_word_list_is_words() -> None:
    known = words()
    assert {"choke", "address", "stream", "game"} <= known
    assert all(w.isalpha() and len(w) >= 2 for w in known)
