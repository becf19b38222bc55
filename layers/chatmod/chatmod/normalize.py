"""Text normalization that defeats common filter evasions, keeping a map back to the original.

Every normalized view carries ``offsets``: for each character of the view, the index of the
original character it came from. Rule hits found in a view are mapped back through it, so
masking touches exactly the offending characters of what the user typed.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Look-alikes from other scripts, after case folding, mapped to the Latin letter they imitate.
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "й": "u", "к": "k", "м": "m",
    "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ь": "b",
    "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "ɡ": "g", "ү": "y", "ҽ": "e",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s", "σ": "o", "μ": "u", "ϲ": "c",
    # Armenian
    "օ": "o", "ս": "u", "ո": "n", "հ": "h", "զ": "q", "ա": "w", "ց": "g", "ք": "p", "լ": "l",
    "ռ": "n", "վ": "d", "ե": "t", "ի": "h", "ւ": "l", "ջ": "g",
    # Latin variants NFKC leaves alone
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ß": "ss", "æ": "ae", "œ": "oe",
    "ɑ": "a", "ɩ": "i", "ʋ": "u", "ꞵ": "b",
}  # fmt: skip

# Digits and symbols used as letters ("sh1t", "@ss", "$lut"). Applied only inside words that
# also contain a real letter, so numbers and prices stay numbers.
LEET: dict[str, str] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e", "£": "l",
}  # fmt: skip

# Characters that may stand between letters split apart to dodge a filter ("f.u.c.k").
SEPARATORS = frozenset(" \t\n.,-_*~'\"`/\\·•:;=^")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalized view of ``original`` with a per-character offset map back into it."""

    original: str
    text: str
    offsets: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open span ``[start, end)`` of this view to the original text."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def _is_letterlike(ch: str) -> bool:
    return ch.isalnum() or ch in LEET


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """NFKC, case folding, accent stripping and homoglyph mapping of one character."""
    category = unicodedata.category(ch)
    if category == "Cf" or category.startswith("M"):
        return ""  # zero-width joiners, bidi marks, soft hyphens, combining accents
    out: list[str] = []
    for part in unicodedata.normalize("NFKC", ch).casefold():
        decomposed = unicodedata.normalize("NFKD", part)
        for base in decomposed:
            if unicodedata.category(base).startswith("M"):
                continue
            out.append(HOMOGLYPHS.get(base, base))
    return "".join(out)


def fold(original: str) -> NormalizedText:
    """Unicode NFKC, case folding, invisible-character removal and homoglyph mapping."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(original):
        folded = ch.lower() if ch.isascii() else _fold_char(ch)
        for out in folded:
            chars.append(out)
            offsets.append(index)
    return NormalizedText(original, "".join(chars), tuple(offsets))


def join_split_letters(view: NormalizedText, min_letters: int = 3) -> NormalizedText:
    """Drop separators inside runs of single letters: "f u c k" and "f.u.c.k" become "fuck".

    A lone "a" or "i" leading such a run is kept apart, so "a f u c k" still yields "fuck".
    """
    text = view.text
    tokens: list[tuple[int, int]] = []  # [start, end) of letter-like tokens in ``text``
    i = 0
    while i < len(text):
        if _is_letterlike(text[i]):
            j = i
            while j < len(text) and _is_letterlike(text[j]):
                j += 1
            tokens.append((i, j))
            i = j
        else:
            i += 1
    drop: set[int] = set()
    run: list[tuple[int, int]] = []

    def close_run() -> None:
        singles = run
        if singles and text[singles[0][0]] in "ai" and len(singles) > min_letters:
            singles = singles[1:]
        if len(singles) >= min_letters:
            for (_, prev_end), (next_start, _) in itertools.pairwise(singles):
                drop.update(range(prev_end, next_start))

    for token in tokens:
        start, end = token
        gap_ok = bool(run) and all(ch in SEPARATORS for ch in text[run[-1][1] : start])
        gap_ok = gap_ok and start - run[-1][1] <= 3
        if end - start == 1 and (not run or gap_ok):
            run.append(token)
            continue
        close_run()
        run = [token] if end - start == 1 else []
    close_run()
    if not drop:
        return view
    kept = [k for k in range(len(text)) if k not in drop]
    return NormalizedText(
        view.original, "".join(text[k] for k in kept), tuple(view.offsets[k] for k in kept)
    )


def deleet(view: NormalizedText, max_repeat: int = 2) -> NormalizedText:
    """Read leetspeak as letters and shorten stretched letters ("fuuuuck" -> "fuuck").

    Used for the model's view of the text; term rules match leet and stretching directly.
    """
    text = view.text
    chars: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(text):
        if not _is_letterlike(text[i]):
            chars.append(text[i])
            offsets.append(view.offsets[i])
            i += 1
            continue
        j = i
        while j < len(text) and _is_letterlike(text[j]):
            j += 1
        word = text[i:j]
        has_letter = any(ch.isalpha() for ch in word)
        for k, ch in enumerate(word):
            out = LEET.get(ch, ch) if has_letter else ch
            stretched = len(chars) >= max_repeat and all(c == out for c in chars[-max_repeat:])
            if has_letter and stretched:
                continue
            chars.append(out)
            offsets.append(view.offsets[i + k])
        i = j
    return NormalizedText(view.original, "".join(chars), tuple(offsets))


@dataclass(frozen=True, slots=True)
class TextViews:
    """The views every check can read: the original, the matching view and the model's view."""

    original: str
    matching: NormalizedText
    model: NormalizedText


def normalize(original: str) -> TextViews:
    """Build all views of a message once, so each check reads the one it needs."""
    matching = join_split_letters(fold(original))
    return TextViews(original=original, matching=matching, model=deleet(matching))
