"""Where the training scripts find the repository, the shipped models and their own folder.

Every script reads the same places; one module keeps those paths from drifting apart.
"""

from __future__ import annotations

from pathlib import Path

TRAINING = Path(__file__).resolve().parent
REPO = TRAINING.parent
ARTIFACTS = REPO / "artifacts"
MODELS = REPO / "layers" / "model"
ENGLISH_MODEL_DIR = MODELS / "chatmod-minilm"
MULTILINGUAL_MODEL_DIR = MODELS / "chatmod-e5-multi"
CHATMOD_PACKAGE = REPO / "layers" / "chatmod" / "chatmod"
