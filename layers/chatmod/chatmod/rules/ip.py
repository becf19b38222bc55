"""IPv4 addresses: a public one can locate a viewer, a private or reserved one cannot.

``192.168.1.1``, ``10.0.0.5``, ``127.0.0.1`` and a netmask like ``255.255.255.0`` name no one,
so they pass, as do a few public DNS resolvers people quote when helping each other
(``8.8.8.8``) and version numbers (``kernel 2.6.28.12``, ``modules-2.6.8.1-3``). Any other
public address is masked whole as ``pii.ip``. Dotted quads are never phone or card numbers.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import re2

from chatmod.rules.base import Declared, MetaCheck, RuleHit
from chatmod.rules.pii import personal_data
from chatmod.text.views import TextViews

_DOTTED_QUAD = re2.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
PUBLIC_RESOLVERS = frozenset(
    {
        "1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4", "9.9.9.9", "149.112.112.112",
        "208.67.222.222", "208.67.220.220",
    }
)  # fmt: skip


_VERSION_WORD = re2.compile(r"(?i)(?:^|[^\pL])(?:version|ver|kernel|release)\s*:?\s*$")


def _glued(text: str, index: int) -> bool:
    """A letter or digit at ``index`` of ``text``."""
    if not 0 <= index < len(text):
        return False
    return text[index].isalnum()


def _whole_token(text: str, start: int, end: int) -> bool:
    """Not part of a longer number, version string or word ("v1.2.3.4", "2.6.8.1-3-386")."""
    if _glued(text, start - 1) or (
        start > 0 and text[start - 1] in ".-" and _glued(text, start - 2)
    ):
        return False
    if _glued(text, end) or (end < len(text) and text[end] in ".-" and _glued(text, end + 1)):
        return False
    return not _VERSION_WORD.search(text[max(0, start - 12) : start])


def ipv4_spans(text: str) -> Iterator[tuple[int, int, ipaddress.IPv4Address]]:
    """Every whole-token, valid dotted-quad IPv4 address in ``text``."""
    for match in _DOTTED_QUAD.finditer(text):
        start, end = match.span()
        if not _whole_token(text, start, end):
            continue
        try:
            address = ipaddress.IPv4Address(match.group(0))
        except ValueError:
            continue  # 999.1.1.1, or a leading zero
        yield start, end, address


def is_personal_address(address: ipaddress.IPv4Address) -> bool:
    return address.is_global and str(address) not in PUBLIC_RESOLVERS


def _personal_address_spans(text: str) -> list[tuple[int, int]]:
    return [
        (start, end) for start, end, address in ipv4_spans(text) if is_personal_address(address)
    ]


@dataclass(frozen=True)
class PublicIpCheck(MetaCheck):
    """Public IPv4 addresses, masked whole; private, reserved and resolver addresses pass."""

    DECLARED: ClassVar[Declared] = personal_data("pii.ip")

    def scan(self, views: TextViews) -> list[RuleHit]:
        return self.hits_as_typed(views, _personal_address_spans)
