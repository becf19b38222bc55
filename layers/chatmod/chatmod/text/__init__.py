"""Every reading of a chat message, built once per review with its offset map back to what
was typed (``views``), and the model's own input preparation (``prepare``), which training
loads by path and which owns the look-alike and leet tables both read.

``invisible``, ``shorthand`` and ``split_words`` are the readings' parts: invisible
characters, chat shorthand read as words, words split by a space read whole."""

from chatmod.text.views import (
    NormalizedText,
    TextViews,
    fold,
    masked_for_model,
    model_readings,
    normalize,
)

__all__ = [
    "NormalizedText",
    "TextViews",
    "fold",
    "masked_for_model",
    "model_readings",
    "normalize",
]
