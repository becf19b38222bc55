"""Detoxify backend: runs Detoxify's own loader (torch) for users who have real Detoxify weights.

torch and detoxify are imported lazily so the Lambda's ONNX path never pays for them. A
checkpoint whose ``arch.args.model_type`` names a folder that is not on this machine is pointed
at ``huggingface_config_path`` instead, so released checkpoints load fully offline.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from chatmod.model.base import LABELS, ModelUnavailableError, ToxicityModel, canonical_label
from chatmod.model.spec import SPEC
from chatmod.model.tokens import keep_ends
from chatmod.text.prepare import PREPROCESSORS

# The languages of Detoxify's released models (its README): the router sends each line only to
# a model that reads its language, as it does for an ONNX folder's ``languages``.
DETOXIFY_MULTILINGUAL = ("en", "fr", "es", "it", "pt", "tr", "ru")
RELEASED_LANGUAGES: dict[str, tuple[str, ...]] = {
    "original": ("en",),
    "unbiased": ("en",),
    "original-small": ("en",),
    "unbiased-small": ("en",),
    "multilingual": DETOXIFY_MULTILINGUAL,
}


def detoxify_languages(
    kind: str | None, config: dict[str, Any] | None = None
) -> tuple[str, ...] | None:
    """What a Detoxify model reads: a released model's languages, a checkpoint's own
    (``config.chatmod.languages``, written by chatmod's training), Detoxify's multilingual
    list for an XLM-RoBERTa checkpoint, else None (it does not say: any line)."""
    if config is None:
        return RELEASED_LANGUAGES.get(kind or "original")
    declared = config.get("chatmod", {}).get("languages")
    if declared:
        return tuple(str(code) for code in declared)
    base = str(config.get("arch", {}).get("args", {}).get("model_type", ""))
    return DETOXIFY_MULTILINGUAL if "xlm-roberta" in base.casefold() else None


class DetoxifyToxicityModel(ToxicityModel):
    """Wraps ``detoxify.Detoxify``; reads at most ``max_tokens`` of a message, its start and
    its end, like the ONNX backend."""

    def __init__(
        self,
        *,
        model_type: str | None = None,
        checkpoint: str | None = None,
        huggingface_config_path: str | None = None,
        threads: int = 1,
        max_tokens: int = SPEC.max_tokens,
    ) -> None:
        try:
            import torch
            from detoxify import Detoxify
        except ImportError as exc:
            raise ModelUnavailableError(
                f"the detoxify backend needs torch and detoxify installed ({exc})"
            ) from exc
        torch.set_num_threads(threads)
        self._torch: Any = torch
        self.max_tokens = max_tokens
        self._prepare: Callable[[str], str] | None = None
        self.languages: tuple[str, ...] | None = None
        # A chatmod checkpoint trained with rule masks as a placeholder reads them so at serving
        # too (``config.chatmod.mask_placeholder``); released Detoxify models never saw one.
        self.mask_placeholder = ""
        try:
            if checkpoint is None:
                kind = model_type or "original"
                detox = Detoxify(kind, huggingface_config_path=huggingface_config_path)
                self.name = f"detoxify:{kind}"
                self.languages = detoxify_languages(kind)
            else:
                source = self._checkpoint_source(checkpoint, huggingface_config_path)
                detox = Detoxify(checkpoint=source, huggingface_config_path=huggingface_config_path)
                self.name = f"detoxify:{Path(checkpoint).stem}"
        except ModelUnavailableError:
            raise
        except Exception as exc:  # downloads and hub look-ups fail in many ways offline
            raise ModelUnavailableError(
                f"could not load Detoxify model (model_type={model_type!r}, "
                f"checkpoint={checkpoint!r}): {type(exc).__name__}: {exc}"
            ) from exc
        self._model: Any = detox.model.eval()
        self._tokenizer: Any = detox.tokenizer
        names = [canonical_label(n) for n in detox.class_names]
        self.labels: tuple[str, ...] = tuple(lab for lab in LABELS if lab in names)
        self._columns = [names.index(lab) for lab in self.labels]

    def _checkpoint_source(self, checkpoint: str, hf_path: str | None) -> str | io.BytesIO:
        """Return the checkpoint as given, or a relocated in-memory copy for offline loading."""
        path = Path(checkpoint)
        if not path.is_file():
            raise ModelUnavailableError(f"Detoxify checkpoint {checkpoint} does not exist")
        loaded = self._torch.load(str(path), map_location="cpu", weights_only=False)
        config = loaded.get("config", {}) if isinstance(loaded, dict) else {}
        meta = config.get("chatmod", {})
        self._prepare = PREPROCESSORS.get(str(meta.get("text_preprocessing")))
        self.languages = detoxify_languages(None, config)
        self.mask_placeholder = str(meta.get("mask_placeholder", ""))
        args = config.get("arch", {}).get("args", {})
        model_type = args.get("model_type")
        if hf_path and model_type and not Path(str(model_type)).is_dir():
            args["model_type"] = hf_path
            buffer = io.BytesIO()
            self._torch.save(loaded, buffer)
            buffer.seek(0)
            return buffer
        return checkpoint

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Sigmoid probability per label for each text, in input order."""
        if isinstance(texts, str):
            raise TypeError("predict() takes a sequence of texts, not a single string")
        if not texts:
            return []
        prepare = self._prepare
        batch = [prepare(t) for t in texts] if prepare is not None else list(texts)
        encoded = self._tokenizer(batch, verbose=False)["input_ids"]
        rows = [keep_ends(ids, self.max_tokens) for ids in encoded]
        width = max(len(r) for r in rows)
        pad = self._tokenizer.pad_token_id or 0
        ids = self._torch.tensor([r + [pad] * (width - len(r)) for r in rows])
        mask = self._torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
        with self._torch.inference_mode():
            logits = self._model(input_ids=ids, attention_mask=mask)[0]
        probs = self._torch.sigmoid(logits[:, self._columns]).double().numpy()
        return [dict(zip(self.labels, map(float, row), strict=True)) for row in probs]
