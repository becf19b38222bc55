"""Spam shapes: shouting, floods of the same word or a few characters, stretched characters."""

from __future__ import annotations

from dataclasses import dataclass

import re2

from chatmod.normalize import TextViews
from chatmod.rules.base import MetaCheck, RuleHit

_WORD = re2.compile(r"\S+")


@dataclass(frozen=True)
class ShoutingCheck(MetaCheck):
    """Mostly capital letters over a message long enough for that to mean shouting."""

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
    """One character repeated many times in a row ("!!!!!!!!!!!!", "nooooooooooo")."""

    max_run: int = 10

    def scan(self, views: TextViews) -> list[RuleHit]:
        text = views.original
        hits: list[RuleHit] = []
        i = 0
        while i < len(text):
            j = i
            while j < len(text) and text[j] == text[i]:
                j += 1
            if j - i >= self.max_run and not text[i].isspace():
                hits.append(self.meta.hit(i, j))
            i = j
        return hits


@dataclass(frozen=True)
class FloodCheck(MetaCheck):
    """The same word over and over, or a long message made of a handful of characters."""

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
