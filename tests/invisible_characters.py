"""The invisible-character categories (``tests/functional/invisible.yaml``) and the lines they
disguise: every line of the functional suite whose gold decision is ``deny``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

FUNCTIONAL = Path(__file__).resolve().parent / "functional"
_WORD = re.compile(r"\w{2,}")


@dataclass(frozen=True)
class CharacterClass:
    name: str
    about: str
    characters: tuple[str, ...]


def character_classes() -> list[CharacterClass]:
    data = yaml.safe_load((FUNCTIONAL / "invisible.yaml").read_text("utf-8"))
    return [
        CharacterClass(name, spec["about"], tuple(spec["characters"]))
        for name, spec in data["classes"].items()
    ]


def deny_gold_lines() -> list[str]:
    """The suite's lines that must be denied (hate, threats, incitement in ordinary words)."""
    data = yaml.safe_load((FUNCTIONAL / "suite.yaml").read_text("utf-8"))
    return [
        line
        for spec in data["categories"].values()
        if spec["gold"] == "deny"
        for line in spec["lines"]
    ]


def inside_each_word(line: str, character: str) -> str:
    """``line`` with ``character`` in the middle of each word of two letters or more."""
    return _WORD.sub(lambda m: m[0][: len(m[0]) // 2] + character + m[0][len(m[0]) // 2 :], line)
