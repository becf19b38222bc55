"""Toxicity ROC-AUC of the shipped multilingual model (int8, as served) on held-out splits.

Usage (from the repo root; part of ``make eval``):
    .venv-torch/bin/python -m training.evaluate_multilingual [--model DIR] [--markdown OUT.md]

GermEval 2018's and OffensEval 2020's own test files, and the 15% MD5 buckets of ToLD-Br and
MLMA-fr (``multilingual_data``): none of them trained the model. The English dev splits and the
benign chatterbot lines' dev bucket are reported beside them, with the English model's AUC on
the same rows for comparison.
"""

from __future__ import annotations

import platform

import numpy as np
from sklearn.metrics import roc_auc_score

from training.multilingual_corpus import english_rows
from training.multilingual_data import SOURCE_LANGUAGE, load_multilingual_splits
from training.paths import REPO
from training.report import evaluation_parser, publish
from training.serving import SPEC

MODEL_DIR = REPO / "layers" / "model" / "chatmod-e5-multi"
ENGLISH_DIR = REPO / "layers" / "model" / "chatmod-minilm"
ENGLISH_CAP = 2000


def toxicity(model: object, texts: list[str]) -> np.ndarray:
    scores = model.predict(texts)  # type: ignore[attr-defined]
    return np.array([s["toxicity"] for s in scores])


def main() -> None:
    from chatmod.model.onnx_backend import OnnxToxicityModel

    parser = evaluation_parser(__doc__, model=MODEL_DIR)
    parser.add_argument("--english", default=str(ENGLISH_DIR))
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    multi = OnnxToxicityModel(args.model, max_tokens=SPEC.multilingual_max_tokens)
    english = OnnxToxicityModel(args.english)
    splits = load_multilingual_splits()
    _, english_dev = english_rows(20240601)
    rng = np.random.default_rng(7)
    rows: list[tuple[str, str, list]] = []
    for source, lang in SOURCE_LANGUAGE.items():
        rows.append((source, lang, splits[source]["dev"]))
    rows.append(("chatterbot (benign)", "de/es/fr/pt/it/tr", splits["chatterbot"]["dev"]))
    for source, dev in sorted(english_dev.items()):
        if len(dev) > ENGLISH_CAP:
            dev = [dev[i] for i in sorted(rng.permutation(len(dev))[:ENGLISH_CAP])]
        rows.append((source, "en", dev))
    lines = [
        f"Machine: {platform.machine()}, Python {platform.python_version()}; int8 ONNX as served.",
        "",
        "| held-out split | language | rows | multilingual AUC | English model AUC |",
        "|---|---|---|---|---|",
    ]
    for source, lang, dev in rows:
        if not dev:
            continue
        texts = [ex.text for ex in dev]
        y = [ex.binary_toxic for ex in dev]
        p_multi, p_en = toxicity(multi, texts), toxicity(english, texts)
        if len(set(y)) < 2:
            cells = (f"{np.mean(p_multi >= 0.5):.1%} scored ≥ 0.5", f"{np.mean(p_en >= 0.5):.1%}")
        else:
            cells = (f"{roc_auc_score(y, p_multi):.3f}", f"{roc_auc_score(y, p_en):.3f}")
        lines.append(f"| {source} | {lang} | {len(dev)} | {cells[0]} | {cells[1]} |")
        print(lines[-1], flush=True)
    publish("\n".join(lines), args.markdown)


if __name__ == "__main__":
    main()
