"""A local SQS queue and the slice of the SQS API (JSON protocol) that senders use.

The review function's boto3 SQS client is pointed here (``AWS_ENDPOINT_URL_SQS``): SendMessage
and SendMessageBatch land in an in-memory queue, which a consumer hands to the escalation
function as Lambda's SQS event source would, with redelivery and a dead-letter list.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import struct
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from chatmod_local.room.fields import given
from chatmod_local.room.state import ACCOUNT, REGION

SQS_CONTENT_TYPE = "application/x-amz-json-1.0"


@dataclass
class QueuedMessage:
    """One message as SQS keeps it, with the counters Lambda's event records expose."""

    body: str
    message_attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    group_id: str | None = None
    deduplication_id: str | None = None
    message_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    sent_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    receive_count: int = 0
    first_receive_ms: int | None = None
    receipt_handle: str = ""
    sequence_number: str | None = None

    def md5_of_body(self) -> str:
        return hashlib.md5(self.body.encode()).hexdigest()  # SQS's own checksum, not security


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> str:
    """SQS's MD5OfMessageAttributes: length-prefixed name, type and value, names sorted."""

    def prefixed(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data

    digest = hashlib.md5()  # SQS's own checksum, not security
    for name in sorted(attributes):
        value = attributes[name]
        data_type = str(value.get("DataType", "String"))
        digest.update(prefixed(name.encode()) + prefixed(data_type.encode()))
        if "BinaryValue" in value:
            raw = value["BinaryValue"]
            digest.update(
                b"\x02" + prefixed(base64.b64decode(raw) if isinstance(raw, str) else bytes(raw))
            )
        else:
            digest.update(b"\x01" + prefixed(str(value.get("StringValue", "")).encode()))
    return digest.hexdigest()


class LocalQueue:
    """An in-memory queue with SQS's delivery semantics that matter here.

    Messages are delivered in batches; a message whose delivery fails becomes visible again
    after ``visibility_timeout_s`` and, after ``max_receives`` deliveries, moves to
    ``dead_letters`` (a redrive policy).
    """

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        visibility_timeout_s: float = 1.0,
        max_receives: int = 3,
        on_put: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self.on_put = on_put  # sees each body sent (the moderation panel reads escalations)
        self.url = f"{base_url.rstrip('/')}/{ACCOUNT}/{name}"
        self.arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
        self.fifo = name.endswith(".fifo")
        self.visibility_timeout_s = visibility_timeout_s
        self.max_receives = max_receives
        self.dead_letters: list[QueuedMessage] = []
        self.sent = 0
        self._ready: deque[QueuedMessage] = deque()
        self._seen_dedup: dict[str, str] = {}
        self._sequence = 0
        self._available = asyncio.Event()
        self._timers: set[asyncio.TimerHandle] = set()

    def __len__(self) -> int:
        return len(self._ready)

    def put(self, message: QueuedMessage) -> QueuedMessage:
        """Enqueues (FIFO queues drop a repeated deduplication id, as SQS does for 5 minutes)."""
        if self.fifo:
            dedup = message.deduplication_id or hashlib.sha256(message.body.encode()).hexdigest()
            if dedup in self._seen_dedup:
                message.message_id = self._seen_dedup[dedup]
                return message
            self._seen_dedup[dedup] = message.message_id
            self._sequence += 1
            message.deduplication_id = dedup
            message.sequence_number = f"{self._sequence:020d}"
        self.sent += 1
        if self.on_put is not None:
            self.on_put(message.body)
        self._ready.append(message)
        self._available.set()
        return message

    async def receive(
        self, max_messages: int = 10, batch_window_s: float = 0.05
    ) -> list[QueuedMessage]:
        """Waits for a message, then takes up to ``max_messages`` after a short batching window."""
        while not self._ready:
            self._available.clear()
            await self._available.wait()
        if len(self._ready) < max_messages and batch_window_s > 0:
            await asyncio.sleep(batch_window_s)
        batch: list[QueuedMessage] = []
        while self._ready and len(batch) < max_messages:
            message = self._ready.popleft()
            now_ms = int(time.time() * 1000)
            message.receive_count += 1
            message.first_receive_ms = message.first_receive_ms or now_ms
            message.receipt_handle = base64.b64encode(
                uuid.uuid4().bytes + message.message_id.encode()
            ).decode()
            batch.append(message)
        return batch

    def retry(self, message: QueuedMessage) -> None:
        """A failed delivery: visible again after the visibility timeout, or dead-lettered."""
        if message.receive_count >= self.max_receives:
            self.dead_letters.append(message)
            return
        loop = asyncio.get_running_loop()

        def requeue() -> None:
            self._timers.discard(handle)
            self._ready.append(message)
            self._available.set()

        handle = loop.call_later(self.visibility_timeout_s, requeue)
        self._timers.add(handle)

    def close(self) -> None:
        for handle in self._timers:
            handle.cancel()
        self._timers.clear()

    def record(self, message: QueuedMessage) -> dict[str, Any]:
        """The message as one record of a Lambda SQS event."""
        attributes = {
            "ApproximateReceiveCount": str(message.receive_count),
            "SentTimestamp": str(message.sent_ms),
            "SenderId": f"AROALOCAL{ACCOUNT}:ReviewFunction",
            "ApproximateFirstReceiveTimestamp": str(message.first_receive_ms or message.sent_ms),
        }
        attributes |= given(
            MessageGroupId=message.group_id,
            MessageDeduplicationId=message.deduplication_id,
            SequenceNumber=message.sequence_number,
        )
        record: dict[str, Any] = {
            "messageId": message.message_id,
            "receiptHandle": message.receipt_handle,
            "body": message.body,
            "attributes": attributes,
            "messageAttributes": {
                name: {
                    "stringValue": value.get("StringValue"),
                    "binaryValue": value.get("BinaryValue"),
                    "stringListValues": [],
                    "binaryListValues": [],
                    "dataType": value.get("DataType", "String"),
                }
                for name, value in message.message_attributes.items()
            },
            "md5OfBody": message.md5_of_body(),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.arn,
            "awsRegion": REGION,
        }
        if message.message_attributes:
            record["md5OfMessageAttributes"] = md5_of_attributes(message.message_attributes)
        return record


class SqsError(Exception):
    def __init__(
        self, code: str, message: str, status: int = 400, query_code: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.query_code = query_code or code

    def response(self) -> web.Response:
        return web.Response(
            status=self.status,
            text=json.dumps({"__type": f"com.amazonaws.sqs#{self.code}", "message": str(self)}),
            content_type=SQS_CONTENT_TYPE,
            headers={"x-amzn-query-error": f"{self.query_code};Sender"},
        )


class SqsEndpoint:
    """SendMessage, SendMessageBatch and GetQueueUrl over SQS's JSON protocol."""

    def __init__(self, queues: Mapping[str, LocalQueue]) -> None:
        self.queues = dict(queues)

    def _queue(self, body: Mapping[str, Any]) -> LocalQueue:
        url = body.get("QueueUrl")
        name = url.rstrip("/").rsplit("/", 1)[-1] if isinstance(url, str) else ""
        queue = self.queues.get(name)
        if queue is None:
            raise SqsError(
                "QueueDoesNotExist",
                f"The queue {url!r} does not exist",
                query_code="AWS.SimpleQueueService.NonExistentQueue",
            )
        return queue

    def _message(self, queue: LocalQueue, entry: Mapping[str, Any]) -> QueuedMessage:
        body = entry.get("MessageBody")
        if not isinstance(body, str) or not body:
            raise SqsError("MissingParameter", "MessageBody is required")
        if len(body.encode()) > 256 * 1024:
            raise SqsError("InvalidParameterValue", "MessageBody is longer than 256 KiB")
        group_id = entry.get("MessageGroupId")
        if queue.fifo and not group_id:
            raise SqsError("MissingParameter", "MessageGroupId is required for FIFO queues")
        return QueuedMessage(
            body=body,
            message_attributes=dict(entry.get("MessageAttributes") or {}),
            group_id=group_id,
            deduplication_id=entry.get("MessageDeduplicationId"),
        )

    @staticmethod
    def _sent(message: QueuedMessage) -> dict[str, Any]:
        result: dict[str, Any] = {
            "MessageId": message.message_id,
            "MD5OfMessageBody": message.md5_of_body(),
        }
        if message.message_attributes:
            result["MD5OfMessageAttributes"] = md5_of_attributes(message.message_attributes)
        if message.sequence_number:
            result["SequenceNumber"] = message.sequence_number
        return result

    def call(self, operation: str, body: Mapping[str, Any]) -> dict[str, Any]:
        if operation == "GetQueueUrl":
            name = body.get("QueueName")
            if name not in self.queues:
                raise SqsError(
                    "QueueDoesNotExist",
                    f"The queue {name!r} does not exist",
                    query_code="AWS.SimpleQueueService.NonExistentQueue",
                )
            return {"QueueUrl": self.queues[str(name)].url}
        if operation == "SendMessage":
            queue = self._queue(body)
            return self._sent(queue.put(self._message(queue, body)))
        if operation == "SendMessageBatch":
            queue = self._queue(body)
            entries = body.get("Entries") or []
            successful, failed = [], []
            for entry in entries:
                try:
                    successful.append(
                        {
                            "Id": entry.get("Id"),
                            **self._sent(queue.put(self._message(queue, entry))),
                        }
                    )
                except SqsError as exc:
                    failed.append(
                        {
                            "Id": entry.get("Id"),
                            "SenderFault": True,
                            "Code": exc.code,
                            "Message": str(exc),
                        }
                    )
            return {"Successful": successful, "Failed": failed}
        raise SqsError("UnsupportedOperation", f"{operation} is not supported by the local queue")

    async def handle(self, request: web.Request) -> web.Response:
        target = request.headers.get("X-Amz-Target", "")
        operation = target.split(".", 1)[1] if target.startswith("AmazonSQS.") else ""
        try:
            raw = await request.read()
            body = json.loads(raw) if raw.strip() else {}
            if not isinstance(body, dict):
                raise SqsError("InvalidParameterValue", "The request body must be a JSON object")
            result = self.call(operation, body)
        except SqsError as exc:
            return exc.response()
        except ValueError:
            return SqsError(
                "InvalidParameterValue", "The request body is not valid JSON"
            ).response()
        return web.Response(text=json.dumps(result), content_type=SQS_CONTENT_TYPE)
