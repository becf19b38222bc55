"""Chat shorthand read as the words it stands for, in the model's readings only.

The model learned from comment sites and tweets where short informal spellings ("u", "r",
"ur") sit mostly in abusive lines, so "how r u today" could read as an insult while "how are
you today" does not, and "kil urself" scored lower than "kil yourself". Reading common
shorthand as words removes both effects; the rules still match what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

from chatmod.yaml_load import load_yaml


@cache
def shorthand() -> dict[str, str]:
    """English chat shorthand and the words it stands for (``packs/en/shorthand.yaml``: whole
    words, compared case-insensitively), read once on first use."""
    text = resources.files("chatmod").joinpath("packs/en/shorthand.yaml").read_text("utf-8")
    data: dict[str, dict[str, str]] = load_yaml(text) or {}
    return {str(short): str(words) for short, words in data.get("shorthand", {}).items()}


_WORD = re.compile(r"\w+")  # "user_u" and "r2d2" are one word each


def expand_shorthand(text: str, offsets: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    """``text`` with each shorthand word replaced by its words, and the offset map that goes
    with it: each character of an expansion maps into the short word it replaces, so spans
    still map back to what was typed."""
    table = shorthand()
    chars: list[str] = []
    out: list[int] = []
    cursor = 0
    for match in _WORD.finditer(text):
        start, end = match.span()
        expansion = table.get(match.group().lower())
        if expansion is None or _joined_to_apostrophe(text, start, end):
            continue
        chars.append(text[cursor:start])
        out.extend(offsets[cursor:start])
        chars.append(expansion)
        out.extend(offsets[min(start + k, end - 1)] for k in range(len(expansion)))
        cursor = end
    chars.append(text[cursor:])
    out.extend(offsets[cursor:])
    return "".join(chars), tuple(out)


def _joined_to_apostrophe(text: str, start: int, end: int) -> bool:
    """ "you'r" and "'ur" are parts of a longer word, not shorthand of their own."""
    return (start > 0 and text[start - 1] in "'’") or (end < len(text) and text[end] in "'’")
