"""Does the sender's recent context make the second opinion confirm better than the first pass?

Usage (from the repo root, in .venv-torch):
    nice -n 15 .venv-torch/bin/python -m training.second_opinion_eval [--model DIR]
        [--policy FILE] [--data DIR] [--benign-per-kind N] [--toxic-limit N] [--json FILE]

Cases are (context, message, toxic?) built from dev rows only:
  * toxic-split: each toxic dev row of every source cut into 2-3 consecutive chunks at word
    boundaries; the last chunk is the message, the earlier ones the context (a toxic line
    typed over several messages);
  * irc: real IRC dev lines with the same nick's previous lines in the same log (at most 3,
    from the 20 lines before it: about two minutes of a busy channel), all benign;
  * benign-split: benign dev rows cut the same way.
The first pass is the real review pipeline on the message. Only the messages it delivers in
the gray zone (ALLOW with ``gray_zone`` set) reach the second opinion, and their context is
what the review would have delivered (context chunks denied by the first pass are dropped,
masked ones kept as masked). A second opinion confirms when ``confirmed_labels`` with the
room's thresholds is non-empty; the table reports precision and recall of those deletions
for the message alone (what the first pass's model already says, at 256 tokens), the joined
text alone, and the higher of the two (what ``ModelSecondOpinion`` ships). Nothing from the
data is written; ``--json`` writes the figures only.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatmod.escalation.second_opinion import ModelSecondOpinion, confirmed_labels
from chatmod.model.onnx_backend import OnnxToxicityModel
from chatmod.model.spec import SPEC
from chatmod.policy import load_policy
from chatmod.review import Reviewer
from training.chat_data import _BOTS, _clean, chat_dir, load_all_splits
from training.data import DEFAULT_DATA_DIR, split_of
from training.paths import REPO

SEED = 20240917
MAX_CHARS = 500  # a room's default max_length, and a record's context item limit
IRC_LOOKBACK_LINES = 20
CONTEXT_ITEMS = 3
SECOND_OPINION_TOKENS = SPEC.second_opinion_max_tokens
READINGS = ("alone", "joined", "max")


@dataclass(frozen=True)
class Case:
    kind: str  # toxic-split, irc, benign-split
    source: str
    context: tuple[str, ...]
    message: str
    toxic: bool


def split_line(text: str, rng: random.Random) -> tuple[tuple[str, ...], str] | None:
    """The line cut into 2-3 consecutive word chunks: (earlier chunks, last chunk)."""
    words = text.split()
    if len(words) < 2:
        return None
    parts = rng.choice((2, 3)) if len(words) >= 3 else 2
    cuts = sorted(rng.sample(range(1, len(words)), parts - 1))
    bounds = [0, *cuts, len(words)]
    chunks = [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
    if any(len(c) > MAX_CHARS for c in chunks):
        return None
    return tuple(chunks[:-1]), chunks[-1]


def split_cases(
    splits: dict[str, dict[str, list[Any]]], toxic: bool, limit: int | None, rng: random.Random
) -> list[Case]:
    rows = [
        ex for source, parts in splits.items() for ex in parts["dev"] if ex.binary_toxic == toxic
    ]
    if limit is not None and len(rows) > limit:
        rows = rng.sample(rows, limit)
    kind = "toxic-split" if toxic else "benign-split"
    cases = []
    for ex in rows:
        cut = split_line(ex.text, rng)
        if cut is not None:
            cases.append(Case(kind, ex.source, cut[0], cut[1], toxic))
    return cases


def irc_cases(data_dir: Path, limit: int, rng: random.Random) -> list[Case]:
    """Dev lines with the same nick's earlier lines in the same log as their context."""
    path = chat_dir(data_dir) / "benign" / "irc_messages_80k.csv"
    recent: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # file -> (row, nick, text)
    cases = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row, rec in enumerate(csv.DictReader(fh)):
            text = _clean(rec["text"]).lstrip(":").strip()
            nick = rec["nick"].lower()
            if nick in _BOTS or len(text) < 2 or text.startswith(("!", "=== ")):
                continue
            window = recent[rec["file"]]
            window[:] = [w for w in window if row - w[0] <= IRC_LOOKBACK_LINES]
            if split_of(text) == "dev" and len(text) <= MAX_CHARS:
                context = tuple(t for _, n, t in window if n == nick)[-CONTEXT_ITEMS:]
                cases.append(Case("irc", "irc", context, text, False))
            window.append((row, nick, text))
    with_context = [c for c in cases if c.context]
    return rng.sample(with_context, min(limit, len(with_context)))


