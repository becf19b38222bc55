"""How the functions report what went wrong outside an answer: loudly, and never by raising.

Powertools' ``Metrics`` writes what a handler added when the handler returns; a background
start, a policy reload or a late send has no such moment, so each count is its own EMF line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric

NAMESPACE = "chatmod"
T = TypeVar("T")


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


def attempted(
    logger: Logger,
    load: Callable[[], T],
    failure: str,
    on_failure: Callable[[], None],
    extra: dict[str, object] | None = None,
) -> T | None:
    """What ``load`` made, or None when it raised (logged as ``failure``, then ``on_failure``).

    For the parts a function can work without (a model, a detector, a sender, a store): their
    loaders (ONNX Runtime, tokenizers, py3langid, boto3) raise types of their own, and a part
    that fails must not stop the function's start nor any later step of it.
    """
    try:
        return load()
    except Exception:  # broad on purpose, as said above; loud in the logs and metrics
        logger.exception(failure, extra=extra)
        on_failure()
        return None
