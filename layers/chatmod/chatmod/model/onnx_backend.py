"""int8 ONNX Runtime backend: the one that runs inside the Lambda (numpy + tokenizers only).

One InferenceSession per process, created at cold start; inputs are truncated to ``max_tokens``
so a pasted wall of text cannot blow the latency budget of a chat review handler.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from chatmod.model.base import LABELS, ModelUnavailableError, canonical_label
from chatmod.model.text import prepare_text

REQUIRED_FILES = ("model.onnx", "tokenizer.json", "labels.json")


class OnnxToxicityModel:
    """Sigmoid scores from an exported Detoxify-style classifier."""

    def __init__(self, model_dir: str | Path, *, threads: int = 1, max_tokens: int = 128) -> None:
        root = Path(model_dir)
        missing = [f for f in REQUIRED_FILES if not (root / f).is_file()]
        if missing:
            raise ModelUnavailableError(f"model folder {root} lacks {', '.join(missing)}")
        meta: dict[str, Any] = json.loads((root / "labels.json").read_text(encoding="utf-8"))
        outputs = [canonical_label(n) for n in meta.get("output_names", meta["labels"])]
        wanted = [canonical_label(n) for n in meta["labels"]]
        self.labels: tuple[str, ...] = tuple(lab for lab in LABELS if lab in wanted) + tuple(
            lab for lab in wanted if lab not in LABELS
        )
        self._columns = np.array([outputs.index(lab) for lab in self.labels], dtype=np.intp)
        self.name = f"onnx:{meta.get('name', root.name)}"
        self.max_tokens = min(max_tokens, int(meta.get("max_tokens", max_tokens)))
        self.meta = meta
        self._prepare = meta.get("preprocessing") == "chatmod.model.text.prepare_text"

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(root / "model.onnx"), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}

        self._tokenizer = Tokenizer.from_file(str(root / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        self._tokenizer.no_padding()

    def _feeds(self, text: str) -> dict[str, np.ndarray]:
        encoding = self._tokenizer.encode(prepare_text(text) if self._prepare else text)
        feeds = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
        }
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.array([encoding.type_ids], dtype=np.int64)
        return feeds

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Raw logits for all of the graph's outputs, one row per text.

        Texts run one at a time: dynamic int8 picks activation scales per call, so batching
        with padding would make a message's score depend on its neighbours. Chat reviews are
        single messages anyway, and unpadded runs are the fastest path for them.
        """
        rows = [self._session.run(None, self._feeds(t))[0][0] for t in texts]
        if not rows:
            return np.zeros((0, len(self._columns)), dtype=np.float32)
        return np.asarray(rows, dtype=np.float32)

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Sigmoid probability per label for each text, in input order."""
        if isinstance(texts, str):
            raise TypeError("predict() takes a sequence of texts, not a single string")
        if not texts:
            return []
        logits = self.logits(texts)[:, self._columns].astype(np.float64)
        probs = 1.0 / (1.0 + np.exp(-logits))
        return [dict(zip(self.labels, map(float, row), strict=True)) for row in probs]
