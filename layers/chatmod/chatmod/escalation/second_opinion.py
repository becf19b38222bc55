"""The second opinion: a delivered gray-zone message re-read with what the review could not see.

The review scores each message on its own, so a toxic line split over several messages passes
one harmless part at a time. The second opinion reads the message alone and joined after the
sender's recent messages in the room (the record's ``context``), with the review's own model
and a longer token limit; the higher score per label wins (``training/second_opinion_eval.py``
measures the readings). Amazon Comprehend lives in ``chatmod.aws.comprehend``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from chatmod.model import ToxicityModel
from chatmod.model.base import merge_max
from chatmod.model.router import declared_languages, reads
from chatmod.policy import ModelPolicy
from chatmod.text.views import model_readings, normalize

# Characters of joined text per model token, kept low so the message itself (at the end of the
# joined reading) is not cut by the tokenizer's truncation, which drops the tail.
CHARS_PER_TOKEN = 3


class SecondOpinion(Protocol):
    name: str

    def score(self, text: str, context: Sequence[str] = ()) -> dict[str, float]:
        """Per-label probabilities for one message, read after ``context`` (oldest first)."""
        ...


def joined_reading(text: str, context: Sequence[str], max_chars: int) -> str | None:
    """The context's tail and the message as one text of at most ``max_chars`` (the message
    whole; context cut at a word boundary), or None when no context fits."""
    room = max_chars - len(text) - 1
    before = " ".join(" ".join(c.split()) for c in context if c.strip())
    if room <= 0 or not before:
        return None
    if len(before) > room:
        cut = before[len(before) - room :]
        before = cut.partition(" ")[2] if before[len(before) - room - 1] != " " else cut
    return f"{before} {text}" if before.strip() else None


@dataclass(frozen=True)
class Readings:
    """Scores of the message alone and, when context was given and fits, of the joined text."""

    alone: dict[str, float]
    joined: dict[str, float] | None = None
    joined_text: str | None = field(default=None, repr=False)

    def combined(self) -> dict[str, float]:
        """The higher score per label: context can only add evidence, never hide it."""
        return merge_max([self.alone, self.joined or {}])


class ModelSecondOpinion:
    """Reads the message (as typed and de-obfuscated) alone and after its context."""

    def __init__(self, model: ToxicityModel, *, max_chars: int | None = None) -> None:
        self.model = model
        self.name = f"model:{model.name}"
        self.languages = declared_languages(model)  # what it reads (None: does not say)
        tokens = model.max_tokens
        self.max_chars = max_chars if max_chars is not None else CHARS_PER_TOKEN * tokens

    def readings(self, text: str, context: Sequence[str] = ()) -> Readings:
        alone = model_readings(normalize(text))
        joined_text = joined_reading(text, context, self.max_chars) if context else None
        joined = model_readings(normalize(joined_text)) if joined_text else []
        scores = self.model.predict([*alone, *joined])
        return Readings(
            merge_max(scores[: len(alone)]),
            merge_max(scores[len(alone) :]) if joined else None,
            joined_text,
        )

    def score(self, text: str, context: Sequence[str] = ()) -> dict[str, float]:
        return self.readings(text, context).combined()


class RoutedSecondOpinion:
    """Two model second opinions: the first (English) for its languages and for lines too
    short to place, the multilingual one for the languages only it reads."""

    def __init__(self, first: ModelSecondOpinion, multilingual: ModelSecondOpinion) -> None:
        self.first = first
        self.multilingual = multilingual
        self.name = f"{first.name}+{multilingual.name}"
        if first.languages is None or multilingual.languages is None:
            self.languages: tuple[str, ...] | None = None
        else:
            self.languages = tuple(dict.fromkeys([*first.languages, *multilingual.languages]))

    def for_language(self, code: str) -> ModelSecondOpinion:
        if reads(self.first, code) or not reads(self.multilingual, code):
            return self.first
        return self.multilingual

    def score(self, text: str, context: Sequence[str] = ()) -> dict[str, float]:
        return self.first.score(text, context)


def confirmed_labels(
    scores: dict[str, float],
    model_policy: ModelPolicy,
    gray_zone: Iterable[str] = (),
    confirm_threshold: float | None = None,
) -> list[str]:
    """Labels whose second-opinion score reaches the confirm threshold, worst first: the one
    given (a deployment-wide setting), else the label's ``confirm``, else its ``deny``."""
    in_force = model_policy.label_thresholds
    labels = dict.fromkeys([*in_force, *gray_zone])
    confirmed: list[tuple[float, str]] = []
    for label in labels:
        thresholds = in_force.get(label)
        limit = (
            confirm_threshold
            if confirm_threshold is not None
            else (thresholds.confirm_or_deny if thresholds else None)
        )
        score = scores.get(label)
        if limit is not None and score is not None and score >= limit:
            confirmed.append((score, label))
    return [label for _, label in sorted(confirmed, reverse=True)]
