"""Chat shorthand read as the words it stands for, in the model's readings only.

The model learned from comment sites and tweets where short informal spellings ("u", "r",
"ur") sit mostly in abusive lines, so "how r u today" could read as an insult while "how are
you today" does not, and "kil urself" scored lower than "kil yourself". Reading common
shorthand as words removes both effects; the rules still match what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Whole words only, compared case-insensitively. Ambiguous spellings stay out: "2" and "4" are
# often numbers, "y" and "n" often letters, "im" and "ill" words of their own.
SHORTHAND: dict[str, str] = {
    "u": "you", "ya": "you", "ur": "your", "urs": "yours", "r": "are",
    "urself": "yourself", "urselves": "yourselves", "yourslef": "yourself",
    "pls": "please", "plz": "please", "plox": "please",
    "ppl": "people", "cuz": "because", "coz": "because", "bcuz": "because", "bc": "because",
    "tho": "though", "thru": "through", "thx": "thanks", "thnx": "thanks", "ty": "thank you",
    "np": "no problem", "idk": "i don't know", "idc": "i don't care", "ily": "i love you",
    "luv": "love", "tdy": "today", "2day": "today", "tmrw": "tomorrow", "tmr": "tomorrow",
    "2moro": "tomorrow", "2morrow": "tomorrow", "2nite": "tonight", "tonite": "tonight",
    "nite": "night", "l8r": "later", "l8": "late", "m8": "mate", "gr8": "great",
    "b4": "before", "wat": "what", "wut": "what", "sry": "sorry",
    "ofc": "of course", "omw": "on my way", "btw": "by the way", "rn": "right now",
    "nvm": "never mind", "msg": "message", "txt": "text", "pic": "picture", "gf": "girlfriend",
    "bf": "boyfriend", "wud": "would", "cud": "could", "shud": "should", "kys": "kill yourself",
}  # fmt: skip

_WORD = re.compile(r"\w+")  # "user_u" and "r2d2" are one word each


def expand_shorthand(text: str, offsets: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    """``text`` with each shorthand word replaced by its words, and the offset map that goes
    with it: each character of an expansion maps into the short word it replaces, so spans
    still map back to what was typed."""
    chars: list[str] = []
    out: list[int] = []
    cursor = 0
    for match in _WORD.finditer(text):
        start, end = match.span()
        expansion = SHORTHAND.get(match.group().lower())
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
