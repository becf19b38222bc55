"""One IVS review invocation: the event in, a valid IVS response out, whatever happens.

Each review has an internal deadline (``chatmod.deadline``): 150 ms from invocation start, or
sooner when the Lambda context has less left. A stage that no longer fits is skipped (the model:
the rules answer alone; attribution: the message goes out with its gray zone), counted as
``DeadlineAnswer`` by stage and queued for the second opinion, so IVS never times out. A bad
event or an internal error yields the configured fail-mode result, logged and counted; so does
every message while the policy source is unreadable and ``policy_unavailable`` is ``fail-mode``.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import ValidationError

from chatmod.aws.refusals import RefusalKeeper
from chatmod.aws.review_escalation import ReviewEscalation
from chatmod.aws.review_metrics import count_deadline_answer, record_review
from chatmod.aws.runtime import ReviewRuntime
from chatmod.contract import ReviewRequest
from chatmod.deadline import invocation_deadline
from chatmod.failsafe import fail_response
from chatmod.moderation.enforce import SANCTION_CATEGORY, sanctioned_review

# IVS waits 200 ms for the whole invocation; the escalation send and the refusal's write get
# what is left until this mark, keeping room for the response, the audit line and the flush.
ESCALATION_DEADLINE_MS = 150.0


class ReviewHandler:
    """Reviews one event with what the runtime holds now, and reports what it did."""

    def __init__(self, runtime: ReviewRuntime, logger: Logger, metrics: Metrics) -> None:
        self.runtime = runtime
        self._settings = runtime.settings
        self._logger = logger
        self._metrics = metrics
        self._refusals = RefusalKeeper(logger, metrics)
        self.escalation = ReviewEscalation(runtime.settings, runtime.outbox, logger, metrics)

    def handle(self, event: Any, context: Any) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            request = ReviewRequest.model_validate(event)
        except ValidationError as exc:
            self._logger.warning(
                "invalid review event; answering with the fail mode",
                extra={
                    "errors": exc.errors(include_input=False, include_url=False),
                    "fail_mode": self._settings.fail_mode,
                },
            )
            return self.fail(event, "InvalidEvent")
        try:
            response = self._review(event, request, context, started)
        # Broad on purpose: a review must never raise into IVS. Whatever broke (a check, the
        # model, a store), the answer is the fail mode's, logged and counted.
        except Exception:
            self._logger.exception(
                "review failed; answering with the fail mode",
                extra={"message_id": request.message_id, "fail_mode": self._settings.fail_mode},
            )
            return self.fail(event, "InternalError")
        elapsed_ms = (time.perf_counter() - started) * 1000
        self._count("HandlerLatency", elapsed_ms, MetricUnit.Milliseconds)
        return response

    def _review(
        self, event: Any, request: ReviewRequest, context: Any, started: float
    ) -> dict[str, Any]:
        runtime = self.runtime
        live = runtime.policy.current()
        if runtime.policy.degraded:
            self._count("DegradedAnswers")
            if self._settings.policy_unavailable == "fail-mode":
                return self.fail(event, "PolicyUnavailable")
        unscored = not live.scored and runtime.scoring_soon
        deadline = invocation_deadline(started, _remaining_ms(context))
        review = sanctioned_review(runtime.sanctions, request) or live.reviewer.review(
            request, deadline=deadline
        )
        response = review.response.to_ivs()
        record_review(
            self._logger,
            self._metrics,
            review,
            runtime.ip_hasher,
            log_content=self._settings.log_content,
        )
        refusal = None
        records = runtime.records
        kept = runtime.moderation_on and review.decision.result == "DENY"
        if kept and SANCTION_CATEGORY not in review.decision.categories:
            refusal = self._refusals.start(records, live.reviewer, review)  # not a sanctioned one
        if unscored:
            self._count("RulesOnlyAnswers")
        count_deadline_answer(self._logger, deadline, review)

        def seconds_left() -> float:
            return (ESCALATION_DEADLINE_MS - (time.perf_counter() - started) * 1000) / 1000

        self.escalation.escalate(
            live.reviewer, review, seconds_left, unscored=unscored or deadline.cut == "model"
        )
        if refusal is not None and records is not None:
            self._refusals.finish(records, refusal, seconds_left())
        return response

    def fail(self, event: Any, kind: str) -> dict[str, Any]:
        """The fail mode's answer, never longer than the room allows."""
        self._metrics.add_dimension("Result", "FAILMODE")
        self._count("FailMode")
        self._count(f"FailMode_{kind}")
        return fail_response(event, self._settings.fail_mode, self._room_max_length(event))

    def _room_max_length(self, event: Any) -> int:
        """The limit of the room the event names (the policy's default for any other event),
        so a fail-mode answer never echoes more than the room allows."""
        reviewer = self.runtime.policy.current().reviewer
        room = event.get("RoomArn") if isinstance(event, dict) else None
        try:
            return reviewer.room(room if isinstance(room, str) else "").policy.max_length
        # Broad on purpose: this runs on the fail path itself, and a room whose checks do not
        # compile raises whatever RE2 or the policy raised; the default still bounds the echo.
        except Exception:
            return reviewer.policy.defaults.max_length

    def _count(self, name: str, value: float = 1, unit: MetricUnit = MetricUnit.Count) -> None:
        self._metrics.add_metric(name=name, unit=unit, value=value)


def _remaining_ms(context: Any) -> int | None:
    """The Lambda context's time left (None for a caller that passes no real context)."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return int(remaining()) if callable(remaining) else None
