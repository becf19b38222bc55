"""A refused message's records: the user's recent refusals (the moderator API's user view) and,
for a held one, the held message where moderators find it."""

from __future__ import annotations

import time
from concurrent.futures import Future
from typing import TYPE_CHECKING, NamedTuple

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from chatmod.pipeline import Review, Reviewer

if TYPE_CHECKING:
    from chatmod.moderation.held_writer import ReviewWriter


class Refusal(NamedTuple):
    """A refusal whose write has started."""

    future: Future[None]
    message_id: str
    held: bool


class RefusalKeeper:
    """Starts a refusal's writes beside the rest of the review and waits for them only as
    long as the answer can."""

    def __init__(self, logger: Logger, metrics: Metrics) -> None:
        self._logger = logger
        self._metrics = metrics

    def start(
        self, records: ReviewWriter | None, reviewer: Reviewer, review: Review
    ) -> Refusal | None:
        """Without a store (a new instance's background start not done yet) the records are
        dropped, loudly: the sender was told either way."""
        request, decision = review.request, review.decision
        if records is None:
            self._logger.error(
                "refusal not recorded: no store yet", extra={"message_id": request.message_id}
            )
            self._count("HoldDropped" if decision.held else "RefusalNotRecorded")
            return None
        # Loaded by the background start with the store, so never on a cold path.
        from chatmod.moderation.history import user_decision
        from chatmod.moderation.hold import held_message

        policy = reviewer.room(request.room_arn).policy
        now_ms = int(time.time() * 1000)
        held = held_message(request, decision, policy, now_ms) if decision.held else None
        future = records.start(user_decision(request, decision, policy, now_ms), held)
        return Refusal(future, request.message_id, held is not None)

    def finish(self, records: ReviewWriter, refusal: Refusal, seconds: float) -> None:
        """Waits for the refusal's write at most ``seconds``; a failed one is counted."""
        written = records.wait(refusal.future, seconds)
        if written != "done":
            self._logger.warning(
                "refusal write " + written, extra={"message_id": refusal.message_id}
            )
        if written == "failed":
            self._count("HoldDropped" if refusal.held else "RefusalNotRecorded")
        elif refusal.held:
            self._count("Held")

    def _count(self, name: str) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
