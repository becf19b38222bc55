"""Written training lines for the served languages: threats, insults, group hate and harmless
chat that borrows violent or rude-looking words.

The labelled tweets carry few threats and no chat; Spanish and Italian have no labelled data at
all. Frames written for chatmod (``training/phrases/multilingual.yaml``) fill those gaps; slot
words combine them into varied lines. Lines of the multilingual evaluation sets
(``tests/functional/multilingual``) are dropped by ``train_multilingual.py`` before training.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TypeVar

from training.data import LABELS, Example
from training.phrasebook import phrase_file

_BOOK = phrase_file("multilingual")  # the written frames: training/phrases/multilingual.yaml

NAN = float("nan")
P = TypeVar("P")


@dataclass(frozen=True)
class Frames:
    threats: tuple[str, ...]
    insults: tuple[str, ...]
    insult_words: tuple[str, ...]
    hate: tuple[str, ...]
    groups: tuple[str, ...]
    benign: tuple[str, ...]
    game_words: tuple[str, ...]


def _per_language(section: str, parts_type: type[P]) -> dict[str, P]:
    """One ``parts_type`` per language from a section of the phrase file, in its order."""
    return {
        lang: parts_type(**{part: tuple(lines) for part, lines in parts.items()})
        for lang, parts in _BOOK[section].items()
    }


FRAMES = _per_language("frames", Frames)

WHEN: dict[str, tuple[str, ...]] = {lang: tuple(words) for lang, words in _BOOK["when"].items()}


def _example(text: str, lang: str, **known: float) -> Example:
    values = tuple(known.get(label, NAN) for label in LABELS)
    return Example(text, values, f"written_{lang}", int(known.get("toxicity", 0.0) >= 0.5))


def written_rows(seed: int, per_kind: int = 60, benign_per_kind: int = 120) -> list[Example]:
    """Up to ``per_kind`` distinct lines of each toxic kind in each language, and
    ``benign_per_kind`` of harmless game talk."""
    rng = random.Random(seed)
    zeros = {label: 0.0 for label in LABELS}
    out: list[Example] = []
    for lang, f in FRAMES.items():
        kinds = {
            "threat": lambda f=f, lang=lang: rng.choice(f.threats).format(
                when=rng.choice(WHEN[lang])
            ),
            "insult": lambda f=f: rng.choice(f.insults).format(w=rng.choice(f.insult_words)),
            "hate": lambda f=f: rng.choice(f.hate).format(g=rng.choice(f.groups)),
            "benign": lambda f=f: rng.choice(f.benign).format(
                x=rng.choice(f.game_words), y=rng.choice(f.game_words)
            ),
        }
        labels = {
            "threat": {"toxicity": 1.0, "threat": 1.0, "severe_toxicity": NAN},
            "insult": {"toxicity": 1.0, "insult": 1.0, "threat": 0.0},
            "hate": {"toxicity": 1.0, "identity_attack": 1.0, "threat": 0.0},
            "benign": zeros,
        }
        for kind, make in kinds.items():
            seen: set[str] = set()
            wanted = benign_per_kind if kind == "benign" else per_kind
            for _ in range(wanted * 8):
                text = make()
                if rng.random() < 0.3:
                    text = text.upper() if kind != "benign" else text.capitalize()
                if text not in seen:
                    seen.add(text)
                    out.append(_example(text, lang, **labels[kind]))
                if len(seen) >= wanted:
                    break
    return out


@dataclass(frozen=True)
class ChatParts:
    """Pieces of everyday stream chat: an opener, a body and an ending, freely combined."""

    openers: tuple[str, ...]
    bodies: tuple[str, ...]
    endings: tuple[str, ...]


CHAT = _per_language("chat", ChatParts)


def chat_rows(seed: int, per_language: int = 700, pairs: bool = True) -> list[Example]:
    """Harmless everyday chat in each language (every label 0): the labelled sources are
    tweets collected around hostile keywords, so without these a plain line can read as toxic."""
    rng = random.Random(seed)
    zeros = {label: 0.0 for label in LABELS}
    out: list[Example] = []
    for lang, parts in CHAT.items():
        seen: set[str] = set()
        for _ in range(per_language * 10):
            body = rng.choice(parts.bodies)
            if pairs and rng.random() < 0.35:  # two thoughts in one line, as chat often has
                body = f"{body}, {rng.choice(parts.bodies)}"
            words = [rng.choice(parts.openers), body, rng.choice(parts.endings)]
            text = " ".join(w for w in words if w)
            if rng.random() < 0.2:
                text = text.capitalize()
            if text not in seen:
                seen.add(text)
                out.append(
                    Example(text, tuple(zeros[label] for label in LABELS), f"chat_{lang}", 0)
                )
            if len(seen) >= per_language:
                break
    return out
