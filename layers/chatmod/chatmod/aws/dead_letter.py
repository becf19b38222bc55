"""Sends a record the escalation function gave up on to the dead-letter queue, with its reason.

A record that failed every receive reaches the dead-letter queue through the redrive policy,
without a word of why. A record whose action can no longer be completed safely (a disconnect
of unknown outcome past its retry window) goes there at once instead, its reason attached as a
message attribute, so an operator sees what to check before redriving it.
"""

from __future__ import annotations

from typing import Any

from chatmod.aws.clients import make_client
from chatmod.aws.sqs_sender import queue_region

REASON_MAX_CHARS = 256  # a message attribute's value stays short and readable


class DeadLetters:
    def __init__(self, queue_url: str, client: Any) -> None:
        self.queue_url = queue_url
        self.client = client

    @classmethod
    def create(
        cls, queue_url: str, endpoint_url: str | None = None, *, region: str | None = None
    ) -> DeadLetters:
        """A sender for ``queue_url``; an AWS queue URL's own region wins over ``region``."""
        client = make_client(
            "sqs",
            attempts=3,
            endpoint_url=endpoint_url,
            region_name=queue_region(queue_url) or region,
        )
        return cls(queue_url, client)

    def send(self, body: str, reason: str, *, kind: str, message_id: str) -> str:
        """Queues ``body`` as it was received (already SQS-safe); returns the SQS message id."""
        attributes = {
            "reason": reason[:REASON_MAX_CHARS],
            "kind": kind,
            "message_id": message_id,
        }
        response = self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=body,
            MessageAttributes={
                name: {"DataType": "String", "StringValue": value}
                for name, value in attributes.items()
                if value
            },
        )
        return str(response["MessageId"])
