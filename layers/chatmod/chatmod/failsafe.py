"""The answer given when a message cannot be reviewed: always a valid IVS response."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chatmod.contract import ReviewResponse, without_surrogates
from chatmod.settings import FailMode

FAIL_REASON = "This message could not be reviewed. Please try again."


def fail_response(event: Any, fail_mode: FailMode, max_length: int = 500) -> dict[str, Any]:
    """The configured fail-mode result for any event, however malformed."""
    content = ""
    if isinstance(event, Mapping) and isinstance(event.get("Content"), str):
        content = without_surrogates(event["Content"][:max_length])
    if fail_mode == "DENY":
        return ReviewResponse.deny(content, FAIL_REASON).to_ivs()
    attributes: dict[str, str] = {}
    if isinstance(event, Mapping) and isinstance(event.get("Attributes"), Mapping):
        attributes = {
            without_surrogates(k): without_surrogates(v)
            for k, v in event["Attributes"].items()
            if isinstance(k, str) and isinstance(v, str)
        }
    return ReviewResponse.allow(content, attributes).to_ivs()
