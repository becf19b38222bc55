"""The toxicity labels, in Detoxify's names and order: one list for the model, policy and tools."""

from __future__ import annotations

LABELS: tuple[str, ...] = (
    "toxicity",
    "severe_toxicity",
    "obscene",
    "threat",
    "insult",
    "identity_attack",
    "sexual_explicit",
)
