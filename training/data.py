"""Load the labelled sources, map them onto Detoxify's seven labels and split them reproducibly.

Splits are a pure function of each row's text (an MD5 bucket), so training, evaluation and
threshold tuning always agree without storing any slice of the data in the project. Labels a
source does not annotate are NaN and masked out of the loss and metrics, never treated as 0.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from training.serving import LABELS as LABELS  # the served model's labels, in its order

SOURCES: tuple[str, ...] = ("civil_comments", "jigsaw", "davidson")
DEV_PERCENT = 15
SEED = 20240601
# Davidson is 25k tweets of heavy slang, 77% "offensive": cap its share of the training set so
# it does not teach the model that casual tweet slang is what toxicity looks like (most short
# informal lines there are labelled offensive, so a large share reads "short" as "toxic").
DAVIDSON_TRAIN_CAP = {"hate": 700, "offensive": 900, "neither": 1500}
DAVIDSON_DEV_SIZE = 2000

DEFAULT_DATA_DIR = (Path(__file__).resolve().parent.parent / ".." / "shared" / "data").resolve()


@dataclass(frozen=True)
class Example:
    """One text with soft targets (NaN = label not annotated by this source)."""

    text: str
    targets: tuple[float, ...]
    source: str
    binary_toxic: int  # the source's own notion of "toxic", used for dev metrics


def split_of(text: str) -> str:
    """Deterministic train/dev assignment from the text itself."""
    digest = hashlib.md5(text.strip().encode("utf-8")).hexdigest()
    return "dev" if int(digest[:8], 16) % 100 < DEV_PERCENT else "train"


def _dedupe(df: pd.DataFrame, col: str) -> pd.DataFrame:
    return df.drop_duplicates(subset=[col]).reset_index(drop=True)


def load_civil(data_dir: Path) -> list[Example]:
    """Civil Comments sample: fractional annotator scores for all seven labels."""
    df = _dedupe(pd.read_csv(data_dir / "civil_comments_5k.csv"), "text")
    out = []
    for row in df.itertuples(index=False):
        targets = tuple(float(getattr(row, lab)) for lab in LABELS)
        out.append(Example(str(row.text), targets, "civil_comments", int(row.label)))
    return out


def load_jigsaw(data_dir: Path) -> list[Example]:
    """Kaggle 2018 Jigsaw: 0/1 labels; no sexual_explicit annotation (masked)."""
    df = _dedupe(pd.read_csv(data_dir / "jigsaw_sample" / "train_head.csv"), "comment_text")
    cols = {
        "toxicity": "toxic",
        "severe_toxicity": "severe_toxic",
        "obscene": "obscene",
        "threat": "threat",
        "insult": "insult",
        "identity_attack": "identity_hate",
    }
    out = []
    for _, row in df.iterrows():
        targets = tuple(float(row[cols[lab]]) if lab in cols else float("nan") for lab in LABELS)
        out.append(Example(str(row["comment_text"]), targets, "jigsaw", int(row["toxic"])))
    return out


def load_davidson(data_dir: Path) -> list[Example]:
    """Davidson tweets: toxicity = share of hate+offensive votes, identity_attack = hate share."""
    df = _dedupe(pd.read_csv(data_dir / "davidson_labeled_data.csv"), "tweet")
    out = []
    nan = float("nan")
    for tweet, count, hate_votes, off_votes, cls in zip(
        df["tweet"],
        df["count"],
        df["hate_speech"],
        df["offensive_language"],
        df["class"],
        strict=True,
    ):
        tox = (float(hate_votes) + float(off_votes)) / float(count)
        hate = float(hate_votes) / float(count)
        targets = (tox, nan, nan, nan, nan, hate, nan)
        out.append(Example(str(tweet), targets, "davidson", int(cls != 2)))
    return out


def _davidson_class(ex: Example) -> str:
    if ex.targets[5] >= 0.5:
        return "hate"
    return "offensive" if ex.binary_toxic else "neither"


def load_splits(data_dir: Path | str | None = None) -> dict[str, dict[str, list[Example]]]:
    """Return ``{source: {"train": [...], "dev": [...]}}`` with Davidson capped as documented."""
    root = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    loaders = {"civil_comments": load_civil, "jigsaw": load_jigsaw, "davidson": load_davidson}
    splits: dict[str, dict[str, list[Example]]] = {}
    for source, loader in loaders.items():
        rows = loader(root)
        train = [ex for ex in rows if split_of(ex.text) == "train"]
        dev = [ex for ex in rows if split_of(ex.text) == "dev"]
        if source == "davidson":
            rng = np.random.default_rng(SEED)
            capped: list[Example] = []
            for cls, cap in DAVIDSON_TRAIN_CAP.items():
                members = [ex for ex in train if _davidson_class(ex) == cls]
                idx = rng.permutation(len(members))[:cap]
                capped.extend(members[i] for i in sorted(idx))
            train = capped
            idx = np.random.default_rng(SEED + 1).permutation(len(dev))[:DAVIDSON_DEV_SIZE]
            dev = [dev[i] for i in sorted(idx)]
        splits[source] = {"train": train, "dev": dev}
    return splits
