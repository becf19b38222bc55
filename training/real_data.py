"""Every real labelled and benign source, uncapped, under one name each: the rows a model trains
on and the sources the leave-one-source-out protocol (``training/loso.py``) holds out.

Adds the sets of ``../shared/data/more/`` to the loaders of ``data.py`` and ``chat_data.py``:
  * Toxic Spans: rater shares per post (toxicity = share of raters who did not call it "not
    toxic"; insult, threat, identity_attack, obscene = share of raters who marked such a span);
    the SemEval test posts stay out of training: they judge which words get starred;
  * ConvAbuse: user turns to chatbots, toxicity = share of annotators who called the turn
    abusive (-1..-3), severe_toxicity = share at -3, identity_attack and sexual_explicit from
    the abuse types, insult from abuse aimed at the agent itself;
  * EDOS: sexist posts as toxicity + identity_attack (threat from the threats category); the
    "not sexist" rows are often still rude, so only identity_attack is 0 on them;
  * OpenAI's moderation set: hate, harassment and violence as toxicity and their labels, sexual
    content as sexual_explicit; self-harm alone says nothing about toxicity (masked).
Benign chat adds chatterbot's English lines. Nothing here caps a source: sampling for a budget
is the caller's choice, made visibly (``sample_benign``).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from training.chat_data import CHAT_LOADERS, NAN, _benign, _clean, _dedupe, _targets, chat_dir
from training.data import (
    DEFAULT_DATA_DIR,
    LABELS,
    Example,
    load_civil,
    load_davidson,
    load_jigsaw,
    split_of,
)

MORE_DIR_NAME = "more"

# Labelled sources: toxic and non-toxic rows, judged by ROC-AUC when held out.
LABELLED: tuple[str, ...] = (
    "civil_comments",
    "jigsaw",
    "davidson",
    "implicit_hate",
    "stormfront",
    "toxigen",
    "hatexplain",
    "toxic_spans",
    "convabuse",
    "edos",
    "openai_moderation",
)
# Benign sources: every line harmless, judged by the share denied / acted on when held out.
BENIGN: tuple[str, ...] = ("irc", "sms", "dialogue", "goemotions", "chatterbot_en")


def more_dir(data_dir: Path | str | None = None) -> Path:
    root = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    return root / MORE_DIR_NAME


def semeval_test_texts(data_dir: Path | str | None = None) -> set[str]:
    """Posts of Toxic Spans' SemEval test split (kept out of training: the attribution judge)."""
    df = pd.read_csv(more_dir(data_dir) / "toxic_spans" / "SemEval2021_data_tsd_test.csv")
    return {_clean(t) for t in df["text"]}


def load_toxic_spans(data_dir: Path | str | None = None) -> list[Example]:
    from training.span_fragments import KINDS, rater_marks

    folder = more_dir(data_dir) / "toxic_spans"
    comments = pd.read_csv(folder / "data_comments.csv")
    per_post = rater_marks(folder)
    rows = []
    for post, text in zip(comments["comment_id"], comments["comment_text"], strict=True):
        votes = per_post.get(int(post))
        text = _clean(text)
        if not votes or not text:
            continue
        n = float(len(votes))
        tox = sum(not not_toxic for not_toxic, _, _ in votes) / n
        marked = [{KINDS[k] for _, _, k in spans if k in KINDS} for _, _, spans in votes]
        shares = {k: sum(k in m for m in marked) / n for k in KINDS.values()}
        rows.append(Example(text, _targets(toxicity=tox, **shares), "toxic_spans", int(tox >= 0.5)))
    return rows


def load_convabuse(data_dir: Path | str | None = None) -> list[Example]:
    df = pd.read_csv(more_dir(data_dir) / "convabuse" / "1_full_ConvAbuseEMNLPfull.csv")
    abusive = df[["is_abuse.-1", "is_abuse.-2", "is_abuse.-3"]].sum(axis=1) > 0
    df = df.assign(
        abusive=abusive.astype(float),
        severe=df["is_abuse.-3"].astype(float),
        identity=(
            df[["type.racist", "type.sexist", "type.homophobic", "type.transphobic",
                "type.ableism"]].sum(axis=1) > 0
        ).astype(float),
        sexual=df["type.sex_harassment"].astype(float),
        insult=(abusive & (df["target.system"] > 0)).astype(float),
        text=df["user"].map(_clean),
    )  # fmt: skip
    grouped = df.groupby("text")[["abusive", "severe", "identity", "sexual", "insult"]].mean()
    rows = []
    for text, rec in grouped.iterrows():
        if not text:
            continue
        targets = _targets(
            toxicity=rec["abusive"],
            severe_toxicity=rec["severe"],
            identity_attack=rec["identity"],
            sexual_explicit=rec["sexual"],
            insult=rec["insult"],
        )
        rows.append(Example(str(text), targets, "convabuse", int(rec["abusive"] >= 0.5)))
    return rows


def load_edos(data_dir: Path | str | None = None) -> list[Example]:
    df = pd.read_csv(more_dir(data_dir) / "edos" / "data_edos_labelled_aggregated.csv")
    rows = []
    for text, sexist, category in zip(
        df["text"], df["label_sexist"], df["label_category"], strict=True
    ):
        text = _clean(text).replace("[USER]", "@user").replace("[URL]", "").strip()
        if not text:
            continue
        if sexist == "sexist":
            threat = 1.0 if str(category).startswith("1.") else 0.0
            targets = _targets(toxicity=1.0, identity_attack=1.0, threat=threat)
            rows.append(Example(text, targets, "edos", 1))
        else:
            rows.append(Example(text, _targets(identity_attack=0.0), "edos", 0))
    return rows


