"""Combine rule hits and model scores into one decision with its reasons."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from chatmod.compile import CompiledRoom
from chatmod.masking import mask_text
from chatmod.rules.base import Action, RuleHit, Severity

Result = Literal["ALLOW", "DENY"]
# Finds the words to mask for a label whose score reached its mask threshold.
WordLocator = Callable[[str, float], list[tuple[int, int]]]


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
    # Scores of the text left once rule masks are removed; the model's part of the decision
    # used these instead of ``scores`` (empty when nothing was masked).
    residual_scores: Mapping[str, float] = field(default_factory=dict)


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _model_hits(
    room: CompiledRoom,
    scores: Mapping[str, float],
    locate_words: WordLocator | None,
    *,
    denied: bool = False,
) -> tuple[list[RuleHit], list[str]]:
    """Model scores as hits: a deny hit over the whole text, or mask hits on located words.

    Words are located only when nothing denies the message (``denied``: a rule already did):
    masks on a message that is not delivered would cost model runs for nothing.
    """
    model = room.policy.model
    hits: list[RuleHit] = []
    below_deny: list[tuple[str, float]] = []
    for label, thresholds in model.thresholds.items():
        score = scores.get(label)
        if score is None:
            continue
        if thresholds.deny is not None and score >= thresholds.deny:
            hits.append(_model_hit(room, label, "deny", 0, 0))
        else:
            below_deny.append((label, score))
    denied = denied or bool(hits)
    gray: list[str] = []
    for label, score in below_deny:
        thresholds = model.thresholds[label]
        located = False
        if not denied and thresholds.mask is not None and score >= thresholds.mask and locate_words:
            for start, end in locate_words(label, thresholds.mask):
                hits.append(_model_hit(room, label, "mask", start, end))
                located = True
        if thresholds.allow is not None and score >= thresholds.allow and not located:
            gray.append(label)
    return hits, gray


def _model_hit(room: CompiledRoom, label: str, action: Action, start: int, end: int) -> RuleHit:
    model = room.policy.model
    reason = model.reason.format(label=label.replace("_", " "))
    return RuleHit(f"model.{label}", label, action, model.severity_of(label), start, end, reason)


def decide(
    room: CompiledRoom,
    original: str,
    hits: Sequence[RuleHit],
    scores: Mapping[str, float] | None = None,
    locate_words: WordLocator | None = None,
    *,
    enforce_length: bool = True,
) -> Decision:
    """Rule hits first; then the model, unless an ``allow`` exception matched the message."""
    policy = room.policy
    scores = dict(scores or {})
    max_length = policy.max_length if enforce_length else len(original)
    if len(original) > max_length and policy.too_long == "deny":
        reason = room.reason_for(
            "length", f"Your message is longer than {policy.max_length} characters."
        )
        return Decision(
            result="DENY",
            content=original[:max_length],
            modified=False,
            reason=reason,
            categories=("length",),
            rule_ids=("length.max",),
            severity=Severity.LOW,
            scores=scores,
        )
    exceptions = [h for h in hits if h.action == "allow"]
    effective = [
        h for h in hits if h.action != "allow" and not any(h.overlaps(a) for a in exceptions)
    ]
    gray: list[str] = []
    if scores and policy.model.enabled and not exceptions:
        rules_deny = any(h.action == "deny" for h in effective)
        model_hits, gray = _model_hits(room, scores, locate_words, denied=rules_deny)
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
