"""Export any Detoxify-format checkpoint to the ONNX model folder the Lambda layer serves.

Usage (from the repo root):
    .venv-torch/bin/python -m training.export artifacts/chatmod-minilm.ckpt \
        --hf-config training/hf_config/chatmod-minilm --out layers/model/chatmod-minilm

Works for this project's checkpoint and for Detoxify's released ones (original, original-small,
unbiased: BERT / ALBERT / RoBERTa), given a local HF folder with their config and tokenizer.
Writes model.onnx (dynamic int8, word embeddings included), tokenizer.json and labels.json, and
keeps the fp32 graph next to the checkpoint for parity checks, and writes ``weights_map.json``,
which rebuilds a Detoxify checkpoint from the int8 graph (see ``weights_folder.py``).
Thresholds are tuned on the dev splits when the data folder is present (see ``thresholds.py``),
else conservative defaults.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import torch

from training.paths import REPO, TRAINING
from training.serving import SPEC

DEFAULT_THRESHOLDS = {"deny": 0.9, "mask": 0.6}


class LogitsOnly(torch.nn.Module):
    """Expose a HF sequence classifier as tensors-in, logits-out for the ONNX exporter."""

    def __init__(self, model: torch.nn.Module, with_token_types: bool) -> None:
        super().__init__()
        self.model = model
        self.with_token_types = with_token_types

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor | None = None) -> torch.Tensor:  # fmt: skip
        kwargs: dict[str, torch.Tensor] = {"input_ids": input_ids, "attention_mask": attention_mask}
        if self.with_token_types and token_type_ids is not None:
            kwargs["token_type_ids"] = token_type_ids
        return self.model(**kwargs).logits


def load_detoxify(checkpoint: str, hf_config: str | None) -> tuple[Any, Any, list[str], dict]:
    """Load through Detoxify's own loader; re-point ``model_type`` at a local folder if needed."""
    from detoxify.detoxify import load_checkpoint

    loaded = torch.load(checkpoint, map_location="cpu", weights_only=False)
    config = loaded["config"]
    args = config["arch"]["args"]
    source: str | io.BytesIO = checkpoint
    if hf_config and not Path(str(args["model_type"])).is_dir():
        args["model_type"] = hf_config
        source = io.BytesIO()
        torch.save(loaded, source)
        source.seek(0)
    model, tokenizer, class_names = load_checkpoint(
        checkpoint=source, huggingface_config_path=hf_config
    )
    return model.eval(), tokenizer, list(class_names), config


def export_onnx(model: torch.nn.Module, tokenizer: Any, path: Path) -> list[str]:
    """TorchScript-based export with dynamic batch and sequence axes; returns input names."""
    # Order must match LogitsOnly.forward's positional arguments, not the tokenizer's order.
    present = set(tokenizer.model_input_names)
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in present]
    with_types = "token_type_ids" in names
    sample = tokenizer(
        ["a short sample", "another, somewhat longer sample text"],
        padding=True,
        return_tensors="pt",
    )
    inputs = tuple(sample[n] for n in names)
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["logits"] = {0: "batch"}
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        LogitsOnly(model, with_types).eval(),
        inputs,
        str(path),
        input_names=names,
        output_names=["logits"],
        dynamic_axes=axes,
        opset_version=17,
        do_constant_folding=True,
        dynamo=False,
    )
    return names


