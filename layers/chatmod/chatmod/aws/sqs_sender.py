"""Sends escalation records from the review function, cheaply and without ever blocking it.

The client is made at init with short connect/read timeouts and a single attempt. The send runs
on a worker thread and the handler waits for it only as long as its 200 ms budget allows
(``send_within``): a slow queue, a DNS lookup or the first TLS handshake after a cold start can
never hold the review answer back. The caller logs and counts failures and late sends; the
review decision stands either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Literal

from chatmod.aws.clients import make_client
from chatmod.escalation.record import EscalationRecord

SendOutcome = Literal["sent", "late"]
_AWS_QUEUE_HOST = re.compile(r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/")


class SenderConfigError(ValueError):
    """The sender cannot be made from these settings (no region for the queue)."""


class EscalationSender:
    def __init__(self, queue_url: str, client: Any) -> None:
        self.queue_url = queue_url
        self.client = client
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="escalation-send")

    @classmethod
    def create(
        cls,
        queue_url: str,
        timeout_ms: int = 60,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
    ) -> EscalationSender:
        """A sender for ``queue_url``; region and endpoint are passed in, never looked up later.

        It is created on a background thread, which must not depend on the process environment
        at that moment (a local runner may have swapped it back). An AWS queue URL's own region
        wins over ``region``; with neither, ``SenderConfigError``.
        """
        region = queue_region(queue_url) or region  # a queue in another region names its own
        if region is None:
            raise SenderConfigError(f"no region for the escalation queue {queue_url!r}")
        seconds = timeout_ms / 1000
        client = make_client(
            "sqs",
            attempts=1,  # no time for a second within IVS's 200 ms
            connect_timeout_s=seconds,
            read_timeout_s=seconds,
            endpoint_url=endpoint_url,
            region_name=region,
            tcp_keepalive=True,
        )
        return cls(queue_url, client)

    def send(self, record: EscalationRecord) -> str:
        """Queues the record; returns the SQS message id (raises on any failure)."""
        response = self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=record.to_body(),
            MessageAttributes={"kind": {"DataType": "String", "StringValue": record.kind}},
        )
        return str(response["MessageId"])

    def send_within(
        self,
        record: EscalationRecord,
        seconds: float,
        on_late_end: Callable[[BaseException | None], None] | None = None,
    ) -> SendOutcome:
        """Sends on the worker thread and waits at most ``seconds`` for it.

        ``"sent"`` once SQS accepted the record; ``"late"`` when the wait ran out (the send goes
        on in the background and finishes or times out by itself, then ``on_late_end`` hears
        how: None when SQS accepted it, else the error). Raises what the send raised.
        """
        future: Future[str] = self._worker.submit(self.send, record)
        try:
            future.result(timeout=max(seconds, 0.0))
        except FutureTimeout:
            if on_late_end is not None:
                future.add_done_callback(lambda done: on_late_end(done.exception()))
            return "late"
        return "sent"


def queue_region(queue_url: str) -> str | None:
    """``https://sqs.eu-west-1.amazonaws.com/123456789012/q`` -> ``eu-west-1``."""
    match = _AWS_QUEUE_HOST.match(queue_url)
    return match.group(1) if match else None


def is_queue_url(value: str | None) -> bool:
    """Local template runs resolve ``!Ref Queue`` to a placeholder, not a URL: no sender then."""
    return bool(value) and str(value).startswith(("https://", "http://"))
