"""The languages chatmod serves, written once: the policy's schema, detection, the packs and
training all read this list.

Stdlib only, with no chatmod imports: training runs in its own environment and loads this file
by path (``training/serving.py``).
"""

from __future__ import annotations

from typing import Literal, get_args

# A new language needs its packs (``packs/<code>/``) and a model that reads it.
LanguageCode = Literal["en", "de", "es", "fr", "pt", "it", "tr"]
SUPPORTED: tuple[LanguageCode, ...] = get_args(LanguageCode)
UNKNOWN = "und"  # BCP 47 "undetermined"
