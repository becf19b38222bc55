"""Pick and build a toxicity backend, from explicit arguments or from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chatmod.model.base import (
    ModelUnavailableError,
    ToxicityModel,
    default_model_dir,
    multilingual_dir,
)
from chatmod.model.spec import SPEC

if TYPE_CHECKING:
    from chatmod.settings import Settings

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


def load_model_from_settings(settings: Settings) -> ToxicityModel | None:
    """The configured model backend, or None when the backend is ``none``."""
    if settings.model_backend == "none":
        return None
    return load_model(
        settings.model_backend,
        model_dir=settings.model_dir,
        checkpoint=settings.detoxify_checkpoint,
        model_type=settings.detoxify_model_type,
        huggingface_config_path=settings.detoxify_config_path,
        threads=settings.model_threads,
        max_tokens=settings.model_max_tokens,
    )


def load_multilingual_from_settings(settings: Settings) -> ToxicityModel | None:
    """The multilingual model read beside the first one (ONNX backend only), or None: turned
    off (``none``), another backend, or no folder found where the default looks."""
    folder = multilingual_dir(settings.multilingual_model_dir)
    if settings.model_backend != "onnx" or folder is None:
        return None
    from chatmod.model.onnx_backend import OnnxToxicityModel

    return OnnxToxicityModel(
        folder, threads=settings.model_threads, max_tokens=settings.multilingual_max_tokens
    )
