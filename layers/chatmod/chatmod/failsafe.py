"""The answer given when a message cannot be reviewed: always a valid IVS response."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chatmod.settings import FailMode

FAIL_REASON = "This message could not be reviewed. Please try again."


def fail_response(event: Any, fail_mode: FailMode, max_length: int = 500) -> dict[str, Any]:
    """The configured fail-mode result for any event, however malformed."""
    content = ""
    if isinstance(event, Mapping) and isinstance(event.get("Content"), str):
        content = event["Content"][:max_length]
    if fail_mode == "DENY":
        return {"ReviewResult": "DENY", "Content": content, "Attributes": {"Reason": FAIL_REASON}}
    attributes: dict[str, str] = {}
    if isinstance(event, Mapping) and isinstance(event.get("Attributes"), Mapping):
        attributes = {
            k: v
            for k, v in event["Attributes"].items()
            if isinstance(k, str) and isinstance(v, str)
        }
    return {"ReviewResult": "ALLOW", "Content": content, "Attributes": attributes}
