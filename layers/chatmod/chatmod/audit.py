"""The audit record written for every decision: enough to explain it, nothing to leak.

The sender's IP is never logged raw: an HMAC-SHA256 keyed by a secret lets you correlate
lines without storing it. A plain or salted hash would not do: there are only 2^32 IPv4
addresses, so anyone who knows the salt recovers an address by trying them all. Message text
is left out unless a setting turns it on.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from chatmod.contract import ReviewRequest, room_id_from_arn
from chatmod.review.decision import Decision

MIN_KEY_BYTES = 16


@dataclass(frozen=True)
class IpHasher:
    """Keyed, one-way digests of IP addresses; ``key_source`` says whose key is in use.

    ``"stack"``: the secret generated at deploy, shared by every instance (lines correlate
    across instances); ``"instance"``: a random key of this process only, used until the
    secret has been read or when it cannot be (lines correlate within the instance only).
    """

    key: bytes
    key_source: str

    def __post_init__(self) -> None:
        if len(self.key) < MIN_KEY_BYTES:
            raise ValueError(f"an IP hash key needs at least {MIN_KEY_BYTES} bytes")

    @classmethod
    def for_instance(cls) -> IpHasher:
        return cls(secrets.token_bytes(32), "instance")

    def digest(self, ip: str) -> str:
        """16 hex characters of HMAC-SHA256 ("" stays "")."""
        if not ip:
            return ""
        return hmac.new(self.key, ip.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def audit_record(
    request: ReviewRequest,
    decision: Decision,
    latency_ms: float,
    *,
    ip_hasher: IpHasher,
    include_content: bool = False,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "message_id": request.message_id,
        "room_arn": request.room_arn,
        "room_id": room_id_from_arn(request.room_arn),
        "user_id": request.sender.user_id,
        "ip_hash": ip_hasher.digest(request.sender.ip),
        "ip_key": ip_hasher.key_source,
        "decision": decision.result,
        "modified": decision.modified,
        "categories": list(decision.categories),
        "rule_ids": list(decision.rule_ids),
        "severity": decision.severity.label if decision.severity else None,
        "gray_zone": list(decision.gray_zone),
        "scores": {k: round(v, 4) for k, v in decision.scores.items()},
        "scored_after_masks": decision.scored_after_masks,
        "language": decision.language,
        "model": decision.model,
        "latency_ms": round(latency_ms, 3),
    }
    if decision.reason:
        record["reason"] = decision.reason
    if include_content:
        record["content"] = request.content
        record["delivered_content"] = decision.content
    return record
