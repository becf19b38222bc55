"""Dev-split predictions of the exported model and the recommended deny/mask thresholds.

A DENY should rarely be wrong, so the deny threshold of each label is the lowest score at which
precision stays >= 0.90 on every source's dev split (that flags enough rows to judge) for that
threshold and every higher one; mask uses the same rule at >= 0.70. Labels with too few dev
positives to measure keep conservative defaults.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from training.data import LABELS, load_splits

DENY_PRECISION = 0.90
MASK_PRECISION = 0.70
MIN_FLAGGED = 10  # a source must flag at least this many dev rows for its precision to count
GRID = np.round(np.arange(0.30, 0.991, 0.01), 2)
FALLBACK = {"deny": 0.90, "mask": 0.60}
UNREACHED_DENY = 0.97


def dev_predictions(model: Any, data_dir: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """``{source: {"texts", "binary", "targets" (n x 7, NaN = unlabelled), "probs" (n x 7)}}``."""
    out: dict[str, dict[str, Any]] = {}
    for source, split in load_splits(data_dir).items():
        rows = split["dev"]
        texts = [r.text for r in rows]
        probs = np.zeros((len(rows), len(LABELS)), dtype=np.float64)
        for start in range(0, len(texts), 32):
            for i, scores in enumerate(model.predict(texts[start : start + 32])):
                probs[start + i] = [scores.get(lab, np.nan) for lab in LABELS]
        out[source] = {
            "texts": texts,
            "binary": np.array([r.binary_toxic for r in rows]),
            "targets": np.array([r.targets for r in rows], dtype=np.float64),
            "probs": probs,
        }
    return out


def label_arrays(
    preds: dict[str, dict[str, Any]], j: int
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per source (y, p) for label ``j``; toxicity uses each source's own binary label."""
    result = {}
    for source, d in preds.items():
        if j == 0:
            y = d["binary"].astype(int)
            p = d["probs"][:, 0]
        else:
            known = ~np.isnan(d["targets"][:, j])
            y = (d["targets"][known, j] >= 0.5).astype(int)
            p = d["probs"][known, j]
        if len(y) and y.sum() > 0:
            result[source] = (y, p)
    return result


def _precisions(arrays: dict[str, tuple[np.ndarray, np.ndarray]], t: float) -> list[float]:
    """Precision of each source flagging enough rows, plus the pooled precision."""
    values = []
    pooled_tp = pooled_flagged = 0
    for y, p in arrays.values():
        flagged = p >= t
        pooled_flagged += int(flagged.sum())
        pooled_tp += int(y[flagged].sum())
        if flagged.sum() >= MIN_FLAGGED:
            values.append(float(y[flagged].mean()))
    if pooled_flagged >= MIN_FLAGGED:
        values.append(pooled_tp / pooled_flagged)
    return values


def pick(
    arrays: dict[str, tuple[np.ndarray, np.ndarray]], target: float, floor: float
) -> tuple[float | None, bool]:
    """Lowest grid threshold >= floor whose precision (and all higher ones') meets ``target``.

    Returns ``(threshold, measured)``; ``(None, True)`` means the target was never reached.
    """
    ok_from: float | None = None
    measured = False
    for t in GRID[::-1]:
        if t < floor:
            break
        precisions = _precisions(arrays, float(t))
        if not precisions:
            continue
        measured = True
        if min(precisions) >= target:
            ok_from = float(t)
        else:
            break
    return ok_from, measured


def choose_thresholds(preds: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, float]], dict]:
    """Deny/mask per label; labels the dev data cannot vouch for get high, cautious values."""
    chosen: dict[str, dict[str, float]] = {}
    notes: dict[str, str] = {}
    for j, label in enumerate(LABELS):
        arrays = label_arrays(preds, j)
        deny, deny_measured = pick(arrays, DENY_PRECISION, floor=0.5)
        mask, _ = pick(arrays, MASK_PRECISION, floor=0.3)
        if deny is not None:
            note = f"dev precision >= {DENY_PRECISION} from {deny:.2f} up"
        elif deny_measured:
            deny = UNREACHED_DENY
            note = f"dev precision never reached {DENY_PRECISION}; deny set to {UNREACHED_DENY}"
        else:
            deny = FALLBACK["deny"]
            note = "default: too few dev rows flagged to measure precision"
        if mask is None:
            mask = deny if deny_measured else FALLBACK["mask"]
        chosen[label] = {"deny": round(deny, 2), "mask": round(min(mask, deny), 2)}
        notes[label] = note
    return chosen, notes


def tune_and_write(
    model_dir: Path, data_dir: str | Path | None = None
) -> dict[str, dict[str, float]]:
    """Run the exported int8 model on the dev splits and store thresholds in labels.json."""
    from chatmod.model.onnx_backend import OnnxToxicityModel

    path = model_dir / "labels.json"
    info = json.loads(path.read_text())
    try:
        preds = dev_predictions(OnnxToxicityModel(model_dir), data_dir)
    except FileNotFoundError as exc:
        print(f"no dev data ({exc}); keeping default thresholds")
        return dict(info["recommended_thresholds"])
    chosen, notes = choose_thresholds(preds)
    info["recommended_thresholds"] = {lab: chosen[lab] for lab in info["labels"] if lab in chosen}
    info["thresholds_method"] = (
        f"lowest score with dev precision >= {DENY_PRECISION} (deny) / {MASK_PRECISION} (mask) on "
        f"every source flagging >= {MIN_FLAGGED} rows, at that score and above "
        "(training/thresholds.py)"
    )
    info["thresholds_notes"] = notes
    path.write_text(json.dumps(info, indent=2) + "\n")
    print("thresholds:", json.dumps(info["recommended_thresholds"]))
    return chosen
