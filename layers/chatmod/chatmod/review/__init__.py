"""The review of one message: read -> detect -> check -> score -> attribute -> decide ->
respond, each stage (``stages``) one step over one ``ReviewState``.

Here too: a room's checks compiled (``compile``), the decision with its masking
(``decision``, ``masking``), which words carry a score (``attribution``) and the time budget
(``deadline``)."""

from chatmod.review.compile import CompiledRoom, SharedChecks, compile_room
from chatmod.review.deadline import Deadline
from chatmod.review.decision import Decision
from chatmod.review.reviewer import Review, Reviewer
from chatmod.review.state import ReviewState

__all__ = [
    "CompiledRoom",
    "Deadline",
    "Decision",
    "Review",
    "ReviewState",
    "Reviewer",
    "SharedChecks",
    "compile_room",
]
