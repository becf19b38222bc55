"""Text normalization that defeats common filter evasions, keeping a map back to the original.

Every normalized view carries ``offsets``: for each character of the view, the index of the
original character it came from. Rule hits found in a view are mapped back through it, so
masking touches exactly the offending characters of what the user typed.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from chatmod.text.invisible import has_invisible, is_invisible
from chatmod.text.prepare import HOMOGLYPHS as MODEL_HOMOGLYPHS
from chatmod.text.prepare import LEET as MODEL_LEET
from chatmod.text.prepare import STRETCHED_LETTERS, char_folder
from chatmod.text.shorthand import expand_shorthand
from chatmod.text.split_words import drop_indexes, split_word_spaces

# The model's tables (``chatmod.text.prepare``) plus what only the rules read: each look-alike is
# written once. The rule-only entries stay out of the model's input until a retrain takes them.
RULE_ONLY_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "з": "3", "и": "u", "й": "u", "п": "n", "ь": "b", "ї": "i", "ԛ": "q", "ԝ": "w", "ү": "y",
    "ҽ": "e",
    # Greek
    "β": "b", "γ": "y", "η": "n", "σ": "o", "μ": "u", "ϲ": "c",
    # Armenian
    "ո": "n", "հ": "h", "զ": "q", "ա": "w", "ց": "g", "ք": "p", "լ": "l", "ռ": "n", "վ": "d",
    "ե": "t", "ի": "h", "ւ": "l", "ջ": "g",
    # Latin variants NFKC leaves alone
    "đ": "d", "ħ": "h", "ŧ": "t", "ß": "ss", "æ": "ae", "œ": "oe", "ʋ": "u", "ꞵ": "b",
}  # fmt: skip
HOMOGLYPHS: dict[str, str] = {**MODEL_HOMOGLYPHS, **RULE_ONLY_HOMOGLYPHS}

# Digits and symbols used as letters ("sh1t", "@ss", "$lut"). Applied only inside words that
# also contain a real letter, so numbers and prices stay numbers.
RULE_ONLY_LEET: dict[str, str] = {
    "8": "b", "9": "g", "!": "i", "|": "l", "+": "t", "€": "e", "£": "l",
}  # fmt: skip
LEET: dict[str, str] = {**MODEL_LEET, **RULE_ONLY_LEET}

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

    def from_original(self, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """The runs of this view whose characters came from inside any of ``spans`` (of the
        original text): the inverse of ``to_original``, merged into contiguous ranges."""
        runs: list[tuple[int, int]] = []
        for index, origin in enumerate(self.offsets):
            if not any(s <= origin < e for s, e in spans):
                continue
            if runs and runs[-1][1] == index:
                runs[-1] = (runs[-1][0], index + 1)
            else:
                runs.append((index, index + 1))
        return runs


def _is_letterlike(ch: str) -> bool:
    return ch.isalnum() or ch in LEET


_fold_char = char_folder(HOMOGLYPHS)


def _letterlike_runs(text: str) -> list[tuple[int, int]]:
    """[start, end) of each run of letter-like characters (letters, digits, leet symbols)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        if _is_letterlike(text[i]):
            j = i
            while j < len(text) and _is_letterlike(text[j]):
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def visible(original: str) -> NormalizedText:
    """``original`` without its invisible characters (``chatmod.text.invisible``), mapped back."""
    if not has_invisible(original):
        return NormalizedText(original, original, tuple(range(len(original))))
    kept = [index for index, ch in enumerate(original) if not is_invisible(ch)]
    return NormalizedText(original, "".join(original[k] for k in kept), tuple(kept))


def fold(original: str) -> NormalizedText:
    """Unicode NFKC, case folding, invisible-character removal and homoglyph mapping."""
    if original.isascii():  # most chat lines and terms: lower-cased, one for one
        return NormalizedText(original, original.lower(), tuple(range(len(original))))
    chars: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(original):
        if ch.isascii():
            folded = ch.lower()
        elif is_invisible(ch):
            continue  # some survive NFKC and casefold: U+3164, U+2800, U+FFFD, unassigned
        else:
            folded = _fold_char(ch)
        for out in folded:
            chars.append(out)
            offsets.append(index)
    return NormalizedText(original, "".join(chars), tuple(offsets))


def join_split_letters(view: NormalizedText, min_letters: int = 3) -> NormalizedText:
    """Drop separators inside runs of single letters: "f u c k" and "f.u.c.k" become "fuck".

    A lone "a" or "i" leading such a run is kept apart, so "a f u c k" still yields "fuck".
    """
    text = view.text
    tokens = _letterlike_runs(text)
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


