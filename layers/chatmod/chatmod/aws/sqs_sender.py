"""Sends escalation records from the review function, cheaply and without ever blocking it.

The client is made at init with short connect/read timeouts and a single attempt, so a slow
or failing queue costs at most a connect plus a read timeout of the 200 ms budget; the caller
logs and counts failures and the review decision stands.
"""

from __future__ import annotations

from typing import Any

from botocore.config import Config

from chatmod.aws.clients import make_client
from chatmod.escalation.record import EscalationRecord


class EscalationSender:
    def __init__(self, queue_url: str, client: Any) -> None:
        self.queue_url = queue_url
        self.client = client

    @classmethod
    def create(cls, queue_url: str, timeout_ms: int = 60) -> EscalationSender:
        seconds = timeout_ms / 1000
        config = Config(
            connect_timeout=seconds,
            read_timeout=seconds,
            retries={"total_max_attempts": 1, "mode": "standard"},
            tcp_keepalive=True,
        )
        return cls(queue_url, make_client("sqs", config=config))

    def send(self, record: EscalationRecord) -> str:
        """Queues the record; returns the SQS message id (raises on any failure)."""
        response = self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=record.to_body(),
            MessageAttributes={"kind": {"DataType": "String", "StringValue": record.kind}},
        )
        return str(response["MessageId"])


def is_queue_url(value: str | None) -> bool:
    """Local template runs resolve ``!Ref Queue`` to a placeholder, not a URL: no sender then."""
    return bool(value) and str(value).startswith(("https://", "http://"))
