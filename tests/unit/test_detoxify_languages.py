"""Which languages a Detoxify model reads, so the router treats it like an ONNX folder."""

from __future__ import annotations

from chatmod.model.detoxify_backend import DETOXIFY_MULTILINGUAL, detoxify_languages


def test_released_models_read_their_documented_languages() -> None:
    assert detoxify_languages("original") == ("en",)
    assert detoxify_languages("unbiased-small") == ("en",)
    assert detoxify_languages(None) == ("en",)  # the default release
    assert detoxify_languages("multilingual") == DETOXIFY_MULTILINGUAL
    assert "de" not in DETOXIFY_MULTILINGUAL  # German lines get the packs alone


def test_a_checkpoint_says_what_it_reads_or_its_base_does() -> None:
    ours = {"chatmod": {"languages": ["en", "de"]}, "arch": {"args": {"model_type": "x"}}}
    assert detoxify_languages(None, ours) == ("en", "de")
    released = {"arch": {"args": {"model_type": "xlm-roberta-base"}}}
    assert detoxify_languages(None, released) == DETOXIFY_MULTILINGUAL
    unknown = {"arch": {"args": {"model_type": "/models/my-bert"}}}
    assert detoxify_languages(None, unknown) is None  # says nothing: any line, as before
