"""Combine rule hits and model scores into one decision with its reasons."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from chatmod.compile import CompiledRoom
from chatmod.masking import mask_text
from chatmod.rules.base import RuleHit, Severity

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
) -> tuple[list[RuleHit], list[str]]:
    """Model scores as hits: a deny hit over the whole text, or mask hits on located words."""
    model = room.policy.model
    hits: list[RuleHit] = []
    gray: list[str] = []
    for label, thresholds in model.thresholds.items():
        score = scores.get(label)
        if score is None:
            continue
        severity = model.severity_of(label)
        reason = model.reason.format(label=label.replace("_", " "))
        rule_id = f"model.{label}"
        if thresholds.deny is not None and score >= thresholds.deny:
            hits.append(RuleHit(rule_id, label, "deny", severity, 0, 0, reason))
            continue
        located = False
        if thresholds.mask is not None and score >= thresholds.mask and locate_words:
            for start, end in locate_words(label, thresholds.mask):
                hits.append(RuleHit(rule_id, label, "mask", severity, start, end, reason))
                located = True
        if thresholds.allow is not None and score >= thresholds.allow and not located:
            gray.append(label)
    return hits, gray


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
        model_hits, gray = _model_hits(room, scores, locate_words)
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