def quantize(fp32: Path, int8: Path) -> None:
    """Dynamic int8 for MatMul/Gemm weights and the embedding Gathers (keeps the layer small)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    int8.parent.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(
        str(fp32),
        str(int8),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Gemm", "Gather"],
        per_channel=True,  # per-output-channel scales: int8 AUC within 0.001 of fp32
        extra_options={"MatMulConstBOnly": True},
    )


def pad_token(tokenizer: Any) -> str:
    token = getattr(tokenizer, "pad_token", None)
    return str(token) if token else "[PAD]"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "checkpoint", nargs="?", default=str(REPO / "artifacts" / "chatmod-minilm.ckpt")
    )
    parser.add_argument(
        "--hf-config", default=None, help="local HF folder (config.json with id2label + tokenizer)"
    )
    parser.add_argument("--out", default=str(REPO / "layers" / "model" / "chatmod-minilm"))
    parser.add_argument(
        "--fp32", default=None, help="where to keep the fp32 graph (default: next to ckpt)"
    )
    parser.add_argument("--name", default=None)
    parser.add_argument("--max-tokens", type=int, default=SPEC.max_tokens)
    parser.add_argument("--data-dir", default=None, help="tune thresholds on these dev splits")
    parser.add_argument("--no-tune", action="store_true", help="skip threshold tuning")
    parser.add_argument(
        "--languages",
        default=None,
        help="comma-separated languages the model reads (router); default: the checkpoint's "
        "chatmod.languages, else en",
    )
    parser.add_argument(
        "--no-word-attribution",
        action="store_true",
        help="the review never stars this model's words (a mask range: delivered, gray zone)",
    )
    args = parser.parse_args()

    ckpt = Path(args.checkpoint)
    hf_config = args.hf_config
    if hf_config is None and (TRAINING / "hf_config" / "chatmod-minilm").is_dir():
        hf_config = str(TRAINING / "hf_config" / "chatmod-minilm")
    model, tokenizer, class_names, config = load_detoxify(str(ckpt), hf_config)
    output_names = [SPEC.canonical(n) for n in class_names]
    labels = [lab for lab in SPEC.labels if lab in output_names]
    meta = config.get("chatmod", {})
    name = args.name or config.get("name") or ckpt.stem

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fp32 = Path(args.fp32) if args.fp32 else ckpt.with_suffix(".fp32.onnx")
    input_names = export_onnx(model, tokenizer, fp32)
    quantize(fp32, out / "model.onnx")

    from transformers import AutoTokenizer

    fast = AutoTokenizer.from_pretrained(
        hf_config or config["arch"]["args"]["model_type"], use_fast=True
    )
    fast.backend_tokenizer.save(str(out / "tokenizer.json"))

    info: dict[str, Any] = {
        "name": name,
        "languages": (
            [code.strip() for code in args.languages.split(",") if code.strip()]
            if args.languages is not None
            else list(meta.get("languages", ["en"]))
        ),
        "labels": labels,
        "output_names": output_names,
        "max_tokens": args.max_tokens,
        "activation": "sigmoid",
        "inputs": input_names,
        "pad_token": pad_token(tokenizer),
        "preprocessing": meta.get("text_preprocessing", "none"),
        "recommended_thresholds": {lab: dict(DEFAULT_THRESHOLDS) for lab in labels},
        "thresholds_method": "defaults (no dev data used)",
        "source_checkpoint": ckpt.name,
        "base_model": meta.get("base_model", config["arch"]["args"].get("model_type")),
        "quantization": "onnxruntime quantize_dynamic QInt8 per-channel (MatMul, Gemm, Gather)",
        "format_version": 1,
    }
    if meta.get("mask_placeholder"):
        info["mask_placeholder"] = meta["mask_placeholder"]
    if args.no_word_attribution:
        info["word_attribution"] = False
    (out / "labels.json").write_text(json.dumps(info, indent=2) + "\n")

    if not args.no_tune:
        from training.thresholds import tune_and_write

        tune_and_write(out, args.data_dir)

    from training.weights_folder import write_weights_map

    loaded = torch.load(str(ckpt), map_location="cpu", weights_only=False)
    print("wrote", write_weights_map(loaded["config"], loaded["state_dict"], fp32, out))

    # Quick sanity check: int8 vs torch on a few strings.
    from chatmod.model.onnx_backend import OnnxToxicityModel

    onnx_model = OnnxToxicityModel(out, max_tokens=args.max_tokens)
    probe = ["you are a complete idiot", "have a great stream everyone", "I am a gay man"]
    scores = onnx_model.predict(probe)
    for text, s in zip(probe, scores, strict=True):
        print(f"{s['toxicity']:.3f}  {text}")
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(f"wrote {out} ({size / 1e6:.1f} MB), fp32 graph at {fp32}")


if __name__ == "__main__":
    main()
