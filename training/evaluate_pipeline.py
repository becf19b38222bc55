"""Decisions of the full review pipeline (rules + model + policy) on each source's dev split.

Usage (from the repo root):
    .venv-torch/bin/python training/evaluate_pipeline.py [DATA_DIR] [--policy FILE] [--json F]

For each source it reports, against the binary toxicity label:
- DENY precision/recall (a DENY should rarely be wrong: it blocks a viewer's message);
- "acted on" precision/recall, where acting is a DENY or a delivered-but-masked message;
- ROC-AUC of the toxicity score the scoring interface reports;
and the same precision/recall for alt-profanity-check (``predict``) as a baseline.
The splits are ``data.load_splits`` (MD5 of each text), the ones training and tuning use.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "layers" / "chatmod"))

from data import DEFAULT_DATA_DIR, load_splits  # noqa: E402


def precision_recall(y: np.ndarray, flagged: np.ndarray) -> dict[str, float | int]:
    tp = int(np.sum(flagged & (y == 1)))
    fp = int(np.sum(flagged & (y == 0)))
    fn = int(np.sum(~flagged & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return {"precision": round(precision, 4), "recall": round(recall, 4), "flagged": tp + fp}


def evaluate(data_dir: str | Path, policy: str | None) -> dict[str, Any]:
    from profanity_check import predict as profanity_predict

    from chatmod.pipeline import Reviewer, load_model_from_settings
    from chatmod.settings import Settings

    settings = Settings(policy_file=policy, model_threads=2)
    reviewer = Reviewer.from_settings(settings, load_model_from_settings(settings))
    report: dict[str, Any] = {"policy": policy or "default", "sources": {}}
    pooled: dict[str, list[np.ndarray]] = {
        "y": [],
        "deny": [],
        "acted": [],
        "score": [],
        "base": [],
    }
    for source, split in load_splits(data_dir).items():
        rows = split["dev"]
        texts = [r.text for r in rows]
        y = np.array([int(r.binary_toxic) for r in rows])
        decisions = reviewer.review_many(texts, enforce_length=False)  # as `chatmod score`
        deny = np.array([d.result == "DENY" for d in decisions])
        acted = np.array([d.result == "DENY" or d.modified for d in decisions])
        score = np.array([d.scores.get("toxicity", 0.0) for d in decisions])
        base = np.array(profanity_predict(texts)).astype(bool)
        report["sources"][source] = {
            "rows": len(rows),
            "toxic_share": round(float(y.mean()), 3),
            "deny": precision_recall(y, deny),
            "acted_on": precision_recall(y, acted),
            "toxicity_auc": round(float(roc_auc_score(y, score)), 4),
            "baseline_profanity_check": precision_recall(y, base),
        }
        for key, value in (
            ("y", y),
            ("deny", deny),
            ("acted", acted),
            ("score", score),
            ("base", base),
        ):
            pooled[key].append(value)
    y_all, score_all = np.concatenate(pooled["y"]), np.concatenate(pooled["score"])
    report["sources"]["pooled"] = {
        "rows": len(y_all),
        "toxic_share": round(float(y_all.mean()), 3),
        "deny": precision_recall(y_all, np.concatenate(pooled["deny"])),
        "acted_on": precision_recall(y_all, np.concatenate(pooled["acted"])),
        "toxicity_auc": round(float(roc_auc_score(y_all, score_all)), 4),
        "baseline_profanity_check": precision_recall(y_all, np.concatenate(pooled["base"])),
    }
    return report


def print_report(report: dict[str, Any]) -> None:
    print(f"full pipeline decisions on the dev splits (policy: {report['policy']})")
    header = (
        f"{'source':<16}{'rows':>6}  {'DENY P':>7} {'DENY R':>7}  {'acted P':>8} {'acted R':>8}"
    )
    print(header + f"  {'AUC':>6}  {'baseline P':>10} {'baseline R':>10}")
    for source, r in report["sources"].items():
        deny = r["deny"]
        print(
            f"{source:<16}{r['rows']:>6}  {deny['precision']:>7.3f} {deny['recall']:>7.3f}"
            f"  {r['acted_on']['precision']:>8.3f} {r['acted_on']['recall']:>8.3f}"
            f"  {r['toxicity_auc']:>6.3f}  {r['baseline_profanity_check']['precision']:>10.3f}"
            f" {r['baseline_profanity_check']['recall']:>10.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(DEFAULT_DATA_DIR))
    parser.add_argument("--policy", default=None, help="policy file (default: the bundled one)")
    parser.add_argument("--json", default=None, help="also write the report as JSON here")
    args = parser.parse_args()
    report = evaluate(args.data_dir, args.policy)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
