"""chatmod: moderation for Amazon IVS Chat message review handlers.

The core (``review``: read -> detect -> check -> score -> attribute -> decide -> respond)
imports nothing from AWS outside ``aws/``; the Lambda functions in ``functions/`` adapt events
to it.
"""

from chatmod.contract import ReviewRequest, ReviewResponse
from chatmod.review.reviewer import Review, Reviewer

__all__ = ["Review", "ReviewRequest", "ReviewResponse", "Reviewer"]
__version__ = "0.1.0"
