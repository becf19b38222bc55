"""chatmod: moderation for Amazon IVS Chat message review handlers.

The core (normalize -> rules -> model -> policy -> response) imports nothing from AWS;
the Lambda functions in ``functions/`` adapt events to it.
"""

from chatmod.contract import ReviewRequest, ReviewResponse
from chatmod.review.reviewer import Review, Reviewer

__all__ = ["Review", "ReviewRequest", "ReviewResponse", "Reviewer"]
__version__ = "0.1.0"
