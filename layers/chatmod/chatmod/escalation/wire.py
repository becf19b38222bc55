"""Text that travels through SQS: written so every code point survives the queue.

SQS accepts only #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD and #x10000-#x10FFFF in a message
body; a chat message may hold anything else (U+FFFE, U+FFFF, C0 controls, a lone surrogate from
a JSON ``\\ud800`` escape), and a body with one such character is refused whole. The body is
JSON with every non-ASCII code point escaped (``\\ufffe``, ``\\ud800``), which is plain ASCII,
and JSON decoding gives the same text back, code point for code point.
"""

from __future__ import annotations

import json
from typing import Any


def sqs_allows(char: str) -> bool:
    """Whether SQS accepts ``char`` in a message body (its documented character set)."""
    point = ord(char)
    return (
        point in (0x9, 0xA, 0xD)
        or 0x20 <= point <= 0xD7FF
        or 0xE000 <= point <= 0xFFFD
        or 0x10000 <= point <= 0x10FFFF
    )


def to_wire(value: Any) -> str:
    """JSON in ASCII only: safe in an SQS body whatever the text holds."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def from_wire(body: str) -> Any:
    """The value ``to_wire`` wrote (or any JSON); raises ValueError on anything else."""
    return json.loads(body)


def readable(text: str) -> str:
    """``text`` with each lone surrogate as U+FFFD, as the review reads it (a model's tokenizer
    cannot take a lone surrogate)."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
