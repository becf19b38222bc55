"""Turn a room's policy into the list of checks that run on its messages."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field

from chatmod.languages.packs import language_pack, pack_data
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
from chatmod.rules.base import Declared, RuleMeta, Severity
from chatmod.rules.terms import MILD_PROFANITY, PROFANITY, SLURS, THREATS, load_terms

DEFAULT_REASONS: dict[str, str] = {
    "hate": "Hateful language isn't allowed in this chat.",
    "profanity": "Please keep it civil.",
    "pii": "Please don't share personal information in chat.",
    "links": "Links aren't allowed in this chat.",
    "spam": "Please don't spam the chat.",
    "threat": "Threats aren't allowed in this chat.",
    "length": "Your message is too long.",
}


def builtin_terms(pack: str) -> tuple[str, ...]:
    """A built-in term list from ``chatmod/packs/<pack>.yaml`` (``languages.packs``)."""
    return load_terms(str(t) for t in pack_data(pack).get("terms", []))


def builtin_exemptions(pack: str) -> tuple[str, ...]:
    """Phrases a built-in pack leaves alone though they contain one of its terms."""
    return load_terms(str(t) for t in pack_data(pack).get("exempt", []))


class SharedChecks:
    """Compiled checks shared by every room of a policy that asks for the same one.

    A 7-language room's packs are 14 RE2 term matchers, the same in every room with the same
    pack settings: they compile once per policy, not once per room, and a custom rule that every
    room inherits from ``defaults`` compiles once. A new policy version starts from the previous
    one's checks (``previous``), so what did not change is not compiled again; ``release`` drops
    the previous version's once the new one is warm, keeping only what it uses.
    """

    def __init__(self, previous: SharedChecks | None = None) -> None:
        self._checks: dict[Hashable, Check] = {}
        self._previous = previous._checks if previous is not None else None

    def get(self, key: Hashable, build: Callable[[], Check]) -> Check:
        check = self._checks.get(key)
        if check is None:
            check = self._previous.get(key) if self._previous is not None else None
            self._checks[key] = check = check if check is not None else build()
        return check

    def release(self) -> None:
        self._previous = None

    def __len__(self) -> int:
        return len(self._checks)


def _builtin_term_check(pack: str, meta: RuleMeta, shared: SharedChecks) -> Check:
    return shared.get(
        ("pack", pack, meta),
        lambda: TermCheck(meta, builtin_terms(pack), builtin_exemptions(pack)),
    )


@dataclass(frozen=True)
class CompiledRoom:
    """A room policy with its checks compiled, built once and reused for every message.
    ``pack_languages``: the language of each built-in term pack's rule id."""

    policy: RoomPolicy
    checks: tuple[Check, ...]
    pack_languages: Mapping[str, str] = field(default_factory=dict)

    def reason_for(self, category: str, explicit: str | None = None) -> str:
        if explicit:
            return explicit
        return self.policy.reasons.get(category) or DEFAULT_REASONS.get(
            category, "This message isn't allowed in this chat."
        )


def _meta(declared: Declared, pack: PackConfig, rule_id: str | None = None) -> RuleMeta:
    """What a check declares of itself, with the room's pack settings over it."""
    return declared.meta(
        rule_id=rule_id, action=pack.action, severity=pack.severity, reason=pack.reason
    )


def _pack_checks(policy: RoomPolicy, shared: SharedChecks) -> tuple[list[Check], dict[str, str]]:
    """The built-in packs' checks, and the language of each term pack's rule id."""
    packs = policy.packs
    languages = _language_term_checks(policy, shared)
    if packs.mild_profanity.enabled:
        meta = _meta(MILD_PROFANITY, packs.mild_profanity)
        languages.append((_builtin_term_check("en/mild_profanity", meta, shared), "en"))
    if packs.threats.enabled:
        meta = _meta(THREATS, packs.threats)
        languages.append((_builtin_term_check("en/threats", meta, shared), "en"))
    checks: list[Check] = [check for check, _ in languages]
    if packs.pii.enabled:
        pii = packs.pii
        checks.append(EmailCheck(_meta(EmailCheck.DECLARED, pii)))
        checks.append(CardNumberCheck(_meta(CardNumberCheck.DECLARED, pii)))
        checks.append(PhoneNumberCheck(_meta(PhoneNumberCheck.DECLARED, pii)))
        checks.append(PublicIpCheck(_meta(PublicIpCheck.DECLARED, pii)))
    if packs.links.enabled:
        links = packs.links
        checks.append(LinkCheck(_meta(LinkCheck.DECLARED, links), tuple(links.allow_domains)))
    if packs.spam.enabled:
        spam = packs.spam
        if spam.shouting:
            meta = _meta(ShoutingCheck.DECLARED, spam)
            checks.append(ShoutingCheck(meta, spam.shout_min_letters, spam.shout_min_upper_ratio))
        meta = _meta(RepeatedCharacterCheck.DECLARED, spam)
        checks.append(RepeatedCharacterCheck(meta, spam.max_char_run))
        checks.append(FloodCheck(_meta(FloodCheck.DECLARED, spam), spam.max_word_repeats))
    return checks, {check.rule_id: language for check, language in languages}


def _rule_checks(rule: RuleSpec, shared: SharedChecks) -> list[Check]:
    meta = RuleMeta(
        rule_id=rule.id,
        category=rule.category,
        action=rule.action,
        severity=Severity.parse(rule.severity),
        reason=rule.reason,
    )
    checks: list[Check] = []
    if rule.terms:
        terms = load_terms(rule.terms)
        checks.append(shared.get(("terms", meta, terms), lambda: TermCheck(meta, terms)))
    if rule.patterns:
        patterns, target = tuple(rule.patterns), rule.target
        checks.append(
            shared.get(
                ("patterns", meta, patterns, target),
                lambda: PatternCheck(meta, patterns, target),
            )
        )
    return checks


def pack_rule_id(pack: str, language: str) -> str:
    """ "profanity" for the English pack (as before languages), "profanity.de" for German."""
    return pack if language == "en" else f"{pack}.{language}"


def _language_term_checks(policy: RoomPolicy, shared: SharedChecks) -> list[tuple[Check, str]]:
    """Slur and profanity packs of every language the room serves, each with its language."""
    packs = policy.packs
    checks: list[tuple[Check, str]] = []
    for language in dict.fromkeys(policy.languages):
        slurs = language_pack(language, "slurs")
        if packs.slurs.enabled and slurs is not None:
            meta = _meta(SLURS, packs.slurs, pack_rule_id("slurs", language))
            checks.append((_builtin_term_check(slurs, meta, shared), language))
        profanity = language_pack(language, "profanity")
        if packs.profanity.enabled and profanity is not None:
            meta = _meta(PROFANITY, packs.profanity, pack_rule_id("profanity", language))
            checks.append((_builtin_term_check(profanity, meta, shared), language))
    return checks


def compile_room(policy: RoomPolicy, shared: SharedChecks | None = None) -> CompiledRoom:
    """All enabled built-in packs and custom rules, minus the rule ids the room disables
    (checks come from ``shared`` when another room already compiled them)."""
    shared = SharedChecks() if shared is None else shared
    checks, pack_languages = _pack_checks(policy, shared)
    for rule in policy.rules:
        checks.extend(_rule_checks(rule, shared))
    disabled = set(policy.disable_rules)
    kept = [
        c for c in checks if c.rule_id not in disabled and c.rule_id.split(".")[0] not in disabled
    ]
    return CompiledRoom(policy=policy, checks=tuple(kept), pack_languages=pack_languages)
