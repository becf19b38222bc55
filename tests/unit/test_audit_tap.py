"""The local room reads the review function's audit lines as they are written: whole lines
only, other lines passed on untouched."""

from __future__ import annotations

import io
import json
from typing import Any

from chatmod_local.room.audit_tap import AuditTap


def test_audit_records_are_read_from_whole_lines_and_everything_is_passed_on() -> None:
    target = io.StringIO()
    seen: list[dict[str, Any]] = []
    tap = AuditTap(target, seen.append)
    audit = json.dumps({"message": "review decision", "message_id": "M1", "rule_ids": ["links"]})
    other = json.dumps({"message": "policy in use"})
    text = f"{other}\n{audit}\nnot json but says review decision\n"
    tap.write(text[:30])
    tap.write(text[30:75])
    assert seen == []  # the audit line is not whole yet
    tap.write(text[75:])
    assert [r["message_id"] for r in seen] == ["M1"]
    assert target.getvalue() == text
