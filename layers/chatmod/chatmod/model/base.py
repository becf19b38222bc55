"""Shared contract of the toxicity backends: the protocol, label names (``spec``) and model
discovery."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from chatmod.errors import ModelUnavailableError as ModelUnavailableError
from chatmod.model.spec import LABELS as LABELS  # re-exported for the backends
from chatmod.model.spec import SPEC

LAYER_MODEL_DIR = Path("/opt/chatmod-minilm")
# <repo>/layers/chatmod/chatmod/model/base.py -> <repo>/layers/model/chatmod-minilm
REPO_MODEL_DIR = Path(__file__).resolve().parents[3] / "model" / "chatmod-minilm"
MULTILINGUAL_NAME = "chatmod-e5-multi"


@runtime_checkable
class ToxicityModel(Protocol):
    """What the review needs from a model, declared here instead of probed for: names,
    per-label sigmoid probabilities and what the model says of itself.

    ``languages``: what it reads (None: it does not say; ``chatmod.model.router``).
    ``stars_words``: whether attribution may star the words that carry its scores (a folder
    whose attribution is not to be trusted says no: a line in a mask range then goes out as
    typed, with its gray zone). ``mask_placeholder``: what stands where a rule masked a word
    when it reads a message (empty: the word goes). ``max_tokens``: how much of a message it
    reads. A backend subclasses this protocol to take its defaults; ``predict_batch`` is
    ``predict`` unless the backend has a cheaper batched run for rankings."""

    name: str
    labels: tuple[str, ...]
    languages: tuple[str, ...] | None = None
    stars_words: bool = True
    mask_placeholder: str = ""
    max_tokens: int = SPEC.max_tokens

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One ``{label: probability}`` dict per input text, in input order."""
        ...

    def predict_batch(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Like ``predict``; a backend may answer from one padded run, where a ranking is
        enough and a score may move by a few hundredths (occlusion), never for a verdict."""
        return self.predict(texts)


def canonical_label(name: str) -> str:
    """Map a checkpoint's class name onto Detoxify's current label names."""
    return SPEC.canonical(name)


def default_model_dir() -> Path:
    """The model layer's folder, else the repo's (a configured folder is the caller's: the
    settings' ``model_dir``, read once with the rest)."""
    candidates = [LAYER_MODEL_DIR, REPO_MODEL_DIR]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise ModelUnavailableError(
        "no model folder found; looked in " + ", ".join(str(c) for c in candidates)
    )


def multilingual_dir(configured: str | None) -> Path | None:
    """The multilingual model's folder: the configured one, none when it says ``none``, else
    the model layer's, else the repo's (None: neither is there)."""
    if configured and configured.strip().lower() == "none":
        return None
    if configured:
        return Path(configured)
    for candidate in (
        LAYER_MODEL_DIR.parent / MULTILINGUAL_NAME,
        REPO_MODEL_DIR.parent / MULTILINGUAL_NAME,
    ):
        if candidate.is_dir():
            return candidate
    return None


def merge_max(results: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """The highest score per label over several readings of one message."""
    merged: dict[str, float] = {}
    for result in results:
        for label, value in result.items():
            merged[label] = max(merged.get(label, 0.0), float(value))
    return merged
