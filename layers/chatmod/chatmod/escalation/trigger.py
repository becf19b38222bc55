"""When a review decision becomes an escalation record."""

from __future__ import annotations

from chatmod.contract import ReviewRequest
from chatmod.decision import Decision
from chatmod.escalation.record import EscalationRecord, RecordKind
from chatmod.policy import EscalationPolicy
from chatmod.rules.base import Severity


def escalation_kind(decision: Decision, policy: EscalationPolicy) -> RecordKind | None:
    """A DENY bad enough to count as a strike, or a delivered gray-zone message to re-score."""
    if not policy.enabled:
        return None
    if decision.result == "DENY":
        severe = decision.severity is not None and decision.severity >= Severity.parse(
            policy.strike_min_severity
        )
        at_once = any(c in policy.disconnect_immediately for c in decision.categories)
        return "strike" if severe or at_once else None
    if decision.gray_zone and policy.second_opinion:
        return "second_opinion"
    return None


def escalation_record(
    request: ReviewRequest, decision: Decision, policy: EscalationPolicy, now_ms: int
) -> EscalationRecord | None:
    """The record to queue for this decision, or None when nothing follows up on it."""
    kind = escalation_kind(decision, policy)
    if kind is None:
        return None
    return EscalationRecord(
        kind=kind,
        room_arn=request.room_arn,
        user_id=request.sender.user_id,
        message_id=request.message_id,
        reviewed_at_ms=now_ms,
        result=decision.result,
        severity=decision.severity.label if decision.severity is not None else None,
        categories=decision.categories,
        rule_ids=decision.rule_ids,
        gray_zone=decision.gray_zone,
        scores={k: round(v, 4) for k, v in decision.scores.items()},
        reason=decision.reason,
        content=decision.content if kind == "second_opinion" else None,
    )
