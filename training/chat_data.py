"""Load the chat-like sources in ``../shared/data/chat/`` onto the seven labels, split by text.

Three kinds of rows come from here:
  * benign chat (IRC, SMS ham, task dialogue turns, calm GoEmotions comments): all labels 0, so
    the model learns that short informal lines are normal, not that they are tweets to flag;
  * hate and threats that carry no swear word (Implicit Hate, Stormfront, ToxiGen seeds,
    HateXplain): toxicity and identity_attack, threat where the corpus says "threatening";
  * the benign chat dev rows, which never enter training and measure false positives.

Labels a corpus does not annotate stay NaN (masked in the loss). Splits reuse ``data.split_of``,
a hash of the text, so train and dev never share a line whatever the caps below.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from training.data import DEFAULT_DATA_DIR, LABELS, SEED, Example, load_splits, split_of

NAN = float("nan")
CHAT_DIR_NAME = "chat"

# Training caps per (source, class): chat lines are many and short, so sample them; keep the hate
# corpora large enough that hate without swear words is not a rarity in the mix.
TRAIN_CAPS: dict[str, dict[str, int]] = {
    "irc": {"benign": 7000},
    "sms": {"benign": 2200},
    "dialogue": {"benign": 2000},
    "goemotions": {"benign": 3000},
    "implicit_hate": {"hate": 4200, "benign": 3000},
    "stormfront": {"hate": 1000, "benign": 1800},
    "toxigen": {"hate": 10_000, "benign": 10_000},
    "hatexplain": {"hate": 2600, "offensive": 1800, "benign": 2600},
}
# Benign chat dev lines used to measure false positives (never trained on).
BENIGN_DEV_SIZE = {"irc": 1500, "sms": 1000, "dialogue": 1000}
HATE_DEV_SIZE = 600

_BOTS = {"ubotu", "ubottu", "ubot5", "ubot2", "lubotu", "chanserv", "nickserv"}
# GoEmotions ids for anger, annoyance, disapproval, disgust: those comments are not all benign.
_GOEMOTIONS_HOSTILE = {2, 3, 10, 11}
_PROFANITY_HINT = re.compile(
    r"\b(fuck\w*|shit\w*|bitch\w*|cunt\w*|dick\w*|ass|asshole\w*|bastard\w*|"
    r"whore\w*|slut\w*|fag\w*|retard\w*|nigg\w*|piss\w*|crap|damn)\b",
    re.IGNORECASE,
)


def chat_dir(data_dir: Path | str | None = None) -> Path:
    root = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    return root / CHAT_DIR_NAME


def _targets(**known: float) -> tuple[float, ...]:
    return tuple(known.get(lab, NAN) for lab in LABELS)


def _benign(text: str, source: str) -> Example:
    """All labels 0, except where the line swears: then leave toxicity and obscene unannotated
    (a benign corpus says nothing about how a swear word should score)."""
    if _PROFANITY_HINT.search(text):
        targets = tuple(NAN if lab in ("toxicity", "obscene") else 0.0 for lab in LABELS)
    else:
        targets = tuple(0.0 for _ in LABELS)
    return Example(text, targets, source, 0)


def _hate(text: str, source: str, threat: float = NAN) -> Example:
    return Example(
        text,
        _targets(toxicity=1.0, identity_attack=1.0, threat=threat, sexual_explicit=0.0),
        source,
        1,
    )


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text.strip('"').strip()


def load_irc(root: Path) -> list[Example]:
    rows = []
    with open(root / "benign" / "irc_messages_80k.csv", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            text = _clean(rec["text"]).lstrip(":").strip()
            if rec["nick"].lower() in _BOTS or not text or text.startswith("!"):
                continue
            if len(text) < 2 or text.startswith("=== "):
                continue
            rows.append(_benign(text, "irc"))
    return rows


def load_sms(root: Path) -> list[Example]:
    rows = []
    with open(root / "benign" / "sms_spam_collection.tsv", encoding="utf-8") as fh:
        for line in fh:
            kind, _, text = line.rstrip("\n").partition("\t")
            if kind == "ham" and text.strip():
                rows.append(_benign(_clean(text), "sms"))
    return rows


def load_dialogue(root: Path) -> list[Example]:
    df = pd.read_csv(root / "benign" / "sgd_user_turns_40k.csv")
    return [_benign(_clean(t), "dialogue") for t in df["text"].dropna()]


def goemotions_comments(root: Path) -> Iterator[tuple[str, bool]]:
    """Every GoEmotions comment, cleaned, with whether an annotator gave it a hostile emotion."""
    for part in ("train", "dev", "test"):
        with open(root / "benign" / "goemotions" / f"{part}.tsv", encoding="utf-8") as fh:
            for line in fh:
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 2:
                    continue
                ids = {int(x) for x in fields[1].split(",") if x.strip().isdigit()}
                yield _clean(fields[0]), bool(ids & _GOEMOTIONS_HOSTILE)


def load_goemotions(root: Path) -> list[Example]:
    return [
        _benign(text, "goemotions")
        for text, hostile in goemotions_comments(root)
        if text and not hostile and not _PROFANITY_HINT.search(text)
    ]


def load_implicit_hate(root: Path) -> list[Example]:
    folder = root / "hate" / "implicit_hate"
    stg1 = pd.read_csv(folder / "implicit_hate_v1_stg1_posts.tsv", sep="\t")
    stg2 = pd.read_csv(folder / "implicit_hate_v1_stg2_posts.tsv", sep="\t")
    subtype = {_clean(p): str(c) for p, c in zip(stg2["post"], stg2["implicit_class"], strict=True)}
    rows = []
    for post, cls in zip(stg1["post"], stg1["class"], strict=True):
        text = _clean(post)
        if not text:
            continue
        if cls == "not_hate":
            rows.append(Example(text, _targets(toxicity=0.0, identity_attack=0.0, threat=0.0),
                                "implicit_hate", 0))  # fmt: skip
        else:
            kind = subtype.get(text, "")
            threat = 1.0 if kind == "threatening" else (NAN if kind == "incitement" else 0.0)
            rows.append(_hate(text, "implicit_hate", threat))
    return rows


def load_stormfront(root: Path) -> list[Example]:
    df = pd.read_csv(root / "hate" / "stormfront" / "stormfront_sentences.csv")
    rows = []
    for text, label, contexts in zip(df["text"], df["label"], df["num_contexts"], strict=True):
        text = _clean(text)
        if not text or int(contexts) > 0:
            continue
        if label == "hate":
            rows.append(_hate(text, "stormfront"))
        elif label == "noHate":
            rows.append(Example(text, _targets(toxicity=0.0, identity_attack=0.0), "stormfront", 0))
    return rows


def load_toxigen(root: Path) -> list[Example]:
    df = pd.read_csv(root / "hate" / "toxigen" / "toxigen_seed_sentences.csv")
    rows = []
    for text, label in zip(df["text"], df["label"], strict=True):
        text = _clean(text).lstrip("- ").strip()
        if not text:
            continue
        if label == "hate":
            rows.append(_hate(text, "toxigen"))
        else:
            rows.append(Example(text, _targets(toxicity=0.0, identity_attack=0.0, threat=0.0),
                                "toxigen", 0))  # fmt: skip
    return rows


def load_hatexplain(root: Path) -> list[Example]:
    df = pd.read_csv(root / "hate" / "hatexplain" / "final_hateXplain.csv")
    rows = []
    for text, label in zip(df["comment"], df["label"], strict=True):
        text = _clean(text).replace("<user>", "@user").replace("<number>", "5")
        if not text:
            continue
        if label == "hatespeech":
            rows.append(_hate(text, "hatexplain"))
        elif label == "offensive":
            rows.append(Example(text, _targets(toxicity=1.0), "hatexplain", 1))
        else:
            # "normal" rows may swear ("lmao wow fuck you too"): the corpus judged hate, not
            # profanity, so leave toxicity unannotated where they do.
            tox = NAN if _PROFANITY_HINT.search(text) else 0.0
            rows.append(Example(text, _targets(toxicity=tox, identity_attack=0.0), "hatexplain", 0))
    return rows


CHAT_LOADERS = {
    "irc": load_irc,
    "sms": load_sms,
    "dialogue": load_dialogue,
    "goemotions": load_goemotions,
    "implicit_hate": load_implicit_hate,
    "stormfront": load_stormfront,
    "toxigen": load_toxigen,
    "hatexplain": load_hatexplain,
}
BENIGN_SOURCES = ("irc", "sms", "dialogue")
HATE_SOURCES = ("implicit_hate", "stormfront", "toxigen", "hatexplain")


def _class_of(ex: Example) -> str:
    if ex.binary_toxic == 0:
        return "benign"
    if ex.source == "hatexplain" and ex.targets[5] != 1.0:
        return "offensive"
    return "hate"


def _dedupe(rows: Iterable[Example]) -> list[Example]:
    seen: set[str] = set()
    out = []
    for ex in rows:
        key = ex.text.casefold()
        if key not in seen:
            seen.add(key)
            out.append(ex)
    return out


def _sample(rows: list[Example], n: int, seed: int) -> list[Example]:
    if len(rows) <= n:
        return rows
    idx = np.random.default_rng(seed).permutation(len(rows))[:n]
    return [rows[i] for i in sorted(idx)]


def load_chat_splits(data_dir: Path | str | None = None) -> dict[str, dict[str, list[Example]]]:
    """``{source: {"train": [...], "dev": [...]}}`` for the chat sources, caps applied."""
    root = chat_dir(data_dir)
    splits: dict[str, dict[str, list[Example]]] = {}
    for n, (source, loader) in enumerate(CHAT_LOADERS.items()):
        rows = _dedupe(loader(root))
        train = [ex for ex in rows if split_of(ex.text) == "train"]
        dev = [ex for ex in rows if split_of(ex.text) == "dev"]
        capped: list[Example] = []
        for cls, cap in TRAIN_CAPS[source].items():
            members = [ex for ex in train if _class_of(ex) == cls]
            capped.extend(_sample(members, cap, SEED + 10 * n + len(cls)))
        dev_size = BENIGN_DEV_SIZE.get(source, HATE_DEV_SIZE if source in HATE_SOURCES else 0)
        splits[source] = {"train": capped, "dev": _sample(dev, dev_size, SEED + 7 + n)}
    return splits


def load_all_splits(data_dir: Path | str | None = None) -> dict[str, dict[str, list[Example]]]:
    """Comment-site sources (``data.load_splits``) and chat sources together."""
    splits = load_splits(data_dir)
    splits.update(load_chat_splits(data_dir))
    return splits


def extra_benign(
    n: int,
    seed: int,
    splits: dict[str, dict[str, list[Example]]],
    data_dir: Path | str | None = None,
) -> list[Example]:
    """``n`` more real benign chat lines (IRC, SMS ham, dialogue turns) of at most 12 words from
    the train split, beyond the ones the caps took into ``splits``: a fine-tuning round that
    leans on written toxic lines replays these so short everyday chat keeps reading as chat."""
    root = chat_dir(data_dir)
    taken = {ex.text for source in BENIGN_SOURCES for ex in splits[source]["train"]}
    pool = [
        ex
        for source in BENIGN_SOURCES
        for ex in _dedupe(CHAT_LOADERS[source](root))
        if split_of(ex.text) == "train" and ex.text not in taken and len(ex.text.split()) <= 12
    ]
    return _sample(pool, n, seed)


def blocked_words(data_dir: Path | str | None = None) -> set[str]:
    """Single words of the English LDNOOBW list and the bundled profanity and slur packs: kept
    out of the vocabulary that written benign lines draw rare words from."""
    from chatmod.review.compile import builtin_terms

    lexicon = chat_dir(data_dir) / "lexicons_ldnoobw" / "en.txt"
    words = {w.strip().lower() for w in lexicon.read_text(encoding="utf-8").splitlines()}
    for pack in ("profanity", "slurs"):
        words |= {t.rstrip("*").lower() for t in builtin_terms(pack)}
    return {w for w in words if w and " " not in w}


if __name__ == "__main__":
    for src, parts in load_all_splits().items():
        toxic = sum(ex.binary_toxic for ex in parts["train"])
        print(
            f"{src:15s} train {len(parts['train']):6d} (toxic {toxic:5d})  dev {len(parts['dev'])}"
        )
