"""Escalations: follow-up on review decisions outside the 200 ms window (no AWS imports here)."""

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
from chatmod.escalation.second_opinion import ModelSecondOpinion, SecondOpinion, confirmed_labels
from chatmod.escalation.strikes import LedgerKey, LedgerState
from chatmod.escalation.trigger import escalation_kind, escalation_record

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
