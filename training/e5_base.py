"""Build the multilingual base encoder: multilingual-e5-small with its vocabulary trimmed.

Most of e5-small's 118M parameters are its 250k-piece embedding table; the languages chatmod
serves use a small part of it. This keeps the pieces that the training texts use (at least
``--min-count`` times) and every single character they contain, re-numbers them, and writes an HF
folder (``config.json``, ``model.safetensors``, ``tokenizer.json``) that ``train_multilingual.py``
fine-tunes. The tokenizer is the same SentencePiece unigram model over the kept pieces, so a word
whose piece was dropped is spelled with smaller pieces instead of becoming unknown.

Usage: .venv-torch/bin/python -m training.e5_base --out artifacts/e5-trimmed \
           [--pieces-from training/hf_config/chatmod-e5-multi/tokenizer.json]

``--pieces-from`` keeps exactly the pieces of an earlier trimmed tokenizer (the shipped model's
is the record of its vocabulary), instead of counting them again in the training texts.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from training.e5_weights import E5Weights, read_e5, wheel_model_path
from training.paths import TRAINING

CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def unigram_tokenizer(pieces: list[tuple[str, float]], unk_id: int):  # type: ignore[no-untyped-def]
    """XLM-R's tokenizer pipeline over ``pieces``: NFKC, no control characters, collapsed spaces,
    metaspace, Viterbi unigram, ``<s> ... </s>``."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    ids = {piece: i for i, (piece, _) in enumerate(pieces)}
    tok = Tokenizer(models.Unigram(pieces, unk_id=unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.NFKC(),
            normalizers.Replace(Regex(CONTROL), ""),
            normalizers.Replace(Regex(r"\s+"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", ids["<s>"]), ("</s>", ids["</s>"])],
    )
    return tok


def piece_counts(weights: E5Weights, texts: Iterable[str]) -> Counter[int]:
    full = unigram_tokenizer(
        list(zip(weights.pieces, weights.scores.tolist(), strict=True)), weights.unk
    )
    counts: Counter[int] = Counter()
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == 2048:
            for enc in full.encode_batch(batch):
                counts.update(enc.ids)
            batch = []
    for enc in full.encode_batch(batch):
        counts.update(enc.ids)
    return counts


def kept_pieces(
    weights: E5Weights, counts: Counter[int], chars: set[str], min_count: int
) -> list[int]:
    specials = {weights.bos, weights.eos, weights.pad, weights.unk}
    keep = set(specials)
    keep.update(i for i, n in counts.items() if n >= min_count)
    for i, piece in enumerate(weights.pieces):
        bare = piece.removeprefix("\u2581")
        if len(bare) <= 1 and (not bare or bare in chars):
            keep.add(i)  # every character the texts hold, alone and after a space
    return sorted(keep)


def pieces_of(tokenizer_json: Path, weights: E5Weights) -> list[int]:
    """The original ids of the pieces an earlier trimmed tokenizer holds."""
    vocab = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]["vocab"]
    index = {piece: i for i, piece in enumerate(weights.pieces)}
    return sorted(index[piece] for piece, _ in vocab)


def build(weights: E5Weights, keep: list[int], out: Path, layers: int | None = None) -> None:
    import torch
    from safetensors.torch import save_file

    out.mkdir(parents=True, exist_ok=True)
    remap = {old: new for new, old in enumerate(keep)}
    pieces = [(weights.pieces[i], float(weights.scores[i])) for i in keep]
    tok = unigram_tokenizer(pieces, remap[weights.unk])
    tok.save(str(out / "tokenizer.json"))
    h, t = weights.hidden, weights.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"][keep],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    depth = layers or weights.layers
    for layer in range(depth):
        for short, name in parts.items():
            kind = ("weight", "bias")
            for suffix, hf in zip(("w", "b"), kind, strict=True):
                state[f"encoder.layer.{layer}.{name}.{hf}"] = t[f"l{layer}.{short}.{suffix}"]
    save_file(
        {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()},
        str(out / "model.safetensors"),
    )
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": len(keep),
        "hidden_size": h,
        "num_hidden_layers": depth,
        "num_attention_heads": weights.heads,
        "intermediate_size": weights.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": weights.max_positions,
        "type_vocab_size": weights.type_vocab,
        "layer_norm_eps": weights.eps,
        "pad_token_id": remap[weights.pad],
        "bos_token_id": remap[weights.bos],
        "eos_token_id": remap[weights.eos],
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (out / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(), indent=2) + "\n")
    (out / "kept_pieces.json").write_text(json.dumps(keep) + "\n")


def tokenizer_config() -> dict[str, object]:
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "sep_token": "</s>",
        "model_max_length": 512,
        "model_input_names": ["input_ids", "attention_mask"],
    }


def main() -> None:
    from training.multilingual_corpus import vocabulary_texts

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--out", default=str(TRAINING.parent / "artifacts" / "e5-trimmed"))
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--pieces-from", default=None, help="tokenizer.json to take pieces from")
    parser.add_argument(
        "--layers", type=int, default=None, help="keep the first N of the 12 layers (faster)"
    )
    args = parser.parse_args()
    weights = read_e5(wheel_model_path())
    if args.pieces_from:
        keep = pieces_of(Path(args.pieces_from), weights)
        origin = args.pieces_from
    else:
        texts = vocabulary_texts()
        counts = piece_counts(weights, texts)
        chars = {ch for text in texts for ch in text}
        keep = kept_pieces(weights, counts, chars, args.min_count)
        origin = f"{len(texts)} texts"
    build(weights, keep, Path(args.out), args.layers)
    print(f"kept {len(keep)} of {len(weights.pieces)} pieces from {origin} -> {args.out}")


if __name__ == "__main__":
    main()
