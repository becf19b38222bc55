"""ivschat calls with the exact parameters, reason limits, botocore's retries, throttling and
missing resources (the Stubber answers before botocore's retry loop: one answer per call)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.stub import Stubber

from chatmod.aws.clients import client_config
from chatmod.aws.ivschat import IvsChatActions, NotSentError, RefusedError, ThrottledError
from chatmod.escalation.actions import ActionNotTakenError, Outcome
from tests.aws_responses import aws_response

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"


def make_ivschat_client() -> Any:
    return boto3.client(
        "ivschat", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


@pytest.fixture
def ivschat() -> Iterator[tuple[IvsChatActions, Stubber]]:
    client = make_ivschat_client()
    with Stubber(client) as stubber:
        yield IvsChatActions(client), stubber
        stubber.assert_no_pending_responses()


def test_delete_message_sends_room_id_and_reason(
    ivschat: tuple[IvsChatActions, Stubber],
) -> None:
    actions, stubber = ivschat
    stubber.add_response(
        "delete_message",
        {"id": "EVT000000001"},
        {"roomIdentifier": ROOM, "id": "MSG000000001", "reason": "Removed by moderation."},
    )
    assert actions.delete_message(ROOM, "MSG000000001", "Removed by moderation.") == "done"


def test_disconnect_user_truncates_a_long_reason_to_256(
    ivschat: tuple[IvsChatActions, Stubber],
) -> None:
    actions, stubber = ivschat
    reason = "x" * 255 + "…"
    stubber.add_response(
        "disconnect_user", {}, {"roomIdentifier": ROOM, "userId": "viewer-42", "reason": reason}
    )
    assert actions.disconnect_user(ROOM, "viewer-42", "x" * 400) == "done"


def test_empty_reason_gets_a_default(ivschat: tuple[IvsChatActions, Stubber]) -> None:
    actions, stubber = ivschat
    stubber.add_response(
        "disconnect_user",
        {},
        {"roomIdentifier": ROOM, "userId": "viewer-42", "reason": "Disconnected by moderation."},
    )
    assert actions.disconnect_user(ROOM, "viewer-42", "   ") == "done"


def test_throttling_left_after_botocores_attempts_is_throttled_error(
    ivschat: tuple[IvsChatActions, Stubber],
) -> None:
    actions, stubber = ivschat
    stubber.add_client_error("delete_message", "ThrottlingException", http_status_code=429)
    with pytest.raises(ThrottledError, match="DeleteMessage throttled"):
        actions.delete_message(ROOM, "MSG000000001", "r")


def test_a_bare_429_counts_as_throttling(ivschat: tuple[IvsChatActions, Stubber]) -> None:
    actions, stubber = ivschat
    stubber.add_client_error("disconnect_user", "TooManyRequests", http_status_code=429)
    with pytest.raises(ThrottledError):
        actions.disconnect_user(ROOM, "viewer-42", "r")


def test_resource_not_found_counts_as_done(
    ivschat: tuple[IvsChatActions, Stubber],
) -> None:
    actions, stubber = ivschat
    stubber.add_client_error("delete_message", "ResourceNotFoundException", http_status_code=404)
    assert actions.delete_message(ROOM, "MSG000000001", "r") == "gone"


def test_disconnect_from_a_deleted_room_counts_as_done_and_is_logged(
    ivschat: tuple[IvsChatActions, Stubber], caplog: pytest.LogCaptureFixture
) -> None:
    actions, stubber = ivschat
    stubber.add_client_error(
        "disconnect_user",
        "ResourceNotFoundException",
        http_status_code=404,
        expected_params={"roomIdentifier": ROOM, "userId": "viewer-42", "reason": "bye"},
    )
    with caplog.at_level("INFO"):
        assert actions.disconnect_user(ROOM, "viewer-42", "bye") == "gone"
    assert "DisconnectUser: ResourceNotFoundException, counted as done" in caplog.text


def test_a_refusal_is_not_taken_and_not_worth_repeating(
    ivschat: tuple[IvsChatActions, Stubber],
) -> None:
    actions, stubber = ivschat
    stubber.add_client_error("disconnect_user", "AccessDeniedException", http_status_code=403)
    with pytest.raises(RefusedError) as caught:
        actions.disconnect_user(ROOM, "viewer-42", "r")
    assert isinstance(caught.value, ActionNotTakenError) and not caught.value.transient


def test_a_5xx_raises_as_it_is_its_outcome_unknown(
    ivschat: tuple[IvsChatActions, Stubber],
) -> None:
    actions, stubber = ivschat
    stubber.add_client_error("disconnect_user", "InternalServerException", http_status_code=500)
    with pytest.raises(ClientError) as caught:
        actions.disconnect_user(ROOM, "viewer-42", "r")
    assert not isinstance(caught.value, ActionNotTakenError)


@pytest.mark.parametrize(
    ("error", "not_taken"),
    [
        (ConnectTimeoutError(endpoint_url="https://ivschat"), True),
        (EndpointConnectionError(endpoint_url="https://ivschat"), True),
        (ReadTimeoutError(endpoint_url="https://ivschat"), False),
        (ConnectionClosedError(endpoint_url="https://ivschat"), False),
    ],
)
def test_a_connection_never_made_is_not_taken_a_lost_answer_is_unknown(
    error: Exception, not_taken: bool
) -> None:
    """Through botocore's real send path (one attempt, as the disconnect client makes)."""

    def fail(**_: Any) -> Any:
        raise error

    client = boto3.client(
        "ivschat",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=client_config(1),
    )
    client.meta.events.register("before-send.ivschat.DisconnectUser", fail)
    with pytest.raises(Exception) as caught:
        IvsChatActions(client).disconnect_user(ROOM, "viewer-42", "r")
    assert isinstance(caught.value, NotSentError) is not_taken
    assert isinstance(caught.value, ActionNotTakenError) is not_taken


