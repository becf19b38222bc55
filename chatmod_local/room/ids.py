"""Identifiers shaped like the ones IVS Chat hands out."""

from __future__ import annotations

import secrets
import string

_ALNUM = string.ascii_letters + string.digits


def new_id() -> str:
    """A 12-character alphanumeric id, the shape of IVS message, event and room ids."""
    return "".join(secrets.choice(_ALNUM) for _ in range(12))


def new_token() -> str:
    """An opaque chat token that is also a valid WebSocket subprotocol (RFC 6455 token chars)."""
    return "LOCAL" + secrets.token_urlsafe(36)
