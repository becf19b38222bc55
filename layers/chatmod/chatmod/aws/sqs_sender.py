"""Sends escalation records from the review function, cheaply and without ever blocking it.

The client is made at init with short connect/read timeouts and a single attempt. The send runs
on a worker thread and the handler waits for it only as long as its 200 ms budget allows
(``send_within``): a slow queue, a DNS lookup or the first TLS handshake after a cold start can
never hold the review answer back. The caller logs and counts failures and late sends; the
review decision stands either way.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Literal

from botocore.config import Config

from chatmod.aws.clients import make_client
from chatmod.escalation.record import EscalationRecord

SendOutcome = Literal["sent", "late"]


class EscalationSender:
    def __init__(self, queue_url: str, client: Any) -> None:
        self.queue_url = queue_url
        self.client = client
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="escalation-send")

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

    def send_within(self, record: EscalationRecord, seconds: float) -> SendOutcome:
        """Sends on the worker thread and waits at most ``seconds`` for it.

        ``"sent"`` once SQS accepted the record; ``"late"`` when the wait ran out (the send goes
        on in the background and finishes or times out by itself). Raises what the send raised.
        """
        future: Future[str] = self._worker.submit(self.send, record)
        try:
            future.result(timeout=max(seconds, 0.0))
        except FutureTimeout:
            return "late"
        return "sent"


def is_queue_url(value: str | None) -> bool:
    """Local template runs resolve ``!Ref Queue`` to a placeholder, not a URL: no sender then."""
    return bool(value) and str(value).startswith(("https://", "http://"))
