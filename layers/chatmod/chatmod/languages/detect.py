"""Which language a chat message is written in, among the languages chatmod has packs for.

A room lists the languages it serves (``languages`` in the policy); each one brings its own
profanity and slur packs, and a message detected in a language the model does not read is
judged by the rules alone, so an English model never stars a Spanish "Fue". Detection is
py3langid (langid.py's model, BSD-3-Clause) restricted to the supported languages. Chat lines
are short: a line with few letters, or a guess below ``MIN_CONFIDENCE``, is ``UNKNOWN`` and gets
the room's packs and the model as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from chatmod.languages.codes import SUPPORTED, UNKNOWN

MIN_LETTERS = 12
MIN_CONFIDENCE = 0.8
# User tags and links say nothing about the language a line is written in.
_NOT_LANGUAGE = re.compile(r"(?:@|https?://|www\.)\S*")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """A language code (or ``UNKNOWN``) and the detector's confidence in it."""

    code: str
    confidence: float = 0.0

    @property
    def known(self) -> bool:
        return self.code != UNKNOWN


NOT_DETECTED = LanguageGuess(UNKNOWN)


class LanguageDetector(Protocol):
    def detect(self, text: str) -> LanguageGuess: ...


class LangidDetector:
    """py3langid over the supported languages; loading its model takes a few hundred ms, so
    the review handler builds this off the answer path."""

    def __init__(
        self,
        languages: tuple[str, ...] = SUPPORTED,
        *,
        min_letters: int = MIN_LETTERS,
        min_confidence: float = MIN_CONFIDENCE,
    ) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._identifier.set_languages(list(languages))
        self.min_letters = min_letters
        self.min_confidence = min_confidence

    def detect(self, text: str) -> LanguageGuess:
        text = _NOT_LANGUAGE.sub(" ", text)
        if sum(ch.isalpha() for ch in text) < self.min_letters:
            return NOT_DETECTED
        code, confidence = self._identifier.classify(text)
        if confidence < self.min_confidence:
            return LanguageGuess(UNKNOWN, float(confidence))
        return LanguageGuess(str(code), float(confidence))
