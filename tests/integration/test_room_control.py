"""The room's ivschat control plane, called by boto3's own ivschat client via endpoint_url."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from websockets.sync.client import connect

from chatmod_local.room.background import BackgroundRoom, serve_in_thread
from chatmod_local.room.control import Limits, Quotas
from chatmod_local.room.messaging import Hub
from chatmod_local.room.page import ROLES, PageConfig
from chatmod_local.room.queue import SqsEndpoint
from chatmod_local.room.review import ReviewGate
from chatmod_local.room.server import room_app
from chatmod_local.room.state import Directory

pytestmark = pytest.mark.timeout(60)
HANDLER = "arn:aws:lambda:us-east-1:123456789012:function:Review:live"


@pytest.fixture()
def bg() -> Iterator[BackgroundRoom]:
    directory = Directory()
    gate = ReviewGate({})
    hub = Hub(directory, gate)
    with serve_in_thread(lambda: room_app(directory, hub, SqsEndpoint({}))) as room:
        yield room
    gate.close()


@pytest.fixture()
def ivschat(bg: BackgroundRoom) -> Any:
    return boto3.client(
        "ivschat",
        endpoint_url=bg.base_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_room_lifecycle(ivschat: Any) -> None:
    created = ivschat.create_room(
        name="lobby",
        maximumMessageLength=120,
        maximumMessageRatePerSecond=5,
        messageReviewHandler={"uri": HANDLER, "fallbackResult": "DENY"},
        tags={"team": "chat"},
    )
    assert created["arn"].endswith(f":room/{created['id']}") and len(created["id"]) == 12
    assert isinstance(created["createTime"], datetime)
    got = ivschat.get_room(identifier=created["arn"])
    assert (got["name"], got["maximumMessageLength"], got["maximumMessageRatePerSecond"]) == (
        "lobby",
        120,
        5,
    )
    assert got["messageReviewHandler"] == {"uri": HANDLER, "fallbackResult": "DENY"}
    updated = ivschat.update_room(identifier=created["arn"], maximumMessageLength=300)
    assert updated["maximumMessageLength"] == 300 and updated["name"] == "lobby"
    assert [r["arn"] for r in ivschat.list_rooms()["rooms"]] == [created["arn"]]
    ivschat.delete_room(identifier=created["arn"])
    with pytest.raises(ivschat.exceptions.ResourceNotFoundException) as missing:
        ivschat.get_room(identifier=created["arn"])
    assert error_of(missing) == ("ResourceNotFoundException", 404)
    assert missing.value.response["resourceType"] == "ROOM"


def test_chat_token_connects_with_its_capabilities(ivschat: Any, bg: BackgroundRoom) -> None:
    room = ivschat.create_room(name="r")
    token = ivschat.create_chat_token(
        roomIdentifier=room["arn"],
        userId="mod",
        capabilities=["DELETE_MESSAGE"],
        sessionDurationInMinutes=5,
        attributes={"role": "mod"},
    )
    # as in IVS, the token must be used within a minute; the session it opens lasts five
    session = token["sessionExpirationTime"] - token["tokenExpirationTime"]
    assert session.total_seconds() == 240
    lifetime = token["sessionExpirationTime"].timestamp() - datetime.now().timestamp()
    assert 240 < lifetime <= 300
    with connect(bg.ws_url, subprotocols=[token["token"]], open_timeout=5) as ws:  # type: ignore[list-item]
        ws.send(json.dumps({"Action": "SEND_MESSAGE", "RequestId": "r", "Content": "hi"}))
        assert json.loads(ws.recv(timeout=5))["ErrorCode"] == 403
        ws.send(json.dumps({"Action": "DELETE_MESSAGE", "RequestId": "d", "Id": "AAAAAAAAAAAA"}))
        assert json.loads(ws.recv(timeout=5))["EventName"] == "aws:DELETE_MESSAGE"


@pytest.mark.parametrize(
    "call",
    [
        {"capabilities": ["FLY"]},
        {"sessionDurationInMinutes": 181},
        {"attributes": {"big": "x" * 1100}},
    ],
    ids=["capability", "session", "attributes"],
)
def test_chat_token_validation(ivschat: Any, call: dict[str, Any]) -> None:
    room = ivschat.create_room(name="r")
    with pytest.raises(ivschat.exceptions.ValidationException) as invalid:
        ivschat.create_chat_token(roomIdentifier=room["arn"], userId="u", **call)
    assert error_of(invalid) == ("ValidationException", 400)


def test_unknown_room_is_not_found(ivschat: Any) -> None:
    arn = "arn:aws:ivschat:us-east-1:123456789012:room/doesnotexist"
    with pytest.raises(ivschat.exceptions.ResourceNotFoundException):
        ivschat.create_chat_token(roomIdentifier=arn, userId="u")
    with pytest.raises(ivschat.exceptions.ResourceNotFoundException):
        ivschat.disconnect_user(roomIdentifier=arn, userId="u", reason="r")


def test_delete_message_needs_an_ivs_message_id(ivschat: Any) -> None:
    room = ivschat.create_room(name="r")
    with pytest.raises(ivschat.exceptions.ValidationException):
        ivschat.delete_message(roomIdentifier=room["arn"], id="not-an-id!!!", reason="r")


def test_actions_reach_connected_clients_without_a_request_id(
    ivschat: Any, bg: BackgroundRoom
) -> None:
    room = ivschat.create_room(name="r")
    alice = ivschat.create_chat_token(roomIdentifier=room["arn"], userId="alice")["token"]
    bob = ivschat.create_chat_token(roomIdentifier=room["arn"], userId="bob")["token"]
    with (
        connect(bg.ws_url, subprotocols=[alice], open_timeout=5) as alice_ws,  # type: ignore[list-item]
        connect(bg.ws_url, subprotocols=[bob], open_timeout=5) as bob_ws,  # type: ignore[list-item]
    ):
        event_id = ivschat.send_event(
            roomIdentifier=room["arn"], eventName="app:poll", attributes={"q": "1"}
        )["id"]
        deleted_id = ivschat.delete_message(
            roomIdentifier=room["arn"], id="AbCdEfGh1234", reason="spam"
        )["id"]
        ivschat.disconnect_user(roomIdentifier=room["arn"], userId="alice", reason="bye")
        frames = [json.loads(bob_ws.recv(timeout=5)) for _ in range(3)]
        alice_frames = [json.loads(alice_ws.recv(timeout=5)) for _ in range(3)]
    assert [f["EventName"] for f in frames] == [
        "app:poll",
        "aws:DELETE_MESSAGE",
        "aws:DISCONNECT_USER",
    ]
    assert [f["Id"] for f in frames[:2]] == [event_id, deleted_id]
    assert frames[0]["Attributes"] == {"q": "1"}
    assert frames[1]["Attributes"]["MessageID"] == "AbCdEfGh1234"
    assert frames[2]["Attributes"] == {"UserId": "alice", "Reason": "bye"}
    assert all("RequestId" not in f for f in frames)
    assert alice_frames == frames
    assert alice_ws.close_code == 1000


def test_page_token_endpoint_checks_the_name_and_grants_by_role(tmp_path: Any) -> None:
    """The demo page's backend: bad requests get 400 with a message a person can act on;
    each role's token carries exactly that role's capabilities."""
    directory = Directory()
    room = directory.create_room(name="page")
    gate = ReviewGate({})
    page = PageConfig(room.arn, "ws://unused", tmp_path)

    def app() -> Any:
        return room_app(directory, Hub(directory, gate), SqsEndpoint({}), page)

    def post(bg: BackgroundRoom, body: bytes) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            f"{bg.base_url}/api/token", data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    with serve_in_thread(app) as bg:
        for body, fragment in [
            (b"not json", "JSON object"),
            (b'{"userId": "  "}', "user name"),
            (json.dumps({"userId": "x" * 129}).encode(), "user name"),
            (b'{"userId": "ana", "role": "admin"}', "Unknown role"),
        ]:
            status, answer = post(bg, body)
            assert status == 400 and fragment in answer["message"], (body, answer)
        for role, capabilities in ROLES.items():
            status, answer = post(bg, json.dumps({"userId": "ana", "role": role}).encode())
            assert status == 200, answer
            token = directory.token(answer["token"])
            assert token is not None and token.user_id == "ana" and token.room_arn == room.arn
            assert token.capabilities == frozenset(capabilities)
            assert token.attributes == {"displayName": "ana", "role": role}
    gate.close()


def test_list_rooms_pages_filters_and_sorts_newest_update_first(ivschat: Any) -> None:
    arns = [ivschat.create_room(name=f"room{i}")["arn"] for i in range(5)]
    reviewed = ivschat.create_room(name="room1", messageReviewHandler={"uri": HANDLER})["arn"]
    ivschat.update_room(identifier=arns[0], maximumMessageLength=100)  # now the latest update
    everything = [r["arn"] for r in ivschat.list_rooms()["rooms"]]
    assert everything == [arns[0], reviewed, *reversed(arns[1:])]

    first = ivschat.list_rooms(maxResults=4)
    second = ivschat.list_rooms(maxResults=4, nextToken=first["nextToken"])
    assert [r["arn"] for r in first["rooms"] + second["rooms"]] == everything
    assert "nextToken" not in second

    assert [r["arn"] for r in ivschat.list_rooms(name="room1")["rooms"]] == [reviewed, arns[1]]
    by_handler = ivschat.list_rooms(messageReviewHandlerUri=HANDLER)["rooms"]
    assert [r["arn"] for r in by_handler] == [reviewed]
    for bad in ({"maxResults": 51}, {"nextToken": "not-a-token"}):
        with pytest.raises(ClientError) as invalid:
            ivschat.list_rooms(**bad)
        assert error_of(invalid) == ("ValidationException", 400), bad


def post_raw(bg: BackgroundRoom, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """A boto3-shaped request (JSON, SigV4-shaped header) with a body boto3 would refuse."""
    request = urllib.request.Request(
        f"{bg.base_url}{path}",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": SIGV4_SHAPED},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


SIGV4_SHAPED = (
    "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/ivschat/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64
)


def test_tags_limits_and_routes(ivschat: Any, bg: BackgroundRoom) -> None:
    room = ivschat.create_room(name="tagged", tags={"team": "chat"})["arn"]
    ivschat.tag_resource(resourceArn=room, tags={"env": "dev"})
    assert ivschat.list_tags_for_resource(resourceArn=room)["tags"] == {
        "team": "chat",
        "env": "dev",
    }
    ivschat.untag_resource(resourceArn=room, tagKeys=["team"])
    assert ivschat.get_room(identifier=room)["tags"] == {"env": "dev"}

    with pytest.raises(ClientError) as too_many:
        ivschat.tag_resource(resourceArn=room, tags={f"k{i}": "v" for i in range(50)})
    assert error_of(too_many) == ("ValidationException", 400)  # 51 with the one it has
    with pytest.raises(ClientError) as too_many_at_create:
        ivschat.create_room(tags={f"k{i}": "v" for i in range(51)})
    assert error_of(too_many_at_create) == ("ValidationException", 400)
    for tags in ({"": "v"}, {"aws:team": "v"}):
        status, answer = post_raw(bg, "/CreateRoom", json.dumps({"tags": tags}).encode())
        assert status == 400 and answer["fieldList"], (tags, answer)


def test_not_found_names_the_resource_by_id(ivschat: Any) -> None:
    arn = "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234"
    with pytest.raises(ClientError) as missing:
        ivschat.get_room(identifier=arn)
    assert missing.value.response["resourceId"] == "abcdEFGH1234"


def test_logging_configurations_are_stored_checked_and_attached(ivschat: Any) -> None:
    made = ivschat.create_logging_configuration(
        name="chat-logs", destinationConfiguration={"cloudWatchLogs": {"logGroupName": "/ivs/chat"}}
    )
    assert made["state"] == "ACTIVE" and made["arn"].endswith(f"logging-configuration/{made['id']}")
    room = ivschat.create_room(loggingConfigurationIdentifiers=[made["arn"]])
    assert room["loggingConfigurationIdentifiers"] == [made["arn"]]
    listed = ivschat.list_rooms(loggingConfigurationIdentifier=made["arn"])["rooms"]
    assert [r["arn"] for r in listed] == [room["arn"]]

    updated = ivschat.update_logging_configuration(
        identifier=made["arn"], destinationConfiguration={"s3": {"bucketName": "chat-bucket"}}
    )
    assert updated["destinationConfiguration"] == {"s3": {"bucketName": "chat-bucket"}}
    assert ivschat.get_logging_configuration(identifier=made["arn"])["name"] == "chat-logs"
    assert [c["arn"] for c in ivschat.list_logging_configurations()["loggingConfigurations"]] == [
        made["arn"]
    ]

    with pytest.raises(ClientError) as in_use:
        ivschat.delete_logging_configuration(identifier=made["arn"])
    assert error_of(in_use) == ("ConflictException", 409)
    ivschat.update_room(identifier=room["arn"], loggingConfigurationIdentifiers=[])
    ivschat.delete_logging_configuration(identifier=made["arn"])
    with pytest.raises(ClientError) as gone:
        ivschat.create_room(loggingConfigurationIdentifiers=[made["arn"]])
    assert error_of(gone) == ("ResourceNotFoundException", 404)


def test_a_handler_in_another_account_is_access_denied(ivschat: Any) -> None:
    elsewhere = "arn:aws:lambda:us-east-1:999999999999:function:Review"
    with pytest.raises(ClientError) as denied:
        ivschat.create_room(messageReviewHandler={"uri": elsewhere})
    assert error_of(denied) == ("AccessDeniedException", 403)


def test_quotas_end_in_service_quota_exceeded() -> None:
    directory = Directory()
    gate = ReviewGate({})
    hub = Hub(directory, gate)
    limits = Limits(quotas=Quotas(rooms=2, logging_configurations=1))
    with serve_in_thread(lambda: room_app(directory, hub, SqsEndpoint({}), limits=limits)) as bg:
        client = boto3.client(
            "ivschat",
            endpoint_url=bg.base_url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        client.create_room()
        client.create_room()
        with pytest.raises(ClientError) as rooms:
            client.create_room()
        assert error_of(rooms) == ("ServiceQuotaExceededException", 402)
        assert rooms.value.response["limit"] == 2
        client.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": "abc"}})
        with pytest.raises(ClientError) as logs:
            client.create_logging_configuration(
                destinationConfiguration={"s3": {"bucketName": "abc"}}
            )
        assert error_of(logs) == ("ServiceQuotaExceededException", 402)
    gate.close()
