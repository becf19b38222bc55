"""A message from a timed-out or banned sender is refused before any check or model runs."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from chatmod.contract import ReviewRequest, ReviewResponse
from chatmod.review.decision import Decision
from chatmod.review.reviewer import Review

if TYPE_CHECKING:
    from chatmod.moderation.cache import SanctionCache

SANCTION_CATEGORY = "sanction"


def sanctioned_review(cache: SanctionCache | None, request: ReviewRequest) -> Review | None:
    """The refusal of a sanctioned sender (its reason says for how long), or None."""
    if cache is None:
        return None
    started = time.perf_counter()
    sanction = cache.find(request.room_arn, request.sender.user_id)
    if sanction is None:
        return None
    decision = Decision(
        result="DENY",
        content=request.content,
        modified=False,
        reason=sanction.refusal(cache.wall_ms()),
        categories=(SANCTION_CATEGORY,),
        rule_ids=(f"sanction.{sanction.kind}",),
    )
    elapsed_ms = (time.perf_counter() - started) * 1000
    return Review(request, decision, ReviewResponse.answering(request, decision), elapsed_ms)
