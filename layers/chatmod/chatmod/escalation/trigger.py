"""When a review decision becomes an escalation record."""

from __future__ import annotations

from collections.abc import Sequence

from chatmod.contract import ReviewRequest
from chatmod.escalation.record import (
    CONTEXT_ITEM_MAX_CHARS,
    CONTEXT_ITEMS_MAX,
    EscalationRecord,
    RecordKind,
)
from chatmod.policy import EscalationPolicy
from chatmod.review.decision import Decision
from chatmod.rules.base import Severity


def escalation_kind(
    decision: Decision,
    policy: EscalationPolicy,
    *,
    unscored: bool = False,
    second_opinion: bool = True,
) -> RecordKind | None:
    """A DENY bad enough to count as a strike, or a delivered message to re-score.

    A delivered message is re-scored when it is in the gray zone, or when it was ``unscored``
    (answered by the rules alone while the model was still loading), so the model still sees
    it. With no second opinion deployed (``second_opinion=False``) nothing is queued for one:
    the escalation function could only fail such records into the dead-letter queue.
    """
    if not policy.enabled or decision.held:  # a held message waits for a moderator instead
        return None
    if decision.result == "DENY":
        severe = decision.severity is not None and decision.severity >= Severity.parse(
            policy.strike_min_severity
        )
        at_once = any(c in policy.disconnect_immediately for c in decision.categories)
        return "strike" if severe or at_once else None
    if not (second_opinion and policy.second_opinion and decision.content):
        return None
    return "second_opinion" if decision.gray_zone or unscored else None


def escalation_record(
    request: ReviewRequest,
    decision: Decision,
    policy: EscalationPolicy,
    now_ms: int,
    *,
    unscored: bool = False,
    second_opinion: bool = True,
    context: Sequence[str] = (),
) -> EscalationRecord | None:
    """The record to queue for this decision, or None when nothing follows up on it.

    ``context`` (the sender's recent delivered messages in the room, oldest first) travels on
    second-opinion records only, the newest ``CONTEXT_ITEMS_MAX`` of them."""
    kind = escalation_kind(decision, policy, unscored=unscored, second_opinion=second_opinion)
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
        context=_context(context) if kind == "second_opinion" else (),
    )


def _context(context: Sequence[str]) -> tuple[str, ...]:
    """The newest items, each cut to its last ``CONTEXT_ITEM_MAX_CHARS`` code points."""
    items = [text[-CONTEXT_ITEM_MAX_CHARS:] for text in context if text.strip()]
    return tuple(items[-CONTEXT_ITEMS_MAX:])