# Inside or at the end of a word, "8" is a syllable in chat ("l8r", "gr8", "m8", "h8"); read as
# "b" it turned harmless shorthand into nonsense the model scored as toxic. The model's view
# reads it as "b" only where it starts a word ("8itch"); the term rules read it everywhere.
_SYLLABLE_DIGITS = frozenset("8")
# In a message that writes other words in leet, a lone "1" is the pronoun and a lone "4" the
# article ("bl4ck p30pl3 b3l0ng 1n 4 z00").
_LONE_LEET = {"1": "i", "4": "a"}
# "1ll", "1m", "1d", "1ve" are "I'll", "I'm", "I'd", "I've" once the "1" is read as a letter;
# without the apostrophe "ill" is a different word to the model.
_I_CONTRACTIONS = frozenset({"ill", "im", "id", "ive"})
# Words joined by dots ("kill.your.self"): three or more alphabetic parts only, so versions,
# addresses and file names ("v1.2.3", "10.0.0.1", "nginx.conf") keep their dots.
_DOT_JOINED_MIN_PARTS = 3


def _is_leet_word(word: str) -> bool:
    return any(ch.isalpha() for ch in word) and any(ch in LEET for ch in word)


def _read_char(word: str, k: int) -> str:
    ch = word[k]
    if ch in _SYLLABLE_DIGITS and k > 0:
        return ch
    return LEET.get(ch, ch)


def _read_word(word: str) -> list[tuple[str, int]]:
    """One word's characters in the model's view, with the index each came from."""
    has_letter = any(ch.isalpha() for ch in word)
    # "play!" and "gg!!" end in punctuation, not in a letter written as "!" or "|".
    tail = len(word) - len(word.rstrip("!|"))
    out = [
        (_read_char(word, k) if has_letter and k < len(word) - tail else ch, k)
        for k, ch in enumerate(word)
    ]
    read = "".join(ch for ch, _ in out)
    if word[0] == "1" and read in _I_CONTRACTIONS:
        out = [("i", 0), ("'", 0), *out[1:]]  # the apostrophe maps to the "1"
    return out


def _dot_joined(text: str, start: int, end: int) -> bool:
    parts = text[start:end].split(".")
    return len(parts) >= _DOT_JOINED_MIN_PARTS and all(p.isalpha() for p in parts)


_LEET_CHARS = frozenset(LEET)


def _deleet_can_change(text: str) -> bool:
    """False when ``deleet`` would return ``text`` as it is: no leet character, no dot and no
    letter repeated more than twice in a row."""
    if "." in text or not _LEET_CHARS.isdisjoint(text):
        return True
    return STRETCHED_LETTERS.search(text) is not None


def deleet(view: NormalizedText) -> NormalizedText:
    """Read leetspeak as letters and shorten stretched letters ("fuuuuck" -> "fuuck").

    Used for the model's view of the text; term rules match leet and stretching directly. In a
    message that writes other words in leet, a lone "1" is the pronoun ("1 w1ll f1nd u") and a
    lone "4" the article, and words joined by dots are read apart ("kill.your.self").
    """
    text = view.text
    if not _deleet_can_change(text):
        return view  # most chat: no leet, no dots, no stretched letters
    words = _letterlike_runs(text)
    leet_message = any(_is_leet_word(text[a:b]) for a, b in words)
    chars: list[str] = []
    offsets: list[int] = []

    def emit(ch: str, origin: int) -> None:
        stretched = len(chars) >= 2 and chars[-1] == chars[-2] == ch  # as STRETCHED_LETTERS
        if not (ch.isalpha() and stretched):
            chars.append(ch)
            offsets.append(view.offsets[origin])

    # The dots of dot-joined words are read as spaces.
    dots = {k for start, end in _dot_runs(text, words) for k in range(start, end) if text[k] == "."}

    def emit_between(start: int, end: int) -> None:
        for k in range(start, end):
            emit(" " if k in dots else text[k], k)

    cursor = 0
    for start, end in words:
        emit_between(cursor, start)
        word = text[start:end]
        if word in _LONE_LEET and leet_message:
            emit(_LONE_LEET[word], start)
        else:
            for ch, k in _read_word(word):
                emit(ch, start + k)
        cursor = end
    emit_between(cursor, len(text))
    return NormalizedText(view.original, "".join(chars), tuple(offsets))


