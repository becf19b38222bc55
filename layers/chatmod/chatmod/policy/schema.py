"""The policy file's schema: rule packs, custom rules, model thresholds and per-room overrides.

Configuration is data. A policy file is YAML or JSON; ``rooms`` overrides are keyed by room
ARN or room id and deep-merged onto ``defaults`` (mappings merge key by key, lists replace,
except ``rules``, which are added to the defaults' rules, a room rule replacing a default rule
with the same id). Every room is validated when the file is loaded, so a typo fails a deploy
or a test, never a live message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from chatmod.contract import room_id_from_arn
from chatmod.languages import SUPPORTED, LanguageCode
from chatmod.model.spec import LABELS
from chatmod.policy import limits
from chatmod.policy.levels import LEVELS, LevelName
from chatmod.rules.base import Action, Severity
from chatmod.rules.patterns import compile_pattern
from chatmod.rules.terms import check_term


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_severity(value: str) -> str:
    Severity.parse(value)
    return value.lower()


SeverityName = Annotated[str, AfterValidator(_check_severity)]


class PackConfig(_Strict):
    enabled: bool = True
    action: Action | None = None
    severity: SeverityName | None = None
    reason: str | None = None


class LinksConfig(PackConfig):
    allow_domains: list[str] = Field(default_factory=list)


class SpamConfig(PackConfig):
    shouting: bool = True
    shout_min_letters: int = Field(default=120, ge=1)
    shout_min_upper_ratio: float = Field(default=0.7, gt=0, le=1)
    max_char_run: int = Field(default=20, ge=2)
    max_word_repeats: int = Field(default=8, ge=2)


class Packs(_Strict):
    profanity: PackConfig = Field(default_factory=lambda: PackConfig(action="mask"))
    mild_profanity: PackConfig = Field(
        default_factory=lambda: PackConfig(enabled=False, action="mask")
    )
    slurs: PackConfig = Field(default_factory=lambda: PackConfig(action="deny"))
    threats: PackConfig = Field(default_factory=lambda: PackConfig(action="deny"))
    pii: PackConfig = Field(default_factory=lambda: PackConfig(action="mask"))
    links: LinksConfig = Field(default_factory=lambda: LinksConfig(action="mask"))
    spam: SpamConfig = Field(default_factory=lambda: SpamConfig(action="deny"))


class RuleSpec(_Strict):
    """A custom rule: a term list and/or RE2 patterns with an action, category and severity."""

    id: str = Field(min_length=1)
    category: str = Field(min_length=1)
    action: Action
    severity: SeverityName = "medium"
    terms: list[Annotated[str, Field(max_length=limits.MAX_TERM_LENGTH)]] = Field(
        default_factory=list, max_length=limits.MAX_TERMS_PER_ROOM
    )
    patterns: list[Annotated[str, Field(max_length=limits.MAX_PATTERN_LENGTH)]] = Field(
        default_factory=list, max_length=limits.MAX_PATTERNS_PER_ROOM
    )
    target: Literal["normalized", "original"] = "normalized"
    reason: str | None = None

    @model_validator(mode="after")
    def _has_something_to_match(self) -> RuleSpec:
        if not self.terms and not self.patterns:
            raise ValueError(f"rule {self.id!r} needs terms or patterns")
        if self.terms and all(not t.strip() or t.strip().startswith("#") for t in self.terms):
            # refused here, not when the room compiles: rooms compile on their first message
            raise ValueError(f"rule {self.id!r}: its terms are all blank or comments")
        for term in self.terms:
            if term.strip() and not term.strip().startswith("#"):
                check_term(term)  # a term with nothing to match ("*") fails here
        for pattern in self.patterns:
            compile_pattern(pattern, self.id)  # RE2 syntax errors surface at load time
        return self


class LabelThresholds(_Strict):
    """``confirm``: the second opinion's score from which a delivered gray-zone message is
    removed afterwards (defaults to ``deny``)."""

    deny: float | None = Field(default=None, ge=0, le=1)
    mask: float | None = Field(default=None, ge=0, le=1)
    allow: float | None = Field(default=None, ge=0, le=1)
    confirm: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> LabelThresholds:
        present = [v for v in (self.allow, self.mask, self.deny) if v is not None]
        if present != sorted(present):
            raise ValueError("thresholds must satisfy allow <= mask <= deny")
        confirm_range = [v for v in (self.allow, self.confirm, self.deny) if v is not None]
        if self.confirm is not None and confirm_range != sorted(confirm_range):
            raise ValueError("thresholds must satisfy allow <= confirm <= deny")
        return self

    @property
    def confirm_or_deny(self) -> float | None:
        return self.confirm if self.confirm is not None else self.deny


def _english() -> list[LanguageCode]:
    return ["en"]


def _every_language() -> list[LanguageCode]:
    return list(SUPPORTED)


class ModelPolicy(_Strict):
    """``level`` picks a threshold set from ``levels.yaml``; ``thresholds`` overrides single
    values on top of it (``custom``: only the overrides)."""

    enabled: bool = True
    level: LevelName = "standard"
    # The languages the model may judge (each message goes to a loaded model that reads its
    # language, see ``model.router``); a message detected in another one is judged by the rules.
    languages: list[LanguageCode] = Field(default_factory=_every_language, min_length=1)
    thresholds: dict[str, LabelThresholds] = Field(default_factory=dict)
    severity: dict[str, SeverityName] = Field(default_factory=dict)
    mask_max_words: int = Field(default=24, ge=0)
    reason: str = "This message was flagged as {label}."

    @field_validator("thresholds", "severity")
    @classmethod
    def _known_labels(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown model labels {unknown}; known: {list(LABELS)}")
        return value

    @model_validator(mode="after")
    def _overrides_fit_level(self) -> ModelPolicy:
        self.label_thresholds  # noqa: B018 - raises when an override breaks the ordering
        return self

    @cached_property
    def label_thresholds(self) -> dict[str, LabelThresholds]:
        """The thresholds in force: the level's, each value overridden where the policy says."""
        merged: dict[str, LabelThresholds] = {}
        base = LEVELS[self.level]
        for label in LABELS:
            values = dict(base.get(label, {}))
            override = self.thresholds.get(label)
            if override is not None:
                values.update(override.model_dump(exclude_unset=True))
            if values:
                try:
                    merged[label] = LabelThresholds(**values)
                except ValidationError as exc:
                    raise ValueError(f"thresholds.{label} on level {self.level}: {exc}") from exc
        return merged

    def severity_of(self, label: str) -> Severity:
        return Severity.parse(self.severity.get(label, "medium"))


