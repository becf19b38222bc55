"""The local room's messaging protocol, spoken by a plain WebSocket client (websockets.sync)."""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosedOK, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from chatmod_local.room.background import BackgroundRoom, serve_in_thread
from chatmod_local.room.limits import RateLimiter
from chatmod_local.room.messaging import Hub
from chatmod_local.room.queue import SqsEndpoint
from chatmod_local.room.review import FALLBACK_DENY_REASON, ReviewGate
from chatmod_local.room.server import room_app
from chatmod_local.room.state import Capability, Directory, ReviewHandler, Room, function_arn
from tests.websocket_tokens import is_subprotocol_token

pytestmark = pytest.mark.timeout(60)
Respond = Callable[[dict[str, Any]], Any]
TEXT_OPCODE, CLOSE_OPCODE = 0x1, 0x8


class RawWebSocket:
    """A client that does the close handshake by hand, so a test can hold its Close back."""

    def __init__(self, base_url: str, token: str) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {token}\r\n\r\n"
            ).encode()
        )
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(4096)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head

    def __enter__(self) -> RawWebSocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def _take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_frame(self) -> tuple[int, bytes]:
        first, second = self._take(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack(">H", self._take(2))
        elif length == 127:
            (length,) = struct.unpack(">Q", self._take(8))
        return first & 0x0F, self._take(length)

    def still_open(self, wait_s: float) -> bool:
        self.sock.settimeout(wait_s)
        try:
            return self.sock.recv(1, socket.MSG_PEEK) != b""
        except TimeoutError:
            return True
        finally:
            self.sock.settimeout(5)

    def send_close(self) -> None:
        mask = os.urandom(4)
        payload = struct.pack(">H", 1000)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes([0x80 | CLOSE_OPCODE, 0x80 | len(payload)]) + mask + masked)

    def read_eof(self, wait_s: float) -> bool:
        self.sock.settimeout(wait_s)
        try:
            while chunk := self.sock.recv(4096):
                del chunk
            return True
        except TimeoutError:
            return False


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


def session_expiry(ws: ClientConnection) -> dict[str, Any]:
    """The ERROR frame an expired session gets (IVS's 401), after which the room closes
    cleanly (1000, "Session expired")."""
    expired = frame(ws)
    with pytest.raises(ConnectionClosedOK):
        ws.recv(timeout=5)
    assert (ws.close_code, ws.close_reason) == (1000, "Session expired")
    assert (expired["Type"], expired["ErrorCode"]) == ("ERROR", 401)
    assert expired["ErrorMessage"] == "The connection has expired"
    return expired


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
        ("[" * 30_000 + "]" * 30_000, 400, None),
        ('{"Action": "SEND_MESSAGE", "RequestId": "", "Content": "hi"}', 400, None),
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
        (event,) = env.handler.events
    assert error["Id"] == event["MessageId"]  # the refused message's own id, as IVS sends it


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
            unused = directory.issue_token(room, "alice", ["SEND_MESSAGE"], session_minutes=1)
            now[0] += 59.7  # 0.3 s of the session left
            with connect(bg.ws_url, subprotocols=[token.value], open_timeout=5) as ws:  # type: ignore[list-item]
                expired = session_expiry(ws)
            assert "RequestId" not in expired
            now[0] += 1.0
            with pytest.raises(InvalidStatus) as refused:
                connect(bg.ws_url, subprotocols=[unused.value], open_timeout=5)  # type: ignore[list-item]
            assert refused.value.response.status_code == 403
    finally:
        gate.close()


@contextmanager
def clocked_room(
    session_minute_s: float = 60.0,
) -> Iterator[tuple[BackgroundRoom, Directory, Room, list[float]]]:
    """A room on a clock the test moves (``now[0]``), with its session minute as given."""
    now = [1_000_000.0]
    directory = Directory(clock=lambda: now[0], session_minute_s=session_minute_s)
    gate = ReviewGate({})
    hub = Hub(directory, gate)
    room = directory.create_room(room_id="unitroom0003")
    try:
        with serve_in_thread(lambda: room_app(directory, hub, SqsEndpoint({}))) as bg:
            yield bg, directory, room, now
    finally:
        gate.close()


def test_a_token_is_good_for_a_minute_and_its_session_for_the_duration_asked() -> None:
    """IVS's two clocks: connect within a minute of CreateChatToken; the connection then lasts
    the session, past the token's own expiry."""
    with clocked_room() as (bg, directory, room, now):
        issued = now[0]
        token = directory.issue_token(room, "alice", ["SEND_MESSAGE"], session_minutes=5)
        late = directory.issue_token(room, "alice", ["SEND_MESSAGE"], session_minutes=5)
        assert (token.token_expires - issued, token.session_expires - issued) == (60.0, 300.0)
        described = token.describe()
        assert described["tokenExpirationTime"] != described["sessionExpirationTime"]
        now[0] = issued + 59.9
        with connect(bg.ws_url, subprotocols=[token.value], open_timeout=5) as ws:  # type: ignore[list-item]
            now[0] = issued + 120.0  # the token has expired, the session has not
            send(ws, "r", "still in session")
            delivered = frame(ws)
            assert (delivered["Type"], delivered["Content"]) == ("MESSAGE", "still in session")
            with pytest.raises(InvalidStatus) as refused:
                connect(bg.ws_url, subprotocols=[late.value], open_timeout=5)  # type: ignore[list-item]
            assert refused.value.response.status_code == 403


