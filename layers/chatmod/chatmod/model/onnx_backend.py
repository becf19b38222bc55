"""int8 ONNX Runtime backend: the one that runs inside the Lambda (numpy + tokenizers only).

One InferenceSession per process, created at cold start; a model reads at most ``max_tokens``
of a message (its start and its end, ``chatmod.model.tokens``) so a pasted wall of text cannot
blow the latency budget of a chat review handler.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from chatmod.model.base import LABELS, ModelUnavailableError, ToxicityModel, canonical_label
from chatmod.model.tokens import keep_ends
from chatmod.text.prepare import PREPROCESSORS

REQUIRED_FILES = ("model.onnx", "tokenizer.json", "labels.json")


class OnnxToxicityModel(ToxicityModel):
    """Sigmoid scores from an exported Detoxify-style classifier; its folder's labels.json
    declares its languages, whether its words may be starred and its mask placeholder."""

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
        self._prepare = PREPROCESSORS.get(str(meta.get("preprocessing")))
        # The languages the folder says its model reads (None: it does not say; see router).
        declared = meta.get("languages")
        self.languages: tuple[str, ...] | None = tuple(declared) if declared else None
        # Whether attribution may star the words that carry this model's score (labels.json
        # ``word_attribution``; true unless the folder says its attribution is not to be trusted:
        # then a line in a mask range goes out as typed, with its gray zone).
        self.stars_words = bool(meta.get("word_attribution", True))
        # What stands where a rule masked a word when this model reads the message (labels.json
        # ``mask_placeholder``): a model trained with it tells "you are a ****" (an insult) from
        # "that was **** brutal"; a model that never saw it reads the message without the word.
        self.mask_placeholder = str(meta.get("mask_placeholder", ""))
        # Per-label Platt scaling fitted on the dev splits: p = sigmoid(a * logit + b).
        calibration: dict[str, list[float]] = meta.get("calibration", {})
        self._scale = np.array([calibration.get(lab, (1.0, 0.0))[0] for lab in self.labels])
        self._shift = np.array([calibration.get(lab, (1.0, 0.0))[1] for lab in self.labels])
        # Labels with too few real positives to calibrate (labels.json ``capped_by_toxicity``)
        # never score above the message's toxicity: they may name what a toxic message is,
        # but cannot deny or star a message on their own.
        capped = set(meta.get("capped_by_toxicity", ())) & set(self.labels)
        self._capped = [i for i, lab in enumerate(self.labels) if lab in capped]
        self._toxicity = self.labels.index("toxicity") if "toxicity" in self.labels else None

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
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()

    def _text(self, text: str) -> str:
        return self._prepare(text) if self._prepare is not None else text

    def _ids(self, prepared: str) -> list[int]:
        return keep_ends(self._tokenizer.encode(prepared).ids, self.max_tokens)

    def _feeds(self, prepared: str) -> dict[str, np.ndarray]:
        ids = np.array([self._ids(prepared)], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return feeds

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Raw logits for all of the graph's outputs, one row per text.

        Texts run one at a time: dynamic int8 picks activation scales per call, so batching
        with padding would make a message's score depend on its neighbours. Chat reviews are
        single messages anyway, and unpadded runs are the fastest path for them. Texts that
        read the same once prepared (a message and its de-obfuscated reading often do) run
        once: a run depends only on its own tokens.
        """
        runs: dict[str, np.ndarray] = {}
        rows = []
        for text in texts:
            prepared = self._text(text)
            if prepared not in runs:
                runs[prepared] = self._session.run(None, self._feeds(prepared))[0][0]
            rows.append(runs[prepared])
        if not rows:
            return np.zeros((0, len(self._columns)), dtype=np.float32)
        return np.asarray(rows, dtype=np.float32)

    def batch_logits(self, texts: Sequence[str]) -> np.ndarray:
        """Raw logits from one padded run over all ``texts``: cheaper than ``logits`` for many
        similar texts, but int8 activation scales are shared by the batch, so a score may move
        by a few hundredths. Used where a ranking is enough (occlusion), never for a verdict."""
        if not texts:
            return np.zeros((0, len(self._columns)), dtype=np.float32)
        rows = [self._ids(self._text(t)) for t in texts]
        width = max(len(r) for r in rows)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, kept in enumerate(rows):
            ids[row, : len(kept)] = kept
            mask[row, : len(kept)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)

    def _in_label_order(self, logits: np.ndarray) -> np.ndarray:
        return logits[:, self._columns].astype(np.float64)

    def label_logits(self, texts: Sequence[str]) -> np.ndarray:
        """Logits in ``self.labels`` order, before calibration (calibration fitting reads them)."""
        return self._in_label_order(self.logits(texts))

    def _probabilities(self, label_logits: np.ndarray) -> list[dict[str, float]]:
        probs = 1.0 / (1.0 + np.exp(-(label_logits * self._scale + self._shift)))
        if self._capped and self._toxicity is not None:
            ceiling = probs[:, [self._toxicity]]
            probs[:, self._capped] = np.minimum(probs[:, self._capped], ceiling)
        return [dict(zip(self.labels, map(float, row), strict=True)) for row in probs]

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Calibrated probability per label for each text, in input order."""
        _check_texts(texts, "predict")
        return self._probabilities(self.label_logits(texts)) if texts else []

    def predict_batch(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Like ``predict`` from one padded run (see ``batch_logits``)."""
        _check_texts(texts, "predict_batch")
        return self._probabilities(self._in_label_order(self.batch_logits(texts))) if texts else []


def _check_texts(texts: Sequence[str], method: str) -> None:
    if isinstance(texts, str):
        raise TypeError(f"{method}() takes a sequence of texts, not a single string")
