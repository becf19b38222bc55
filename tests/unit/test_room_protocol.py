"""The local room's messaging protocol, spoken by a plain WebSocket client (websockets.sync)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosedOK, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from chatmod_local.room.background import BackgroundRoom, serve_in_thread
from chatmod_local.room.ids import is_subprotocol_token
from chatmod_local.room.limits import RateLimiter
from chatmod_local.room.messaging import Hub
from chatmod_local.room.queue import SqsEndpoint
from chatmod_local.room.review import FALLBACK_DENY_REASON, ReviewGate
from chatmod_local.room.server import room_app
from chatmod_local.room.state import Capability, Directory, ReviewHandler, Room, function_arn

pytestmark = pytest.mark.timeout(60)
Respond = Callable[[dict[str, Any]], Any]


def allow_as_is(event: dict[str, Any]) -> dict[str, Any]:
    return {"ReviewResult": "ALLOW", "Content": event["Content"], "Attributes": event["Attributes"]}


class ScriptedHandler:
    """A review handler whose answer the test chooses; it records the events IVS would send."""

    def __init__(self, respond: Respond = allow_as_is) -> None:
        self.respond = respond
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> Any:
        self.events.append(event)
        return self.respond(event)


@dataclass
class Env:
    bg: BackgroundRoom
    directory: Directory
    room: Room
    handler: ScriptedHandler

    def join(
        self, user_id: str, capabilities: tuple[Capability, ...] = ("SEND_MESSAGE",)
    ) -> ClientConnection:
        token = self.directory.issue_token(
            self.room, user_id, capabilities, 60, {"displayName": user_id.title()}
        )
        return connect(self.bg.ws_url, subprotocols=[token.value], open_timeout=5)  # type: ignore[list-item]


@contextmanager
def local_room(
    respond: Respond = allow_as_is,
    *,
    fallback: str = "ALLOW",
    max_length: int = 500,
    rate: int = 10,
) -> Iterator[Env]:
    directory = Directory()
    handler = ScriptedHandler(respond)
    gate = ReviewGate({"Review": handler}, deadline_s=0.2)
    hub = Hub(directory, gate)
    room = directory.create_room(
        room_id="unitroom0001",
        maximum_message_length=max_length,
        maximum_message_rate_per_second=rate,
        review_handler=ReviewHandler(function_arn("Review", "live"), fallback),  # type: ignore[arg-type]
    )
    try:
        with serve_in_thread(lambda: room_app(directory, hub, SqsEndpoint({}))) as bg:
            yield Env(bg, directory, room, handler)
    finally:
        gate.close()


def frame(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return data


def send(ws: ClientConnection, request_id: str, content: str, **extra: Any) -> None:
    ws.send(
        json.dumps({"Action": "SEND_MESSAGE", "RequestId": request_id, "Content": content, **extra})
    )


def test_the_token_is_the_subprotocol_and_is_echoed_back() -> None:
    with local_room() as env:
        token = env.directory.issue_token(env.room, "alice", ["SEND_MESSAGE"])
        assert is_subprotocol_token(token.value)
        with connect(env.bg.ws_url, subprotocols=[token.value], open_timeout=5) as ws:  # type: ignore[list-item]
            assert ws.subprotocol == token.value


@pytest.mark.parametrize(("protocols", "status"), [(None, 401), (["LOCALnot-a-token"], 403)])
def test_a_handshake_without_a_live_token_is_refused(
    protocols: list[str] | None, status: int
) -> None:
    with local_room() as env, pytest.raises(InvalidStatus) as refused:
        connect(env.bg.ws_url, subprotocols=protocols, open_timeout=5)  # type: ignore[arg-type]
    assert refused.value.response.status_code == status


@pytest.mark.parametrize(
    ("raw", "code", "request_id"),
    [
        ("not json", 400, None),
        ('["SEND_MESSAGE"]', 400, None),
        ('{"Action": "SEND_MESSAGE", "Content": "hi"}', 400, None),
        ('{"Action": "SHOUT", "RequestId": "r1"}', 400, "r1"),
        ('{"Action": "SEND_MESSAGE", "RequestId": "r2"}', 400, "r2"),
        ('{"Action": "SEND_MESSAGE", "RequestId": "r3", "Content": ""}', 400, "r3"),
        (
            '{"Action": "SEND_MESSAGE", "RequestId": "r4", "Content": "hi", "Attributes": {"n": 1}}',
            400,
            "r4",
        ),
        ('{"Action": "DELETE_MESSAGE", "RequestId": "r5"}', 403, "r5"),
    ],
)
def test_bad_requests_get_error_frames(raw: str, code: int, request_id: str | None) -> None:
    with local_room() as env, env.join("alice") as ws:
        ws.send(raw)
        error = frame(ws)
        assert error["Type"] == "ERROR"
        assert error["ErrorCode"] == code
        assert error.get("RequestId") == request_id
        assert isinstance(error["ErrorMessage"], str) and error["ErrorMessage"]
    assert env.handler.events == []  # nothing malformed reaches the review handler


def test_oversized_attributes_get_413() -> None:
    with local_room() as env, env.join("alice") as ws:
        send(ws, "big", "hi", Attributes={"k": "v" * 1100})
        assert frame(ws)["ErrorCode"] == 413


def test_the_handler_gets_the_ivs_request_and_its_answer_is_delivered_to_everyone() -> None:
    def mask(event: dict[str, Any]) -> dict[str, Any]:
        return {
            "ReviewResult": "ALLOW",
            "Content": event["Content"].replace("heck", "****"),
            "Attributes": {"m": "1"},
        }

    with local_room(mask) as env, env.join("alice") as alice, env.join("bob") as bob:
        send(alice, "req-1", "what the heck", Attributes={"kind": "chat"})
        got_alice, got_bob = frame(alice), frame(bob)
        (event,) = env.handler.events
    assert event == {
        "Content": "what the heck",
        "MessageId": got_bob["Id"],
        "RoomArn": env.room.arn,
        "Attributes": {"kind": "chat"},
        "Sender": {"UserId": "alice", "Attributes": {"displayName": "Alice"}, "Ip": "127.0.0.1"},
    }
    assert got_alice == got_bob
    assert got_bob["Type"] == "MESSAGE"
    assert got_bob["Content"] == "what the ****"
    assert got_bob["Attributes"] == {"m": "1"}
    assert got_bob["Sender"] == {"UserId": "alice", "Attributes": {"displayName": "Alice"}}
    assert got_bob["RequestId"] == "req-1"
    assert got_bob["SendTime"].endswith("Z")


def test_a_denied_message_gets_406_with_the_handlers_reason_and_reaches_nobody() -> None:
    def deny(event: dict[str, Any]) -> dict[str, Any]:
        return {
            "ReviewResult": "DENY",
            "Content": event["Content"],
            "Attributes": {"Reason": "Be kind."},
        }

    with local_room(deny) as env, env.join("alice") as alice, env.join("bob") as bob:
        send(alice, "req-9", "mean words")
        error = frame(alice)
        assert (error["Type"], error["ErrorCode"], error["ErrorMessage"], error["RequestId"]) == (
            "ERROR", 406, "Be kind.", "req-9",
        )  # fmt: skip
        with pytest.raises(TimeoutError):
            bob.recv(timeout=0.3)


def slow(event: dict[str, Any]) -> dict[str, Any]:
    time.sleep(0.6)
    return allow_as_is(event)


def broken(event: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("handler crashed")


def invalid(event: dict[str, Any]) -> dict[str, Any]:
    return {"ReviewResult": "MAYBE", "Content": event["Content"]}


def too_long(event: dict[str, Any]) -> dict[str, Any]:
    return {"ReviewResult": "ALLOW", "Content": "x" * 501}


@pytest.mark.parametrize("respond", [slow, broken, invalid, too_long], ids=lambda f: f.__name__)
def test_fallback_allow_delivers_the_original_when_review_fails(respond: Respond) -> None:
    with local_room(respond, fallback="ALLOW") as env, env.join("alice") as alice:
        started = time.monotonic()
        send(alice, "r", "hello there")
        delivered = frame(alice)
        waited = time.monotonic() - started
    assert delivered["Type"] == "MESSAGE" and delivered["Content"] == "hello there"
    assert waited < 0.5  # the room waited the 200 ms deadline, not the slow handler


@pytest.mark.parametrize("respond", [slow, broken, invalid, too_long], ids=lambda f: f.__name__)
def test_fallback_deny_rejects_when_review_fails(respond: Respond) -> None:
    with local_room(respond, fallback="DENY") as env, env.join("alice") as alice:
        send(alice, "r", "hello there")
        error = frame(alice)
    assert (error["ErrorCode"], error["ErrorMessage"]) == (406, FALLBACK_DENY_REASON)


def test_length_is_counted_in_code_points_and_rate_is_per_room() -> None:
    with (
        local_room(max_length=5, rate=3) as env,
        env.join("alice") as alice,
        env.join("bob") as bob,
    ):
        send(alice, "a", "😀" * 5)
        assert frame(alice)["Content"] == "😀" * 5
        frame(bob)
        send(alice, "b", "😀" * 6)
        assert frame(alice)["ErrorCode"] == 413
        send(bob, "c", "hi")
        send(alice, "d", "yo")
        codes = [frame(bob).get("ErrorCode") for _ in range(2)]
        send(alice, "e", "more")
        throttled = [f for f in (frame(alice) for _ in range(3)) if f["Type"] == "ERROR"]
    assert codes == [None, None]  # bob's message and alice's, both delivered
    assert [(f["ErrorCode"], f["RequestId"]) for f in throttled] == [(429, "e")]


def test_frame_ids_are_unique_and_shaped_like_ivs_ids() -> None:
    with local_room() as env, env.join("alice") as alice:
        for i in range(5):
            send(alice, f"r{i}", f"message {i}")
        alice.send("garbage")
        frames = [frame(alice) for _ in range(6)]
    ids = [f["Id"] for f in frames]
    assert len(set(ids)) == 6
    assert all(len(i) == 12 and i.isalnum() for i in ids)


def test_delete_message_event_carries_both_id_spellings_and_the_reason() -> None:
    with local_room() as env, env.join("mod", ("DELETE_MESSAGE",)) as mod, env.join("bob") as bob:
        mod.send(
            json.dumps(
                {
                    "Action": "DELETE_MESSAGE",
                    "RequestId": "d1",
                    "Id": "AbCdEfGh1234",
                    "Reason": "spam",
                }
            )
        )
        to_mod, to_bob = frame(mod), frame(bob)
    assert to_mod["Type"] == "EVENT" and to_mod["EventName"] == "aws:DELETE_MESSAGE"
    assert to_mod["Attributes"] == {
        "MessageID": "AbCdEfGh1234",
        "MessageId": "AbCdEfGh1234",
        "Reason": "spam",
    }
    assert to_mod["RequestId"] == "d1"
    assert to_bob["Id"] == to_mod["Id"]


def test_disconnect_user_tells_the_room_then_closes_cleanly() -> None:
    with (
        local_room() as env,
        env.join("mod", ("DISCONNECT_USER",)) as mod,
        env.join("alice") as alice,
    ):
        mod.send(
            json.dumps(
                {
                    "Action": "DISCONNECT_USER",
                    "RequestId": "k1",
                    "UserId": "alice",
                    "Reason": "rude",
                }
            )
        )
        event = frame(alice)
        with pytest.raises(ConnectionClosedOK):
            alice.recv(timeout=5)
        assert frame(mod)["Id"] == event["Id"]
    assert event["EventName"] == "aws:DISCONNECT_USER"
    assert event["Attributes"] == {"UserId": "alice", "Reason": "rude"}
    assert alice.close_code == 1000
    assert alice.close_reason == "rude"


def test_rate_limiter_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    assert [limiter.allow(2) for _ in range(3)] == [True, True, False]
    now[0] = 0.99
    assert limiter.allow(2) is False
    now[0] = 1.0
    assert limiter.allow(2) is True


def test_a_session_ends_with_a_clean_close_and_an_expired_token_cannot_connect() -> None:
    now = [1_000_000.0]
    directory = Directory(clock=lambda: now[0])
    gate = ReviewGate({})
    hub = Hub(directory, gate)
    room = directory.create_room(room_id="unitroom0002")
    try:
        with serve_in_thread(lambda: room_app(directory, hub, SqsEndpoint({}))) as bg:
            token = directory.issue_token(room, "alice", ["SEND_MESSAGE"], session_minutes=1)
            now[0] += 59.7  # 0.3 s of the session left
            with connect(bg.ws_url, subprotocols=[token.value], open_timeout=5) as ws:  # type: ignore[list-item]
                with pytest.raises(ConnectionClosedOK):
                    ws.recv(timeout=5)
                assert (ws.close_code, ws.close_reason) == (1000, "Session expired")
            now[0] += 1.0
            with pytest.raises(InvalidStatus) as refused:
                connect(bg.ws_url, subprotocols=[token.value], open_timeout=5)  # type: ignore[list-item]
            assert refused.value.response.status_code == 403
    finally:
        gate.close()
