"""The Lambda SQS event that the event source mapping builds from received messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def lambda_sqs_event(messages: Sequence[dict[str, Any]], queue_name: str) -> dict[str, Any]:
    """``messages`` as SQS's ReceiveMessage returns them, as one Lambda event's records."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{queue_name}",
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }
