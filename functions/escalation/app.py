"""Escalation function: acts on escalation records from the review function's queue.

The instance's parts and what one record does live in ``chatmod.aws.escalation_handler``;
this module reads the settings, makes the Powertools logger and metrics and runs each SQS
batch with partial batch responses (each record succeeds or fails on its own).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from chatmod.aws.counters import NAMESPACE
from chatmod.aws.escalation_handler import EscalationHandler
from chatmod.aws.tracing import trace_handler
from chatmod.settings import Settings

SERVICE = "chatmod-escalation"

settings = Settings.load()
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
traced = trace_handler(SERVICE)  # X-ray only when the stack turns tracing on
# A wholly failed batch is reported record by record too (same effect, clearer locally).
batch = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
HANDLER = EscalationHandler(settings, logger, metrics, SERVICE)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(log_event=False)
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    HANDLER.prepare(context)
    response = process_partial_response(
        event=event, record_handler=HANDLER.record_handler, processor=batch, context=context
    )
    return dict(response)
