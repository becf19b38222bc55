"""What every fine-tuning script shares: its command line, its rows as tensors, its record.

``train``, ``train_real`` and ``train_multilingual`` differ in their rows and base model, not
in how a run is configured, counted, scored on dev and saved; those steps live here once.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from training.data import SEED, Example


def add_fit_arguments(
    parser: argparse.ArgumentParser,
    *,
    out: Path,
    epochs: float,
    lr: float,
    max_steps_help: str | None = None,
) -> None:
    """The options of one fine-tuning run: where it saves, how long and how fast it learns."""
    parser.add_argument("--out", default=str(out))
    parser.add_argument("--epochs", type=float, default=epochs)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-len", type=int, default=64)
    parser.add_argument("--lr", type=float, default=lr)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-steps", type=int, default=0, help=max_steps_help)
    parser.add_argument("--seed", type=int, default=SEED)


def source_counts(rows: list[Example]) -> dict[str, int]:
    """Training rows per source, printed: the card lists each source's share."""
    counts: dict[str, int] = {}
    for ex in rows:
        counts[ex.source] = counts.get(ex.source, 0) + 1
    print("train rows:", len(rows), counts, flush=True)
    return counts


def label_tensors(rows: list[Example]) -> tuple[torch.Tensor, torch.Tensor]:
    """Soft targets and the mask of labels each row's source annotates (NaN: not annotated)."""
    targets = torch.tensor([ex.targets for ex in rows], dtype=torch.float32)
    known = ~torch.isnan(targets)
    return torch.nan_to_num(targets, nan=0.0), known


def dev_history_hook(
    report: Callable[[], dict[str, float]],
    history: list[dict[str, object]],
    *,
    every_epoch: bool,
) -> Callable[[int, int, int], None]:
    """A ``fine_tune`` step hook that scores dev at the end (and, if asked, after each epoch)."""

    def after_step(step: int, total_steps: int, steps_per_epoch: int) -> None:
        if step == total_steps or (every_epoch and step % steps_per_epoch == 0):
            scores = report()
            history.append({"step": step, **scores})
            print("dev toxicity ROC-AUC:", json.dumps(scores), flush=True)

    return after_step


def run_meta(args: argparse.Namespace, counts: dict[str, int]) -> dict[str, Any]:
    """The settings of a run as its checkpoint records them."""
    return {
        "max_len": args.max_len,
        "epochs": args.epochs,
        "lr": args.lr,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "init": Path(args.init).name if args.init else None,
        "train_rows": counts,
    }


def save_checkpoint(out: Path, checkpoint: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint, out)
