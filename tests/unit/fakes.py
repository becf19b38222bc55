"""A toxicity model stand-in whose scores come from keywords, so tests can aim at thresholds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from chatmod.model.base import ToxicityModel
from chatmod.model.spec import LABELS


class KeywordModel(ToxicityModel):
    """Scores each label by the highest weight of any keyword found in the text."""

    name = "fake:keywords"
    labels = LABELS

    def __init__(
        self,
        weights: Mapping[str, Mapping[str, float]],
        *,
        languages: tuple[str, ...] | None = None,
        name: str = "fake:keywords",
        mask_placeholder: str = "",
    ) -> None:
        self.weights = weights
        self.mask_placeholder = mask_placeholder  # what stands where a rule masked a word
        self.languages = languages  # as a model folder declares them (None: does not say)
        self.name = name
        self.calls: list[list[str]] = []

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.calls.append(list(texts))
        out: list[dict[str, float]] = []
        for text in texts:
            scores = dict.fromkeys(self.labels, 0.01)
            for keyword, label_scores in self.weights.items():
                if keyword in text.casefold():
                    for label, value in label_scores.items():
                        scores[label] = max(scores[label], value)
            out.append(scores)
        return out
