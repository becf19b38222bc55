"""DeleteMessage and DisconnectUser through the ivschat API, within its limits.

ivschat allows 100 TPS per API. Retries are botocore's (``chatmod.aws.clients``): deletes are
at least once, so their client retries throttling and 5xx answers. A disconnect is at most once
and a 5xx may come after the effect, so its client makes one attempt with short timeouts, and
``chatmod.escalation.intents`` decides what may be repeated. Errors say whether ivschat acted:
throttling (``ThrottledError``), a connection never made (``NotSentError``) and any other 4xx
(``RefusedError``) certainly did not; a 5xx, a read timeout or a dropped connection raise as
they are (the outcome is unknown). ResourceNotFound (message gone, room deleted) counts as done.
"""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

from chatmod.aws.clients import make_client
from chatmod.escalation.actions import ActionNotTakenError, Outcome, clip_reason

logger = logging.getLogger(__name__)

THROTTLING_CODES = frozenset({"ThrottlingException", "TooManyRequestsException", "Throttling"})
NOT_FOUND_CODES = frozenset({"ResourceNotFoundException"})
CONNECT_TIMEOUT_S = 2
READ_TIMEOUT_S = 5
DISCONNECT_ATTEMPTS = 1
# A disconnect's one attempt is kept short, so a call whose outcome is unknown can be repeated
# inside the retry window (chatmod.escalation.intents.RETRY_WINDOW_MS).
DISCONNECT_CONNECT_TIMEOUT_S = 1
DISCONNECT_READ_TIMEOUT_S = 2


class ThrottledError(ActionNotTakenError):
    """ivschat kept throttling after every attempt (so it did nothing); the record returns to
    the queue."""


class NotSentError(ActionNotTakenError):
    """The connection to ivschat was never made: the request never left."""


class RefusedError(ActionNotTakenError):
    """ivschat refused the request (a 4xx other than throttling): it did nothing, and another
    try would be refused the same way."""

    transient = False


class IvsChatActions:
    """ivschat actions; ``disconnect_client`` defaults to ``client`` (tests stub one client)."""

    def __init__(self, client: Any, disconnect_client: Any = None) -> None:
        self.client = client
        self.disconnect_client = disconnect_client or client

    @property
    def call_timeout_ms(self) -> int:
        """The longest one disconnect can take: its single attempt timing out."""
        timeouts = DISCONNECT_CONNECT_TIMEOUT_S + DISCONNECT_READ_TIMEOUT_S
        return DISCONNECT_ATTEMPTS * timeouts * 1000

    @classmethod
    def create(cls, endpoint_url: str | None = None, *, delete_attempts: int = 4) -> IvsChatActions:
        def client(attempts: int, connect_s: float, read_s: float) -> Any:
            return make_client(
                "ivschat",
                attempts=attempts,
                connect_timeout_s=connect_s,
                read_timeout_s=read_s,
                endpoint_url=endpoint_url,
            )

        return cls(
            client(delete_attempts, CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
            client(DISCONNECT_ATTEMPTS, DISCONNECT_CONNECT_TIMEOUT_S, DISCONNECT_READ_TIMEOUT_S),
        )

    def delete_message(self, room_arn: str, message_id: str, reason: str) -> Outcome:
        reason = clip_reason(reason, "Removed by moderation.")
        return _in_room(self.client.delete_message, room_arn, reason, id=message_id)

    def disconnect_user(self, room_arn: str, user_id: str, reason: str) -> Outcome:
        reason = clip_reason(reason, "Disconnected by moderation.")
        return _in_room(self.disconnect_client.disconnect_user, room_arn, reason, userId=user_id)


def _in_room(method: Any, room_arn: str, reason: str, **params: Any) -> Outcome:
    """An action on one room's message or user, with the reason ivschat shows for it."""
    return _call(method, roomIdentifier=room_arn, **params, reason=reason)


def _call(method: Any, **params: Any) -> Outcome:
    """One call (botocore retries inside it): a missing resource is done; errors that prove
    ivschat did nothing are ``ActionNotTakenError``s; anything else raises as is."""
    try:
        method(**params)
    except (ConnectTimeoutError, EndpointConnectionError) as exc:
        raise NotSentError(f"ivschat not reached: {exc}") from exc
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        operation = exc.operation_name
        if code in NOT_FOUND_CODES:
            logger.info("ivschat %s: %s, counted as done", operation, code)
            return "gone"
        if code in THROTTLING_CODES or status == 429:
            raise ThrottledError(f"ivschat {operation} throttled") from exc
        if 400 <= status < 500:
            raise RefusedError(f"ivschat {operation} refused: {code}") from exc
        raise
    return "done"
