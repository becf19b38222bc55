"""A keyword "toxicity model" as a real ONNX model folder, for the end-to-end tests.

The review and escalation functions load it through their unchanged ONNX backend (model.onnx,
tokenizer.json, labels.json), so a chosen word lands in a chosen score band: the gray zone,
the second opinion and the deletion that follows become deterministic, with no trained model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

from chatmod.model.spec import LABELS

FLOOR_LOGIT = -9.0  # sigmoid(-9) ~ 0.0001: "not toxic at all"
SPECIAL_TOKENS = ("[PAD]", "[UNK]")


def logit(probability: float) -> float:
    return math.log(probability / (1.0 - probability))


def write_keyword_model(folder: Path, keywords: Mapping[str, Mapping[str, float]]) -> Path:
    """Each keyword scores its labels at the given probabilities; a text scores its maximum."""
    folder.mkdir(parents=True, exist_ok=True)
    vocab = {token: i for i, token in enumerate([*SPECIAL_TOKENS, *keywords])}
    table = np.full((len(vocab), len(LABELS)), FLOOR_LOGIT, dtype=np.float32)
    for word, scores in keywords.items():
        for label, probability in scores.items():
            table[vocab[word], LABELS.index(label)] = logit(probability)

    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.save(str(folder / "tokenizer.json"))

    graph = helper.make_graph(
        nodes=[
            helper.make_node("Gather", ["scores_by_token", "input_ids"], ["token_logits"], axis=0),
            helper.make_node("ReduceMax", ["token_logits"], ["logits"], axes=[1], keepdims=0),
        ],
        name="keyword_toxicity",
        inputs=[
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info(
                "attention_mask", TensorProto.INT64, ["batch", "sequence"]
            ),
        ],
        outputs=[
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", len(LABELS)])
        ],
        initializer=[numpy_helper.from_array(table, "scores_by_token")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(folder / "model.onnx"))
    meta = {"name": "e2e-keywords", "labels": list(LABELS), "max_tokens": 64, "pad_token": "[PAD]"}
    (folder / "labels.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder
