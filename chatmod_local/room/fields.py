"""Optional fields of a request or a record: the ones given, without the ones left out."""

from __future__ import annotations

from typing import Any


def given(**fields: Any) -> dict[str, Any]:
    """The fields whose value is not None (None: the caller did not give one)."""
    return {name: value for name, value in fields.items() if value is not None}
