"""The second opinion: a deeper scorer re-reads a delivered gray-zone message.

The default is the project's ONNX model with a longer token limit (and the fp32 graph when
the model folder ships one); Amazon Comprehend lives in ``chatmod.aws.comprehend``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from chatmod.model import ToxicityModel
from chatmod.normalize import normalize
from chatmod.policy import ModelPolicy

FP32_MODEL_FILE = "model.fp32.onnx"
_COMPANIONS = ("tokenizer.json", "labels.json")


class SecondOpinion(Protocol):
    name: str

    def score(self, text: str) -> dict[str, float]:
        """Per-label probabilities for one message."""
        ...


class ModelSecondOpinion:
    """Scores the text as typed and as de-obfuscated with a toxicity model; the higher wins."""

    def __init__(self, model: ToxicityModel) -> None:
        self.model = model
        self.name = f"model:{model.name}"

    def score(self, text: str) -> dict[str, float]:
        views = normalize(text)
        texts = [text]
        if views.model.text.strip() and views.model.text != text.casefold():
            texts.append(views.model.text)
        merged: dict[str, float] = {}
        for result in self.model.predict(texts):
            for label, value in result.items():
                merged[label] = max(merged.get(label, 0.0), float(value))
        return merged


def fp32_model_dir(model_dir: Path, scratch: Path | None = None) -> Path:
    """A folder where ``model.onnx`` is the fp32 graph, when ``model_dir`` has one.

    The ONNX backend always opens ``model.onnx``; linking the fp32 graph under that name in a
    scratch folder (``/tmp`` in Lambda) reuses it unchanged. Without an fp32 graph the folder
    is returned as is and the int8 model gives the second opinion.
    """
    fp32 = model_dir / FP32_MODEL_FILE
    if not fp32.is_file():
        return model_dir
    target = Path(tempfile.mkdtemp(prefix="chatmod-fp32-", dir=scratch))
    (target / "model.onnx").symlink_to(fp32.resolve())
    for name in _COMPANIONS:
        if (model_dir / name).exists():
            (target / name).symlink_to((model_dir / name).resolve())
    return target


def confirmed_labels(
    scores: dict[str, float],
    model_policy: ModelPolicy,
    gray_zone: Iterable[str] = (),
    confirm_threshold: float | None = None,
) -> list[str]:
    """Labels whose second-opinion score reaches the confirm threshold, worst first: the one
    given (a deployment-wide setting), else the label's ``confirm``, else its ``deny``."""
    labels = dict.fromkeys([*model_policy.thresholds, *gray_zone])
    confirmed: list[tuple[float, str]] = []
    for label in labels:
        thresholds = model_policy.thresholds.get(label)
        limit = (
            confirm_threshold
            if confirm_threshold is not None
            else (thresholds.confirm_or_deny if thresholds else None)
        )
        score = scores.get(label)
        if limit is not None and score is not None and score >= limit:
            confirmed.append((score, label))
    return [label for _, label in sorted(confirmed, reverse=True)]
