"""Handler-facing name kept from before the review had a package: see ``chatmod.review.compile``."""

from chatmod.review.compile import SharedChecks

__all__ = ["SharedChecks"]
