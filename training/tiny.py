"""Build a tiny random Detoxify-format checkpoint for offline tests and benchmarks.

Writes a small BERT config (with id2label, which Detoxify's offline path needs) plus a toy
WordPiece vocabulary to ``folder/hf``, and ``folder/tiny.ckpt`` laid out like Detoxify's
released checkpoints: ``{"config": {"arch": {"args": ...}, "dataset": {"args": {"classes"}}},
"state_dict": ...}``.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import torch

from training.serving import LABELS

DEFAULT_CLASSES = LABELS
_WORDS = " ".join(
    (
        "you are a an the is i am my friend man woman gay muslim jewish black proud idiot stupid",
        "hate love great game stream kill die trash hello have good day thanks this what",
    )
).split()


def make_tiny_checkpoint(
    folder: Path,
    classes: tuple[str, ...] = DEFAULT_CLASSES,
    *,
    hidden: int = 32,
    layers: int = 2,
    seed: int = 0,
    name: str = "tiny.ckpt",
) -> tuple[Path, Path]:
    """Return ``(checkpoint_path, hf_config_dir)``: a random BERT with one output per class."""
    from transformers import BertConfig, BertForSequenceClassification

    hf_dir = folder / "hf"
    hf_dir.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *string.ascii_lowercase]
    vocab += [f"##{c}" for c in string.ascii_lowercase] + list(string.punctuation) + _WORDS
    vocab = list(dict.fromkeys(vocab))
    (hf_dir / "vocab.txt").write_text("\n".join(vocab) + "\n")
    (hf_dir / "tokenizer_config.json").write_text(
        json.dumps(
            {"do_lower_case": True, "tokenizer_class": "BertTokenizer", "model_max_length": 512}
        )
    )
    (hf_dir / "special_tokens_map.json").write_text(
        json.dumps(
            {
                "unk_token": "[UNK]",
                "sep_token": "[SEP]",
                "pad_token": "[PAD]",
                "cls_token": "[CLS]",
                "mask_token": "[MASK]",
            }
        )
    )
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=4,
        intermediate_size=hidden * 2,
        max_position_embeddings=512,
        num_labels=len(classes),
        id2label=dict(enumerate(classes)),
        label2id={c: i for i, c in enumerate(classes)},
        architectures=["BertForSequenceClassification"],
    )
    config.save_pretrained(hf_dir)
    torch.manual_seed(seed)
    model = BertForSequenceClassification(config).eval()
    ckpt = {
        "config": {
            "name": "tiny",
            "arch": {
                "type": "tiny",
                "args": {
                    "model_type": str(hf_dir),
                    "model_name": "BertForSequenceClassification",
                    "tokenizer_name": "BertTokenizer",
                    "num_classes": len(classes),
                },
            },
            "dataset": {"type": "tiny", "args": {"classes": list(classes)}},
        },
        "state_dict": model.state_dict(),
    }
    path = folder / name
    torch.save(ckpt, path)
    return path, hf_dir
