"""What the review hands to the escalation function: strikes, and messages that deserve a
second opinion (with the sender's recent messages here as context)."""

from __future__ import annotations

import time
from collections.abc import Callable

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from chatmod.aws.escalation_outbox import EscalationOutbox
from chatmod.escalation.recent import RecentMessages
from chatmod.escalation.trigger import escalation_record
from chatmod.pipeline import Review, Reviewer
from chatmod.settings import Settings


class ReviewEscalation:
    """Turns a review into an escalation record, when it deserves one, and posts it."""

    def __init__(
        self, settings: Settings, outbox: EscalationOutbox, logger: Logger, metrics: Metrics
    ) -> None:
        self._queue_url = settings.escalation_queue_url
        self._second_opinion = settings.second_opinion != "none"
        self._outbox = outbox
        self._logger = logger
        self._metrics = metrics
        # Each sender's last delivered messages per room, sent as context with a second opinion.
        self.recent = RecentMessages()

    def escalate(
        self,
        reviewer: Reviewer,
        review: Review,
        seconds_left: Callable[[], float],
        *,
        unscored: bool = False,
    ) -> None:
        """Hands decisions that deserve follow-up to the escalation queue (no-op when unset).

        Waits for the send at most ``seconds_left()``, so the answer still reaches IVS within its
        200 ms; before the background start has made the sender, records wait for it. Never
        raises: a failed or late send is logged and counted, and the decision stands.
        """
        if not self._queue_url or self._outbox.off:
            return
        message_id = review.request.message_id
        try:
            policy = reviewer.room(review.request.room_arn).policy.escalation
            now_ms = int(time.time() * 1000)
            follow_up = policy.enabled and policy.second_opinion
            context = self._context_then_remember(review, now_ms) if follow_up else ()
            record = escalation_record(
                review.request,
                review.decision,
                policy,
                now_ms,
                unscored=unscored,
                second_opinion=self._second_opinion,
                context=context,
            )
            if record is None:
                return
            posted = self._outbox.post(record, seconds_left())
        # Broad on purpose: the send raises whatever SQS, botocore or the network raised on the
        # sender's thread, and none of it may change the decision IVS is waiting for.
        except Exception:
            self._logger.exception("escalation not sent", extra={"message_id": message_id})
            self._count("EscalationSendFailed")
            self._count("EscalationsLost")
            return
        if posted == "late":
            self._logger.warning(
                "escalation send still running at the deadline; answering IVS first",
                extra={"message_id": message_id, "kind": record.kind},
            )
            self._count("EscalationSendLate")
        elif posted == "sent":
            self._count("EscalationsSent")

    def _context_then_remember(self, review: Review, now_ms: int) -> tuple[str, ...]:
        """The sender's messages delivered here before this one; this one joins them if
        delivered."""
        if not self._second_opinion:
            return ()
        request = review.request
        room, user = request.room_arn, request.sender.user_id
        context = self.recent.context(room, user, now_ms)
        if review.decision.result == "ALLOW":
            self.recent.remember(room, user, review.decision.content, now_ms)
        return context

    def _count(self, name: str) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
