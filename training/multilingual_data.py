"""The labelled non-English sources, mapped onto the served model's seven labels.

GermEval 2018 (de), ToLD-Br (pt), MLMA (fr) and OffensEval 2020 (tr), with the benign chatterbot
lines of the languages chatmod serves. Each source keeps a held-out split the model never trains
on: GermEval's and OffensEval's own test files, and a 15% MD5 bucket of the text (``split_of``)
for ToLD-Br, MLMA and the chatterbot lines. Labels a source does not annotate are NaN.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from training.data import DEFAULT_DATA_DIR, LABELS, Example, split_of

NAN = float("nan")
CHATTERBOT_NAMES = {
    "german": "de",
    "spanish": "es",
    "french": "fr",
    "portuguese": "pt",
    "italian": "it",
    "turkish": "tr",
}
SOURCE_LANGUAGE = {"germeval": "de", "told_br": "pt", "mlma_fr": "fr", "offenseval_tr": "tr"}


def multilingual_dir(data_dir: Path | str | None = None) -> Path:
    root = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    return root / "chat" / "multilingual"


def targets(**known: float) -> tuple[float, ...]:
    """Seven targets with the named ones known and the rest NaN."""
    unknown = set(known) - set(LABELS)
    if unknown:
        raise ValueError(f"not labels: {sorted(unknown)}")
    return tuple(known.get(label, NAN) for label in LABELS)


def _germeval_rows(path: Path) -> list[Example]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            text, coarse, fine = parts
            offense = float(coarse == "OFFENSE")
            insult = {"INSULT": 1.0, "OTHER": 0.0}.get(fine, NAN)
            obscene = {"PROFANITY": 1.0, "OTHER": 0.0}.get(fine, NAN)
            rows.append(
                Example(
                    text,
                    targets(toxicity=offense, insult=insult, obscene=obscene),
                    "germeval",
                    int(offense),
                )
            )
    return rows


def load_germeval(root: Path) -> dict[str, list[Example]]:
    folder = root / "germeval2018_de"
    return {
        "train": _germeval_rows(folder / "germeval2018.training.txt"),
        "dev": _germeval_rows(folder / "germeval2018.test.txt"),
    }


def load_told_br(root: Path) -> dict[str, list[Example]]:
    """Three annotators per category: a label's target is its share of votes; toxic if any."""
    df = pd.read_csv(root / "told_br_pt" / "ToLD-BR.csv").drop_duplicates(subset=["text"])
    out: dict[str, list[Example]] = {"train": [], "dev": []}
    groups = ("homophobia", "racism", "misogyny", "xenophobia")
    for row in df.itertuples(index=False):
        votes = {c: float(getattr(row, c)) / 3.0 for c in (*groups, "obscene", "insult")}
        tox = max(votes.values())
        example = Example(
            str(row.text),
            targets(
                toxicity=tox,
                obscene=votes["obscene"],
                insult=votes["insult"],
                identity_attack=max(votes[g] for g in groups),
            ),
            "told_br",
            int(tox > 0),
        )
        out[split_of(example.text)].append(example)
    return out


def load_mlma_fr(root: Path) -> dict[str, list[Example]]:
    """Hostility types per tweet: all but ``normal`` is toxic; ``hateful`` is a group attack."""
    df = pd.read_csv(root / "mlma_fr_ar_en" / "fr_dataset.csv").drop_duplicates(subset=["tweet"])
    out: dict[str, list[Example]] = {"train": [], "dev": []}
    for text, sentiment in zip(df["tweet"], df["sentiment"], strict=True):
        kinds = set(str(sentiment).split("_"))
        toxic = float(kinds != {"normal"})
        hateful = 1.0 if "hateful" in kinds else (0.0 if not toxic else NAN)
        example = Example(
            str(text), targets(toxicity=toxic, identity_attack=hateful), "mlma_fr", int(toxic)
        )
        out[split_of(example.text)].append(example)
    return out


def _offenseval_example(text: str, label: str) -> Example:
    off = float(label.strip() == "OFF")
    return Example(text, targets(toxicity=off), "offenseval_tr", int(off))


def load_offenseval_tr(root: Path) -> dict[str, list[Example]]:
    folder = root / "offenseval2020_tr"
    train = []
    with (folder / "offenseval-tr-training-v1.tsv").open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for parts in reader:
            if len(parts) == 3:
                train.append(_offenseval_example(parts[1], parts[2]))
    labels = {}
    with (folder / "offenseval-tr-labela-v1.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            ident, _, label = line.strip().partition(",")
            labels[ident] = label
    dev = []
    with (folder / "offenseval-tr-testset-v1.tsv").open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for parts in reader:
            if len(parts) == 2 and parts[0] in labels:
                dev.append(_offenseval_example(parts[1], labels[parts[0]]))
    return {"train": train, "dev": dev}


def load_chatterbot(data_dir: Path | str | None = None) -> dict[str, list[Example]]:
    """Benign conversational lines in the served languages (every label known to be 0)."""
    root = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    df = pd.read_csv(root / "chat" / "benign" / "chatterbot_lines.csv")
    df = df[df["lang"].isin(CHATTERBOT_NAMES)].drop_duplicates(subset=["text"])
    zeros = targets(**{label: 0.0 for label in LABELS})
    out: dict[str, list[Example]] = {"train": [], "dev": []}
    for lang, text in zip(df["lang"], df["text"], strict=True):
        example = Example(str(text), zeros, f"chatterbot_{CHATTERBOT_NAMES[lang]}", 0)
        out[split_of(example.text)].append(example)
    return out


LOADERS = {
    "germeval": load_germeval,
    "told_br": load_told_br,
    "mlma_fr": load_mlma_fr,
    "offenseval_tr": load_offenseval_tr,
}


def load_multilingual_splits(
    data_dir: Path | str | None = None,
) -> dict[str, dict[str, list[Example]]]:
    """``{source: {"train": [...], "dev": [...]}}`` for the four labelled sources and the
    chatterbot lines."""
    root = multilingual_dir(data_dir)
    splits = {source: loader(root) for source, loader in LOADERS.items()}
    splits["chatterbot"] = load_chatterbot(data_dir)
    return splits
