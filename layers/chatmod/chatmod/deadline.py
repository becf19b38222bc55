"""Handler-facing names kept from before the review had a package: see
``chatmod.review.deadline``."""

from chatmod.review.deadline import Deadline, invocation_deadline

__all__ = ["Deadline", "invocation_deadline"]
