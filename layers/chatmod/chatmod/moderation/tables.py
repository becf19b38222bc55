"""Whether a setting names a DynamoDB table (a local run of the template has a placeholder)."""

from __future__ import annotations

import re

_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_TABLE_ARN = re.compile(r"^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/[A-Za-z0-9_.-]{3,255}$")


def is_table(name: str) -> bool:
    """A DynamoDB table name or ARN (a local placeholder for ``!Ref`` is neither)."""
    return bool(_TABLE_NAME.match(name) or _TABLE_ARN.match(name))
