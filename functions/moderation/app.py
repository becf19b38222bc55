"""Moderation function: the moderator API behind API Gateway (HTTP API, IAM auth).

Moderators call it with SigV4-signed requests (the CLI ``python -m chatmod mod``, the local
page through the local room, or any AWS SDK); API Gateway checks the signature and the
caller's ``execute-api:Invoke`` permission before this function runs, and the caller's ARN is
recorded with what they did. The local room serves the same paths by invoking this function
from the template with the same event shape. The routes are ``chatmod.aws.moderator_api``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from chatmod.aws.counters import NAMESPACE
from chatmod.aws.moderator_api import ModeratorApi
from chatmod.settings import Settings

SERVICE = "chatmod-moderation"

settings = Settings.load()
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
API = ModeratorApi(settings, logger, metrics)


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    metrics.add_metric(name="ModeratorApiRequests", unit=MetricUnit.Count, value=1)
    return API.resolver.resolve(event, context)
