"""The toxicity model's identity, declared once for serving and training.

Stdlib only, with no chatmod imports: training runs in its own environment and loads this file
by path (``training/serving.py``), so the labels it trains are the labels the Lambda serves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class ModelSpec:
    """What a model folder and its training agree on.

    ``labels``: Detoxify's names, in its order (the model, the policy and the tools use these).
    ``label_aliases``: older checkpoints' names (Kaggle 2018 "original" uses Jigsaw's columns).
    ``preprocessing``: the id written to labels.json when inputs go through ``prepare_text``.
    ``max_tokens``: what the review reads; ``multilingual_max_tokens``: what it reads with the
    multilingual model, whose twelve layers cost 0.15 ms a token on one core (104 keeps a
    500-code-point line within 25 ms); ``second_opinion_max_tokens``: the escalation's.
    """

    labels: tuple[str, ...]
    label_aliases: Mapping[str, str]
    preprocessing: str
    max_tokens: int
    multilingual_max_tokens: int
    second_opinion_max_tokens: int

    def canonical(self, name: str) -> str:
        """A checkpoint's class name in ``labels``' terms."""
        return self.label_aliases.get(name, name)


SPEC = ModelSpec(
    labels=(
        "toxicity",
        "severe_toxicity",
        "obscene",
        "threat",
        "insult",
        "identity_attack",
        "sexual_explicit",
    ),
    label_aliases=MappingProxyType(
        {
            "toxic": "toxicity",
            "severe_toxic": "severe_toxicity",
            "identity_hate": "identity_attack",
            "sexually_explicit": "sexual_explicit",
        }
    ),
    preprocessing="chatmod.model.text.prepare_text",
    max_tokens=128,
    multilingual_max_tokens=104,
    second_opinion_max_tokens=256,
)
LABELS = SPEC.labels
