"""Replace exactly the offending characters of the original text, leaving the rest as typed."""

from __future__ import annotations

from collections.abc import Iterable

from chatmod.rules.base import RuleHit
from chatmod.text.views import LEET


def _maskable(ch: str, whole: bool) -> bool:
    """Letters and digits always; leet symbols only inside words ("$hit", not "+1 415")."""
    return ch.isalnum() or (not whole and (ch in LEET or ch == "*"))


def mask_text(original: str, hits: Iterable[RuleHit], mask_char: str = "*") -> str:
    """Star out each hit: all of it for personal data, all but its first letter for words.

    Separators inside a hit ("f u c k", "john@x.com") are kept, so the text still reads
    naturally and its length in code points never changes.
    """
    chars = list(original)
    for hit in hits:
        keep_first = not hit.mask_all
        for index in range(hit.start, min(hit.end, len(chars))):
            ch = original[index]
            if not _maskable(ch, hit.mask_all):
                continue  # separators, and the "@" or "+" that keep personal data readable
            if keep_first:
                keep_first = False
                continue
            chars[index] = mask_char
    return "".join(chars)
