"""Model-level metrics of the shipped int8 ONNX model on each source's dev split.

Usage (from the repo root):
    .venv-torch/bin/python -m training.evaluate [DATA_DIR] [--model-dir DIR] [--json out.json]

Reports per-source, per-label ROC-AUC (labels a source does not annotate are skipped), the
toxicity ROC-AUC of alt-profanity-check on the same rows as a baseline, and precision/recall of
the model alone at the recommended deny/mask thresholds from labels.json. Splits come from
``data.load_splits`` (MD5 of each text), the same ones training and threshold tuning use.
Also scores a few hand-written probes (identity mentions, obfuscated insults) that appear in no
training data, as a smoke test of the failure modes that matter in chat.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from training.data import DEFAULT_DATA_DIR, LABELS
from training.paths import REPO
from training.thresholds import dev_predictions, label_arrays

# Written for this script; not in the training templates.
NEUTRAL_PROBES = (
    "my grandmother is a devout Sikh and makes the best food",
    "We hosted a Pride party for our gay neighbors",
    "I'm a Black trans woman and I love this channel",
    "he's Jewish and teaches history at my school",
    "As a Muslim, I fast during Ramadan",
    "my girlfriend is Mexican and bisexual",
    "the deaf community has its own rich culture",
    "gg everyone, that was a close match",
)
TOXIC_PROBES = (
    "you are a f*cking idiot",
    "k i l l yourself loser",
    "shut up you stup1d b1tch",
    "\u0443\u043eu \u0430r\u0435 tr\u0430sh",  # Cyrillic look-alikes for "you are trash"
    "go back to your country you filthy immigrant",
    "nobody likes you, ugly fat pig",
)


def auc_or_none(y: np.ndarray, p: np.ndarray) -> float | None:
    if len(set(y.tolist())) < 2:
        return None
    return float(roc_auc_score(y, p))


def precision_recall(y: np.ndarray, p: np.ndarray, t: float) -> dict[str, float | int]:
    flagged = p >= t
    tp = int((flagged & (y == 1)).sum())
    return {
        "threshold": t,
        "flagged": int(flagged.sum()),
        "precision": round(tp / flagged.sum(), 4) if flagged.sum() else float("nan"),
        "recall": round(tp / (y == 1).sum(), 4) if (y == 1).sum() else float("nan"),
    }


def profanity_baseline(preds: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    try:
        from profanity_check import predict_prob
    except ImportError:
        return {}
    out: dict[str, float | None] = {}
    ys, ps = [], []
    for source, d in preds.items():
        p = np.asarray(predict_prob(d["texts"]), dtype=np.float64)
        out[source] = auc_or_none(d["binary"], p)
        ys.append(d["binary"])
        ps.append(p)
    out["pooled"] = auc_or_none(np.concatenate(ys), np.concatenate(ps))
    return out


def evaluate(model_dir: Path, data_dir: str | Path) -> dict[str, Any]:
    from chatmod.model.onnx_backend import OnnxToxicityModel

    model = OnnxToxicityModel(model_dir, threads=2)
    started = time.perf_counter()
    preds = dev_predictions(model, data_dir)
    elapsed = time.perf_counter() - started
    thresholds = model.meta.get("recommended_thresholds", {})
    report: dict[str, Any] = {
        "model": model.name,
        "dev_rows": {s: len(d["texts"]) for s, d in preds.items()},
        "auc": {},
        "baseline_profanity_check_toxicity_auc": profanity_baseline(preds),
        "thresholds": {},
    }
    for j, label in enumerate(LABELS):
        arrays = label_arrays(preds, j)
        per_source = {s: auc_or_none(y, p) for s, (y, p) in arrays.items()}
        if arrays:
            y_all = np.concatenate([y for y, _ in arrays.values()])
            p_all = np.concatenate([p for _, p in arrays.values()])
            per_source["pooled"] = auc_or_none(y_all, p_all)
            th = thresholds.get(label)
            if th:
                report["thresholds"][label] = {
                    kind: {
                        "pooled": precision_recall(y_all, p_all, th[kind]),
                        **{s: precision_recall(y, p, th[kind]) for s, (y, p) in arrays.items()},
                    }
                    for kind in ("deny", "mask")
                }
        report["auc"][label] = per_source
    probes = {
        "neutral_identity": dict(
            zip(NEUTRAL_PROBES, (s["toxicity"] for s in model.predict(NEUTRAL_PROBES)), strict=True)
        ),
        "toxic_obfuscated": dict(
            zip(TOXIC_PROBES, (s["toxicity"] for s in model.predict(TOXIC_PROBES)), strict=True)
        ),
    }
    report["probes_toxicity"] = probes
    report["seconds"] = round(elapsed, 1)
    return report


def fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:.4f}"


def print_report(report: dict[str, Any]) -> None:
    sources = [*list(report["dev_rows"]), "pooled"]
    print(f"model {report['model']}; dev rows {report['dev_rows']} ({report['seconds']} s)\n")
    print("ROC-AUC per label and source")
    print(f"{'label':<18}" + "".join(f"{s:>16}" for s in sources))
    for label, per in report["auc"].items():
        print(f"{label:<18}" + "".join(f"{fmt(per.get(s)):>16}" for s in sources))
    base = report["baseline_profanity_check_toxicity_auc"]
    if base:
        print(f"{'profanity-check':<18}" + "".join(f"{fmt(base.get(s)):>16}" for s in sources)
              + "   (baseline, toxicity)")  # fmt: skip
    print("\nModel alone at recommended thresholds (precision / recall / rows flagged)")
    for label, kinds in report["thresholds"].items():
        for kind, per in kinds.items():
            cells = [
                f"{s}: {v['precision']:.3f}/{v['recall']:.3f}/{v['flagged']}"
                for s, v in per.items()
            ]
            print(f"  {label:<16} {kind:<4} @{per['pooled']['threshold']:.2f}  " + "  ".join(cells))
    print("\nProbes (toxicity score)")
    for group, scores in report["probes_toxicity"].items():
        for text, score in scores.items():
            print(f"  {group:<17} {score:.3f}  {text}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(DEFAULT_DATA_DIR))
    parser.add_argument("--model-dir", default=str(REPO / "layers" / "model" / "chatmod-minilm"))
    parser.add_argument("--json", default=None, help="also write the report as JSON here")
    args = parser.parse_args()
    report = evaluate(Path(args.model_dir), args.data_dir)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=float) + "\n")


if __name__ == "__main__":
    main()
