"""Term lists compiled into one RE2 matcher that sees through leetspeak and stretching.

Each letter of a term becomes a class of its look-alikes repeated one or more times, with
room for one stray separator, so "sh1iiit", "$hit" and "sh.it" match "shit"; terms only
match whole words, so "classic", "Scunthorpe"
and "cocktail" pass. A trailing ``*`` on a term also matches longer words ("fuck*").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import re2

from chatmod.normalize import TextViews, fold
from chatmod.rules.base import MetaCheck, RuleHit
from chatmod.rules.re2opts import compile_re2

_LETTER_CLASSES: dict[str, str] = {
    "a": "a4@*", "b": "b8", "e": "e3*", "g": "g9", "i": "i1!|*", "l": "l1|", "o": "o0*",
    "s": "s5$", "t": "t7+", "u": "uv*", "z": "z2",
}  # fmt: skip
_BOUNDARY = r"[^\pL\pN]"
_SUFFIX = "(?:e?s)?"
_INNER_SEPARATOR = r"[\-._~'\"]?"


def _letter_pattern(ch: str) -> str:
    chars = _LETTER_CLASSES.get(ch, ch)
    if len(chars) == 1:
        return str(re2.escape(chars)) + "+"
    return "[" + "".join("\\" + c if not c.isalnum() else c for c in chars) + "]+"


def term_pattern(term: str) -> str:
    """The RE2 pattern for one term (without word boundaries)."""
    folded = fold(term.strip()).text
    stem = folded.endswith("*")
    folded = folded.rstrip("*").strip()
    if not folded:
        raise ValueError(f"empty term {term!r}")
    parts: list[str] = []
    for word in folded.split():
        # one stray separator may sit between letters: "fu-ck", "sh.it", "v-bucks"
        parts.append(_INNER_SEPARATOR.join(_letter_pattern(ch) for ch in word))
    body = r"[^\pL\pN]+".join(parts)
    return body + (r"\pL*" if stem else _SUFFIX)


@dataclass(frozen=True)
class TermCheck(MetaCheck):
    """Whole-word matching of a term list, all terms in one RE2 alternation."""

    terms: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.terms:
            raise ValueError(f"rule {self.meta.rule_id!r} has an empty term list")
        patterns = sorted({term_pattern(t) for t in self.terms}, key=len, reverse=True)
        combined = f"{_BOUNDARY}((?:{'|'.join(patterns)})){_BOUNDARY}"
        object.__setattr__(self, "_regex", compile_re2(combined))

    def scan(self, views: TextViews) -> list[RuleHit]:
        view = views.matching
        padded = f" {view.text} "
        regex = self._regex  # type: ignore[attr-defined]
        hits: list[RuleHit] = []
        pos = 0
        while pos < len(padded):
            match = regex.search(padded, pos)
            if match is None:
                break
            start, end = match.span(1)
            orig_start, orig_end = view.to_original(start - 1, end - 1)
            hits.append(self.meta.hit(orig_start, orig_end))
            pos = end  # the trailing boundary may lead the next match
        return hits


def load_terms(lines: Iterable[str]) -> tuple[str, ...]:
    """Terms from a list, skipping blanks and ``#`` comments."""
    return tuple(t.strip() for t in lines if t.strip() and not t.strip().startswith("#"))
