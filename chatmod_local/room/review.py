"""Message review as IVS Chat does it: the room's handler gets 200 ms, or the FallbackResult wins.

Each SEND_MESSAGE becomes the review handler's request event; the handler runs on a worker
thread (one at a time, like one warm Lambda instance) and the room waits at most the deadline.
A timeout, an exception or an answer that is not a valid review response all give the room's
FallbackResult: ALLOW delivers the original message, DENY rejects it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from chatmod_local.room.state import Room

REVIEW_DEADLINE_S = 0.2
DEFAULT_DENY_REASON = "Message rejected by the room's message review handler."
FALLBACK_DENY_REASON = "Message could not be reviewed and the room's fallback result is DENY."

Invoke = Callable[[dict[str, Any]], Any]
Outcome = Literal["reviewed", "unreviewed", "timeout", "error", "invalid", "missing-handler"]


@dataclass(frozen=True)
class Verdict:
    """What the room does with a message: deliver ``content`` or reject it with ``reason``."""

    result: Literal["ALLOW", "DENY"]
    content: str
    attributes: dict[str, str] = field(default_factory=dict)
    outcome: Outcome = "reviewed"
    elapsed_ms: float = 0.0

    @property
    def reason(self) -> str:
        if self.outcome not in ("reviewed", "unreviewed") and self.result == "DENY":
            return FALLBACK_DENY_REASON
        return self.attributes.get("Reason") or DEFAULT_DENY_REASON


def review_event(
    *,
    content: str,
    message_id: str,
    room_arn: str,
    attributes: Mapping[str, str],
    user_id: str,
    sender_attributes: Mapping[str, str],
    ip: str,
) -> dict[str, Any]:
    """The request IVS sends to a message review handler."""
    return {
        "Content": content,
        "MessageId": message_id,
        "RoomArn": room_arn,
        "Attributes": dict(attributes),
        "Sender": {"UserId": user_id, "Attributes": dict(sender_attributes), "Ip": ip},
    }


def parse_response(raw: Any, maximum_length: int) -> Verdict | None:
    """The handler's answer as a verdict, or None when IVS would not accept it."""
    if not isinstance(raw, dict):
        return None
    result = raw.get("ReviewResult")
    content = raw.get("Content")
    attributes = raw.get("Attributes", {})
    if result not in ("ALLOW", "DENY"):
        return None
    if not isinstance(content, str) or len(content) > maximum_length:
        return None
    if attributes is None:
        attributes = {}
    if not isinstance(attributes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()
    ):
        return None
    return Verdict(result, content, dict(attributes))


def function_name(uri: str) -> str:
    """``arn:aws:lambda:region:acct:function:NAME[:alias]`` -> NAME (a bare name is kept)."""
    if ":function:" not in uri:
        return uri
    return uri.split(":function:", 1)[1].split(":", 1)[0]


class ReviewGate:
    """Runs each room's review handler with the deadline and fallback IVS applies."""

    def __init__(
        self, handlers: Mapping[str, Invoke], deadline_s: float = REVIEW_DEADLINE_S
    ) -> None:
        self._handlers = dict(handlers)
        self.deadline_s = deadline_s
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review-handler")

    def register(self, name: str, invoke: Invoke) -> None:
        """Makes a function available to rooms whose handler URI names it."""
        self._handlers[name] = invoke

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def review(self, room: Room, event: dict[str, Any]) -> Verdict:
        original = str(event.get("Content", ""))
        attributes = dict(event.get("Attributes", {}))
        handler = room.review_handler
        if handler is None:
            return Verdict("ALLOW", original, attributes, "unreviewed")

        def fallback(outcome: Outcome, elapsed_ms: float) -> Verdict:
            return Verdict(handler.fallback_result, original, attributes, outcome, elapsed_ms)

        invoke = self._handlers.get(function_name(handler.uri))
        if invoke is None:
            return fallback("missing-handler", 0.0)
        started = time.perf_counter()
        future = asyncio.get_running_loop().run_in_executor(self._executor, invoke, event)
        done, _ = await asyncio.wait({future}, timeout=self.deadline_s)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if not done:
            future.add_done_callback(_consume)
            return fallback("timeout", elapsed_ms)
        if future.exception() is not None:
            return fallback("error", elapsed_ms)
        verdict = parse_response(future.result(), room.maximum_message_length)
        if verdict is None:
            return fallback("invalid", elapsed_ms)
        return Verdict(verdict.result, verdict.content, verdict.attributes, "reviewed", elapsed_ms)


def _consume(future: asyncio.Future[Any]) -> None:
    """A late answer is dropped, as IVS drops it; reading the exception keeps asyncio quiet."""
    if not future.cancelled():
        future.exception()