def load_openai_moderation(data_dir: Path | str | None = None) -> list[Example]:
    rows = []
    path = more_dir(data_dir) / "openai_moderation" / "samples-dedup.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = _clean(rec.get("prompt", ""))
            if not text:
                continue

            def val(*keys: str, rec: dict[str, object] = rec) -> float:
                known = [float(str(rec[k])) for k in keys if rec.get(k) is not None]
                return max(known) if known else NAN

            hostile = val("H", "HR", "V", "H2", "V2", "S3")
            flagged = val("S", "H", "V", "HR", "SH", "S3", "H2", "V2")
            targets = _targets(
                toxicity=hostile,
                identity_attack=val("H", "H2"),
                insult=val("HR"),
                threat=val("V", "V2"),
                sexual_explicit=val("S", "S3"),
            )
            binary = int(flagged == 1.0)
            rows.append(Example(text, targets, "openai_moderation", binary))
    return rows


def load_goemotions_swearing(data_dir: Path | str | None = None) -> list[Example]:
    """Reddit comments that swear with no anger, annoyance, disapproval or disgust among their
    emotions (``load_goemotions`` leaves them out): real swearing that is not hostile. The
    recipe keeps those whose swear word aims at nobody (``train_real._untargeted``)."""
    from training.chat_data import _PROFANITY_HINT, goemotions_comments

    return [
        _benign(text, "goemotions_swearing")
        for text, hostile in goemotions_comments(chat_dir(data_dir))
        if text and not hostile and _PROFANITY_HINT.search(text)
    ]


# chatterbot's psychology.yml is what users say to the bot about itself, most of it insults
# ("you are a waste", "you are disgusting", "you are a coward"), each with the bot's reply. A
# model that denies insults aimed at someone denies many of them, so the benign judge is also
# reported without that file ("chatterbot_en_chat").
CHATTERBOT_INSULT_FILES = ("psychology.yml",)


def load_chatterbot_en(
    data_dir: Path | str | None = None, skip_files: tuple[str, ...] = ()
) -> list[Example]:
    df = pd.read_csv(chat_dir(data_dir) / "benign" / "chatterbot_lines.csv")
    kept = (df["lang"] == "english") & ~df["file"].isin(skip_files)
    texts = df.loc[kept, "text"].dropna()
    return [_benign(_clean(t), "chatterbot_en") for t in texts if _clean(t)]


def _chat(name: str) -> Callable[[Path | str | None], list[Example]]:
    return lambda data_dir: CHAT_LOADERS[name](chat_dir(data_dir))


LOADERS: dict[str, Callable[[Path | str | None], list[Example]]] = {
    "civil_comments": lambda d: load_civil(Path(d) if d else DEFAULT_DATA_DIR),
    "jigsaw": lambda d: load_jigsaw(Path(d) if d else DEFAULT_DATA_DIR),
    "davidson": lambda d: load_davidson(Path(d) if d else DEFAULT_DATA_DIR),
    "implicit_hate": _chat("implicit_hate"),
    "stormfront": _chat("stormfront"),
    "toxigen": _chat("toxigen"),
    "hatexplain": _chat("hatexplain"),
    "toxic_spans": load_toxic_spans,
    "convabuse": load_convabuse,
    "edos": load_edos,
    "openai_moderation": load_openai_moderation,
    "irc": _chat("irc"),
    "sms": _chat("sms"),
    "dialogue": _chat("dialogue"),
    "goemotions": _chat("goemotions"),
    "chatterbot_en": load_chatterbot_en,
    "chatterbot_en_chat": lambda d: load_chatterbot_en(d, skip_files=CHATTERBOT_INSULT_FILES),
    "goemotions_swearing": load_goemotions_swearing,
}


# Sentences cut out of Toxic Spans posts (``span_fragments``): split by their post, not their text.
FRAGMENTS = "toxic_spans_fragments"


def load_source(name: str, data_dir: Path | str | None = None) -> dict[str, list[Example]]:
    """``{"train": [...], "dev": [...]}`` for one source, de-duplicated, split by text hash;
    Toxic Spans' SemEval test posts are always dev."""
    if name == FRAGMENTS:
        from training.span_fragments import load_span_fragments

        return load_span_fragments(more_dir(data_dir) / "toxic_spans", semeval_test_texts(data_dir))
    rows = _dedupe(LOADERS[name](data_dir))
    test = semeval_test_texts(data_dir) if name == "toxic_spans" else set()
    train = [ex for ex in rows if split_of(ex.text) == "train" and ex.text not in test]
    dev = [ex for ex in rows if split_of(ex.text) == "dev" or ex.text in test]
    return {"train": train, "dev": dev}


def load_everything(
    names: Iterable[str] = (*LABELLED, *BENIGN), data_dir: Path | str | None = None
) -> dict[str, dict[str, list[Example]]]:
    return {name: load_source(name, data_dir) for name in names}


def sample_benign(rows: list[Example], n: int, seed: int) -> list[Example]:
    """At most ``n`` rows, a fixed sample (the caller states every cap it applies)."""
    if len(rows) <= n:
        return rows
    idx = np.random.default_rng(seed).permutation(len(rows))[:n]
    return [rows[i] for i in sorted(idx)]


if __name__ == "__main__":
    for src, parts in load_everything().items():
        tox = sum(ex.binary_toxic for ex in parts["train"])
        known = {
            lab: int(sum(1 for ex in parts["train"] if ex.targets[i] == ex.targets[i]))
            for i, lab in enumerate(LABELS)
        }
        print(f"{src:18s} train {len(parts['train']):6d} (toxic {tox:5d}) dev "
              f"{len(parts['dev']):6d} known {known}")  # fmt: skip
