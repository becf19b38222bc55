"""IVS Chat message review handler: adapts the Lambda event to chatmod's reviewer.

Everything expensive (policy compile, model load, warm-up) happens at init, outside the
200 ms window IVS gives each message. Every invocation returns a valid response: a bad
event or an internal error yields the configured fail-mode result, logged and counted.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from chatmod.audit import audit_record
from chatmod.contract import ReviewRequest
from chatmod.escalation.settings import EscalationSettings
from chatmod.escalation.trigger import escalation_record
from chatmod.failsafe import fail_response
from chatmod.pipeline import Review, Reviewer, load_model_from_settings
from chatmod.policy import parse_policy, with_max_length
from chatmod.settings import Settings

SERVICE = "chatmod-review"
# IVS waits 200 ms for the whole invocation; the escalation send gets what is left until this
# mark, keeping room for the response, the audit line and the metrics flush.
ESCALATION_DEADLINE_MS = 150.0
NAMESPACE = "chatmod"

settings = Settings.from_env()
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
tracer = Tracer(service=SERVICE)


def _load_model() -> Any:
    try:
        return load_model_from_settings(settings)
    except Exception:  # the rules still protect the room; the error is loud in logs and metrics
        logger.exception("toxicity model unavailable; reviewing with rules only")
        with single_metric(
            name="ModelUnavailable", unit=MetricUnit.Count, value=1, namespace=NAMESPACE
        ) as m:
            m.add_dimension("service", SERVICE)
        return None


def _policy_text_from_parameter() -> str | None:
    if not settings.policy_parameter:
        return None
    from aws_lambda_powertools.utilities import parameters

    return str(parameters.get_parameter(settings.policy_parameter, max_age=300))


def _build_reviewer(policy_text: str | None) -> Reviewer:
    if policy_text is None:
        reviewer = Reviewer.from_settings(settings, MODEL)
    else:
        policy = parse_policy(policy_text, f"SSM parameter {settings.policy_parameter}")
        reviewer = Reviewer(with_max_length(policy, settings.max_length), MODEL)
    reviewer.warm()
    return reviewer


MODEL = _load_model()
_policy_text = _policy_text_from_parameter()
REVIEWER = _build_reviewer(_policy_text)


def _escalation_sender() -> Any:
    """An SQS sender made at init when CHATMOD_ESCALATION_QUEUE_URL is set (None otherwise).

    A misconfigured sender turns escalations off, loudly; it never stops reviews.
    """
    url = settings.escalation_queue_url
    if not url:
        return None
    from chatmod.aws.sqs_sender import EscalationSender, is_queue_url

    if not is_queue_url(url):
        logger.warning("not a queue URL; escalations are off", extra={"queue_url": url})
        return None
    try:
        timeout_ms = EscalationSettings.from_env().send_timeout_ms
        return EscalationSender.create(url, timeout_ms)
    except Exception:
        logger.exception("escalation sender not created; escalations are off")
        metrics.add_metric(name="EscalationSendFailed", unit=MetricUnit.Count, value=1)
        return None


SENDER = _escalation_sender()


def _current_reviewer() -> Reviewer:
    """Picks up a changed policy parameter (cached 5 minutes) without a redeploy."""
    global REVIEWER, _policy_text
    if settings.policy_parameter:
        text = _policy_text_from_parameter()
        if text != _policy_text:
            REVIEWER = _build_reviewer(text)
            _policy_text = text
            logger.info("policy reloaded", extra={"parameter": settings.policy_parameter})
    return REVIEWER


def _record(review: Review) -> None:
    decision = review.decision
    logger.info(
        "review decision",
        extra=audit_record(
            review.request,
            decision,
            review.elapsed_ms,
            ip_salt=settings.ip_hash_salt,
            include_content=settings.log_content,
        ),
    )
    outcome = "MASKED" if decision.result == "ALLOW" and decision.modified else decision.result
    metrics.add_dimension("Result", outcome)
    metrics.add_metric(name="Decisions", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="ReviewLatency", unit=MetricUnit.Milliseconds, value=review.elapsed_ms)
    for category in decision.categories:
        with single_metric(
            name="DecisionsByCategory", unit=MetricUnit.Count, value=1, namespace=NAMESPACE
        ) as metric:
            metric.add_dimension("Category", category)
            metric.add_dimension("Result", outcome)


def _fail(event: Any, kind: str) -> dict[str, Any]:
    metrics.add_dimension("Result", "FAILMODE")
    metrics.add_metric(name="FailMode", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name=f"FailMode_{kind}", unit=MetricUnit.Count, value=1)
    return fail_response(event, settings.fail_mode, REVIEWER.policy.defaults.max_length)


@tracer.capture_lambda_handler(capture_response=False)
def _handle(event: Any, context: LambdaContext) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        request = ReviewRequest.model_validate(event)
    except ValidationError as exc:
        logger.warning(
            "invalid review event; answering with the fail mode",
            extra={
                "errors": exc.errors(include_input=False, include_url=False),
                "fail_mode": settings.fail_mode,
            },
        )
        return _fail(event, "InvalidEvent")
    try:
        review = _current_reviewer().review(request)
        response = review.response.to_ivs()
        _record(review)
        escalate(review, started)
    except Exception:
        logger.exception(
            "review failed; answering with the fail mode",
            extra={"message_id": request.message_id, "fail_mode": settings.fail_mode},
        )
        return _fail(event, "InternalError")
    metrics.add_metric(
        name="HandlerLatency",
        unit=MetricUnit.Milliseconds,
        value=(time.perf_counter() - started) * 1000,
    )
    return response


def escalate(review: Review, started: float) -> None:
    """Hands decisions that deserve follow-up to the escalation queue (no-op when unset).

    Waits for the send only until ``ESCALATION_DEADLINE_MS`` after ``started`` (a
    ``perf_counter`` reading at the start of the invocation), so the answer still reaches IVS
    within its 200 ms. Never raises: a failed or late send is logged and counted, and the
    decision stands.
    """
    if SENDER is None:
        return
    try:
        policy = REVIEWER.room(review.request.room_arn).policy.escalation
        record = escalation_record(review.request, review.decision, policy, int(time.time() * 1000))
        if record is None:
            return
        left_ms = ESCALATION_DEADLINE_MS - (time.perf_counter() - started) * 1000
        if SENDER.send_within(record, left_ms / 1000) == "late":
            logger.warning(
                "escalation send still running at the deadline; answering IVS first",
                extra={"message_id": review.request.message_id, "kind": record.kind},
            )
            metrics.add_metric(name="EscalationSendLate", unit=MetricUnit.Count, value=1)
            return
        metrics.add_metric(name="EscalationsSent", unit=MetricUnit.Count, value=1)
    except Exception:
        logger.exception("escalation not sent", extra={"message_id": review.request.message_id})
        metrics.add_metric(name="EscalationSendFailed", unit=MetricUnit.Count, value=1)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        response: dict[str, Any] = _handle(event, context)
        return response
    except Exception:  # last line of defence: IVS must always get a valid answer
        logger.exception("unexpected error in review handler")
        return fail_response(event, settings.fail_mode)
