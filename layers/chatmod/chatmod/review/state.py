"""The one state a review carries from stage to stage.

Every stage (``chatmod.review.stages``) reads what the stages before it left here and adds its
own part; a stage that settles the message sets ``decision`` and the loop stops. Nothing of a
message is read, detected, checked or scored twice: each stage's result is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chatmod.languages import NOT_DETECTED, LanguageGuess
from chatmod.review.decision import Decision, Span
from chatmod.review.starring import ModelPlan

if TYPE_CHECKING:
    from chatmod.contract import ReviewRequest, ReviewResponse
    from chatmod.model.base import ToxicityModel
    from chatmod.policy import RoomPolicy
    from chatmod.review.compile import CompiledRoom
    from chatmod.review.deadline import Deadline
    from chatmod.rules.base import RuleHit
    from chatmod.text.views import TextViews


@dataclass
class ReviewState:
    """One message under review: what came in (``content``, its room, how strictly to read
    it) and what each stage found. ``request`` is set for a full review, whose last stage
    builds the ``response`` IVS gets; ``review_text`` stops at the decision."""

    content: str
    room: CompiledRoom
    enforce_length: bool = True
    deadline: Deadline | None = None
    # The checks (rule ids), ``model`` or ``all`` an exempt sender skips (``policy.exempt``).
    skip: frozenset[str] = frozenset()
    request: ReviewRequest | None = None
    # read: every reading of the message, built once with its offset maps.
    views: TextViews | None = None
    # detect
    language: LanguageGuess = NOT_DETECTED
    # check: the rule hits, harmless words of the message's own language left out.
    hits: list[RuleHit] = field(default_factory=list)
    # score: the model that judged the message (None: the rules answer alone), its scores of
    # the text as the rules masked it, and what those scores call for.
    model: ToxicityModel | None = None
    scores: dict[str, float] | None = None
    scored_after_masks: bool = False
    plan: ModelPlan | None = None
    # attribute: the words (spans of ``content``) that carry a label in its mask range.
    blamed: tuple[Span, ...] = ()
    # decide / respond
    decision: Decision | None = None
    response: ReviewResponse | None = None

    @property
    def policy(self) -> RoomPolicy:
        return self.room.policy
