"""Rows as the served model reads them: the words the bundled English policy's rules mask
become the model's placeholder, exactly as ``Reviewer.review_text`` hands them to the model.

Without this the model would learn "you are a fucking idiot" in training and be served
"you are a **** idiot"; with it, a row whose insult is a swear word still teaches the insult.
"""

from __future__ import annotations

from functools import lru_cache

from chatmod.policy import load_policy
from chatmod.review.reviewer import Reviewer
from chatmod.review.stages import keep_harmless
from chatmod.text.views import masked_for_model, normalize

# The placeholder written into the model folder's labels.json (``mask_placeholder``).
MASK_PLACEHOLDER = "****"


@lru_cache(maxsize=1)
def _reviewer() -> Reviewer:
    return Reviewer(load_policy())


def rule_masked(text: str, placeholder: str = MASK_PLACEHOLDER) -> str:
    """``text`` with what the default room's rules mask replaced by ``placeholder``."""
    reviewer = _reviewer()
    compiled = reviewer.room("")
    views = normalize(text)
    hits = [hit for check in compiled.checks for hit in check.scan(views)]
    language = reviewer.detect_language(text)
    hits = keep_harmless(compiled, views, hits, language, reviewer.tools.harmless(language.code))
    masked = [h for h in hits if h.action == "mask"]
    return masked_for_model(text, masked, placeholder) if masked else text
