"""Spam shapes: shouting, floods of the same word, of one character or of a few characters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import re2

from chatmod.rules.base import Declared, MetaCheck, RuleHit, Severity
from chatmod.text.views import TextViews

_WORD = re2.compile(r"\S+")


@dataclass(frozen=True)
class ShoutingCheck(MetaCheck):
    """Mostly capital letters over a message long enough for that to mean shouting."""

    DECLARED: ClassVar[Declared] = Declared("spam.shouting", "spam", "deny", Severity.LOW)

    min_letters: int = 12
    min_upper_ratio: float = 0.7

    def scan(self, views: TextViews) -> list[RuleHit]:
        letters = [ch for ch in views.original if ch.isalpha()]
        cased = [ch for ch in letters if ch.isupper() or ch.islower()]
        if len(cased) < self.min_letters:
            return []
        upper = sum(1 for ch in cased if ch.isupper())
        if upper / len(cased) < self.min_upper_ratio:
            return []
        return [self.meta.hit(0, len(views.original))]


@dataclass(frozen=True)
class RepeatedCharacterCheck(MetaCheck):
    """A flood of one character ("!!!!!!!!!!!!!!!!!!!!!!!!", a line of "yyyyyyyy...").

    Live chat stretches words for emphasis ("LETS GOOOOOOOOOOOOOOOOOOOOO", "REALLY?????????"),
    so a run glued to other letters or digits counts only when it is very long
    (``emphasis_factor`` times ``max_run``); a run standing alone counts from ``max_run`` when
    it makes up at least half of the message. A hit covers the whole word holding the run.
    """

    DECLARED: ClassVar[Declared] = Declared("spam.repeat", "spam", "deny", Severity.LOW)

    max_run: int = 10
    emphasis_factor: int = 3

    def scan(self, views: TextViews) -> list[RuleHit]:
        text = views.original
        visible = sum(1 for ch in text if not ch.isspace())
        hits: list[RuleHit] = []
        for start, end in _runs(text, self.max_run):
            word_start, word_end = _word_around(text, start, end)
            glued = any(ch.isalnum() and ch != text[start] for ch in text[word_start:word_end])
            very_long = end - start >= self.emphasis_factor * self.max_run
            floods = not glued and 2 * (end - start) >= visible
            if very_long or floods:
                hits.append(self.meta.hit(word_start, word_end))
        return hits


def _runs(text: str, min_length: int) -> list[tuple[int, int]]:
    """Spans of one non-space character repeated at least ``min_length`` times."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        if j - i >= min_length and not text[i].isspace():
            runs.append((i, j))
        i = j
    return runs


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


@dataclass(frozen=True)
class FloodCheck(MetaCheck):
    """The same word over and over, or a long message made of a handful of characters."""

    DECLARED: ClassVar[Declared] = Declared("spam.flood", "spam", "deny", Severity.LOW)

    max_word_repeats: int = 5
    min_length_for_variety: int = 30
    min_distinct_chars: int = 4

    def scan(self, views: TextViews) -> list[RuleHit]:
        text = views.original
        words = list(_WORD.finditer(views.matching.text))
        run_start = 0
        for k in range(1, len(words) + 1):
            same = k < len(words) and words[k].group(0) == words[run_start].group(0)
            if same:
                continue
            if k - run_start >= self.max_word_repeats:
                return [self.meta.hit(0, len(text))]
            run_start = k
        visible = [ch for ch in text if not ch.isspace()]
        if (
            len(visible) >= self.min_length_for_variety
            and len(set(visible)) < self.min_distinct_chars
        ):
            return [self.meta.hit(0, len(text))]
        return []
