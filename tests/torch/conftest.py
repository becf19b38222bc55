"""Shared fixtures for the torch/Detoxify tests (run in .venv-torch only)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TRAINING = REPO / "training"
REAL_HF_CONFIG = TRAINING / "hf_config" / "chatmod-minilm"
MODEL_FOLDER = REPO / "layers" / "model" / "chatmod-minilm"
DATA_DIR = (REPO / ".." / "shared" / "data").resolve()

pytest.importorskip("torch")
pytest.importorskip("detoxify")


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A random 2-layer BERT saved in Detoxify's checkpoint layout, with its HF folder."""
    from training.tiny import make_tiny_checkpoint

    return make_tiny_checkpoint(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def real_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped chatmod-minilm weights as a Detoxify checkpoint, rebuilt from the int8 model
    folder (a fresh clone has no training output), so every clone tests the same weights."""
    from training.weights_folder import save_checkpoint_from_model_folder

    return save_checkpoint_from_model_folder(
        MODEL_FOLDER, REAL_HF_CONFIG, tmp_path_factory.mktemp("real") / "chatmod-minilm.ckpt"
    )
