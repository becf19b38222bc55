"""The multilingual model's training rows and held-out dev splits, in one place.

Training: the four labelled sources' train splits (OffensEval capped), the benign chatterbot
lines, a sample of the English model's own training rows (so English, and lines of unknown
language, keep reading as they do today) and the written lines of ``augment_multilingual``.
Every line of the project's evaluation sets (the English functional suite and the per-language
sets) is dropped.
"""

from __future__ import annotations

import random
from pathlib import Path

from training.augment import chat_rows, identity_rows, obfuscated_copies, threat_rows
from training.augment_multilingual import chat_rows as written_chat_rows
from training.augment_multilingual import written_rows
from training.chat_data import load_all_splits
from training.data import SEED, SOURCES, Example
from training.functional_suite import _key, excluded, load_suite, suite_keys
from training.multilingual_data import load_multilingual_splits
from training.paths import REPO
from training.serving import prepare_multilingual_text

SETS_DIR = REPO / "tests" / "functional" / "multilingual"
TRAIN_CAPS = {"offenseval_tr": 9000, "told_br": 11000}
# MLMA was collected around hostile keywords (80% of its French rows are hostile): its hostile
# rows are capped at this multiple of its normal ones, or French itself would read as toxic.
MLMA_HOSTILE_PER_NORMAL = 1.5
ENGLISH_SAMPLE = 7000


def evaluation_keys() -> set[str]:
    keys = suite_keys()
    for path in SETS_DIR.glob("*.yaml"):
        keys |= {_key(line) for cat in load_suite(path) for line in cat.lines}
    return keys


def _sample(rows: list[Example], n: int, seed: int) -> list[Example]:
    if len(rows) <= n:
        return list(rows)
    return random.Random(seed).sample(rows, n)


def english_rows(seed: int, data_dir: Path | str | None = None) -> tuple[list[Example], dict]:
    """A sample of the English training mixture and the English dev splits."""
    splits = load_all_splits(data_dir)
    train = [ex for s in splits.values() for ex in s["train"]]
    comments = [ex for ex in train if ex.source in SOURCES]
    train += obfuscated_copies(comments, seed=seed)
    train += identity_rows(seed=seed) + chat_rows(seed=seed) + threat_rows(seed=seed)
    dev = {f"en_{source}": s["dev"] for source, s in splits.items()}
    return _sample(train, ENGLISH_SAMPLE, seed), dev


# What each fine-tuning round added (the shipped model is round 3, each round starting from the
# one before): round 1 the sources as they are; round 2 MLMA's hostile rows capped and 300
# written chat lines per language; round 3 700 per language, some with two thoughts, and twice
# the harmless game talk.
ROUNDS = (1, 2, 3)


def _capped(source: str, train: list[Example], seed: int, *, mlma_balanced: bool) -> list[Example]:
    """A source's training rows at its cap; MLMA's hostile rows at most MLMA_HOSTILE_PER_NORMAL
    times its normal ones when ``mlma_balanced`` (round 2 on)."""
    if source in TRAIN_CAPS:
        train = _sample(train, TRAIN_CAPS[source], seed)
    if source == "mlma_fr" and mlma_balanced:
        normal = [ex for ex in train if not ex.binary_toxic]
        hostile = [ex for ex in train if ex.binary_toxic]
        train = normal + _sample(hostile, int(MLMA_HOSTILE_PER_NORMAL * len(normal)), seed)
    return train


def training_rows(
    seed: int = SEED, data_dir: Path | str | None = None, round_: int = 3
) -> tuple[list[Example], dict[str, list[Example]]]:
    """``(train_rows, dev)`` of fine-tuning round ``round_``: dev maps a source name to its
    held-out rows."""
    splits = load_multilingual_splits(data_dir)
    rows: list[Example] = []
    dev: dict[str, list[Example]] = {}
    for source, parts in splits.items():
        rows += _capped(source, parts["train"], seed, mlma_balanced=round_ >= 2)
        dev[source] = parts["dev"]
    if round_ == 1:
        rows += written_rows(seed, benign_per_kind=60)
    elif round_ == 2:
        rows += written_rows(seed, benign_per_kind=60)
        rows += written_chat_rows(seed, per_language=300, pairs=False)
    else:
        rows += written_rows(seed) + written_chat_rows(seed)
    english, english_dev = english_rows(seed, data_dir)
    rows += english
    dev.update(english_dev)
    keys = evaluation_keys()
    rows = [ex for ex in rows if not excluded(ex.text, keys)]
    return rows, dev


def real_training_rows(
    seed: int = SEED,
    data_dir: Path | str | None = None,
    fragments: bool = False,
    served_labels: bool = False,
) -> tuple[list[Example], dict[str, list[Example]]]:
    """``(train_rows, dev)`` of every language's real data and nothing written: the other
    languages' labelled sources (capped as in round 2) and chatterbot lines, with the English
    ``real`` recipe (``train_real.recipe_rows``, its judges left out); every row read as the
    served model reads it, rule masks as the placeholder. The same sources as the
    leave-one-source-out recipe ``real+multilingual`` (which caps every source at 5,000 rows
    for its fixed sample), at the fine-tuning rounds' caps. ``fragments`` and ``served_labels``
    are ``recipe_rows``' options for the English rows."""
    from training.real_data import LABELLED, load_everything
    from training.train_real import JUDGES, as_served, recipe_rows, recipe_sources

    splits = load_multilingual_splits(data_dir)
    rows: list[Example] = []
    dev: dict[str, list[Example]] = {}
    for source, parts in splits.items():
        train = _capped(source, parts["train"], seed, mlma_balanced=True)
        rows += [as_served(ex, source == "chatterbot") for ex in train]
        dev[source] = parts["dev"]
    english = load_everything(recipe_sources(fragments), data_dir)
    rows += recipe_rows(
        english, seed, leave_out=JUDGES, fragments=fragments, served_labels=served_labels
    )
    dev.update({source: parts["dev"] for source, parts in english.items() if source in LABELLED})
    return rows, dev


def vocabulary_texts(seed: int = SEED) -> list[str]:
    """The texts whose pieces a newly trimmed vocabulary keeps (the first round's training rows,
    prepared). The shipped vocabulary is recorded in its tokenizer (``e5_base --pieces-from``)."""
    rows, _ = training_rows(seed, round_=1)
    return [prepare_multilingual_text(ex.text) for ex in rows]
