"""A web page the developer visits must not be able to drive the room on 127.0.0.1: each
attack from the field, sent the way a browser would send it, is refused and changes nothing."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from chatmod_local.room.background import BackgroundRoom, serve_in_thread
from chatmod_local.room.messaging import Hub
from chatmod_local.room.page import PageConfig
from chatmod_local.room.queue import SqsEndpoint
from chatmod_local.room.review import ReviewGate
from chatmod_local.room.server import room_app
from chatmod_local.room.state import Directory, ReviewHandler, Room, function_arn

pytestmark = pytest.mark.timeout(60)
SIGV4_SHAPED = (
    "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/ivschat/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64
)
BOTO3 = {"Content-Type": "application/json", "Authorization": SIGV4_SHAPED}


@dataclass
class Env:
    bg: BackgroundRoom
    directory: Directory
    room: Room

    @property
    def port(self) -> int:
        return int(self.bg.base_url.rsplit(":", 1)[1])

    def post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", path, json.dumps(body), headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else {}
        finally:
            connection.close()


@pytest.fixture()
def env(tmp_path: Any) -> Iterator[Env]:
    directory = Directory()
    handler = ReviewHandler(function_arn("Review", "live"))
    room = directory.create_room(room_id="guardroom001", review_handler=handler)
    gate = ReviewGate({})
    page = PageConfig(room.arn, "ws://unused", tmp_path)
    with serve_in_thread(
        lambda: room_app(directory, Hub(directory, gate), SqsEndpoint({}), page)
    ) as bg:
        yield Env(bg, directory, room)
    gate.close()


def remove_handler(env: Env) -> dict[str, Any]:
    return {"identifier": env.room.arn, "messageReviewHandler": {"uri": ""}}


def test_a_cross_origin_text_plain_post_cannot_remove_the_review_handler(env: Env) -> None:
    """The attack from the field: no preflight for text/plain, so the request does arrive."""
    status, answer = env.post(
        "/UpdateRoom",
        remove_handler(env),
        {"Content-Type": "text/plain;charset=UTF-8", "Origin": "https://evil.example"},
    )
    assert status == 403 and "evil.example" in answer["message"]
    assert env.directory.room(env.room.arn).review_handler is not None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/plain", "Authorization": SIGV4_SHAPED},
        {"Content-Type": "application/x-www-form-urlencoded", "Authorization": SIGV4_SHAPED},
        {"Content-Type": "multipart/form-data; boundary=x", "Authorization": SIGV4_SHAPED},
        {"Content-Type": "application/json"},
        {"Content-Type": "application/json", "Authorization": "Bearer anything"},
    ],
    ids=["text-plain", "form", "multipart", "no-authorization", "not-sigv4"],
)
def test_the_control_plane_takes_only_what_boto3_sends(env: Env, headers: dict[str, str]) -> None:
    status, answer = env.post("/UpdateRoom", remove_handler(env), headers)
    assert status == 403, answer
    assert env.directory.room(env.room.arn).review_handler is not None  # type: ignore[union-attr]


def test_a_cross_origin_page_cannot_disconnect_a_user(env: Env) -> None:
    token = env.directory.issue_token(env.room, "alice", ["SEND_MESSAGE"])
    with connect(env.bg.ws_url, subprotocols=[token.value], open_timeout=5) as alice:  # type: ignore[list-item]
        status, _ = env.post(
            "/DisconnectUser",
            {"roomIdentifier": env.room.arn, "userId": "alice"},
            {**BOTO3, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        )
        assert status == 403
        with pytest.raises(TimeoutError):
            alice.recv(timeout=0.3)  # still connected, nothing announced


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8700", "192.168.1.20"])
def test_a_foreign_host_header_is_refused_everywhere(env: Env, host: str) -> None:
    """DNS rebinding: the attacker's name resolves to 127.0.0.1, so the Host header is theirs."""
    for method, path in [("GET", "/"), ("GET", "/api/config"), ("POST", "/GetRoom")]:
        connection = http.client.HTTPConnection("127.0.0.1", env.port, timeout=10)
        body = json.dumps({"identifier": env.room.arn}) if method == "POST" else None
        connection.request(method, path, body, {**BOTO3, "Host": host})
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 403, (method, path)


def test_boto3_shaped_requests_from_loopback_names_are_served(env: Env) -> None:
    for host in (f"127.0.0.1:{env.port}", f"localhost:{env.port}"):
        connection = http.client.HTTPConnection("127.0.0.1", env.port, timeout=10)
        connection.request(
            "POST", "/GetRoom", json.dumps({"identifier": env.room.arn}), {**BOTO3, "Host": host}
        )
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["id"] == "guardroom001"
        connection.close()


def test_the_pages_token_endpoint_refuses_other_origins_and_plain_text(env: Env) -> None:
    body = {"userId": "mallory", "role": "moderator"}
    own = f"http://127.0.0.1:{env.port}"
    foreign = env.post("/api/token", body, {"Content-Type": "application/json", "Origin": "null"})
    plain = env.post("/api/token", body, {"Content-Type": "text/plain", "Origin": own})
    same = env.post("/api/token", body, {"Content-Type": "application/json", "Origin": own})
    assert (foreign[0], plain[0], same[0]) == (403, 403, 200)


def test_a_websocket_from_a_foreign_origin_is_refused(env: Env) -> None:
    token = env.directory.issue_token(env.room, "alice", ["SEND_MESSAGE"])
    with pytest.raises(InvalidStatus) as refused:
        connect(
            env.bg.ws_url,
            subprotocols=[token.value],  # type: ignore[list-item]
            origin="https://evil.example",  # type: ignore[arg-type]
            open_timeout=5,
        )
    assert refused.value.response.status_code == 403
    own = f"http://127.0.0.1:{env.port}"
    with connect(env.bg.ws_url, subprotocols=[token.value], origin=own, open_timeout=5) as ws:  # type: ignore[list-item, arg-type]
        assert ws.subprotocol == token.value  # the refused attempt did not use the token up
