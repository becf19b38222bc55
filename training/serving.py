"""The serving side's stdlib-only modules, loaded straight from their files.

Training must use exactly the labels and preprocessing the Lambda uses, but importing the
``chatmod`` package would pull in the whole moderation pipeline (and its dependencies, absent
from the torch environment); these modules import nothing from chatmod, so load them alone.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from training.paths import CHATMOD_PACKAGE


def _load(name: str, filename: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, CHATMOD_PACKAGE / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


_text = _load("chatmod_text_prepare", "text/prepare.py")
_spec = _load("chatmod_model_spec", "model/spec.py")
_codes = _load("chatmod_languages_codes", "languages/codes.py")

prepare_text = _text.prepare_text
prepare_multilingual_text = _text.prepare_multilingual_text
SPEC = _spec.SPEC
LABELS: tuple[str, ...] = SPEC.labels
# The languages chatmod serves, as the policy, detection and the packs know them.
SUPPORTED: tuple[str, ...] = _codes.SUPPORTED

__all__ = ["LABELS", "SPEC", "SUPPORTED", "prepare_multilingual_text", "prepare_text"]
