"""Combine rule hits and model scores into one decision with its reasons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from chatmod.review.compile import CompiledRoom
from chatmod.review.masking import mask_text
from chatmod.review.starring import ModelPlan
from chatmod.rules.base import Action, RuleHit, Severity

Result = Literal["ALLOW", "DENY"]
Span = tuple[int, int]


@dataclass(frozen=True)
class Decision:
    """The outcome for one message, with everything that caused it."""

    result: Result
    content: str
    modified: bool
    reason: str | None = None
    categories: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    severity: Severity | None = None
    scores: Mapping[str, float] = field(default_factory=dict)
    gray_zone: tuple[str, ...] = ()  # labels between their allow and deny thresholds
    hits: tuple[RuleHit, ...] = ()
    # True when ``scores`` are of the text left once rule masks are taken out (the model judges
    # what will be shown; the text as sent is then not scored at all).
    scored_after_masks: bool = False
    # The message's language as detected ("und" when unknown or not detected).
    language: str = "und"
    # The model that judged the message (None: the rules alone).
    model: str | None = None
    # Held for a moderator (``chatmod.moderation.hold``): refused for now, ``content`` is what
    # an approval delivers.
    held: bool = False


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _model_hits(
    room: CompiledRoom, plan: ModelPlan, blamed: Sequence[Span]
) -> tuple[list[RuleHit], list[str]]:
    """Model verdicts as hits: deny hits over the whole text, mask hits on the blamed words.
    A label in its mask range with no word blamed is delivered for a second opinion."""
    hits = [_model_hit(room, label, "deny", 0, 0) for label in plan.deny]
    gray = list(plan.gray)
    if plan.deny:
        return hits, gray
    for label in plan.fix:
        if blamed:
            hits.extend(_model_hit(room, label, "mask", start, end) for start, end in blamed)
        else:
            gray.append(label)
    return hits, gray


def _model_hit(room: CompiledRoom, label: str, action: Action, start: int, end: int) -> RuleHit:
    model = room.policy.model
    reason = model.reason.format(label=label.replace("_", " "))
    return RuleHit(f"model.{label}", label, action, model.severity_of(label), start, end, reason)


def too_long(room: CompiledRoom, original: str) -> Decision | None:
    """The refusal of a message longer than the room allows, when the room refuses such
    messages (``too_long: deny``); None otherwise. Asked once, before any other work."""
    policy = room.policy
    if len(original) <= policy.max_length or policy.too_long != "deny":
        return None
    reason = room.reason_for(
        "length", f"Your message is longer than {policy.max_length} characters."
    )
    return Decision(
        result="DENY",
        content=original[: policy.max_length],
        modified=False,
        reason=reason,
        categories=("length",),
        rule_ids=("length.max",),
        severity=Severity.LOW,
    )


def decide(
    room: CompiledRoom,
    original: str,
    hits: Sequence[RuleHit],
    scores: Mapping[str, float] | None = None,
    plan: ModelPlan | None = None,
    blamed: Sequence[Span] = (),
    *,
    enforce_length: bool = True,
) -> Decision:
    """Rule hits first; then the model, unless an ``allow`` exception matched the message.

    Pure: ``scores`` are the model's (of the text left after rule masks, when there were any),
    ``plan`` what they call for (``starring.model_plan``, asked once by the review: no plan, no
    model verdict) and ``blamed`` the words attribution found for the labels in their mask
    range. A message too long for a room that refuses such messages never gets here
    (``too_long``); one judged past its length is cut to it (``truncate``) unless
    ``enforce_length`` is False."""
    policy = room.policy
    scores = dict(scores or {})
    max_length = policy.max_length if enforce_length else len(original)
    exceptions = [h for h in hits if h.action == "allow"]
    effective = [
        h for h in hits if h.action != "allow" and not any(h.overlaps(a) for a in exceptions)
    ]
    gray: list[str] = []
    if scores and plan is not None and policy.model.enabled and not exceptions:
        model_hits, gray = _model_hits(room, plan, blamed)
        effective.extend(model_hits)
    denies = [h for h in effective if h.action == "deny"]
    if denies:
        worst = max(denies, key=lambda h: h.severity)
        return Decision(
            result="DENY",
            content=original[:max_length],
            modified=False,
            reason=room.reason_for(worst.category, worst.reason),
            categories=_unique([h.category for h in denies]),
            rule_ids=_unique([h.rule_id for h in denies]),
            severity=worst.severity,
            scores=scores,
            gray_zone=tuple(gray),
            hits=tuple(effective),
        )
    masks = [h for h in effective if h.action == "mask"]
    content = mask_text(original, masks, policy.mask_char) if masks else original
    content = content[:max_length]
    return Decision(
        result="ALLOW",
        content=content,
        modified=content != original,
        reason=None,
        categories=_unique([h.category for h in masks] + gray),
        rule_ids=_unique([h.rule_id for h in masks] + [h.rule_id for h in exceptions]),
        severity=max((h.severity for h in masks), default=None),
        scores=scores,
        gray_zone=tuple(gray),
        hits=tuple(effective),
    )
