"""The names the handlers, training and benchmarks import from before the review had a package
of its own (``chatmod.review``): kept so they keep working, nothing defined here."""

from chatmod.contract import ReviewResponse
from chatmod.model.factory import load_model_from_settings, load_multilingual_from_settings
from chatmod.review.attribution import (
    ATTRIBUTION_MIN_WINDOW,
    ATTRIBUTION_WINDOW,
    ATTRIBUTION_WORK_CHARS,
    attribution_window,
)
from chatmod.review.reviewer import Review, Reviewer
from chatmod.review.stages import TYPED_READING_MAX_CHARS, keep_harmless
from chatmod.text.views import masked_for_model

response_for = ReviewResponse.answering

__all__ = [
    "ATTRIBUTION_MIN_WINDOW",
    "ATTRIBUTION_WINDOW",
    "ATTRIBUTION_WORK_CHARS",
    "TYPED_READING_MAX_CHARS",
    "Review",
    "Reviewer",
    "attribution_window",
    "keep_harmless",
    "load_model_from_settings",
    "load_multilingual_from_settings",
    "masked_for_model",
    "response_for",
]
