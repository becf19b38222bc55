"""Which decisions are held for a moderator (the room's ``hold`` policy; what happens to a held
message is ``chatmod.moderation.hold``): the review's last word before it answers."""

from __future__ import annotations

from dataclasses import replace

from chatmod.policy import RoomPolicy
from chatmod.review.decision import Decision

HOLD_RULE = "hold"


def held_labels(decision: Decision, policy: RoomPolicy) -> tuple[str, ...]:
    """Why a delivered decision is held instead: ``hold`` rule ids and held gray-zone labels."""
    if decision.result != "ALLOW":
        return ()
    rules = [h.rule_id for h in decision.hits if h.action == "hold"]
    labels = [label for label in decision.gray_zone if label in policy.hold.labels]
    return tuple(dict.fromkeys(rules + labels))


def hold_decision(decision: Decision, policy: RoomPolicy) -> Decision:
    """The decision, refused and marked held when the room holds it; else unchanged."""
    why = held_labels(decision, policy)
    if not why:
        return decision
    categories = [h.category for h in decision.hits if h.action == "hold"]
    return replace(
        decision,
        result="DENY",
        reason=policy.hold.reason,
        categories=tuple(dict.fromkeys([*categories, *decision.categories])),
        rule_ids=(HOLD_RULE, *why),
        held=True,
    )