class LadderStep(_Strict):
    """What one strike on the ladder does: nothing more than the refusal (``warn``), a
    timeout of ``timeout`` seconds, a ``ban``, and on the last step possibly a disconnect."""

    timeout: int | None = Field(default=None, ge=1, le=366 * 86_400)
    ban: bool = False
    disconnect: bool = False

    @model_validator(mode="before")
    @classmethod
    def _warn(cls, value: Any) -> Any:
        return {} if value == "warn" else value

    @model_validator(mode="after")
    def _one_sanction(self) -> LadderStep:
        if self.ban and self.timeout is not None:
            raise ValueError("a step times out or bans, not both")
        return self

    @property
    def sanctions(self) -> bool:
        return self.ban or self.timeout is not None


class EscalationPolicy(_Strict):
    """When a decision becomes an escalation record for the escalation function.

    ``ladder``, when set, replaces ``strikes_to_disconnect``: the n-th active strike in the
    window takes step n (the last step repeats); only the last step may disconnect, which
    starts the next episode from the first step; a ``disconnect_immediately`` category takes
    the last step at once."""

    enabled: bool = True
    strike_min_severity: SeverityName = "high"
    strikes_to_disconnect: int = Field(default=3, ge=1)
    window_seconds: int = Field(default=900, ge=1)
    disconnect_immediately: list[str] = Field(default_factory=lambda: ["threat"])
    second_opinion: bool = True
    purge_on_disconnect: bool = False
    disconnect_reason: str = "Disconnected for repeated violations of the chat rules."
    delete_reason: str = "Removed by moderation."
    ladder: list[LadderStep] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _disconnect_last(self) -> EscalationPolicy:
        if any(step.disconnect for step in self.ladder[:-1]):
            raise ValueError("only the ladder's last step may disconnect")
        return self

    @property
    def disconnect_at(self) -> int:
        """Active strikes that disconnect (never, for a ladder whose last step does not)."""
        if not self.ladder:
            return self.strikes_to_disconnect
        return len(self.ladder) if self.ladder[-1].disconnect else 1_000_000

    def step(self, strikes: int) -> LadderStep | None:
        """The ladder's step for the ``strikes``-th active strike (None: no ladder)."""
        if not self.ladder or strikes < 1:
            return None
        return self.ladder[min(strikes, len(self.ladder)) - 1]


class HoldPolicy(_Strict):
    """Held for review: a message a ``hold`` rule matches, or whose score on one of ``labels``
    sits in the label's gray zone (from ``allow`` up to ``deny`` on the room's level), is not
    delivered but waits for a moderator, at most ``expire_seconds``."""

    labels: list[str] = Field(default_factory=list)
    reason: str = "Your message is held for a moderator."
    expire_seconds: int = Field(default=900, ge=10, le=7 * 86_400)

    @field_validator("labels")
    @classmethod
    def _known_labels(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown model labels {unknown}; known: {list(LABELS)}")
        return value


class Exemption(_Strict):
    """Senders whose chat token carries every one of ``attributes`` (e.g. ``role: moderator``)
    skip what ``skip`` names: rule ids or their first part (``links``, ``spam``,
    ``profanity``, a custom rule's id), ``model``, or ``all`` (every check and the model)."""

    attributes: dict[str, str] = Field(min_length=1)
    skip: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)

    def applies_to(self, attributes: Mapping[str, str]) -> bool:
        return all(attributes.get(k) == v for k, v in self.attributes.items())


def is_skipped(rule_id: str, skip: frozenset[str]) -> bool:
    """Whether a check (by rule id) is skipped for an exempt sender."""
    return "all" in skip or rule_id in skip or rule_id.split(".")[0] in skip


