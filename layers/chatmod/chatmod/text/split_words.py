"""Words split by a space to dodge a filter ("ch oke", "add ress"), read whole by the model.

A pair of neighbouring parts is joined when together they make a word of English's word list
(``packs/en/words.txt``) and at
least one part is not a word by itself, so "a part", "any one" and "to day" stay apart. Two
letters or more on each side: single letters spaced apart are joined by the matching view
already ("k i l l").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

_PART = re.compile(r"[a-z]+")


@cache
def words() -> frozenset[str]:
    """The word list, read once on first use."""
    text = resources.files("chatmod").joinpath("packs/en/words.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def split_word_spaces(text: str) -> list[int]:
    """Indexes of the spaces in ``text`` (lower case) that split one word in two."""
    known = words()
    parts = list(_PART.finditer(text))
    spaces: list[int] = []
    for left, right in itertools.pairwise(parts):
        a, b = left.group(), right.group()
        if (
            right.start() == left.end() + 1
            and text[left.end()] == " "
            and len(a) >= 2
            and len(b) >= 2
            and a + b in known
            and (a not in known or b not in known)
        ):
            spaces.append(left.end())
    return spaces


def drop_indexes(
    text: str, offsets: Sequence[int], drop: Sequence[int]
) -> tuple[str, tuple[int, ...]]:
    """``text`` and its offset map without the characters at ``drop``."""
    gone = set(drop)
    kept = [k for k in range(len(text)) if k not in gone]
    return "".join(text[k] for k in kept), tuple(offsets[k] for k in kept)
