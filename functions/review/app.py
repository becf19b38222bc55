"""IVS Chat message review handler: adapts the Lambda event to chatmod's reviewer.

The instance's state lives in ``chatmod.aws.runtime`` (what loads after the first answer, the
live policy, the escalation outbox); one invocation is ``chatmod.aws.review_handler``. This
module reads the settings, makes the Powertools logger and metrics, starts the runtime and
guards the answer: every invocation returns a valid IVS response.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from chatmod.aws.counters import NAMESPACE
from chatmod.aws.review_handler import ReviewHandler
from chatmod.aws.runtime import ReviewRuntime
from chatmod.aws.tracing import trace_handler
from chatmod.failsafe import fail_response
from chatmod.settings import Settings

SERVICE = "chatmod-review"

settings, SETTINGS_ERRORS = Settings.load_tolerant()
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
for _error in SETTINGS_ERRORS:
    logger.error("invalid setting ignored, its default is used", extra={"setting": _error})

RUNTIME = ReviewRuntime.start(settings, logger, metrics, SERVICE)
HANDLER = ReviewHandler(RUNTIME, logger, metrics)
review = trace_handler(SERVICE)(HANDLER.handle)  # X-ray only when the stack turns tracing on


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        return review(event, context)
    # Broad on purpose: the last line of defence, IVS must always get a valid answer.
    except Exception:
        logger.exception("unexpected error in review handler")
        return fail_response(event, settings.fail_mode)
    finally:
        RUNTIME.first_answered.set()
