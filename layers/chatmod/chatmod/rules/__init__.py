"""Rule checks: one class per check, each with one ``scan`` method returning readable hits."""

from chatmod.rules.base import Action, Check, RuleHit, Severity
from chatmod.rules.ip import PublicIpCheck
from chatmod.rules.links import LinkCheck
from chatmod.rules.patterns import PatternCheck
from chatmod.rules.pii import CardNumberCheck, EmailCheck, PhoneNumberCheck
from chatmod.rules.spam import FloodCheck, RepeatedCharacterCheck, ShoutingCheck
from chatmod.rules.terms import TermCheck

__all__ = [
    "Action",
    "CardNumberCheck",
    "Check",
    "EmailCheck",
    "FloodCheck",
    "LinkCheck",
    "PatternCheck",
    "PhoneNumberCheck",
    "PublicIpCheck",
    "RepeatedCharacterCheck",
    "RuleHit",
    "Severity",
    "ShoutingCheck",
    "TermCheck",
]
