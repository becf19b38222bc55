"""Detoxify's real loader, offline, through chatmod's detoxify backend and directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from chatmod.model import LABELS, ModelUnavailableError, load_model

pytestmark = pytest.mark.torch

TEXTS = ["you are an idiot", "have a good day", "i am a proud muslim woman"]


def test_detoxify_direct_loads_tiny_checkpoint_offline(tiny_checkpoint: tuple[Path, Path]) -> None:
    from detoxify import Detoxify

    ckpt, hf = tiny_checkpoint
    detox = Detoxify(checkpoint=str(ckpt), huggingface_config_path=str(hf))
    out = detox.predict(TEXTS)
    assert list(out) == list(LABELS)
    assert all(len(v) == len(TEXTS) for v in out.values())


def test_backend_matches_detoxify_predict(tiny_checkpoint: tuple[Path, Path]) -> None:
    from detoxify import Detoxify

    ckpt, hf = tiny_checkpoint
    model = load_model("detoxify", checkpoint=str(ckpt), huggingface_config_path=str(hf))
    assert model.labels == LABELS
    assert model.name.startswith("detoxify:")
    ours = model.predict(TEXTS)
    theirs = Detoxify(checkpoint=str(ckpt), huggingface_config_path=str(hf)).predict(TEXTS)
    for i, scores in enumerate(ours):
        assert list(scores) == list(LABELS)
        for label in LABELS:
            assert scores[label] == pytest.approx(theirs[label][i], abs=1e-5)


def test_backend_relocates_missing_model_type(
    tmp_path: Path, tiny_checkpoint: tuple[Path, Path]
) -> None:
    """A checkpoint whose model_type folder is gone still loads from huggingface_config_path."""
    ckpt, hf = tiny_checkpoint
    loaded = torch.load(ckpt, weights_only=False)
    loaded["config"]["arch"]["args"]["model_type"] = str(tmp_path / "moved-away")
    moved = tmp_path / "moved.ckpt"
    torch.save(loaded, moved)
    model = load_model("detoxify", checkpoint=str(moved), huggingface_config_path=str(hf))
    assert len(model.predict(TEXTS)) == len(TEXTS)


def test_original_style_class_names_are_mapped(tmp_path: Path) -> None:
    """Kaggle-2018 'original' checkpoints name classes toxic / severe_toxic / identity_hate."""
    from training.tiny import make_tiny_checkpoint

    classes = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
    ckpt, hf = make_tiny_checkpoint(tmp_path, classes)
    model = load_model("detoxify", checkpoint=str(ckpt), huggingface_config_path=str(hf))
    assert model.labels == LABELS[:6]
    assert set(model.predict(["hello"])[0]) == set(LABELS[:6])


def test_truncates_long_input(tiny_checkpoint: tuple[Path, Path]) -> None:
    ckpt, hf = tiny_checkpoint
    model = load_model(
        "detoxify", checkpoint=str(ckpt), huggingface_config_path=str(hf), max_tokens=16
    )
    assert len(model.predict(["idiot " * 2000])) == 1


def test_a_long_input_is_read_by_its_start_and_end(tiny_checkpoint: tuple[Path, Path]) -> None:
    """As in the ONNX backend: the first and the last half of ``max_tokens``, in a batch too."""
    ckpt, hf = tiny_checkpoint
    model = load_model(
        "detoxify", checkpoint=str(ckpt), huggingface_config_path=str(hf), max_tokens=16
    )
    wall, shorter = "hello " * 500 + "you idiot", "hello " * 40 + "you idiot"
    endless = "hello " * 500
    scores = model.predict([wall, shorter, endless, "hi"])
    assert scores[0] == pytest.approx(scores[1], abs=1e-6)
    assert scores[0] != pytest.approx(scores[2], abs=1e-6)
    assert model.predict([wall])[0] == pytest.approx(scores[0], abs=1e-5)  # padding changes nothing


def test_missing_checkpoint_names_settings(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="CHATMOD_DETOXIFY_CHECKPOINT"):
        load_model("detoxify", checkpoint=str(tmp_path / "nope.ckpt"))


def test_download_failure_becomes_model_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    """No network: Detoxify's download of a released model must surface as a clear error."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network is unreachable")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", refuse)
    with pytest.raises(ModelUnavailableError, match="CHATMOD_DETOXIFY_MODEL_TYPE"):
        load_model("detoxify", model_type="original")


def test_hf_config_carries_id2label() -> None:
    """The committed HF folder for chatmod's checkpoint names all seven labels in order."""
    config = (
        Path(__file__).resolve().parents[2]
        / "training"
        / "hf_config"
        / "chatmod-minilm"
        / "config.json"
    )
    if not config.is_file():
        pytest.skip(
            "training/hf_config/chatmod-minilm not written yet (run python -m training.train)"
        )
    id2label = json.loads(config.read_text())["id2label"]
    assert [id2label[str(i)] for i in range(len(LABELS))] == list(LABELS)


def test_a_rebuilt_checkpoint_says_it_reads_english(real_checkpoint: Path) -> None:
    """The router sends a German line to no model rather than to an English Detoxify one."""
    hf_config = Path(__file__).resolve().parents[2] / "training" / "hf_config" / "chatmod-minilm"
    model = load_model(
        "detoxify", checkpoint=str(real_checkpoint), huggingface_config_path=str(hf_config)
    )
    assert getattr(model, "languages", None) == ("en",)
