"""Turn a room's policy into the list of checks that run on its messages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from chatmod.policy import PackConfig, RoomPolicy, RuleSpec
from chatmod.rules import (
    CardNumberCheck,
    Check,
    EmailCheck,
    FloodCheck,
    LinkCheck,
    PatternCheck,
    PhoneNumberCheck,
    PublicIpCheck,
    RepeatedCharacterCheck,
    ShoutingCheck,
    TermCheck,
)
from chatmod.rules.base import Action, RuleMeta, Severity
from chatmod.rules.terms import load_terms

DEFAULT_REASONS: dict[str, str] = {
    "hate": "Hateful language isn't allowed in this chat.",
    "profanity": "Please keep it civil.",
    "pii": "Please don't share personal information in chat.",
    "links": "Links aren't allowed in this chat.",
    "spam": "Please don't spam the chat.",
    "length": "Your message is too long.",
}


@lru_cache(maxsize=8)
def _builtin_pack(pack: str) -> dict[str, list[object]]:
    text = resources.files("chatmod").joinpath(f"packs/{pack}.yaml").read_text("utf-8")
    data: dict[str, list[object]] = yaml.safe_load(text) or {}
    return data


def builtin_terms(pack: str) -> tuple[str, ...]:
    """A built-in term list from ``chatmod/packs/<pack>.yaml``."""
    return load_terms(str(t) for t in _builtin_pack(pack).get("terms", []))


def builtin_exemptions(pack: str) -> tuple[str, ...]:
    """Phrases a built-in pack leaves alone though they contain one of its terms."""
    return load_terms(str(t) for t in _builtin_pack(pack).get("exempt", []))


def _builtin_term_check(pack: str, meta: RuleMeta) -> TermCheck:
    return TermCheck(meta, builtin_terms(pack), builtin_exemptions(pack))


@dataclass(frozen=True)
class CompiledRoom:
    """A room policy with its checks compiled, built once and reused for every message."""

    policy: RoomPolicy
    checks: tuple[Check, ...]

    def reason_for(self, category: str, explicit: str | None = None) -> str:
        if explicit:
            return explicit
        return self.policy.reasons.get(category) or DEFAULT_REASONS.get(
            category, "This message isn't allowed in this chat."
        )


def _meta(
    rule_id: str,
    category: str,
    pack: PackConfig,
    action: Action,
    severity: Severity,
    *,
    mask_all: bool = False,
) -> RuleMeta:
    return RuleMeta(
        rule_id=rule_id,
        category=category,
        action=pack.action or action,
        severity=Severity.parse(pack.severity) if pack.severity else severity,
        reason=pack.reason,
        mask_all=mask_all,
    )


def _pack_checks(policy: RoomPolicy) -> list[Check]:
    packs = policy.packs
    checks: list[Check] = []
    if packs.slurs.enabled:
        meta = _meta("slurs", "hate", packs.slurs, "deny", Severity.HIGH)
        checks.append(_builtin_term_check("slurs", meta))
    if packs.profanity.enabled:
        meta = _meta("profanity", "profanity", packs.profanity, "mask", Severity.LOW)
        checks.append(_builtin_term_check("profanity", meta))
    if packs.mild_profanity.enabled:
        meta = _meta("profanity.mild", "profanity", packs.mild_profanity, "mask", Severity.LOW)
        checks.append(_builtin_term_check("mild_profanity", meta))
    if packs.pii.enabled:
        pii = packs.pii
        checks.append(
            EmailCheck(_meta("pii.email", "pii", pii, "mask", Severity.MEDIUM, mask_all=True))
        )
        checks.append(
            CardNumberCheck(_meta("pii.card", "pii", pii, "mask", Severity.MEDIUM, mask_all=True))
        )
        checks.append(
            PhoneNumberCheck(_meta("pii.phone", "pii", pii, "mask", Severity.MEDIUM, mask_all=True))
        )
        checks.append(
            PublicIpCheck(_meta("pii.ip", "pii", pii, "mask", Severity.MEDIUM, mask_all=True))
        )
    if packs.links.enabled:
        meta = _meta("links", "links", packs.links, "mask", Severity.LOW, mask_all=True)
        checks.append(LinkCheck(meta, tuple(packs.links.allow_domains)))
    if packs.spam.enabled:
        spam = packs.spam
        if spam.shouting:
            meta = _meta("spam.shouting", "spam", spam, "deny", Severity.LOW)
            checks.append(ShoutingCheck(meta, spam.shout_min_letters, spam.shout_min_upper_ratio))
        meta = _meta("spam.repeat", "spam", spam, "deny", Severity.LOW)
        checks.append(RepeatedCharacterCheck(meta, spam.max_char_run))
        checks.append(
            FloodCheck(
                _meta("spam.flood", "spam", spam, "deny", Severity.LOW), spam.max_word_repeats
            )
        )
    return checks


def _rule_checks(rule: RuleSpec) -> list[Check]:
    meta = RuleMeta(
        rule_id=rule.id,
        category=rule.category,
        action=rule.action,
        severity=Severity.parse(rule.severity),
        reason=rule.reason,
    )
    checks: list[Check] = []
    if rule.terms:
        checks.append(TermCheck(meta, load_terms(rule.terms)))
    if rule.patterns:
        checks.append(PatternCheck(meta, tuple(rule.patterns), rule.target))
    return checks


def compile_room(policy: RoomPolicy) -> CompiledRoom:
    """All enabled built-in packs and custom rules, minus the rule ids the room disables."""
    checks = _pack_checks(policy)
    for rule in policy.rules:
        checks.extend(_rule_checks(rule))
    disabled = set(policy.disable_rules)
    kept = [
        c for c in checks if c.rule_id not in disabled and c.rule_id.split(".")[0] not in disabled
    ]
    return CompiledRoom(policy=policy, checks=tuple(kept))
