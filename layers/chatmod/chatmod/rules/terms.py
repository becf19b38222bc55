"""Term lists compiled into one RE2 matcher that sees through leetspeak and stretching.

Each letter of a term becomes a class of its look-alikes repeated one or more times, with
room for one stray separator, so "sh1iiit", "$hit" and "sh.it" match "shit"; terms only
match whole words, so "classic", "Scunthorpe"
and "cocktail" pass. A trailing ``*`` on a term also matches longer words ("fuck*"); a plural
is ``s``, or ``es`` after s, x, z, ch and sh, so "spic" does not match "spices".

Two more guards keep innocent text out: a match made only of digits ("455" read as "ass")
counts only for a numeric term ("1488"), and an exemption list names whole phrases that
contain a term but are not it ("Moby Dick", "who're", "chink in the armor").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import re2

from chatmod.rules.base import Declared, MetaCheck, RuleHit, Severity
from chatmod.rules.re2opts import compile_re2
from chatmod.text.views import TextViews, fold

_LETTER_CLASSES: dict[str, str] = {
    "a": "a4@*", "b": "b8", "e": "e3*", "g": "g9", "i": "i1!|*", "l": "l1|", "o": "o0*",
    "s": "s5$", "t": "t7+", "u": "uv*", "z": "z2",
}  # fmt: skip
_BOUNDARY = r"[^\pL\pN]"
_PLURAL_AFTER_SIBILANT = "(?:e?s)?"
_PLURAL = "s?"
_STEM_TAIL = r"\pL*"  # a stem ("fuck*") also matches the longer words it begins
_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")
_NUMBER_ONLY = re2.compile(r"^[\d\-._~'\"\s]+$")
_INNER_SEPARATOR = r"[\-._~'\"]?"


@lru_cache(maxsize=4096)  # a few dozen letters build every term of the packs
def _letter_pattern(ch: str) -> str:
    chars = _LETTER_CLASSES.get(ch, ch)
    if len(chars) == 1:
        return str(re2.escape(chars)) + "+"
    return "[" + "".join("\\" + c if not c.isalnum() else c for c in chars) + "]+"


# Between the words of a multi-word term: anything but an ASCII letter or digit, as between the
# words of an exempt phrase (below). The matching view is lower-cased and folds accented Latin
# letters to ASCII, so this allows every separator ``[^\pL\pN]+`` did and also other scripts'
# letters, which can only join the term's own words. Each Unicode class is compiled on its own:
# the seven languages' packs held 404 of them and took 235 ms to compile on one core, 42 ms
# with this class, with the same hits on 144,411 lines (IRC, GermEval, ToLD-BR, OffensEval-TR,
# MLMA-fr, the functional suites).
_WORD_GAP = "[^0-9a-z]+"


def check_term(term: str) -> None:
    """Raises ValueError for a term with nothing to match ("*"), as ``term_pattern`` would,
    without building its pattern (a policy's 10,000 terms are checked when it loads)."""
    bare = term.strip().rstrip("*").strip()
    if not (bare if bare.isascii() else fold(bare).text.rstrip("*").strip()):
        raise ValueError(f"empty term {term!r}")


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
    body = _WORD_GAP.join(parts)
    if stem:
        return body + _STEM_TAIL
    return body + (_PLURAL_AFTER_SIBILANT if folded.endswith(_SIBILANT_ENDINGS) else _PLURAL)


# Between the words of an exempt phrase: anything but an ASCII letter or digit. The matching
# view is lower-cased, so this is every separator the Unicode class ``[^\pL\pN]`` allows and
# also non-ASCII letters, which can only let the phrase itself through; each Unicode class
# costs RE2 milliseconds to compile, and the packs' phrases held about 60 of them (40 ms of a
# new instance's start).
_PHRASE_SEPARATOR = "[^0-9a-z]+"


def exemption_pattern(phrase: str) -> str:
    """The RE2 pattern for one exempt phrase: its words as typed, any separator between them."""
    words = fold(phrase.strip()).text.split()
    if not words:
        raise ValueError(f"empty exemption {phrase!r}")
    return _PHRASE_SEPARATOR.join(str(re2.escape(w)) for w in words)


def _numeric_terms(terms: tuple[str, ...]) -> frozenset[str]:
    folded = (fold(t.strip().rstrip("*")).text for t in terms)
    return frozenset(f for f in folded if f and not any(ch.isalpha() for ch in f))


def _within(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


# RE2 compiles an alternation in one call that holds the GIL: 2,000 terms of 64 characters are
# about 1.9 MB of pattern and half a second. A longer list is split into alternations of at most
# this many pattern characters (about 17 ms each on one core), so a compile in a background
# thread lets reviews run between them; the packs (24 KB at most) stay one alternation.
MAX_ALTERNATION_CHARS = 64_000


def _alternations(patterns: Iterable[str]) -> list[list[str]]:
    """``patterns`` (duplicates dropped) in groups of at most ``MAX_ALTERNATION_CHARS``."""
    groups: list[list[str]] = [[]]
    size = 0
    for pattern in dict.fromkeys(patterns):
        if groups[-1] and size + len(pattern) > MAX_ALTERNATION_CHARS:
            groups.append([])
            size = 0
        groups[-1].append(pattern)
        size += len(pattern)
    return groups


# The built-in term packs, each as it declares itself (a language's pack adds its code to the
# rule id: "profanity.de"); a custom rule's terms carry what its policy entry says.
SLURS = Declared("slurs", "hate", "deny", Severity.HIGH)
PROFANITY = Declared("profanity", "profanity", "mask", Severity.LOW)
MILD_PROFANITY = Declared("profanity.mild", "profanity", "mask", Severity.LOW)
# Threats and self-harm incitement carry the model's threat category, so a room's escalation
# (``disconnect_immediately``) treats a phrase the pack denies as a threat the model finds.
THREATS = Declared("threats", "threat", "deny", Severity.HIGH)


@dataclass(frozen=True)
class TermCheck(MetaCheck):
    """Whole-word matching of a term list: one RE2 alternation, or a few for a long list."""

    terms: tuple[str, ...]
    exempt: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.terms:
            raise ValueError(f"rule {self.meta.rule_id!r} has an empty term list")
        groups = _alternations(term_pattern(t) for t in self.terms)
        object.__setattr__(self, "_regexes", tuple(_whole_word_regex(g) for g in groups))
        object.__setattr__(self, "_exempt_regex", None)  # compiled when a term first matches
        object.__setattr__(self, "_numeric", _numeric_terms(self.terms))

    def scan(self, views: TextViews) -> list[RuleHit]:
        view = views.matching
        padded = f" {view.text} "
        regexes: tuple[re2._Regexp, ...] = self._regexes  # type: ignore[attr-defined]
        if len(regexes) == 1:
            spans = list(term_spans(regexes[0], padded))
        else:  # a long list: each alternation's matches, in order
            spans = sorted({s for regex in regexes for s in term_spans(regex, padded)})
        if not spans:
            return []  # most messages: the exemptions are not read at all
        exempt = self._exempt_spans(padded)
        hits: list[RuleHit] = []
        for start, end in spans:
            if _within((start, end), exempt) or self._is_stray_number(padded[start:end]):
                continue
            orig_start, orig_end = view.to_original(start - 1, end - 1)
            hits.append(self.meta.hit(orig_start, orig_end))
        return hits

    def _exempt_spans(self, padded: str) -> list[tuple[int, int]]:
        """Where the exempt phrases are; their alternation is compiled on the first term match
        (a new instance's packs then compile about 12 ms sooner; two threads may both compile
        it, the same regex either way)."""
        if not self.exempt:
            return []
        regex = self._exempt_regex  # type: ignore[attr-defined]
        if regex is None:
            regex = _whole_word_regex(exemption_pattern(p) for p in self.exempt)
            object.__setattr__(self, "_exempt_regex", regex)
        return list(term_spans(regex, padded))

    def _is_stray_number(self, matched: str) -> bool:
        """Digits read as leetspeak ("455" as "ass") that are no numeric term of the list."""
        if not _NUMBER_ONLY.match(matched):
            return False
        return "".join(ch for ch in matched if ch.isdigit()) not in self._numeric  # type: ignore[attr-defined]


def _whole_word_regex(patterns: Iterable[str]) -> re2._Regexp:
    r"""One alternation, longest first, with group 1 between two non-word boundaries.

    Stems ("fuck*") share one trailing letter class instead of one each: every ``\pL`` is a
    large Unicode class that RE2 compiles forwards, and again backwards on the first match,
    so fourteen of them cost a new instance about 15 ms before its first profane message."""
    unique = set(patterns)
    stems = {p.removesuffix(_STEM_TAIL) for p in unique if p.endswith(_STEM_TAIL)}
    plain = {p for p in unique if not p.endswith(_STEM_TAIL)}
    alternatives = [_longest_first(plain)] if plain else []
    if stems:
        alternatives.append(f"(?:{_longest_first(stems)}){_STEM_TAIL}")
    return compile_re2(f"{_BOUNDARY}((?:{'|'.join(alternatives)})){_BOUNDARY}")


def _longest_first(patterns: Iterable[str]) -> str:
    return "|".join(sorted(patterns, key=len, reverse=True))


def term_spans(regex: re2._Regexp, padded: str) -> Iterator[tuple[int, int]]:
    """Code-point spans of group 1 of every match, in linear time.

    A match ends on the boundary after its term, and that boundary may lead the next match
    ("shit shit"), so each search restarts at the end of the term, not of the match; that
    rules out ``finditer``, which would skip every other adjacent term. google-re2 encodes a
    ``str`` on every call (quadratic over a loop of searches), so the text is encoded once
    and searched as UTF-8 bytes, with offsets turned back into code points incrementally.
    """
    data = padded.encode("utf-8")
    byte_at, char_at = 0, 0

    def chars(offset: int) -> int:
        nonlocal byte_at, char_at
        char_at += len(data[byte_at:offset].decode("utf-8"))
        byte_at = offset
        return char_at

    pos = 0
    while pos < len(data):
        match = regex.search(data, pos)
        if match is None:
            return
        start_byte, end_byte = match.span(1)
        yield chars(start_byte), chars(end_byte)
        pos = end_byte  # the trailing boundary may lead the next match


def load_terms(lines: Iterable[str]) -> tuple[str, ...]:
    """Terms from a list, skipping blanks and ``#`` comments."""
    return tuple(t.strip() for t in lines if t.strip() and not t.strip().startswith("#"))
