"""What may travel in Sec-WebSocket-Protocol: the check the room's chat tokens must pass."""

from __future__ import annotations

import string

_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")


def is_subprotocol_token(value: str) -> bool:
    """True when ``value`` is an RFC 7230 token."""
    return bool(value) and all(ch in _TOKEN_CHARS for ch in value)
