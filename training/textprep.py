"""Load the serving-side ``prepare_text`` straight from its file.

Training must apply exactly the preprocessing the Lambda applies, but importing the ``chatmod``
package would pull in the whole moderation pipeline; the module is stdlib-only, so load it alone.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = (
    Path(__file__).resolve().parent.parent / "layers" / "chatmod" / "chatmod" / "model" / "text.py"
)
_spec = importlib.util.spec_from_file_location("chatmod_model_text", _PATH)
assert _spec is not None and _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)

prepare_text = _module.prepare_text

__all__ = ["prepare_text"]
