"""ONNX export parity: fp32 graph == torch within 1e-4; int8 keeps dev ROC-AUC within 0.005."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
REAL_HF_CONFIG = REPO / "training" / "hf_config" / "chatmod-minilm"
DATA_DIR = (REPO / ".." / "shared" / "data").resolve()

pytestmark = pytest.mark.torch

TEXTS = [
    "you are an idiot",
    "have a great stream everyone, thanks for the raid!",
    "i am a proud black woman",
    "k i l l yourself",
    "x",
    "this is a much longer message that keeps going " * 6,
]


def _torch_logits(
    ckpt: Path, hf: Path, texts: list[str]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    from training.export import load_detoxify

    model, tokenizer, _, _ = load_detoxify(str(ckpt), str(hf))
    enc = tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
    with torch.inference_mode():
        logits = model(**enc).logits.numpy()
    feeds = {k: v.numpy().astype(np.int64) for k, v in enc.items()}
    return logits, feeds


def _export(ckpt: Path, hf: Path, out: Path) -> Path:
    from training.export import export_onnx, load_detoxify, quantize

    model, tokenizer, _, _ = load_detoxify(str(ckpt), str(hf))
    fp32 = out / "model.fp32.onnx"
    export_onnx(model, tokenizer, fp32)
    quantize(fp32, out / "model.onnx")
    return fp32


def _onnx_logits(path: Path, feeds: dict[str, np.ndarray]) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = {i.name for i in session.get_inputs()}
    return np.asarray(session.run(None, {k: v for k, v in feeds.items() if k in names})[0])


def _check_parity(ckpt: Path, hf: Path, out: Path) -> None:
    fp32 = _export(ckpt, hf, out)
    expected, feeds = _torch_logits(ckpt, hf, TEXTS)
    np.testing.assert_allclose(_onnx_logits(fp32, feeds), expected, atol=1e-4, rtol=0)
    # A different batch size and sequence length than the export sample.
    single, feeds1 = _torch_logits(ckpt, hf, TEXTS[:1])
    np.testing.assert_allclose(_onnx_logits(fp32, feeds1), single, atol=1e-4, rtol=0)


def test_tiny_checkpoint_fp32_parity(tmp_path: Path, tiny_checkpoint: tuple[Path, Path]) -> None:
    ckpt, hf = tiny_checkpoint
    _check_parity(ckpt, hf, tmp_path)
    assert (tmp_path / "model.onnx").stat().st_size < (tmp_path / "model.fp32.onnx").stat().st_size


def test_tiny_albert_style_original_classes_export(tmp_path: Path) -> None:
    """Six-class 'original' layout exports and serves through the onnx backend."""
    from chatmod.model.onnx_backend import OnnxToxicityModel
    from training.tiny import make_tiny_checkpoint

    classes = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
    ckpt, hf = make_tiny_checkpoint(tmp_path / "src", classes)
    _check_parity(ckpt, hf, tmp_path)
    import json

    (tmp_path / "labels.json").write_text(
        json.dumps({"labels": list(classes), "max_tokens": 128, "activation": "sigmoid"})
    )
    from transformers import AutoTokenizer

    AutoTokenizer.from_pretrained(str(hf), use_fast=True).backend_tokenizer.save(
        str(tmp_path / "tokenizer.json")
    )
    model = OnnxToxicityModel(tmp_path)
    assert "identity_attack" in model.predict(["hello"])[0]


def test_real_checkpoint_fp32_parity(tmp_path: Path, real_checkpoint: Path) -> None:
    _check_parity(real_checkpoint, REAL_HF_CONFIG, tmp_path)


def test_shipped_model_folder_rebuilds_its_own_int8_graph(tmp_path: Path) -> None:
    """The weights map turns the shipped int8 graph back into a checkpoint whose export gives
    the shipped scores again: the shipped file is the one copy of the trained weights."""
    from conftest import MODEL_FOLDER

    from training.weights_folder import save_checkpoint_from_model_folder

    ckpt = save_checkpoint_from_model_folder(MODEL_FOLDER, REAL_HF_CONFIG, tmp_path / "c.ckpt")
    _export(ckpt, REAL_HF_CONFIG, tmp_path)
    _, feeds = _torch_logits(ckpt, REAL_HF_CONFIG, TEXTS)
    shipped = _onnx_logits(MODEL_FOLDER / "model.onnx", feeds)
    again = _onnx_logits(tmp_path / "model.onnx", feeds)
    np.testing.assert_allclose(again, shipped, atol=0.05, rtol=0)


def test_real_checkpoint_int8_auc_close_to_fp32(tmp_path: Path, real_checkpoint: Path) -> None:
    assert DATA_DIR.is_dir(), f"the labelled data is expected at {DATA_DIR}"
    from sklearn.metrics import roc_auc_score
    from transformers import AutoTokenizer

    from training.data import load_splits
    from training.textprep import prepare_text

    fp32 = _export(real_checkpoint, REAL_HF_CONFIG, tmp_path)
    tokenizer = AutoTokenizer.from_pretrained(str(REAL_HF_CONFIG), use_fast=True)
    sessions = {
        "fp32": ort.InferenceSession(str(fp32), providers=["CPUExecutionProvider"]),
        "int8": ort.InferenceSession(
            str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"]
        ),
    }
    for source, split in load_splits(DATA_DIR).items():
        rows = split["dev"]
        y = [r.binary_toxic for r in rows]
        scores: dict[str, list[float]] = {"fp32": [], "int8": []}
        for start in range(0, len(rows), 64):
            batch = [prepare_text(r.text) for r in rows[start : start + 64]]
            enc = tokenizer(
                batch, padding=True, truncation=True, max_length=128, return_tensors="np"
            )
            feeds = {k: v.astype(np.int64) for k, v in enc.items()}
            for kind, session in sessions.items():
                names = {i.name for i in session.get_inputs()}
                out = session.run(None, {k: v for k, v in feeds.items() if k in names})[0]
                scores[kind] += out[:, 0].tolist()
        auc = {kind: roc_auc_score(y, s) for kind, s in scores.items()}
        assert abs(auc["fp32"] - auc["int8"]) <= 0.005, (source, auc)
