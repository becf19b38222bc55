"""Are the starred words the ones people called toxic? Attribution judged on Toxic Spans.

Runs the whole review pipeline (rules, model, attribution, the bundled policy at one level)
over the SemEval-2021 test posts of Toxic Spans (never trained on: ``real_data`` keeps them
dev) and compares the characters it stars with the characters the raters marked:
  * precision: of the starred characters, the share inside a rater span;
  * recall: of the marked characters, the share starred (on posts delivered, and on all posts);
  * per-post F1 as SemEval scored it (a post with no gold span and nothing starred scores 1).
Denied posts star nothing: they count in "all posts" recall as misses of their spans.

Usage: .venv-torch/bin/python -m training.evaluate_spans [--model-dir DIR] [--level standard]
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import numpy as np
import pandas as pd

from chatmod.review.decision import Decision
from training.paths import REPO
from training.real_data import more_dir

MODEL_DIR = REPO / "layers" / "model" / "chatmod-minilm"


def starred(decision: Decision) -> set[int]:
    return {i for h in decision.hits if h.action == "mask" for i in range(h.start, h.end)}


def score(level: str, model_dir: Path, limit: int = 0) -> dict[str, float]:
    from chatmod.model.onnx_backend import OnnxToxicityModel
    from chatmod.policy import parse_policy
    from chatmod.review import Reviewer

    policy = parse_policy(f"defaults:\n  model:\n    level: {level}\n")
    reviewer = Reviewer(policy, OnnxToxicityModel(model_dir))
    df = pd.read_csv(more_dir() / "toxic_spans" / "SemEval2021_data_tsd_test.csv")
    if limit:
        df = df.head(limit)
    tp = fp = fn = fn_delivered = 0
    f1s: list[float] = []
    denied = 0
    for spans, text in zip(df["spans"], df["text"], strict=True):
        gold = set(ast.literal_eval(spans))
        decision = reviewer.review_text(str(text), enforce_length=False)
        stars = starred(decision) if decision.result == "ALLOW" else set()
        denied += decision.result == "DENY"
        tp += len(stars & gold)
        fp += len(stars - gold)
        fn += len(gold - stars)
        if decision.result == "ALLOW":
            fn_delivered += len(gold - stars)
        if not gold:
            f1s.append(1.0 if not stars else 0.0)
        elif not stars:
            f1s.append(0.0)
        else:
            p, r = len(stars & gold) / len(stars), len(stars & gold) / len(gold)
            f1s.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return {
        "posts": float(len(df)),
        "denied_share": denied / len(df),
        "precision": tp / max(1, tp + fp),
        "recall_delivered": tp / max(1, tp + fn_delivered),
        "recall_all": tp / max(1, tp + fn),
        "semeval_f1": float(np.mean(f1s)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", default=str(MODEL_DIR))
    parser.add_argument("--levels", nargs="*", default=["relaxed", "standard", "strict"])
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    columns = ("posts", "denied %", "starred precision", "recall (delivered)", "recall (all)")
    print("| level | " + " | ".join(columns) + " | SemEval F1 |")
    print("|---|---|---|---|---|---|---|")
    for level in args.levels:
        r = score(level, Path(args.model_dir), args.limit)
        print(f"| {level} | {r['posts']:.0f} | {100 * r['denied_share']:.1f} | "
              f"{r['precision']:.3f} | {r['recall_delivered']:.3f} | {r['recall_all']:.3f} | "
              f"{r['semeval_f1']:.3f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
