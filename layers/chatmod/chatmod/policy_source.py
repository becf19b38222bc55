"""Handler-facing names kept from before the policy had a package: see
``chatmod.policy.live``."""

from chatmod.policy.live import (
    BundledPolicySource,
    FilePolicySource,
    LivePolicy,
    PolicySource,
    read_capped,
)

__all__ = ["BundledPolicySource", "FilePolicySource", "LivePolicy", "PolicySource", "read_capped"]
