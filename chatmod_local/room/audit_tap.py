"""Reads the review function's audit lines as they are written (what CloudWatch Logs keeps,
deployed): the rule ids and categories of each decision, which IVS's answer does not carry,
so the moderator panel can say which rule masked a word."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import IO, Any

AUDIT_MESSAGE = "review decision"
Audited = Callable[[dict[str, Any]], None]


class AuditTap(io.TextIOBase):
    """A text stream that passes everything on to ``target`` and hands each audit record to
    ``on_audit`` (whole lines only: a write may end mid-line)."""

    def __init__(self, target: IO[str], on_audit: Audited) -> None:
        super().__init__()
        self.target = target
        self.on_audit = on_audit
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.target.write(text)
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        for line in lines:
            if AUDIT_MESSAGE not in line:
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("message") == AUDIT_MESSAGE:
                self.on_audit(record)
        return len(text)

    def flush(self) -> None:
        self.target.flush()
