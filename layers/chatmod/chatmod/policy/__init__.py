"""A deployment's policy: what each room checks, how strictly the model judges and what
happens next.

``schema`` is the policy file's shape, validated whole when it loads; ``levels`` the model's
threshold sets (``chatmod/levels.yaml``); ``load`` reads a policy, or the packaged default
(``chatmod/default_policy.yaml``); ``limits`` bounds its size; ``live`` follows a policy
source and swaps in each new version once it compiles."""

from chatmod.errors import PolicyError
from chatmod.policy.levels import LEVELS, NO_MASK_WHEN, LevelName
from chatmod.policy.load import (
    MAX_ERROR_CHARS,
    excerpt,
    load_policy,
    parse_policy,
    with_max_length,
)
from chatmod.policy.schema import (
    EscalationPolicy,
    Exemption,
    HoldPolicy,
    LabelThresholds,
    LadderStep,
    LinksConfig,
    ModelPolicy,
    PackConfig,
    Packs,
    PolicyFile,
    RoomPolicy,
    RuleSpec,
    SeverityName,
    SpamConfig,
    deep_merge,
    is_skipped,
)

__all__ = [
    "LEVELS",
    "MAX_ERROR_CHARS",
    "NO_MASK_WHEN",
    "EscalationPolicy",
    "Exemption",
    "HoldPolicy",
    "LabelThresholds",
    "LadderStep",
    "LevelName",
    "LinksConfig",
    "ModelPolicy",
    "PackConfig",
    "Packs",
    "PolicyError",
    "PolicyFile",
    "RoomPolicy",
    "RuleSpec",
    "SeverityName",
    "SpamConfig",
    "deep_merge",
    "excerpt",
    "is_skipped",
    "load_policy",
    "parse_policy",
    "with_max_length",
]