def precision_recall(confirmed: list[bool], toxic: list[bool]) -> dict[str, float | int]:
    tp = sum(c and t for c, t in zip(confirmed, toxic, strict=True))
    fp = sum(c and not t for c, t in zip(confirmed, toxic, strict=True))
    positives = sum(toxic)
    return {
        "confirmed": tp + fp,
        "tp": tp,
        "fp": fp,
        "precision": round(tp / (tp + fp), 4) if tp + fp else float("nan"),
        "recall": round(tp / positives, 4) if positives else float("nan"),
    }


def delivered_context(reviewer: Reviewer, context: tuple[str, ...]) -> tuple[str, ...]:
    """The context as the room saw it: denied chunks never arrived, masked ones as masked."""
    kept = []
    for text in context:
        decision = reviewer.review_text(text)
        if decision.result == "ALLOW":
            kept.append(decision.content)
    return tuple(kept)


def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(SEED)
    policy = load_policy(args.policy)
    first = Reviewer(policy, OnnxToxicityModel(args.model, threads=args.threads))
    second = ModelSecondOpinion(
        OnnxToxicityModel(args.model, threads=args.threads, max_tokens=SECOND_OPINION_TOKENS)
    )
    model_policy = first.room("").policy.model
    splits = load_all_splits(args.data)
    cases = (
        split_cases(splits, True, args.toxic_limit, rng)
        + irc_cases(Path(args.data), args.benign_per_kind, rng)
        + split_cases(splits, False, args.benign_per_kind, rng)
    )
    started = time.perf_counter()
    seen: dict[str, list[bool]] = {"toxic": [], **{r: [] for r in READINGS}}
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in cases:
        decision = first.review_text(case.message)
        kinds[case.kind]["cases"] += 1
        kinds[case.kind][decision.result.lower()] += 1
        if decision.result != "ALLOW" or not decision.gray_zone:
            continue
        kinds[case.kind]["gray_zone"] += 1
        context = delivered_context(first, case.context)
        readings = second.readings(decision.content, context)
        scored = {
            "alone": readings.alone,
            "joined": readings.joined if readings.joined is not None else readings.alone,
            "max": readings.combined(),
        }
        seen["toxic"].append(case.toxic)
        for name, scores in scored.items():
            hit = bool(confirmed_labels(scores, model_policy, decision.gray_zone))
            seen[name].append(hit)
            kinds[case.kind][f"confirmed_{name}"] += hit
    report: dict[str, Any] = {
        "model": str(args.model),
        "model_name": first.model.name if first.model else None,
        "policy": args.policy or "bundled",
        "seconds": round(time.perf_counter() - started, 1),
        "kinds": {k: dict(v) for k, v in kinds.items()},
        "readings": {r: precision_recall(seen[r], seen["toxic"]) for r in READINGS},
        "toxic_cases": sum(c.toxic for c in cases),
        "gray_zone_toxic": sum(seen["toxic"]),
        "gray_zone_benign": len(seen["toxic"]) - sum(seen["toxic"]),
    }
    return report


def print_table(report: dict[str, Any]) -> None:
    print(f"model {report['model_name']} ({report['model']}), policy {report['policy']}")
    print(f"{'kind':14s} {'cases':>6s} {'deny':>6s} {'allow':>6s} {'gray':>6s}  confirmed a/j/max")
    for kind, n in report["kinds"].items():
        confirmed = "/".join(str(n.get(f"confirmed_{r}", 0)) for r in READINGS)
        print(
            f"{kind:14s} {n.get('cases', 0):6d} {n.get('deny', 0):6d} {n.get('allow', 0):6d} "
            f"{n.get('gray_zone', 0):6d}  {confirmed}"
        )
    print(
        f"\ngray-zone deliveries seen by the second opinion: {report['gray_zone_toxic']} toxic, "
        f"{report['gray_zone_benign']} benign (of {report['toxic_cases']} toxic cases)"
    )
    print(
        f"{'reading':26s} {'confirmed':>9s} {'TP':>5s} {'FP':>5s} {'precision':>9s} {'recall':>7s}"
    )
    names = {
        "alone": "message alone (1st pass)",
        "joined": "context + message",
        "max": "max of both (shipped)",
    }
    for reading, row in report["readings"].items():
        print(
            f"{names[reading]:26s} {row['confirmed']:9d} {row['tp']:5d} {row['fp']:5d} "
            f"{row['precision']:9.4f} {row['recall']:7.4f}"
        )
    print(f"({report['seconds']} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(REPO / "layers" / "model" / "chatmod-minilm"))
    parser.add_argument("--policy", default=None, help="policy file (default: the bundled one)")
    parser.add_argument("--data", default=str(DEFAULT_DATA_DIR))
    parser.add_argument("--benign-per-kind", type=int, default=3000)
    parser.add_argument("--toxic-limit", type=int, default=None, help="sample toxic rows")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args()
    report = evaluate(args)
    print_table(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
