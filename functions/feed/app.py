"""Feed function: the moderation table's stream as EventBridge events (``chatmod.moderation.
feed`` documents the schema): refusals (deny, hold), timeouts, bans and lifts, and moderators'
approvals and rejections of held messages. A batch that cannot be published fails whole and is
retried by the stream (at least once: a consumer may see an event twice).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from chatmod.moderation.feed import FeedEvent, item_event
from chatmod.moderation.wiring import build_feed
from chatmod.settings import Settings

SERVICE = "chatmod-feed"

settings = Settings.load()
logger = Logger(service=SERVICE)
metrics = Metrics(namespace="chatmod", service=SERVICE)
FEED = build_feed(settings)


def events_of(records: list[dict[str, Any]]) -> list[FeedEvent]:
    """The events of a stream batch, in order (TTL removals and items of no action: none)."""
    events: list[FeedEvent] = []
    for record in records:
        if record.get("eventName") not in ("INSERT", "MODIFY"):
            continue
        event = item_event(record.get("dynamodb", {}).get("NewImage") or {})
        if event is not None:
            events.append(event)
    return events


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    events = events_of(event.get("Records", []))
    FEED.publish(events)
    metrics.add_metric(name="FeedEvents", unit=MetricUnit.Count, value=len(events))
    return {"published": len(events)}
