"""Links in chat: denied or masked, except for domains on the room's allow-list.

A link is a whole token: a URL with a scheme or ``www.``, or a bare ``name.tld`` whose
top-level domain is on a short list of real ones and which neither sits inside a word or a
file path nor runs on into more letters, so ``resolv.conf``, ``main.py``, ``/etc/hosts.deny``
and ``index.html`` are not links. A few real TLDs double as file extensions (``setup.sh``,
``Makefile.in``, ``logo.ai``) or as words after a missing space ("the message.it was"); a bare
two-label name with one of those counts as a link only with a path after it or a subdomain
before it (``bun.sh/install``, ``docs.example.in``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import re2

from chatmod.rules.base import Declared, MetaCheck, RuleHit, Severity
from chatmod.text.views import TextViews

_TLDS = (
    "com|net|org|io|gg|tv|me|co|xyz|info|biz|ru|uk|de|fr|app|dev|live|link|ly|be|to|site|"
    "online|shop|club|top|click|us|ca|cn|in|br|es|it|nl|pl|au|jp|gl|sh|ai|fun|store|stream"
)
# Real TLDs that are also common file extensions or English words typed after a missing space.
_AMBIGUOUS_TLDS = frozenset({"sh", "pl", "in", "app", "ai", "it", "be", "us"})
_URL_END = r"[^\s<>\"']"
# Group 1 is the link; the bare-domain form must be followed by the end of its token, which
# the pattern consumes (group 2) so that RE2 backtracks to a longer TLD ("x.to" vs "x.top").
_URL = re2.compile(
    r"(?i)((?:https?|ftp)://" + _URL_END + r"+|www\." + _URL_END + r"+|"
    r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(" + _TLDS + r")(?:[/:?#]" + _URL_END + r"*)?"
    r")(?:$|[^\pL\pN_\-])"
)
_HOST = re2.compile(r"(?i)^(?:[a-z]+://)?(?:[^@/\s]+@)?([^/:?#\s]+)")
_TRAILING = ".,!?;:)]}'\""
# A bare domain right after one of these is part of an address, a path, a channel or a word.
_INSIDE_TOKEN = frozenset("@/\\.-_~$%&=+#")


def host_of(url: str) -> str:
    match = _HOST.match(url)
    return match.group(1).lower().rstrip(".") if match else ""


def domain_allowed(host: str, allow_domains: tuple[str, ...]) -> bool:
    """A host is allowed if it is an allowed domain or one of its subdomains."""
    return any(host == d or host.endswith("." + d) for d in allow_domains)


def _word_start(text: str, start: int) -> int:
    """Back to the start of the word a URL was glued to ("lolhttps://..."), so all is masked."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    return start


def _looks_like_file_name(url: str, tld: str, host: str) -> bool:
    """``setup.sh``, or a sentence run on after a full stop ("home.It was"), not a site."""
    has_path = len(url) > len(host)
    if has_path:
        return False
    if tld[:1].isupper() and tld[1:].islower():
        return True  # a sentence that starts right after a full stop
    return tld.lower() in _AMBIGUOUS_TLDS and host.count(".") == 1


@dataclass(frozen=True)
class LinkCheck(MetaCheck):
    """Links to any domain but the allowed ones, masked whole."""

    DECLARED: ClassVar[Declared] = Declared("links", "links", "mask", Severity.LOW, mask_all=True)

    allow_domains: tuple[str, ...] = field(default_factory=tuple)

    def scan(self, views: TextViews) -> list[RuleHit]:
        view = views.visible  # what was typed, invisible characters left out
        text = view.text
        allowed = tuple(d.lower().lstrip(".") for d in self.allow_domains)
        hits: list[RuleHit] = []
        for match in _URL.finditer(text):
            start, end = match.span(1)
            tld = match.group(2)
            before = text[start - 1] if start > 0 else " "
            if tld is not None and (before.isalnum() or before in _INSIDE_TOKEN):
                continue  # the domain of an email address, a path, or the middle of a word
            while end > start and text[end - 1] in _TRAILING:
                end -= 1
            url = text[start:end]
            host = host_of(url)
            if "." not in host or domain_allowed(host, allowed):
                continue
            if tld is not None and _looks_like_file_name(url, tld, host):
                continue
            hits.append(self.meta.hit(*view.to_original(_word_start(text, start), end)))
        return hits
