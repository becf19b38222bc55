"""Escalations: follow-up on review decisions outside the 200 ms window (no AWS imports here).

The names below load with their module on first use: the review function imports only the
record and trigger modules on its cold path, the escalation function the rest.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chatmod.escalation.actions import (
        ActionGuard,
        ChatActions,
        DryRunActions,
        Outcome,
        action_key,
        clip_reason,
    )
    from chatmod.escalation.ledger import MemoryLedger, StrikeLedger
    from chatmod.escalation.processor import (
        EscalationProcessor,
        EscalationResult,
        SecondOpinionUnavailableError,
    )
    from chatmod.escalation.record import EscalationRecord, parse_record
    from chatmod.escalation.second_opinion import (
        ModelSecondOpinion,
        SecondOpinion,
        confirmed_labels,
    )
    from chatmod.escalation.strikes import LedgerKey, LedgerState
    from chatmod.escalation.trigger import escalation_kind, escalation_record

_HOMES: dict[str, str] = {
    **dict.fromkeys(
        ("ActionGuard", "ChatActions", "DryRunActions", "Outcome", "action_key", "clip_reason"),
        "actions",
    ),
    **dict.fromkeys(("MemoryLedger", "StrikeLedger"), "ledger"),
    **dict.fromkeys(
        ("EscalationProcessor", "EscalationResult", "SecondOpinionUnavailableError"), "processor"
    ),
    **dict.fromkeys(("EscalationRecord", "parse_record"), "record"),
    **dict.fromkeys(("ModelSecondOpinion", "SecondOpinion", "confirmed_labels"), "second_opinion"),
    **dict.fromkeys(("LedgerKey", "LedgerState"), "strikes"),
    **dict.fromkeys(("escalation_kind", "escalation_record"), "trigger"),
}

__all__ = [
    "ActionGuard",
    "ChatActions",
    "DryRunActions",
    "EscalationProcessor",
    "EscalationRecord",
    "EscalationResult",
    "LedgerKey",
    "LedgerState",
    "MemoryLedger",
    "ModelSecondOpinion",
    "Outcome",
    "SecondOpinion",
    "SecondOpinionUnavailableError",
    "StrikeLedger",
    "action_key",
    "clip_reason",
    "confirmed_labels",
    "escalation_kind",
    "escalation_record",
    "parse_record",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"chatmod.escalation.{home}"), name)
