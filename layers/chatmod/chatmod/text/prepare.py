"""Light input cleanup applied before tokenization, identically at training and serving time.

Chat users dodge filters with look-alike letters, digits for letters, spaced-out words and
stretched letters. Undoing the cheap, unambiguous part of that here means the model sees the
word it was trained on; augmentation at training time covers the rest. Kept self-contained
(stdlib only: training loads this file by path) and the owner of the look-alike and leet tables
the shipped model was trained with. The rule engine (``chatmod.text.views``) reads these plus
entries of its own, so a rule can learn a new disguise without shifting what the model sees.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# Look-alike letters from other scripts (after NFKC + casefold) mapped to the Latin letter. A
# new entry changes the model's input: add it to the rules' own table until the next retrain.
HOMOGLYPHS: dict[str, str] = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j",
    "һ": "h", "ԁ": "d", "ӏ": "l", "ɡ": "g", "α": "a", "ε": "e", "ι": "i", "κ": "k",
    "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s",
    "օ": "o", "ս": "u", "ı": "i", "ł": "l", "ø": "o", "ɑ": "a", "ɩ": "i",
}  # fmt: skip

# Digits/symbols standing in for letters; only rewritten inside tokens that also hold a letter.
LEET: dict[str, str] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
}  # fmt: skip
_LEET = str.maketrans(LEET)
_LEET_CHARS = frozenset(LEET)

_TOKEN = re.compile(r"\S+")
# Three or more single letters separated by a space or dot/dash/star: "f u c k", "k.i.l.l".
_SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-*_]){2,}[^\W\d_](?![^\W\d_])")
_SPACED_SEP = re.compile(r"[ .\-*_]")
# A letter written three or more times in a row: the model reads such runs cut to two.
STRETCHED_LETTERS = re.compile(r"([^\W\d_])\1{2,}")


def char_folder(homoglyphs: dict[str, str]) -> Callable[[str], str]:
    """Folds one character: NFKC, case folding, accents stripped, ``homoglyphs`` mapped;
    invisible (Cf) and combining characters become nothing."""

    @lru_cache(maxsize=4096)
    def fold_char(ch: str) -> str:
        category = unicodedata.category(ch)
        if category == "Cf" or category.startswith("M"):
            return ""
        out = []
        for part in unicodedata.normalize("NFKC", ch).casefold():
            for base in unicodedata.normalize("NFKD", part):
                if not unicodedata.category(base).startswith("M"):
                    out.append(homoglyphs.get(base, base))
        return "".join(out)

    return fold_char


_fold_char = char_folder(HOMOGLYPHS)


def _deleet(match: re.Match[str]) -> str:
    token = match.group(0)
    if _LEET_CHARS.isdisjoint(token) or not any(c.isalpha() for c in token):
        return token
    # Keep a trailing run of symbols as punctuation ("idiot!!", "cost $5" stays intact).
    core = token.rstrip("!?.,;:")
    return core.translate(_LEET) + token[len(core) :]


def prepare_text(text: str) -> str:
    """Return the model-facing form of ``text`` (ASCII-ish, de-obfuscated, lower case)."""
    folded = text.lower() if text.isascii() else "".join(_fold_char(ch) for ch in text)
    folded = _TOKEN.sub(_deleet, folded)
    folded = _SPACED.sub(lambda m: _SPACED_SEP.sub("", m.group(0)), folded)
    return STRETCHED_LETTERS.sub(r"\1\1", folded)


def prepare_multilingual_text(text: str) -> str:
    """The multilingual model's input: like ``prepare_text`` but keeping accents and every
    script (Spanish "año" is not "ano"; a Cyrillic line is Russian, not a disguise)."""
    folded = unicodedata.normalize("NFKC", text)
    if not folded.isascii():
        folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    folded = folded.lower().replace("i\u0307", "i")  # Turkish "İ" lower-cases to i + dot
    folded = _TOKEN.sub(_deleet, folded)
    folded = _SPACED.sub(lambda m: _SPACED_SEP.sub("", m.group(0)), folded)
    return STRETCHED_LETTERS.sub(r"\1\1", folded)


# labels.json's ``preprocessing`` id -> the function; a folder without one gets its text as is.
# The ids name where these functions first lived: model folders and checkpoints carry them.
PREPROCESSORS: dict[str, Callable[[str], str]] = {
    "chatmod.model.text.prepare_text": prepare_text,
    "chatmod.model.text.prepare_multilingual_text": prepare_multilingual_text,
}
