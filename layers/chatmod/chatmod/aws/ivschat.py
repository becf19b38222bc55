"""DeleteMessage and DisconnectUser through the ivschat API, within its limits.

ivschat allows 100 TPS per API: throttling is retried here with exponential backoff and
jitter (botocore's own retries are off, so attempts are counted in one place), and a record
still throttled after that goes back to the queue. ResourceNotFound (message gone, room
deleted) counts as done.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from chatmod.aws.clients import make_client
from chatmod.escalation.actions import Outcome, clip_reason

logger = logging.getLogger(__name__)

THROTTLING_CODES = frozenset({"ThrottlingException", "TooManyRequestsException", "Throttling"})
NOT_FOUND_CODES = frozenset({"ResourceNotFoundException"})


class ThrottledError(RuntimeError):
    """ivschat kept throttling after every retry; the record returns to the queue."""


def _error(exc: ClientError) -> tuple[str, int]:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return str(error.get("Code", "")), int(status or 0)


class IvsChatActions:
    def __init__(
        self,
        client: Any,
        *,
        max_attempts: int = 4,
        backoff_ms: int = 200,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.max_attempts = max_attempts
        self.backoff_ms = backoff_ms
        self.sleep = sleep
        self.calls = 0  # API calls made (throttled ones included)

    @classmethod
    def create(
        cls, endpoint_url: str | None = None, *, max_attempts: int = 4, backoff_ms: int = 200
    ) -> IvsChatActions:
        config = Config(
            connect_timeout=2, read_timeout=5, retries={"total_max_attempts": 1, "mode": "standard"}
        )
        client = make_client("ivschat", endpoint_url=endpoint_url, config=config)
        return cls(client, max_attempts=max_attempts, backoff_ms=backoff_ms)

    def _call(self, operation: str, **params: Any) -> Outcome:
        method = getattr(self.client, operation)
        for attempt in range(1, self.max_attempts + 1):
            self.calls += 1
            try:
                method(**params)
                return "done"
            except ClientError as exc:
                code, status = _error(exc)
                if code in NOT_FOUND_CODES:
                    logger.info("ivschat %s: %s, counted as done", operation, code)
                    return "gone"
                if code not in THROTTLING_CODES and status != 429:
                    raise
                if attempt == self.max_attempts:
                    raise ThrottledError(f"ivschat {operation} throttled {attempt} times") from exc
                delay = self.backoff_ms * (2 ** (attempt - 1)) / 1000
                self.sleep(delay / 2 + random.uniform(0, delay / 2))
        raise AssertionError("unreachable")

    def delete_message(self, room_arn: str, message_id: str, reason: str) -> Outcome:
        return self._call(
            "delete_message",
            roomIdentifier=room_arn,
            id=message_id,
            reason=clip_reason(reason, "Removed by moderation."),
        )

    def disconnect_user(self, room_arn: str, user_id: str, reason: str) -> Outcome:
        return self._call(
            "disconnect_user",
            roomIdentifier=room_arn,
            userId=user_id,
            reason=clip_reason(reason, "Disconnected by moderation."),
        )
