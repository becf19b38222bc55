"""One YAML reader for policies, threshold levels and the built-in packs.

libyaml's safe loader when PyYAML was built with it (its wheels are), else the pure-Python
one: they build the same data, and libyaml reads several times faster, which a new instance
pays on its first message (the packs are thousands of terms).
"""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with the fastest safe loader available; raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=SAFE_LOADER)
