"""Links in chat: denied or masked, except for domains on the room's allow-list."""

from __future__ import annotations

from dataclasses import dataclass, field

import re2

from chatmod.normalize import TextViews
from chatmod.rules.base import MetaCheck, RuleHit

_TLDS = (
    "com|net|org|io|gg|tv|me|co|xyz|info|biz|ru|uk|de|fr|app|dev|live|link|ly|be|to|site|"
    "online|shop|club|top|click|us|ca|cn|in|br|es|it|nl|pl|au|jp|gl|sh|ai|fun|store|stream"
)
_URL = re2.compile(
    r"(?i)(?:(?:https?|ftp)://[^\s<>\"']+|www\.[^\s<>\"']+|"
    r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")(?:[/:?#][^\s<>\"']*)?)"
)
_HOST = re2.compile(r"(?i)^(?:[a-z]+://)?(?:[^@/\s]+@)?([^/:?#\s]+)")
_TRAILING = ".,!?;:)]}'\""


def host_of(url: str) -> str:
    match = _HOST.match(url)
    return match.group(1).lower().rstrip(".") if match else ""


def domain_allowed(host: str, allow_domains: tuple[str, ...]) -> bool:
    """A host is allowed if it is an allowed domain or one of its subdomains."""
    return any(host == d or host.endswith("." + d) for d in allow_domains)


@dataclass(frozen=True)
class LinkCheck(MetaCheck):
    allow_domains: tuple[str, ...] = field(default_factory=tuple)

    def scan(self, views: TextViews) -> list[RuleHit]:
        text = views.original
        allowed = tuple(d.lower().lstrip(".") for d in self.allow_domains)
        hits: list[RuleHit] = []
        for match in _URL.finditer(text):
            start, end = match.span()
            if start > 0 and (text[start - 1] == "@" or text[start - 1].isalnum()):
                continue  # the domain of an email address, or the middle of a word
            while end > start and text[end - 1] in _TRAILING:
                end -= 1
            url = text[start:end]
            host = host_of(url)
            if "." not in host or domain_allowed(host, allowed):
                continue
            hits.append(self.meta.hit(start, end))
        return hits
