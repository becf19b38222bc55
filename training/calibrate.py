"""Fit per-label Platt scaling on the dev splits and store it in the model's labels.json.

Usage (from the repo root):
    .venv-torch/bin/python -m training.calibrate layers/model/chatmod-minilm [DATA_DIR]
    .venv-torch/bin/python -m training.calibrate layers/model/chatmod-e5-multi --multilingual

``--multilingual`` fits on the multilingual sources' dev splits too (``multilingual_data``).
``--cap-uncalibrated`` writes the labels left uncalibrated as ``capped_by_toxicity``: the
serving backend never lets them score above the message's toxicity (they cannot act alone).

Raw sigmoid outputs of a model fine-tuned on a mixture of sources are not probabilities of
anything a moderator cares about; after ``p = sigmoid(a * logit + b)``, fitted per label on the
dev rows that annotate that label, 0.9 means about nine in ten such messages were labelled
toxic, so the moderation levels' thresholds mean the same thing for every label. The serving
backend applies the same two numbers (``calibration`` in labels.json).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from training.chat_data import load_all_splits
from training.data import LABELS, Example

MIN_PER_CLASS = 100  # fewer positives than this: too few to fit two numbers on


def served_dev_rows(data_dir: str | None = None) -> list[Example]:
    """Dev rows of every real source the model trained on, as a model that reads rule masks as
    a placeholder sees them (the never-trained benign judges stay out)."""
    from training.real_data import BENIGN, load_everything
    from training.train_real import JUDGES, as_served

    return [
        as_served(ex, source in BENIGN)
        for source, parts in load_everything(data_dir=data_dir).items()
        if source not in JUDGES
        for ex in parts["dev"]
    ]


def fit(
    model_dir: Path, data_dir: str | None = None, multilingual: bool = False
) -> dict[str, list[float]]:
    from chatmod.model.onnx_backend import OnnxToxicityModel

    model = OnnxToxicityModel(model_dir)
    if model.mask_placeholder:
        rows = served_dev_rows(data_dir)
    else:
        rows = [ex for parts in load_all_splits(data_dir).values() for ex in parts["dev"]]
    if multilingual:
        from training.multilingual_data import load_multilingual_splits

        rows += [ex for parts in load_multilingual_splits(data_dir).values() for ex in parts["dev"]]
    logits = model.label_logits([ex.text for ex in rows])
    calibration: dict[str, list[float]] = {}
    for label in model.labels:
        j = LABELS.index(label)
        col = model.labels.index(label)
        known = [(logits[i, col], ex.targets[j]) for i, ex in enumerate(rows)
                 if not math.isnan(ex.targets[j])]  # fmt: skip
        x = np.array([[k[0]] for k in known])
        y = np.array([int(k[1] >= 0.5) for k in known])
        if min(int(y.sum()), int(len(y) - y.sum())) < MIN_PER_CLASS:
            print(f"{label}: {int(y.sum())} positives in {len(y)} rows; left uncalibrated")
            continue
        reg = LogisticRegression(C=100.0).fit(x, y)
        a, b = float(reg.coef_[0][0]), float(reg.intercept_[0])
        calibration[label] = [round(a, 5), round(b, 5)]
        print(f"{label}: a={a:.3f} b={b:.3f} on {len(y)} rows ({int(y.sum())} positive)")
    return calibration


def main() -> None:
    cap = "--cap-uncalibrated" in sys.argv
    args = [a for a in sys.argv[1:] if a not in ("--multilingual", "--cap-uncalibrated")]
    multilingual = "--multilingual" in sys.argv
    model_dir = Path(args[0])
    data_dir = args[1] if len(args) > 1 else None
    calibration = fit(model_dir, data_dir, multilingual)
    path = model_dir / "labels.json"
    info = json.loads(path.read_text())
    info["calibration"] = calibration
    if cap:
        # Too few real positives to calibrate: such a label may not act on its own.
        info["capped_by_toxicity"] = [
            lab for lab in info["labels"] if lab not in calibration and lab != "toxicity"
        ]
    info["calibration_method"] = (
        "Platt scaling per label on the dev splits of every source (training/calibrate.py"
        + (" --multilingual)" if multilingual else ")")
    )
    path.write_text(json.dumps(info, indent=2) + "\n")
    print(f"wrote calibration for {len(calibration)} labels to {path}")


if __name__ == "__main__":
    main()
