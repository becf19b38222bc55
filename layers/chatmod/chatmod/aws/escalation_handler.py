"""The escalation function's instance: its parts, built once, and what one SQS record does.

Strikes go to the ledger and may disconnect the user; gray-zone messages get a second
opinion and may be deleted. Each SQS record succeeds or fails on its own (partial batch
responses): a failed one returns to the queue and, after a bounded number of receives, lands
in the dead-letter queue. A disconnect whose outcome is unknown past its retry window is sent
to the dead-letter queue at once with its reason, and counted as ``DisconnectsLost``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from chatmod.aws import wiring
from chatmod.aws.counters import attempted, reload_failure_reporter
from chatmod.aws.dead_letter import DeadLetters
from chatmod.aws.policy_sources import policy_source
from chatmod.aws.sqs_sender import is_queue_url
from chatmod.escalation import EscalationProcessor, EscalationResult, parse_record
from chatmod.escalation.intents import OutcomeUnknownError
from chatmod.escalation.record import EscalationRecord
from chatmod.moderation.feed import action_events
from chatmod.moderation.wiring import build_feed, build_sanction_writer
from chatmod.policy import PolicyFile
from chatmod.policy_check import checked_policy
from chatmod.policy_source import BundledPolicySource, LivePolicy
from chatmod.settings import Settings


class EscalationHandler:
    """The ledger, guard, actions, processor, dead letters and feed of one instance."""

    def __init__(self, settings: Settings, logger: Logger, metrics: Metrics, service: str) -> None:
        self._logger = logger
        self._metrics = metrics
        # The same live source as the review function: checked in the background, a broken or
        # unreachable policy keeps the last good one (the bundled one until a first fetch works).
        self.policy: LivePolicy[PolicyFile] = LivePolicy(
            policy_source(settings),  # bundled unless a file, SSM or AppConfig is set
            checked_policy,
            check_every_s=settings.policy_check_s,
            on_failure=reload_failure_reporter(logger, service),
        )
        bundled = isinstance(self.policy.source, BundledPolicySource)
        self.policy.start(None if bundled else BundledPolicySource())
        self.ledger = wiring.build_ledger(settings)
        self.guard = wiring.build_guard(settings)
        self.actions = wiring.build_actions(settings)
        scorer = attempted(  # strikes still work; second-opinion records fail and are retried
            logger,
            lambda: wiring.build_scorer(settings),
            "second-opinion scorer unavailable",
            lambda: self._count("SecondOpinionUnavailable"),
            extra={"scorer": settings.second_opinion},
        )
        detector = attempted(  # without it, every line gets a second opinion, as before
            logger,
            wiring.language_detector,
            "language detector unavailable; every line gets a second opinion",
            lambda: None,
        )
        self.processor = EscalationProcessor(
            self.current_policy,
            self.ledger,
            self.actions,
            self.guard,
            scorer,
            confirm_threshold=settings.confirm_threshold,
            intents=wiring.build_intents(settings),
            disconnect_timeout_ms=getattr(self.actions, "call_timeout_ms", 30_000),
            retry_window_ms=settings.disconnect_retry_window_ms,
            language_detector=detector,
            sanctions=build_sanction_writer(settings),  # the strike ladder's timeouts and bans
        )
        self.dead_letters = self._dead_letters(settings)
        self.feed = build_feed(settings)

    def current_policy(self) -> PolicyFile:
        """The policy in use now (never waits for a fetch)."""
        return self.policy.current()

    def prepare(self, context: Any) -> None:
        """The invocation's context for the idempotency guard and the processor's time."""
        self.guard.register_context(context)
        self.processor.set_time_left(context.get_remaining_time_in_millis)

    def record_handler(self, record: SQSRecord) -> EscalationResult:
        try:
            escalation = parse_record(record.body)
        except ValidationError as exc:
            self._logger.error(
                "poison escalation record; it goes back to the queue and on to the DLQ",
                extra={
                    "sqs_message_id": record.message_id,
                    "errors": exc.errors(include_input=False, include_url=False),
                },
            )
            self._count("PoisonRecords")
            raise
        try:
            result = self.processor.process(escalation)
        except OutcomeUnknownError as exc:
            self._give_up(record, escalation, exc)
            return EscalationResult(kind=escalation.kind, message_id=escalation.message_id)
        # Broad on purpose, and raised again: whatever failed, the record goes back to the
        # queue (the batch processor reports it), after one log line with its ids.
        except Exception:
            self._logger.exception(
                "escalation failed; the record goes back to the queue",
                extra={
                    "kind": escalation.kind,
                    "message_id": escalation.message_id,
                    "room_arn": escalation.room_arn,
                },
            )
            self._count("EscalationFailures")
            raise
        self._logger.info(
            "escalation handled",
            extra={
                "kind": result.kind,
                "message_id": result.message_id,
                "room_arn": escalation.room_arn,
                "user_id": escalation.user_id,
                "skipped": result.skipped,
                "active_strikes": result.active_strikes,
                "confirmed": list(result.confirmed),
                "second_opinion_scores": result.second_opinion_scores,
                "deleted": result.deleted,
                "disconnected": result.disconnected,
                "ladder_step": result.ladder_step,
                "sanctioned": result.sanctioned,
            },
        )
        self._count_result(result)
        self._publish(escalation, result)
        return result

    def _dead_letters(self, settings: Settings) -> DeadLetters | None:
        """Where given-up records go with their reason (none in local runs: a placeholder)."""
        url = settings.dead_letter_queue_url
        if url is None or not is_queue_url(url):
            return None
        try:
            return DeadLetters.create(url, settings.sqs_endpoint_url, region=settings.aws_region)
        except (BotoCoreError, ValueError):  # no region, or an endpoint that is not a URL
            self._logger.exception(
                "dead-letter sender not created; given-up records fail back instead"
            )
            return None

    def _count_result(self, result: EscalationResult) -> None:
        self._count(f"Escalations_{result.kind}")
        if result.active_strikes is not None:  # a strike reached the ledger
            self._count("Strikes")
        if result.disconnected == "done":  # confirmed by ivschat in this invocation
            self._count("Disconnects")
        deleted = sum(1 for outcome in result.deleted.values() if outcome == "done")
        if deleted:
            self._count("MessagesDeleted", deleted)
        if result.sanctioned:
            self._count("LadderSanctions")
        if result.kind == "second_opinion" and not result.skipped:
            self._count("SecondOpinionConfirmed" if result.confirmed else "SecondOpinionCleared")

    def _publish(self, escalation: EscalationRecord, result: EscalationResult) -> None:
        """The deletes and disconnects this record led to, on the moderation feed. A feed that
        fails is logged and counted; the record is done (retrying would act again)."""
        deleted = [m for m, outcome in result.deleted.items() if outcome == "done"]
        disconnected = result.disconnected == "done"
        if not deleted and not disconnected:
            return
        room_id = escalation.room_arn.rsplit("/", 1)[-1]
        events = action_events(
            escalation.kind,
            room_id,
            escalation.user_id,
            deleted,
            disconnected,
            escalation.reason,
            self.processor.clock_ms(),
        )
        try:
            self.feed.publish(events)
        except (BotoCoreError, ClientError, RuntimeError):  # RuntimeError: entries refused
            self._logger.exception(
                "feed events not published", extra={"message_id": result.message_id}
            )
            self._count("FeedPublishFailed")

    def _give_up(
        self, record: SQSRecord, escalation: EscalationRecord, error: OutcomeUnknownError
    ) -> None:
        """A disconnect that may no longer be repeated: loud, in the dead-letter queue with why.

        Without a dead-letter queue to send to (or when the send fails), the record fails back
        to the queue; each later receive gives up the same way, and the redrive policy ends it.
        """
        details = {
            "kind": escalation.kind,
            "message_id": escalation.message_id,
            "room_arn": escalation.room_arn,
            "user_id": escalation.user_id,
            "reason": error.reason,
            "calls": error.intent.calls,
        }
        self._count("DisconnectsLost")
        if self.dead_letters is None:
            self._logger.error(
                "disconnect given up; no dead-letter queue to send it to", extra=details
            )
            raise error
        try:
            self.dead_letters.send(
                record.body,
                f"DisconnectUser outcome unknown: {error.reason}",
                kind=escalation.kind,
                message_id=escalation.message_id,
            )
        except (BotoCoreError, ClientError):
            self._logger.exception("disconnect given up; dead-letter send failed", extra=details)
            raise error from None
        self._logger.error(
            "disconnect given up; record sent to the dead-letter queue", extra=details
        )

    def _count(self, name: str, value: float = 1) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
