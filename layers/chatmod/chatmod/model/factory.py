"""Pick and build a toxicity backend from explicit arguments (the handler maps env vars here)."""

from __future__ import annotations

from chatmod.model.base import ModelUnavailableError, ToxicityModel, default_model_dir
from chatmod.model.spec import SPEC

BACKENDS = ("onnx", "detoxify")


def load_model(
    backend: str,
    *,
    model_dir: str | None = None,
    checkpoint: str | None = None,
    model_type: str | None = None,
    huggingface_config_path: str | None = None,
    threads: int = 1,
    max_tokens: int = SPEC.max_tokens,
) -> ToxicityModel:
    """Build the named backend once per process; failures raise ModelUnavailableError."""
    kind = backend.strip().lower()
    if kind == "onnx":
        from chatmod.model.onnx_backend import OnnxToxicityModel

        folder = model_dir if model_dir is not None else default_model_dir()
        return OnnxToxicityModel(folder, threads=threads, max_tokens=max_tokens)
    if kind == "detoxify":
        from chatmod.model.detoxify_backend import DetoxifyToxicityModel

        return DetoxifyToxicityModel(
            model_type=model_type,
            checkpoint=checkpoint,
            huggingface_config_path=huggingface_config_path,
            threads=threads,
            max_tokens=max_tokens,
        )
    raise ModelUnavailableError(f"unknown model backend {backend!r}; expected one of {BACKENDS}")
