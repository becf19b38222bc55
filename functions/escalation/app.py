"""Escalation function: acts on escalation records from the review function's queue.

Strikes go to the ledger and may disconnect the user; gray-zone messages get a second
opinion and may be deleted. Each SQS record succeeds or fails on its own (partial batch
responses): a failed one returns to the queue and, after a bounded number of receives, lands
in the dead-letter queue. A disconnect whose outcome is unknown past its retry window is sent
to the dead-letter queue at once with its reason, and counted as ``DisconnectsLost``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from chatmod.aws.dead_letter import DeadLetters
from chatmod.aws.policy_sources import policy_source
from chatmod.aws.sqs_sender import is_queue_url
from chatmod.aws.tracing import trace_handler
from chatmod.aws.wiring import (
    build_actions,
    build_guard,
    build_intents,
    build_ledger,
    build_scorer,
)
from chatmod.escalation import EscalationProcessor, EscalationResult, SecondOpinion, parse_record
from chatmod.escalation.intents import OutcomeUnknownError
from chatmod.moderation.feed import action_events
from chatmod.moderation.wiring import build_feed, build_sanction_writer
from chatmod.policy import PolicyFile
from chatmod.policy_check import checked_policy
from chatmod.policy_source import BundledPolicySource, LivePolicy
from chatmod.settings import Settings

SERVICE = "chatmod-escalation"
NAMESPACE = "chatmod"

settings = Settings.load()
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
traced = trace_handler(SERVICE)  # X-ray only when the stack turns tracing on
# A wholly failed batch is reported record by record too (same effect, clearer locally).
batch = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def _reload_failed(message: str, error: BaseException) -> None:
    logger.error(message, extra={"error": f"{type(error).__name__}: {error}"})
    with single_metric(
        name="PolicyReloadFailed", unit=MetricUnit.Count, value=1, namespace=NAMESPACE
    ) as metric:
        metric.add_dimension("service", SERVICE)


# The same live source as the review function: checked in the background, a broken or
# unreachable policy keeps the last good one (the bundled one until a first fetch works).
POLICY: LivePolicy[PolicyFile] = LivePolicy(
    policy_source(settings),  # bundled unless a file, SSM or AppConfig is set
    checked_policy,
    check_every_s=settings.policy_check_s,
    on_failure=_reload_failed,
)
POLICY.start(None if isinstance(POLICY.source, BundledPolicySource) else BundledPolicySource())


def current_policy() -> PolicyFile:
    """The policy in use now (never waits for a fetch)."""
    return POLICY.current()


def _load_scorer() -> SecondOpinion | None:
    try:
        return build_scorer(settings)
    except Exception:  # strikes still work; second-opinion records fail and are retried
        logger.exception(
            "second-opinion scorer unavailable",
            extra={"scorer": settings.second_opinion},
        )
        metrics.add_metric(name="SecondOpinionUnavailable", unit=MetricUnit.Count, value=1)
        return None


LEDGER = build_ledger(settings)
GUARD = build_guard(settings)
ACTIONS = build_actions(settings)
SCORER = _load_scorer()


def _load_language_detector() -> Any:
    """Second opinions leave lines in languages the model does not read alone; without the
    detector they are scored as before."""
    try:
        from chatmod.language import LangidDetector

        return LangidDetector()
    except Exception:
        logger.exception("language detector unavailable; every line gets a second opinion")
        return None


PROCESSOR = EscalationProcessor(
    current_policy,
    LEDGER,
    ACTIONS,
    GUARD,
    SCORER,
    confirm_threshold=settings.confirm_threshold,
    intents=build_intents(settings),
    disconnect_timeout_ms=getattr(ACTIONS, "call_timeout_ms", 30_000),
    retry_window_ms=settings.disconnect_retry_window_ms,
    language_detector=_load_language_detector(),
    sanctions=build_sanction_writer(settings),  # the strike ladder's timeouts and bans
)


def _dead_letters() -> DeadLetters | None:
    """Where given-up records go with their reason (none in local runs: a placeholder URL)."""
    url = settings.dead_letter_queue_url
    if url is None or not is_queue_url(url):
        return None
    try:
        return DeadLetters.create(url, settings.sqs_endpoint_url, region=settings.aws_region)
    except Exception:
        logger.exception("dead-letter sender not created; given-up records fail back instead")
        return None


DEAD_LETTERS = _dead_letters()


def _count(result: EscalationResult) -> None:
    metrics.add_metric(name=f"Escalations_{result.kind}", unit=MetricUnit.Count, value=1)
    if result.active_strikes is not None:  # a strike reached the ledger
        metrics.add_metric(name="Strikes", unit=MetricUnit.Count, value=1)
    if result.disconnected == "done":  # confirmed by ivschat in this invocation
        metrics.add_metric(name="Disconnects", unit=MetricUnit.Count, value=1)
    deleted = sum(1 for outcome in result.deleted.values() if outcome == "done")
    if deleted:
        metrics.add_metric(name="MessagesDeleted", unit=MetricUnit.Count, value=deleted)
    if result.sanctioned:
        metrics.add_metric(name="LadderSanctions", unit=MetricUnit.Count, value=1)
    if result.kind == "second_opinion" and not result.skipped:
        name = "SecondOpinionConfirmed" if result.confirmed else "SecondOpinionCleared"
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


FEED = build_feed(settings)


def _publish(escalation: Any, result: EscalationResult) -> None:
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
        PROCESSOR.clock_ms(),
    )
    try:
        FEED.publish(events)
    except Exception:
        logger.exception("feed events not published", extra={"message_id": result.message_id})
        metrics.add_metric(name="FeedPublishFailed", unit=MetricUnit.Count, value=1)


def record_handler(record: SQSRecord) -> EscalationResult:
    try:
        escalation = parse_record(record.body)
    except ValidationError as exc:
        logger.error(
            "poison escalation record; it goes back to the queue and on to the DLQ",
            extra={
                "sqs_message_id": record.message_id,
                "errors": exc.errors(include_input=False, include_url=False),
            },
        )
        metrics.add_metric(name="PoisonRecords", unit=MetricUnit.Count, value=1)
        raise
    try:
        result = PROCESSOR.process(escalation)
    except OutcomeUnknownError as exc:
        _give_up(record, escalation, exc)
        return EscalationResult(kind=escalation.kind, message_id=escalation.message_id)
    except Exception:
        logger.exception(
            "escalation failed; the record goes back to the queue",
            extra={
                "kind": escalation.kind,
                "message_id": escalation.message_id,
                "room_arn": escalation.room_arn,
            },
        )
        metrics.add_metric(name="EscalationFailures", unit=MetricUnit.Count, value=1)
        raise
    logger.info(
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
    _count(result)
    _publish(escalation, result)
    return result


def _give_up(record: SQSRecord, escalation: Any, error: OutcomeUnknownError) -> None:
    """A disconnect that may no longer be repeated: loud, in the dead-letter queue with why.

    Without a dead-letter queue to send to (or when the send fails), the record fails back to
    the queue; each later receive gives up the same way, and the redrive policy ends it there.
    """
    details = {
        "kind": escalation.kind,
        "message_id": escalation.message_id,
        "room_arn": escalation.room_arn,
        "user_id": escalation.user_id,
        "reason": error.reason,
        "calls": error.intent.calls,
    }
    metrics.add_metric(name="DisconnectsLost", unit=MetricUnit.Count, value=1)
    if DEAD_LETTERS is None:
        logger.error("disconnect given up; no dead-letter queue to send it to", extra=details)
        raise error
    try:
        DEAD_LETTERS.send(
            record.body,
            f"DisconnectUser outcome unknown: {error.reason}",
            kind=escalation.kind,
            message_id=escalation.message_id,
        )
    except Exception:
        logger.exception("disconnect given up; dead-letter send failed", extra=details)
        raise error from None
    logger.error("disconnect given up; record sent to the dead-letter queue", extra=details)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(log_event=False)
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    GUARD.register_context(context)
    PROCESSOR.set_time_left(context.get_remaining_time_in_millis)
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=batch, context=context
    )
    return dict(response)