def test_botocore_retries_deletes_and_never_repeats_a_disconnect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    actions = IvsChatActions.create("http://127.0.0.1:9911", delete_attempts=4)
    for client in (actions.client, actions.disconnect_client):
        assert client.meta.endpoint_url == "http://127.0.0.1:9911"
        assert client.meta.config.retries["mode"] == "adaptive"
    assert actions.client.meta.config.retries["total_max_attempts"] == 4
    assert actions.disconnect_client.meta.config.retries["total_max_attempts"] == 1
    assert actions.disconnect_client.meta.config.connect_timeout == 1
    assert actions.disconnect_client.meta.config.read_timeout == 2
    assert actions.call_timeout_ms == 3_000  # one attempt: connect and read timeouts


def test_botocore_retries_a_throttled_delete_until_it_succeeds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through botocore's real retry loop (an HTTP stand-in, not the Stubber)."""
    calls: list[str] = []

    def answer(request: Any, **_: Any) -> Any:
        calls.append(request.url)
        status = 429 if len(calls) < 3 else 200
        body = b'{"message": "slow down"}' if status == 429 else b'{"id": "EVT000000001"}'
        headers = {"x-amzn-ErrorType": "ThrottlingException"} if status == 429 else {}
        return aws_response(request.url, status, body, headers)

    client = boto3.client(
        "ivschat",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=client_config(4),
    )
    client.meta.events.register("before-send.ivschat.DeleteMessage", answer)
    sleeps: list[float] = []
    monkeypatch.setattr("time.sleep", sleeps.append)
    assert IvsChatActions(client).delete_message(ROOM, "MSG000000001", "r") == "done"
    assert len(calls) == 3 and len(sleeps) >= 2  # two backoffs before the third attempt


# -- disconnects are at most once ------------------------------------------------------------


def test_a_5xx_after_the_disconnect_is_repeated_only_inside_the_window_then_given_up() -> None:
    """ivschat answered 500 (it may have acted): one repeat at once, inside the retry window;
    the queue's redelivery, minutes later, calls nothing and gives up loudly (the Stubber
    fails on any DisconnectUser it was not given)."""
    from chatmod.aws.idempotency import MemoryPersistenceLayer, PowertoolsGuard
    from chatmod.escalation import EscalationProcessor, MemoryLedger
    from chatmod.escalation.intents import MemoryIntentLog, OutcomeUnknownError
    from chatmod.escalation.record import EscalationRecord
    from chatmod.policy import load_policy

    client = make_ivschat_client()
    actions = IvsChatActions(client)
    now = [1_700_000_000_000]
    starts: list[int] = []

    def sleep(ms: int) -> None:
        now[0] += ms

    processor = EscalationProcessor(
        load_policy,
        MemoryLedger(),
        actions,
        PowertoolsGuard(MemoryPersistenceLayer()),
        clock_ms=lambda: now[0],
        intents=MemoryIntentLog(),
        disconnect_timeout_ms=actions.call_timeout_ms,
        sleep_ms=sleep,
    )
    client.meta.events.register(
        "before-parameter-build.ivschat.DisconnectUser", lambda **_: starts.append(now[0])
    )
    threat = EscalationRecord(
        kind="strike",
        room_arn=ROOM,
        user_id="viewer-66",
        message_id="MSG000000066",
        reviewed_at_ms=now[0],
        result="DENY",
        severity="high",
        categories=("threat",),
    )
    with Stubber(client) as stubber:
        for _ in range(4):
            stubber.add_client_error(
                "disconnect_user", "InternalServerException", http_status_code=500
            )
        with pytest.raises(ClientError):
            processor.process(threat)
        # 200 + 400 + 800 ms of pauses: every repeat started inside the 5 s window
        assert [t - starts[0] for t in starts] == [0, 200, 600, 1_400]
        stubber.assert_no_pending_responses()
        now[0] += 180_000  # the queue's visibility timeout: far past the window
        with pytest.raises(OutcomeUnknownError) as given_up:
            processor.process(threat)
        assert given_up.value.intent.calls == 4 and "unknown" in given_up.value.reason


def test_a_throttled_disconnect_did_nothing_and_may_be_tried_again() -> None:
    from chatmod.escalation.intents import MemoryIntentLog, OnceSettings, run_once

    client = make_ivschat_client()
    actions = IvsChatActions(client)
    intents = MemoryIntentLog()
    key = {"action": "disconnect", "room": ROOM, "target": "viewer-1#MSG000000001"}
    how = OnceSettings(call_timeout_ms=3_000, now_ms=lambda: 0, sleep_ms=lambda ms: None)

    def disconnect() -> Outcome:
        return actions.disconnect_user(ROOM, "viewer-1", "bye")

    with Stubber(client) as stubber:
        stubber.add_client_error("disconnect_user", "ThrottlingException", http_status_code=429)
        stubber.add_response("disconnect_user", {})
        assert run_once(intents, key, disconnect, how) == "done"  # repeated after a pause
        assert run_once(intents, key, disconnect, how) == "replayed"
        stubber.assert_no_pending_responses()
