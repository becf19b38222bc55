"""The audit record written for every decision: enough to explain it, nothing to leak.

The sender's IP is never logged raw (a salted hash lets you correlate without storing it),
and message text is left out unless a setting turns it on.
"""

from __future__ import annotations

import hashlib
from typing import Any

from chatmod.contract import ReviewRequest, room_id_from_arn
from chatmod.decision import Decision


def hash_ip(ip: str, salt: str = "") -> str:
    """A short, salted, one-way digest of an IP address ("" stays "")."""
    if not ip:
        return ""
    return hashlib.sha256(f"{salt}{ip}".encode()).hexdigest()[:16]


def audit_record(
    request: ReviewRequest,
    decision: Decision,
    latency_ms: float,
    *,
    ip_salt: str = "",
    include_content: bool = False,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "message_id": request.message_id,
        "room_arn": request.room_arn,
        "room_id": room_id_from_arn(request.room_arn),
        "user_id": request.sender.user_id,
        "ip_hash": hash_ip(request.sender.ip, ip_salt),
        "decision": decision.result,
        "modified": decision.modified,
        "categories": list(decision.categories),
        "rule_ids": list(decision.rule_ids),
        "severity": decision.severity.label if decision.severity else None,
        "gray_zone": list(decision.gray_zone),
        "scores": {k: round(v, 4) for k, v in decision.scores.items()},
        "residual_scores": {k: round(v, 4) for k, v in decision.residual_scores.items()},
        "latency_ms": round(latency_ms, 3),
    }
    if decision.reason:
        record["reason"] = decision.reason
    if include_content:
        record["content"] = request.content
        record["delivered_content"] = decision.content
    return record
