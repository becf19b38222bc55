"""What each review leaves behind for operators: the audit line and the decision metrics."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from chatmod.audit import IpHasher, audit_record
from chatmod.aws.counters import NAMESPACE
from chatmod.deadline import Deadline
from chatmod.pipeline import Review


def record_review(
    logger: Logger, metrics: Metrics, review: Review, ip_hasher: IpHasher, *, log_content: bool
) -> None:
    """The audit line (``review decision``) and the counts by result, language and category
    (an allowed message with masked words counts as ``MASKED``)."""
    decision = review.decision
    logger.info(
        "review decision",
        extra=audit_record(
            review.request,
            decision,
            review.elapsed_ms,
            ip_hasher=ip_hasher,
            include_content=log_content,
        ),
    )
    outcome = "MASKED" if decision.result == "ALLOW" and decision.modified else decision.result
    metrics.add_dimension("Result", outcome)
    metrics.add_metric(name="Decisions", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="ReviewLatency", unit=MetricUnit.Milliseconds, value=review.elapsed_ms)
    _count_by("DecisionsByLanguage", {"Language": decision.language, "Result": outcome})
    for category in decision.categories:
        _count_by("DecisionsByCategory", {"Category": category, "Result": outcome})


def count_deadline_answer(logger: Logger, deadline: Deadline, review: Review) -> None:
    """An answer that skipped a stage for want of time; the second opinion gets the message
    (a skipped model: queued as unscored; a skipped attribution: its gray zone)."""
    if deadline.cut is None:
        return
    logger.warning(
        "review cut short by the deadline",
        extra={"message_id": review.request.message_id, "stage": deadline.cut},
    )
    _count_by("DeadlineAnswer", {"Stage": deadline.cut})


def _count_by(name: str, dimensions: dict[str, str]) -> None:
    """One count on its own EMF line, so its dimensions are its own."""
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=NAMESPACE) as metric:
        for key, value in dimensions.items():
            metric.add_dimension(key, value)
