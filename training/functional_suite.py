"""The functional suite (``tests/functional/suite.yaml``): chat lines with their gold decision.

Training reads it only to keep its lines out (``excluded``); evaluation scores the full
pipeline's decision on every line, per category.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SUITE_PATH = Path(__file__).resolve().parent.parent / "tests" / "functional" / "suite.yaml"
GOLDS = ("allow", "deliver", "act", "deny")


@dataclass(frozen=True)
class Category:
    name: str
    gold: str
    lines: tuple[str, ...]
    plain: str | None = None


def load_suite(path: Path = SUITE_PATH) -> list[Category]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for name, spec in data["categories"].items():
        if spec["gold"] not in GOLDS:
            raise ValueError(f"{name}: gold {spec['gold']!r} is not one of {GOLDS}")
        out.append(Category(name, spec["gold"], tuple(spec["lines"]), spec.get("plain")))
    return out


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def suite_keys(path: Path = SUITE_PATH) -> set[str]:
    return {_key(line) for cat in load_suite(path) for line in cat.lines}


def excluded(text: str, keys: set[str]) -> bool:
    """True when a line is a suite line, give or take a word added before or after it."""
    key = _key(text)
    if key in keys:
        return True
    words = key.split(" ")
    return len(words) > 2 and (" ".join(words[1:]) in keys or " ".join(words[:-1]) in keys)


def is_correct(gold: str, result: str, modified: bool) -> bool:
    """Whether a pipeline decision (result, content modified?) meets the gold decision."""
    if gold == "allow":
        return result == "ALLOW" and not modified
    if gold == "deliver":
        return result == "ALLOW"
    if gold == "act":
        return result == "DENY" or modified
    return result == "DENY"
