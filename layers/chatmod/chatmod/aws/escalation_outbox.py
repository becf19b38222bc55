"""Where the review's escalation records go, from the first message on.

The sender is made by the background start, after the first answer. Until then records wait
here (a bounded number) and are sent when it comes; once the start is over without a sender,
or with too many waiting, a record is dropped: never silently (``EscalationDropped`` and
``EscalationsLost``, logged with its message id). A queue setting that is not a queue URL (a
local run's placeholder) turns escalations off on purpose, and then nothing counts as dropped.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from chatmod.aws.counters import count_now, described
from chatmod.escalation.record import EscalationRecord

if TYPE_CHECKING:
    from chatmod.aws.sqs_sender import EscalationSender

MAX_DEFERRED = 500  # records kept while the sender is being made
Posted = Literal["sent", "late", "deferred", "dropped"]


class EscalationOutbox:
    """The sender once it is made, the records waiting for it before, and the count of both."""

    def __init__(
        self,
        logger: Logger,
        metrics: Metrics,
        service: str,
        starting: Callable[[], bool],
        *,
        max_deferred: int = MAX_DEFERRED,
    ) -> None:
        self.sender: EscalationSender | None = None
        self.off = False  # set when the queue setting is a placeholder: off on purpose
        self._logger = logger
        self._metrics = metrics
        self._service = service
        self._starting = starting  # whether the background start may still make a sender
        self._max_deferred = max_deferred
        self._deferred: list[EscalationRecord] = []
        self._lock = threading.Lock()

    def open(self, sender: EscalationSender | None) -> None:
        """The background start's sender (None: none was made): the waiting records go now."""
        with self._lock:
            self.sender = sender
            waiting, self._deferred = self._deferred, []
        for record in waiting:
            if sender is None:
                if not self.off:
                    self._drop(record, "no escalation sender", in_invocation=False)
                continue
            self._send_deferred(sender, record)

    def post(self, record: EscalationRecord, seconds: float) -> Posted:
        """Sends within ``seconds`` (the rest goes on after the answer), or waits for the
        sender. Raises what a send that ended in time raised."""
        with self._lock:
            sender = self.sender
            if sender is None:
                return self._defer_or_drop(record)
        late_end = functools.partial(self._late_send_ended, record.message_id, record.kind)
        return sender.send_within(record, seconds, late_end)

    def _send_deferred(self, sender: EscalationSender, record: EscalationRecord) -> None:
        try:
            sender.send(record)
        # Broad on purpose: this runs on the background start's thread, and a record that fails
        # in any way must not stop the start (the IP key, the detector and the multilingual
        # model load after it). The record is counted lost either way.
        except Exception:
            self._logger.exception(
                "deferred escalation not sent", extra={"message_id": record.message_id}
            )
            count_now(self._service, "EscalationSendFailed")
            count_now(self._service, "EscalationsLost")

    def _defer_or_drop(self, record: EscalationRecord) -> Posted:
        if not self._starting():
            self._drop(record, "no escalation sender")
            return "dropped"
        if len(self._deferred) >= self._max_deferred:
            self._drop(record, "too many records waiting for the sender")
            return "dropped"
        self._deferred.append(record)
        self._metrics.add_metric(name="EscalationDeferred", unit=MetricUnit.Count, value=1)
        return "deferred"

    def _drop(self, record: EscalationRecord, reason: str, *, in_invocation: bool = True) -> None:
        self._logger.error(
            "escalation dropped",
            extra={"message_id": record.message_id, "kind": record.kind, "reason": reason},
        )
        for name in ("EscalationDropped", "EscalationsLost"):
            if in_invocation:
                self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
            else:
                count_now(self._service, name)

    def _late_send_ended(self, message_id: str, kind: str, error: BaseException | None) -> None:
        """How a send still running at the deadline ended (on the sender's thread, after the
        answer): ``EscalationLateSent`` or, for one that never arrived, ``EscalationLateFailed``
        and ``EscalationsLost``, each logged with the message id."""
        details = {"message_id": message_id, "kind": kind}
        if error is None:
            self._logger.info("late escalation send succeeded", extra=details)
            count_now(self._service, "EscalationLateSent")
            return
        self._logger.error(
            "late escalation send failed; the escalation is lost",
            extra={**details, "error": described(error)},
        )
        count_now(self._service, "EscalationLateFailed")
        count_now(self._service, "EscalationsLost")
