"""ivschat calls with the exact parameters, reason limits, throttling and missing resources."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import Stubber

from chatmod.aws.ivschat import IvsChatActions, ThrottledError

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"


@pytest.fixture
def ivschat() -> Iterator[tuple[IvsChatActions, Stubber, list[float]]]:
    client = boto3.client(
        "ivschat", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    sleeps: list[float] = []
    actions = IvsChatActions(client, max_attempts=3, backoff_ms=100, sleep=sleeps.append)
    with Stubber(client) as stubber:
        yield actions, stubber, sleeps
        stubber.assert_no_pending_responses()


def test_delete_message_sends_room_id_and_reason(
    ivschat: tuple[IvsChatActions, Stubber, list[float]],
) -> None:
    actions, stubber, _ = ivschat
    stubber.add_response(
        "delete_message",
        {"id": "EVT000000001"},
        {"roomIdentifier": ROOM, "id": "MSG000000001", "reason": "Removed by moderation."},
    )
    assert actions.delete_message(ROOM, "MSG000000001", "Removed by moderation.") == "done"
    assert actions.calls == 1


def test_disconnect_user_truncates_a_long_reason_to_256(
    ivschat: tuple[IvsChatActions, Stubber, list[float]],
) -> None:
    actions, stubber, _ = ivschat
    reason = "x" * 255 + "…"
    stubber.add_response(
        "disconnect_user", {}, {"roomIdentifier": ROOM, "userId": "viewer-42", "reason": reason}
    )
    assert actions.disconnect_user(ROOM, "viewer-42", "x" * 400) == "done"


def test_empty_reason_gets_a_default(ivschat: tuple[IvsChatActions, Stubber, list[float]]) -> None:
    actions, stubber, _ = ivschat
    stubber.add_response(
        "disconnect_user",
        {},
        {"roomIdentifier": ROOM, "userId": "viewer-42", "reason": "Disconnected by moderation."},
    )
    assert actions.disconnect_user(ROOM, "viewer-42", "   ") == "done"


def test_throttling_is_retried_with_growing_backoff_then_succeeds(
    ivschat: tuple[IvsChatActions, Stubber, list[float]],
) -> None:
    actions, stubber, sleeps = ivschat
    params = {"roomIdentifier": ROOM, "id": "MSG000000001", "reason": "r"}
    stubber.add_client_error(
        "delete_message", "ThrottlingException", http_status_code=429, expected_params=params
    )
    stubber.add_client_error(
        "delete_message", "ThrottlingException", http_status_code=429, expected_params=params
    )
    stubber.add_response("delete_message", {"id": "EVT000000001"}, params)
    assert actions.delete_message(ROOM, "MSG000000001", "r") == "done"
    assert actions.calls == 3
    assert len(sleeps) == 2
    assert 0.05 <= sleeps[0] <= 0.1 and 0.1 <= sleeps[1] <= 0.2


def test_a_bare_429_counts_as_throttling(
    ivschat: tuple[IvsChatActions, Stubber, list[float]],
) -> None:
    actions, stubber, _ = ivschat
    stubber.add_client_error("disconnect_user", "TooManyRequests", http_status_code=429)
    stubber.add_response("disconnect_user", {})
    assert actions.disconnect_user(ROOM, "viewer-42", "r") == "done"


def test_throttled_every_time_raises_so_the_record_returns_to_the_queue(
    ivschat: tuple[IvsChatActions, Stubber, list[float]],
) -> None:
    actions, stubber, sleeps = ivschat
    for _ in range(3):
        stubber.add_client_error("delete_message", "ThrottlingException", http_status_code=429)
    with pytest.raises(ThrottledError):
        actions.delete_message(ROOM, "MSG000000001", "r")
    assert len(sleeps) == 2


def test_resource_not_found_counts_as_done(
    ivschat: tuple[IvsChatActions, Stubber, list[float]],
) -> None:
    actions, stubber, sleeps = ivschat
    stubber.add_client_error("delete_message", "ResourceNotFoundException", http_status_code=404)
    assert actions.delete_message(ROOM, "MSG000000001", "r") == "gone"
    assert sleeps == []


def test_disconnect_from_a_deleted_room_counts_as_done_and_is_logged(
    ivschat: tuple[IvsChatActions, Stubber, list[float]], caplog: pytest.LogCaptureFixture
) -> None:
    actions, stubber, sleeps = ivschat
    stubber.add_client_error(
        "disconnect_user",
        "ResourceNotFoundException",
        http_status_code=404,
        expected_params={"roomIdentifier": ROOM, "userId": "viewer-42", "reason": "bye"},
    )
    with caplog.at_level("INFO"):
        assert actions.disconnect_user(ROOM, "viewer-42", "bye") == "gone"
    assert sleeps == [] and actions.calls == 1
    assert "disconnect_user: ResourceNotFoundException, counted as done" in caplog.text


def test_other_errors_are_not_retried(ivschat: tuple[IvsChatActions, Stubber, list[float]]) -> None:
    from botocore.exceptions import ClientError

    actions, stubber, _ = ivschat
    stubber.add_client_error("disconnect_user", "AccessDeniedException", http_status_code=403)
    with pytest.raises(ClientError):
        actions.disconnect_user(ROOM, "viewer-42", "r")
    assert actions.calls == 1


def test_endpoint_override_points_the_client_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    actions = IvsChatActions.create("http://127.0.0.1:9911")
    assert actions.client.meta.endpoint_url == "http://127.0.0.1:9911"
    assert actions.client.meta.config.retries["total_max_attempts"] == 1
