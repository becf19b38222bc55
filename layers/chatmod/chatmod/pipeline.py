"""The names the handlers, training and benchmarks import from before the review had a package
of its own (``chatmod.review``): kept so they keep working, nothing defined here."""

from chatmod.model.factory import load_model_from_settings, load_multilingual_from_settings
from chatmod.review.attribution import attribution_window
from chatmod.review.reviewer import Review, Reviewer
from chatmod.review.stages import TYPED_READING_MAX_CHARS, keep_harmless
from chatmod.text.views import masked_for_model

__all__ = [
    "TYPED_READING_MAX_CHARS",
    "Review",
    "Reviewer",
    "attribution_window",
    "keep_harmless",
    "load_model_from_settings",
    "load_multilingual_from_settings",
    "masked_for_model",
]
