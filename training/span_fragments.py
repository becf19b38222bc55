"""Chat-length lines cut out of Toxic Spans posts, labelled by the raters' own spans.

A Civil Comments post runs to several sentences; a chat line is one. Toxic Spans says, per
rater, which characters carry the toxicity and of what kind (insult, threat, identity attack,
profanity), so each sentence of a post can be labelled on its own: its toxicity is the share of
raters who marked a span inside it (or called the whole post toxic), and each kind the share who
marked a span of that kind inside it. A rater who called the post "not toxic" counts 0 for every
sentence. That gives real short threats, insults and identity attacks, and real harmless
sentences from the same posts, none of them written here.

A fragment keeps its post's split (train or dev, and the SemEval test posts are dev: they judge
which words get starred), so no dev post leaks into training through its sentences. Fragments
are tagged ``toxic_spans:fragment``, so holding out Toxic Spans holds them out too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from training.chat_data import _clean, _dedupe, _targets
from training.data import Example, split_of

SOURCE = "toxic_spans:fragment"
KINDS = {
    "Insult": "insult",
    "Threat": "threat",
    "Identity based Attack": "identity_attack",
    "Profane/Obscene": "obscene",
}
MIN_WORDS = 2
MAX_WORDS = 40
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, in characters of the raw post."""
    out: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            out.append((start, match.start()))
        start = match.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def rater_marks(folder: Path) -> dict[int, list[tuple[bool, bool, list[tuple[int, int, str]]]]]:
    """Per post: one (not toxic, all toxic, [(start, end, kind)]) per rater (the whole posts of
    ``real_data.load_toxic_spans`` and the sentences here are labelled from the same marks)."""
    notes = pd.read_csv(folder / "data_annotations.csv")
    spans = pd.read_csv(folder / "data_spans.csv")
    marked: dict[int, list[tuple[int, int, str]]] = {}
    for annotation, kind, start, end in zip(
        spans["annotation"], spans["type"], spans["start"], spans["end"], strict=True
    ):
        marked.setdefault(int(annotation), []).append((int(start), int(end), str(kind)))
    per_post: dict[int, list[tuple[bool, bool, list[tuple[int, int, str]]]]] = {}
    for annotation, post, all_toxic, not_toxic in zip(
        notes["annotation"], notes["comment_id"], notes["all toxic"], notes["not toxic"],
        strict=True,
    ):  # fmt: skip
        per_post.setdefault(int(post), []).append(
            (bool(not_toxic), bool(all_toxic), marked.get(int(annotation), []))
        )
    return per_post


def fragment_rows(
    post: str, votes: list[tuple[bool, bool, list[tuple[int, int, str]]]]
) -> list[Example]:
    """The labelled sentences of one raw post (none when the post is a single sentence)."""
    parts = sentences(post)
    if len(parts) < 2 or not votes:
        return []
    rows = []
    n = float(len(votes))
    for start, end in parts:
        text = _clean(post[start:end])
        if not MIN_WORDS <= len(text.split()) <= MAX_WORDS:
            continue
        toxic = 0
        kinds = dict.fromkeys(KINDS.values(), 0)
        for not_toxic, all_toxic, spans in votes:
            if not_toxic:
                continue
            inside = [kind for s, e, kind in spans if s < end and e > start]
            if all_toxic or inside:
                toxic += 1
            for kind in {KINDS[k] for k in inside if k in KINDS}:
                kinds[kind] += 1
        tox = toxic / n
        shares = {kind: count / n for kind, count in kinds.items()}
        rows.append(Example(text, _targets(toxicity=tox, **shares), SOURCE, int(tox >= 0.5)))
    return rows


def load_span_fragments(folder: Path, test_posts: set[str]) -> dict[str, list[Example]]:
    """``{"train": [...], "dev": [...]}``: each fragment in its post's split."""
    comments = pd.read_csv(folder / "data_comments.csv")
    per_post = rater_marks(folder)
    split: dict[str, list[Example]] = {"train": [], "dev": []}
    for post_id, raw in zip(comments["comment_id"], comments["comment_text"], strict=True):
        post = _clean(raw)
        if not post:
            continue
        part = "dev" if split_of(post) == "dev" or post in test_posts else "train"
        split[part] += fragment_rows(str(raw), per_post.get(int(post_id), []))
    # One sentence may recur in several posts; keep the first, and none in both splits.
    dev_texts = {ex.text for ex in split["dev"]}
    split["train"] = [ex for ex in _dedupe(split["train"]) if ex.text not in dev_texts]
    split["dev"] = _dedupe(split["dev"])
    return split