def _dot_runs(text: str, words: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of ``text`` where three or more alphabetic words are joined by single dots."""
    runs: list[tuple[int, int]] = []
    k = 0
    while k < len(words):
        m = k
        while (
            m + 1 < len(words) and words[m + 1][0] == words[m][1] + 1 and (text[words[m][1]] == ".")
        ):
            m += 1
        if m > k and _dot_joined(text, words[k][0], words[m][1]):
            runs.append((words[k][0], words[m][1]))
        k = m + 1
    return runs


def read_shorthand(view: NormalizedText) -> NormalizedText:
    """``view`` with chat shorthand read as words ("r u ok" -> "are you ok"); see
    ``chatmod.text.shorthand``."""
    text, offsets = expand_shorthand(view.text, view.offsets)
    return view if text == view.text else NormalizedText(view.original, text, offsets)


def join_split_words(view: NormalizedText) -> NormalizedText:
    """``view`` with words split by a space read whole ("ch oke" -> "choke"); see
    ``chatmod.text.split_words``."""
    spaces = split_word_spaces(view.text)
    if not spaces:
        return view
    text, offsets = drop_indexes(view.text, view.offsets, spaces)
    return NormalizedText(view.original, text, offsets)


@dataclass(frozen=True)
class TextViews:
    """The views every check can read: the original, ``visible`` (the original without its
    invisible characters, for the checks that read what was typed), ``folded`` and the matching
    view (folded with split letters joined), and, read only when the model runs (rules-only
    answers, a new instance's first ones included, never build them): the model's view
    (de-obfuscated, shorthand read as words, split words joined) and ``typed``, the visible
    text with only its shorthand read as words, the model's reading of the message as typed.

    A review builds these once (``normalize``) and asks them for every other reading it needs,
    so no stage normalizes the message again."""

    original: str
    folded: NormalizedText
    matching: NormalizedText

    @cached_property
    def visible(self) -> NormalizedText:
        return visible(self.original)

    @cached_property
    def model(self) -> NormalizedText:
        return join_split_words(deleet(read_shorthand(self.matching)))

    @cached_property
    def typed(self) -> str:
        text = self.visible.text
        return expand_shorthand(text, range(len(text)))[0]

    def folded_span(self, start: int, end: int) -> str:
        """What ``fold`` makes of ``original[start:end]``, read off the folded view: folding
        reads one character at a time, so a span's folding is its characters' foldings."""
        view = self.folded
        return "".join(
            ch for ch, at in zip(view.text, view.offsets, strict=True) if start <= at < end
        )

    def readings(self, typed_max_chars: int | None = None) -> list[str]:
        """The texts the model scores for this message (``model_readings``)."""
        return model_readings(self, typed_max_chars)

    def masked(self, spans: Sequence[tuple[int, int]], placeholder: str = "") -> TextViews:
        """The views of the message as the model reads it once rules masked ``spans`` (each
        run of masked characters becomes ``placeholder``): itself when nothing is masked. The
        masked text is another message to the model, so its readings are built anew."""
        if not spans:
            return self
        return normalize(masked_for_model(self.original, spans, placeholder))


def normalize(original: str) -> TextViews:
    """Build the views of a message once, so each check reads the one it needs."""
    folded = fold(original)
    return TextViews(original=original, folded=folded, matching=join_split_letters(folded))


def masked_for_model(text: str, hits: Sequence[Spanned], placeholder: str = "") -> str:
    """The text with every hit's characters replaced: each run of masked characters becomes
    ``placeholder`` once (removed when it is empty). Training builds its rows with the same
    function (``training/rule_masks.py``), so the model reads masks as it learnt them."""
    drop = {i for start, end in map(_span, hits) for i in range(start, end)}
    out: list[str] = []
    for i, ch in enumerate(text):
        if i not in drop:
            out.append(ch)
        elif i - 1 not in drop:
            out.append(placeholder)
    return "".join(out)


class _HasSpan(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


# A rule hit (``start``/``end``) or a plain ``(start, end)`` span of the original text.
Spanned = _HasSpan | tuple[int, int]


def _span(item: Spanned) -> tuple[int, int]:
    return item if isinstance(item, tuple) else (item.start, item.end)


def model_readings(views: TextViews, typed_max_chars: int | None = None) -> list[str]:
    """The texts the model scores for a message: as typed (shorthand read as words), and
    de-obfuscated when that differs by more than the accents of the line's own letters (the
    higher score per label wins, so disguise cannot lower a score). Accents alone are no
    disguise, and stripping them changes words: Spanish "año" becomes "ano", Turkish "sık"
    ("often") a swear word; a model that keeps accents reads the line as typed only.
    ``typed_max_chars`` caps the as-typed reading when a de-obfuscated one is scored too: that
    one reads the whole message, and a long as-typed reading would double the model's work."""
    texts = [views.typed]
    deobfuscated = views.model.text
    if deobfuscated.strip() and deobfuscated != _accents_folded(views.typed):
        if typed_max_chars is not None:
            texts[0] = views.typed[:typed_max_chars]
        texts.append(deobfuscated)
    return texts


# Letters of the served languages with no decomposition into an ASCII letter and marks.
_PLAIN_LETTERS = frozenset("ßıæœøåþð")


def _is_accented_letter(ch: str) -> bool:
    """An accented Latin letter ("é", "ñ", "ğ", "İ") or a language's own letter ("ß", "ı");
    look-alikes from other scripts, and symbols, are not."""
    if ch.lower() in _PLAIN_LETTERS:
        return True
    base = unicodedata.normalize("NFD", ch)
    return len(base) > 1 and base[0].isascii() and base[0].isalpha()


def _accents_folded(typed: str) -> str:
    """``typed`` folded as the model's view folds it, but only where a character is an accented
    letter (the rest just lower-cased): equal to the model's view when the de-obfuscation
    changed nothing but accents."""
    if typed.isascii():
        return typed.casefold()
    return "".join(_fold_char(ch) if _is_accented_letter(ch) else ch.casefold() for ch in typed)
