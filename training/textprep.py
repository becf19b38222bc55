"""The serving-side ``prepare_text`` (loaded by ``serving.py`` from its file)."""

from __future__ import annotations

from training.serving import prepare_text

__all__ = ["prepare_text"]
