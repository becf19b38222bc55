"""Personal data that should not be broadcast to a whole room: emails, phones, card numbers.

Numbers are matched as whole tokens only, so digits glued to letters (``1024x768``, a hash,
``-c3``) are never read as a phone, and shapes that are clearly something else (decimals,
``ps``/``ls`` columns, dates, dotted IPv4 addresses) are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import re2

from chatmod.rules.base import Declared, MetaCheck, RuleHit, Severity
from chatmod.text.views import TextViews

_EMAIL = re2.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_DIGIT_RUN = re2.compile(r"\+?\(?\d[\d \-.()]{5,}\d")
_ISO_DATE = re2.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}")
_SHORT_PHONE = re2.compile(r"^\d{3}[ .\-]\d{4}$")
_DIGIT_GROUP = re2.compile(r"\d+")
_DOTTED_QUAD = re2.compile(r"(?:^|[^\d.])\d{1,3}(?:\.\d{1,3}){3}(?:$|[^\d.])")


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _groups(candidate: str) -> list[str]:
    return [m.group(0) for m in _DIGIT_GROUP.finditer(candidate)]


def is_card_number(candidate: str) -> bool:
    """13 to 19 digits that pass Luhn, typed in one run or in groups like ``4111 1111 ...``."""
    digits = _digits(candidate)
    if not (13 <= len(digits) <= 19 and luhn_valid(digits)):
        return False
    if any(ch in candidate for ch in ".()"):
        return False
    groups = _groups(candidate)
    return len(groups) == 1 or (len(groups[0]) == 4 and all(3 <= len(g) <= 6 for g in groups))


def _is_phone_shape(candidate: str) -> bool:
    """Digits grouped the way phone numbers are written, not decimals, dates or addresses."""
    if _ISO_DATE.search(candidate) or _DOTTED_QUAD.search(candidate):
        return False
    if "." in candidate:
        # "555.867.5309": dots only, in groups of 2 to 4 digits; not "60.00" or "0.4545"
        if any(ch in candidate for ch in " -()"):
            return False
        if not all(2 <= len(g) <= 4 for g in candidate.lstrip("+").split(".")):
            return False
    groups = _groups(candidate)
    if any(len(g) == 1 for g in groups[1:]):
        return False  # "6603 6503 0 16": columns of a listing
    if len(groups) >= 4 and any(len(g) > 4 for g in groups):
        return False  # "1 32 248832 83"
    digits = _digits(candidate)
    return 10 <= len(digits) <= 15 or bool(_SHORT_PHONE.match(candidate))


def _whole_token(text: str, start: int, end: int) -> bool:
    """Not glued to a word, nor a value in a URL or a path ("?ts=1288135435", "/dp/0132435942")."""
    before_ok = start == 0 or not (text[start - 1].isalnum() or text[start - 1] in ".-_=/&?#:")
    after_ok = end == len(text) or not text[end].isalnum()
    return before_ok and after_ok


def _number_runs(text: str) -> list[tuple[int, int, str]]:
    """Digit runs that are whole tokens: (start, end, candidate)."""
    runs: list[tuple[int, int, str]] = []
    for match in _DIGIT_RUN.finditer(text):
        start, end = match.span()
        if _whole_token(text, start, end):
            runs.append((start, end, text[start:end]))
    return runs


def personal_data(rule_id: str) -> Declared:
    """What every personal-data check declares: masked whole, of medium severity."""
    return Declared(rule_id, "pii", "mask", Severity.MEDIUM, mask_all=True)


def _card_spans(text: str) -> list[tuple[int, int]]:
    return [(start, end) for start, end, run in _number_runs(text) if is_card_number(run)]


def _phone_spans(text: str) -> list[tuple[int, int]]:
    return [
        (start, end)
        for start, end, run in _number_runs(text)
        if _is_phone_shape(run) and not is_card_number(run)
    ]


@dataclass(frozen=True)
class EmailCheck(MetaCheck):
    """Email addresses, found in the text as typed."""

    DECLARED: ClassVar[Declared] = personal_data("pii.email")

    def scan(self, views: TextViews) -> list[RuleHit]:
        return self.hits_as_typed(views, lambda text: (m.span() for m in _EMAIL.finditer(text)))


@dataclass(frozen=True)
class CardNumberCheck(MetaCheck):
    """13 to 19 digits, spaced or dashed, that pass Luhn (so random numbers are left alone)."""

    DECLARED: ClassVar[Declared] = personal_data("pii.card")

    def scan(self, views: TextViews) -> list[RuleHit]:
        return self.hits_as_typed(views, _card_spans)


@dataclass(frozen=True)
class PhoneNumberCheck(MetaCheck):
    """10 to 15 digits, or a local ``555-1234``; dates, IPs and card numbers are not phones."""

    DECLARED: ClassVar[Declared] = personal_data("pii.phone")

    def scan(self, views: TextViews) -> list[RuleHit]:
        return self.hits_as_typed(views, _phone_spans)
