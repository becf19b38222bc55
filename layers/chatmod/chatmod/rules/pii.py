"""Personal data that should not be broadcast to a whole room: emails, phones, card numbers."""

from __future__ import annotations

from dataclasses import dataclass

import re2

from chatmod.normalize import TextViews
from chatmod.rules.base import MetaCheck, RuleHit

_EMAIL = re2.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_DIGIT_RUN = re2.compile(r"\+?\(?\d[\d \-.()]{5,}\d")
_ISO_DATE = re2.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$")
_SHORT_PHONE = re2.compile(r"^\d{3}[ .\-]\d{4}$")


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


def is_card_number(candidate: str) -> bool:
    digits = _digits(candidate)
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


@dataclass(frozen=True)
class EmailCheck(MetaCheck):
    """Email addresses, found in the text as typed."""

    def scan(self, views: TextViews) -> list[RuleHit]:
        return [self.meta.hit(*m.span()) for m in _EMAIL.finditer(views.original)]


@dataclass(frozen=True)
class CardNumberCheck(MetaCheck):
    """13 to 19 digits, spaced or dashed, that pass Luhn (so random numbers are left alone)."""

    def scan(self, views: TextViews) -> list[RuleHit]:
        return [
            self.meta.hit(*m.span())
            for m in _DIGIT_RUN.finditer(views.original)
            if is_card_number(m.group(0))
        ]


@dataclass(frozen=True)
class PhoneNumberCheck(MetaCheck):
    """10 to 15 digits, or a local ``555-1234``; dates and card numbers are not phones."""

    def scan(self, views: TextViews) -> list[RuleHit]:
        hits: list[RuleHit] = []
        for match in _DIGIT_RUN.finditer(views.original):
            candidate = match.group(0).strip()
            digits = _digits(candidate)
            if _ISO_DATE.match(candidate) or is_card_number(candidate):
                continue
            if 10 <= len(digits) <= 15 or _SHORT_PHONE.match(candidate):
                start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
                hits.append(self.meta.hit(start, start + len(candidate)))
        return hits