class RoomPolicy(_Strict):
    """Everything that decides one room's messages."""

    max_length: int = Field(default=500, ge=1, le=500)
    too_long: Literal["deny", "truncate"] = "deny"
    mask_char: str = Field(default="*", min_length=1, max_length=1)
    # The languages the room serves: each brings its profanity and slur packs.
    languages: list[LanguageCode] = Field(default_factory=_english, min_length=1)
    packs: Packs = Field(default_factory=Packs)
    rules: list[RuleSpec] = Field(default_factory=list)
    disable_rules: list[str] = Field(default_factory=list)
    model: ModelPolicy = Field(default_factory=ModelPolicy)
    escalation: EscalationPolicy = Field(default_factory=EscalationPolicy)
    reasons: dict[str, str] = Field(default_factory=dict)
    exempt: list[Exemption] = Field(default_factory=list)
    hold: HoldPolicy = Field(default_factory=HoldPolicy)

    def skipped_for(self, attributes: Mapping[str, str]) -> frozenset[str]:
        """What a sender with these token attributes skips (empty for most senders)."""
        if not self.exempt or not attributes:
            return frozenset()
        return frozenset(n for e in self.exempt if e.applies_to(attributes) for n in e.skip)

    @model_validator(mode="after")
    def _unique_rule_ids(self) -> RoomPolicy:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids: {dupes}")
        return self

    @model_validator(mode="after")
    def _within_limits(self) -> RoomPolicy:
        terms, patterns = self.matcher_counts
        PER_ROOM.check(terms, patterns)
        return self

    @property
    def matcher_counts(self) -> tuple[int, int]:
        """Custom terms and patterns this room compiles (built-in packs not counted)."""
        return sum(len(r.terms) for r in self.rules), sum(len(r.patterns) for r in self.rules)


@dataclass(frozen=True)
class MatcherLimits:
    """How many custom terms and patterns a scope allows; ``counted`` and ``applies`` word
    the refusal (what was counted, and where the limit holds)."""

    terms: int
    patterns: int
    counted: str = ""
    applies: str = ""

    def check(self, terms: int, patterns: int) -> None:
        if terms > self.terms:
            raise ValueError(f"{terms} terms{self.counted}; at most {self.terms}{self.applies}")
        if patterns > self.patterns:
            raise ValueError(
                f"{patterns} patterns{self.counted}; at most {self.patterns}{self.applies}"
            )


PER_ROOM = MatcherLimits(
    limits.MAX_TERMS_PER_ROOM, limits.MAX_PATTERNS_PER_ROOM, applies=" per room"
)
OVER_ALL_ROOMS = MatcherLimits(
    limits.MAX_TERMS_TOTAL, limits.MAX_PATTERNS_TOTAL, counted=" over all rooms"
)


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; anything else in ``override`` replaces what ``base`` had."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _merge_room(defaults: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    room_rules = override.get("rules", [])
    merged = deep_merge(defaults, {k: v for k, v in override.items() if k != "rules"})
    if room_rules:
        replaced = {r.get("id") for r in room_rules if isinstance(r, dict)}
        kept = [r for r in defaults.get("rules", []) if r.get("id") not in replaced]
        merged["rules"] = kept + list(room_rules)
    return merged


class PolicyFile(_Strict):
    """A whole policy file: defaults plus per-room overrides."""

    version: Literal[1] = 1
    defaults: RoomPolicy = Field(default_factory=RoomPolicy)
    rooms: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _rooms_are_valid(self) -> PolicyFile:
        if len(self.rooms) > limits.MAX_ROOMS:
            raise ValueError(f"{len(self.rooms)} rooms; at most {limits.MAX_ROOMS}")
        terms, patterns = self.defaults.matcher_counts
        built: dict[str, RoomPolicy] = {}
        for key in self.rooms:
            try:
                built[key] = room = self._build_room(key)
            except ValidationError as exc:
                raise ValueError(f"rooms[{key!r}]: {exc}") from exc
            terms += room.matcher_counts[0]
            patterns += room.matcher_counts[1]
        self.__dict__["_room_policies"] = built  # validated once, kept for ``for_room``
        OVER_ALL_ROOMS.check(terms, patterns)
        return self

    @cached_property
    def _defaults_dict(self) -> dict[str, Any]:
        return self.defaults.model_dump(mode="json", exclude_unset=True)

    def _build_room(self, key: str) -> RoomPolicy:
        return RoomPolicy.model_validate(_merge_room(self._defaults_dict, self.rooms[key]))

    @cached_property
    def _room_policies(self) -> dict[str, RoomPolicy]:
        return {key: self._build_room(key) for key in self.rooms}

    def room_key(self, room: str) -> str | None:
        """The ``rooms`` key that applies to a room ARN or id, or None for the defaults."""
        if room in self.rooms:
            return room
        room_id = room_id_from_arn(room)
        return room_id if room_id in self.rooms else None

    def for_room(self, room: str) -> RoomPolicy:
        key = self.room_key(room)
        return self.defaults if key is None else self._room_policies[key]
