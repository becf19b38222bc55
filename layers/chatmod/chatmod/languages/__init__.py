"""The languages chatmod serves: their one list (``codes``, which training reads too), which
one a message is written in (``detect``) and each language's packs (``packs``)."""

from chatmod.languages.codes import SUPPORTED, UNKNOWN, LanguageCode
from chatmod.languages.detect import (
    NOT_DETECTED,
    LangidDetector,
    LanguageDetector,
    LanguageGuess,
)

__all__ = [
    "NOT_DETECTED",
    "SUPPORTED",
    "UNKNOWN",
    "LangidDetector",
    "LanguageCode",
    "LanguageDetector",
    "LanguageGuess",
]
