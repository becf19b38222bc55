"""Metrics and failures reported at once, for work done outside an invocation.

Powertools' ``Metrics`` writes what a handler added when the handler returns; a background
start, a policy reload or a late send has no such moment, so each count is its own EMF line.
"""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric

NAMESPACE = "chatmod"


def count_now(service: str, name: str) -> None:
    """One count of ``name``, written now, with the function's ``service`` dimension."""
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=NAMESPACE) as metric:
        metric.add_dimension("service", service)


def described(error: BaseException) -> str:
    """An error as a log field: its type and message."""
    return f"{type(error).__name__}: {error}"


def reload_failure_reporter(logger: Logger, service: str) -> Callable[[str, BaseException], None]:
    """A live policy's ``on_failure``: the last good policy stays, loudly (logged and counted
    as ``PolicyReloadFailed``)."""

    def report(message: str, error: BaseException) -> None:
        logger.error(message, extra={"error": described(error)})
        count_now(service, "PolicyReloadFailed")

    return report
