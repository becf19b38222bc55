"""The written rows of each training round of the shipped English model, with their seeds.

``train`` adds the rounds a run asks for and ``loso`` rebuilds the earlier recipes from the
same rounds; each round's seed offset is written here once so both draw the same lines.
"""

from __future__ import annotations

from pathlib import Path

from training.augment import chat_rows, identity_rows, obfuscated_copies, threat_rows
from training.augment_chat import (
    fifth_round_rows,
    fourth_round_rows,
    second_round_rows,
    sixth_round_rows,
    third_round_rows,
)
from training.chat_data import blocked_words
from training.data import Example

LATER_ROUNDS = ("second", "third", "fourth", "fifth", "sixth")


def first_round_rows(seed: int) -> list[Example]:
    """Identity mentions, short chat and threats, with spelling evasions of the threats."""
    threats = threat_rows(seed=seed)
    return (
        identity_rows(seed=seed)
        + chat_rows(seed=seed)
        + threats
        + obfuscated_copies(threats, seed=seed + 1)
    )


def later_round_rows(
    name: str, rows: list[Example], seed: int, data_dir: Path | str | None = None
) -> list[Example]:
    """One of ``LATER_ROUNDS``; ``rows`` are what the second and fourth rounds draw from."""
    if name == "second":
        return second_round_rows(rows, seed=seed + 5)
    if name == "third":
        return third_round_rows(seed=seed + 11)
    if name == "fourth":
        return fourth_round_rows(rows, blocked_words(data_dir), seed=seed + 23)
    if name == "fifth":
        return fifth_round_rows(seed=seed + 29)
    if name == "sixth":
        return sixth_round_rows(seed=seed + 31)
    raise ValueError(f"unknown round {name!r}: one of {LATER_ROUNDS}")