def test_a_scaled_session_minute_ends_the_session_early_and_leaves_the_token_minute_alone() -> None:
    """``session_minute_s`` (``--session-minute-seconds``) shortens sessions for tests: the
    session ends with the 401 and a clean close, a token whose session is over opens nothing
    even within its minute, and a fresh token is a new session of its own."""
    with clocked_room(session_minute_s=1.0) as (bg, directory, room, now):
        issued = now[0]
        token = directory.issue_token(room, "alice", ["SEND_MESSAGE"], session_minutes=2)
        spare = directory.issue_token(room, "alice", ["SEND_MESSAGE"], session_minutes=2)
        assert (token.token_expires - issued, token.session_expires - issued) == (60.0, 2.0)
        now[0] = issued + 1.8  # 0.2 s of the session left
        with connect(bg.ws_url, subprotocols=[token.value], open_timeout=5) as ws:  # type: ignore[list-item]
            session_expiry(ws)
        now[0] = issued + 2.5  # both tokens are inside their minute; their sessions are over
        for used in (token, spare):
            with pytest.raises(InvalidStatus) as refused:
                connect(bg.ws_url, subprotocols=[used.value], open_timeout=5)  # type: ignore[list-item]
            assert refused.value.response.status_code == 403
        fresh = directory.issue_token(room, "alice", ["SEND_MESSAGE"], session_minutes=2)
        with connect(bg.ws_url, subprotocols=[fresh.value], open_timeout=5) as ws:  # type: ignore[list-item]
            send(ws, "r", "a new session")
            assert frame(ws)["Content"] == "a new session"


def test_the_session_minute_must_be_positive() -> None:
    with pytest.raises(ValueError, match="session_minute_s"):
        Directory(session_minute_s=0)


def test_request_id_is_optional_and_then_absent_from_the_answer() -> None:
    with local_room() as env, env.join("alice") as alice:
        alice.send(json.dumps({"Action": "SEND_MESSAGE", "Content": "no request id"}))
        delivered = frame(alice)
    assert delivered["Type"] == "MESSAGE" and delivered["Content"] == "no request id"
    assert "RequestId" not in delivered


@pytest.mark.parametrize("message_id", ["abc", "x" * 5000, "AbCdEfGh123!", 123456789012])
def test_delete_message_takes_only_ivs_message_ids(message_id: object) -> None:
    with local_room() as env, env.join("mod", ("DELETE_MESSAGE",)) as mod, env.join("bob") as bob:
        mod.send(json.dumps({"Action": "DELETE_MESSAGE", "RequestId": "d", "Id": message_id}))
        error = frame(mod)
        with pytest.raises(TimeoutError):
            bob.recv(timeout=0.3)  # nothing was broadcast
    assert (error["Type"], error["ErrorCode"], error["RequestId"]) == ("ERROR", 400, "d")


def test_moderation_requests_count_against_the_room_rate() -> None:
    with local_room(rate=3) as env, env.join("mod", ("DELETE_MESSAGE",)) as mod:
        for i in range(4):
            mod.send(
                json.dumps({"Action": "DELETE_MESSAGE", "RequestId": f"d{i}", "Id": "AbCdEfGh1234"})
            )
        answers = [frame(mod) for _ in range(4)]
    assert [a.get("ErrorCode") for a in answers] == [None, None, None, 429]
    assert answers[3]["RequestId"] == "d3"


def test_a_frame_too_deep_to_parse_leaves_the_connection_usable() -> None:
    with local_room() as env, env.join("alice") as alice:
        alice.send('{"Action": "SEND_MESSAGE", "Attributes": ' + "[" * 30_000 + "]" * 30_000 + "}")
        assert frame(alice)["ErrorCode"] == 400
        send(alice, "after", "still here")
        assert frame(alice)["Content"] == "still here"


def test_a_token_opens_one_connection() -> None:
    with local_room() as env:
        token = env.directory.issue_token(env.room, "alice", ["SEND_MESSAGE"])
        with (
            connect(env.bg.ws_url, subprotocols=[token.value], open_timeout=5),  # type: ignore[list-item]
            pytest.raises(InvalidStatus) as refused,
        ):
            connect(env.bg.ws_url, subprotocols=[token.value], open_timeout=5)  # type: ignore[list-item]
    assert refused.value.response.status_code == 403


def test_the_room_waits_for_the_clients_close_before_dropping_the_connection() -> None:
    """Node's built-in WebSocket reports 1006 (and the SDK reconnects) when the server drops
    TCP right after its Close frame; the room must wait for the client's Close."""
    with local_room() as env, env.join("mod", ("DISCONNECT_USER",)) as mod:
        token = env.directory.issue_token(env.room, "alice", ["SEND_MESSAGE"])
        with RawWebSocket(env.bg.base_url, token.value) as alice:
            mod.send(json.dumps({"Action": "DISCONNECT_USER", "RequestId": "k", "UserId": "alice"}))
            opcodes = []
            while (opcode := alice.read_frame()[0]) != CLOSE_OPCODE:
                opcodes.append(opcode)
            assert opcodes == [TEXT_OPCODE]  # the aws:DISCONNECT_USER event, then Close
            assert alice.still_open(0.5), "the room dropped TCP before the client's Close"
            alice.send_close()
            assert alice.read_eof(5), "the room kept the connection after the handshake"
