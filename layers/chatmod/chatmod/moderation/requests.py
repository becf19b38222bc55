"""A moderator's delete or disconnect, as an escalation record: the escalation function takes
it like its own (counted, a delete at least once, a disconnect at most once per request)."""

from __future__ import annotations

import secrets
import string
import time

from pydantic import BaseModel, ConfigDict, Field

from chatmod.contract import REASON_MAX
from chatmod.escalation.record import MESSAGE_ID_PATTERN, EscalationRecord

_ALPHABET = string.ascii_letters + string.digits


class ActionRequest(BaseModel):
    """The body of ``.../delete`` and ``.../disconnect``: an optional reason and, for a retry
    that must not act twice, the ``requestId`` the first answer gave."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=REASON_MAX)
    requestId: str | None = Field(default=None, pattern=MESSAGE_ID_PATTERN)
    userId: str | None = Field(default=None, min_length=1, max_length=128)


def request_id() -> str:
    """12 letters and digits, the shape ivschat gives message ids."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def moderator_record(
    kind: str, room_arn: str, user_id: str, message_id: str, reason: str | None
) -> EscalationRecord:
    return EscalationRecord.model_validate(
        {
            "kind": kind,
            "room_arn": room_arn,
            "user_id": user_id,
            "message_id": message_id,
            "reviewed_at_ms": int(time.time() * 1000),
            "result": "ALLOW",
            "reason": reason,
        }
    )


def room_arn(room_id: str, function_arn: str) -> str:
    """The room's ARN in the function's own partition, region and account."""
    _, partition, _, region, account = function_arn.split(":")[:5]
    return f"arn:{partition}:ivschat:{region}:{account}:room/{room_id}"
