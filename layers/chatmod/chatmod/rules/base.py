"""What a check is and what it reports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal, Protocol

from chatmod.text.views import TextViews

# "hold": the message waits for a moderator (chatmod.moderation.hold) instead of being delivered.
Action = Literal["deny", "mask", "allow", "hold"]


class Severity(IntEnum):
    """How bad a hit is; escalations count strikes by it."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, value: str | int | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        if isinstance(value, int):
            return cls(value)
        try:
            return cls[value.upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {value!r}; use one of: {names}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One finding: which rule, why, and where in the original text (half-open span)."""

    rule_id: str
    category: str
    action: Action
    severity: Severity
    start: int
    end: int
    reason: str | None = None
    mask_all: bool = False  # mask every character (PII), not all but the first (profanity)

    def overlaps(self, other: RuleHit) -> bool:
        return self.start < other.end and other.start < self.end


class Check(Protocol):
    """A single check over the text views of one message."""

    @property
    def rule_id(self) -> str: ...

    def scan(self, views: TextViews) -> list[RuleHit]: ...


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """The data every check carries into its hits."""

    rule_id: str
    category: str
    action: Action
    severity: Severity
    reason: str | None = None
    mask_all: bool = False

    def hit(self, start: int, end: int) -> RuleHit:
        return RuleHit(
            rule_id=self.rule_id,
            category=self.category,
            action=self.action,
            severity=self.severity,
            start=start,
            end=end,
            reason=self.reason,
            mask_all=self.mask_all,
        )


@dataclass(frozen=True, slots=True)
class Declared:
    """What a check says of itself: the rule id and category its hits carry, and the action,
    severity and masking a room gets unless its pack settings say otherwise."""

    rule_id: str
    category: str
    action: Action
    severity: Severity
    mask_all: bool = False  # mask every character (personal data), not all but the first

    def meta(
        self,
        *,
        rule_id: str | None = None,
        action: Action | None = None,
        severity: str | None = None,
        reason: str | None = None,
    ) -> RuleMeta:
        """The data the check's hits carry in a room: a pack's ``action``, ``severity`` and
        ``reason`` over the declared ones; ``rule_id`` for a pack of another language."""
        return RuleMeta(
            rule_id=rule_id or self.rule_id,
            category=self.category,
            action=action or self.action,
            severity=Severity.parse(severity) if severity else self.severity,
            reason=reason,
            mask_all=self.mask_all,
        )


@dataclass(frozen=True)
class MetaCheck:
    """Base for checks: the rule data they stamp on every hit."""

    meta: RuleMeta

    @property
    def rule_id(self) -> str:
        return self.meta.rule_id

    def hits_as_typed(
        self, views: TextViews, find: Callable[[str], Iterable[tuple[int, int]]]
    ) -> list[RuleHit]:
        """A hit for each span ``find`` reports in the text as typed (invisible characters
        left out), mapped back to the message's own offsets."""
        view = views.visible
        return [self.meta.hit(*view.to_original(start, end)) for start, end in find(view.text)]
