"""Every operation of botocore's ``ivschat`` model against the local room, through boto3's own
client: a success answered in the model's output shape, a ValidationException, a
ResourceNotFoundException where the model declares it, and ThrottlingException at the
documented rate where the model declares that; every error is one the operation declares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import OperationModel, ServiceModel

from chatmod_local.room.background import serve_in_thread
from chatmod_local.room.control import DEFAULT_RATES, Limits, Quotas
from chatmod_local.room.messaging import Hub
from chatmod_local.room.queue import SqsEndpoint
from chatmod_local.room.review import ReviewGate
from chatmod_local.room.server import room_app
from chatmod_local.room.state import Directory

pytestmark = pytest.mark.timeout(120)
MODEL: ServiceModel = botocore.session.get_session().get_service_model("ivschat")
HANDLER = "arn:aws:lambda:us-east-1:123456789012:function:Review:live"
MISSING_ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/missingRoom1"
MISSING_LOGGING = "arn:aws:ivschat:us-east-1:123456789012:logging-configuration/missing12345"
S3 = {"s3": {"bucketName": "chat-logs"}}
TEST_RATE = 5


@dataclass
class World:
    client: Any
    room: str
    logging: str
    directory: Directory


def client_for(base_url: str) -> Any:
    return boto3.client(
        "ivschat",
        endpoint_url=base_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"total_max_attempts": 1}),
    )


@pytest.fixture()
def world() -> Iterator[World]:
    directory = Directory()
    gate = ReviewGate({})
    hub = Hub(directory, gate)
    limits = Limits(rates={name: TEST_RATE for name in DEFAULT_RATES}, quotas=Quotas())
    with serve_in_thread(lambda: room_app(directory, hub, SqsEndpoint({}), limits=limits)) as bg:
        client = client_for(bg.base_url)
        logging = client.create_logging_configuration(destinationConfiguration=S3)["arn"]
        room = client.create_room(
            name="lobby", messageReviewHandler={"uri": HANDLER}, tags={"team": "chat"}
        )["arn"]
        yield World(client, room, logging, directory)
    gate.close()


Call = Callable[[World], dict[str, Any]]

# operation -> (valid call, invalid call, call naming a missing resource or None)
CASES: dict[str, tuple[Call, Call, Call | None]] = {
    "CreateChatToken": (
        lambda w: {"roomIdentifier": w.room, "userId": "u", "capabilities": ["SEND_MESSAGE"]},
        lambda w: {"roomIdentifier": w.room, "userId": "u", "sessionDurationInMinutes": 181},
        lambda w: {"roomIdentifier": MISSING_ROOM, "userId": "u"},
    ),
    "CreateLoggingConfiguration": (
        lambda w: {"name": "logs", "destinationConfiguration": S3, "tags": {"a": "b"}},
        lambda w: {"destinationConfiguration": {"s3": {"bucketName": "UPPER_CASE"}}},
        None,
    ),
    "CreateRoom": (
        lambda w: {"name": "r2", "loggingConfigurationIdentifiers": [w.logging]},
        lambda w: {"name": "spaces are not allowed"},
        lambda w: {"loggingConfigurationIdentifiers": [MISSING_LOGGING]},
    ),
    "DeleteLoggingConfiguration": (
        lambda w: {"identifier": w.logging},
        lambda w: {"identifier": w.room},
        lambda w: {"identifier": MISSING_LOGGING},
    ),
    "DeleteMessage": (
        lambda w: {"roomIdentifier": w.room, "id": "AbCdEfGh1234", "reason": "spam"},
        lambda w: {"roomIdentifier": w.room, "id": "abc-not-an-id"},
        lambda w: {"roomIdentifier": MISSING_ROOM, "id": "AbCdEfGh1234"},
    ),
    "DeleteRoom": (
        lambda w: {"identifier": w.room},
        lambda w: {"identifier": "lobby"},
        lambda w: {"identifier": MISSING_ROOM},
    ),
    "DisconnectUser": (
        lambda w: {"roomIdentifier": w.room, "userId": "u", "reason": "bye"},
        lambda w: {"roomIdentifier": w.room, "userId": "u", "reason": "x" * 257},
        lambda w: {"roomIdentifier": MISSING_ROOM, "userId": "u"},
    ),
    "GetLoggingConfiguration": (
        lambda w: {"identifier": w.logging},
        lambda w: {"identifier": "x" * 129},
        lambda w: {"identifier": MISSING_LOGGING},
    ),
    "GetRoom": (
        lambda w: {"identifier": w.room},
        lambda w: {"identifier": w.logging},
        lambda w: {"identifier": MISSING_ROOM},
    ),
    "ListLoggingConfigurations": (
        lambda w: {"maxResults": 1},
        lambda w: {"maxResults": 51},
        None,
    ),
    "ListRooms": (
        lambda w: {"maxResults": 50, "name": "lobby"},
        lambda w: {"maxResults": 51},
        lambda w: {"loggingConfigurationIdentifier": MISSING_LOGGING},
    ),
    "ListTagsForResource": (
        lambda w: {"resourceArn": w.room},
        lambda w: {"resourceArn": "arn:aws:s3:::bucket"},
        lambda w: {"resourceArn": MISSING_ROOM},
    ),
    "SendEvent": (
        lambda w: {"roomIdentifier": w.room, "eventName": "app:poll", "attributes": {"q": "1"}},
        lambda w: {"roomIdentifier": w.room, "eventName": "e" * 101},
        lambda w: {"roomIdentifier": MISSING_ROOM, "eventName": "app:poll"},
    ),
    "TagResource": (
        lambda w: {"resourceArn": w.logging, "tags": {"env": "dev"}},
        lambda w: {"resourceArn": w.room, "tags": {f"k{i}": "v" for i in range(51)}},
        lambda w: {"resourceArn": MISSING_LOGGING, "tags": {"env": "dev"}},
    ),
    "UntagResource": (
        lambda w: {"resourceArn": w.room, "tagKeys": ["team"]},
        lambda w: {"resourceArn": w.room, "tagKeys": ["k" * 129]},
        lambda w: {"resourceArn": MISSING_ROOM, "tagKeys": ["team"]},
    ),
    "UpdateLoggingConfiguration": (
        lambda w: {
            "identifier": w.logging,
            "destinationConfiguration": {"firehose": {"deliveryStreamName": "chat"}},
        },
        lambda w: {
            "identifier": w.logging,
            "destinationConfiguration": {"s3": {"bucketName": "No_Upper_Case"}},
        },
        lambda w: {"identifier": MISSING_LOGGING, "name": "x"},
    ),
    "UpdateRoom": (
        lambda w: {"identifier": w.room, "maximumMessageLength": 200},
        lambda w: {"identifier": w.room, "maximumMessageRatePerSecond": 101},
        lambda w: {"identifier": MISSING_ROOM, "name": "x"},
    ),
}


def method(client: Any, operation: str) -> Callable[..., dict[str, Any]]:
    return getattr(client, client.meta.method_to_api_mapping_reverse()[operation])  # type: ignore[no-any-return]


def error_of(call: Callable[[], object]) -> tuple[str, int, dict[str, Any]]:
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response


def declared(operation: OperationModel) -> set[str]:
    return {shape.name for shape in operation.error_shapes}


def test_every_operation_of_the_model_is_covered() -> None:
    assert sorted(CASES) == sorted(MODEL.operation_names)


def reverse_mapping(client: Any) -> dict[str, str]:
    return {v: k for k, v in client.meta.method_to_api_mapping.items()}


@pytest.mark.parametrize("name", MODEL.operation_names)
def test_operation_success_validation_and_not_found(world: World, name: str) -> None:
    operation = MODEL.operation_model(name)
    call = getattr(world.client, reverse_mapping(world.client)[name])
    valid, invalid, missing = CASES[name]

    code, status, response = error_of(lambda: call(**invalid(world)))
    assert (code, status) == ("ValidationException", 400), response
    assert response["reason"] == "FIELD_VALIDATION_FAILED" and response["fieldList"]

    if missing is not None:
        assert "ResourceNotFoundException" in declared(operation)
        code, status, response = error_of(lambda: call(**missing(world)))
        assert (code, status) == ("ResourceNotFoundException", 404), response
        assert "/" not in response["resourceId"] and len(response["resourceId"]) == 12

    answer = call(**valid(world))
    output = operation.output_shape
    members = set(output.members) if output is not None else set()
    assert set(answer) - {"ResponseMetadata"} <= members, answer
    if output is not None:
        assert set(output.required_members) <= set(answer)
    expected_status = operation.http.get("responseCode", 200)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == expected_status


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in MODEL.operation_names
        if "ThrottlingException" in declared(MODEL.operation_model(n))
    ],
)
def test_throttling_where_the_model_declares_it(world: World, name: str) -> None:
    assert DEFAULT_RATES[name] == 100  # the documented rate; the fixture runs at TEST_RATE
    call = getattr(world.client, reverse_mapping(world.client)[name])
    valid = CASES[name][0]
    outcomes = []
    for _ in range(TEST_RATE + 1):
        try:
            call(**valid(world))
            outcomes.append("ok")
        except ClientError as exc:
            outcomes.append(exc.response["Error"]["Code"])
    assert outcomes == ["ok"] * TEST_RATE + ["ThrottlingException"]
    code, status, response = error_of(lambda: call(**valid(world)))
    assert (code, status, response["limit"]) == ("ThrottlingException", 429, TEST_RATE)


def test_throttled_operations_are_exactly_the_ones_the_model_declares() -> None:
    declaring = {
        n
        for n in MODEL.operation_names
        if "ThrottlingException" in declared(MODEL.operation_model(n))
    }
    assert declaring == set(DEFAULT_RATES)
