"""Handler-facing names kept from before the policy had a package: see
``chatmod.policy.live``."""

from chatmod.policy.live import BUNDLED_NAME as BUNDLED_NAME
from chatmod.policy.live import RETRY_AFTER_FAILURE_S as RETRY_AFTER_FAILURE_S
from chatmod.policy.live import BundledPolicySource as BundledPolicySource
from chatmod.policy.live import FilePolicySource as FilePolicySource
from chatmod.policy.live import LivePolicy as LivePolicy
from chatmod.policy.live import PolicySource as PolicySource
from chatmod.policy.live import read_capped as read_capped
