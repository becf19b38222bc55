"""Local toxicity models: int8 ONNX in the Lambda layer, Detoxify (torch) for real weights."""

from chatmod.model.base import (
    LABELS,
    ModelUnavailableError,
    ToxicityModel,
    default_model_dir,
)
from chatmod.model.factory import load_model

__all__ = ["LABELS", "ModelUnavailableError", "ToxicityModel", "default_model_dir", "load_model"]
