"""Characters that show nothing, or nothing a reader tells apart from a gap.

Typed inside a word ("fi<U+3164>nd"), each one splits it for the term rules and turns it into
an unknown token for the models, while the chat shows the word whole. Normalization drops them
from every view the rules and models read; the message as delivered keeps them.

The classes: Unicode's default-ignorable code points (zero-width and bidi format characters,
the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, variation selectors, tag characters),
the Braille pattern blank U+2800, the replacement character U+FFFD (what a lone surrogate
becomes), lone surrogates themselves, noncharacters and unassigned code points (general
category Cn, as of the Unicode version Python ships).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Default_Ignorable_Code_Point, from Unicode's DerivedCoreProperties.txt (inclusive ranges).
DEFAULT_IGNORABLE: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip
BLANK_SYMBOLS = frozenset("\u2800\ufffd")  # Braille pattern blank, replacement character
_NO_CHARACTER = frozenset({"Cn", "Cs"})  # unassigned and noncharacters; lone surrogates


@lru_cache(maxsize=8192)
def is_invisible(ch: str) -> bool:
    """True for a character of one of the classes above (ASCII never is)."""
    code = ord(ch)
    if code < 0xAD:
        return False
    if ch in BLANK_SYMBOLS or any(low <= code <= high for low, high in DEFAULT_IGNORABLE):
        return True
    return unicodedata.category(ch) in _NO_CHARACTER


def has_invisible(text: str) -> bool:
    return not text.isascii() and any(is_invisible(ch) for ch in text)
