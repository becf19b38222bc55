"""EscalationFunction from template.yaml, in-process, on every sample event in events/escalation.

The ledger and idempotency stores are in memory (CHATMOD_LEDGER=memory), and the function's own
ivschat client is stubbed with botocore's Stubber, so every ivschat call and its parameters are
asserted and an unexpected call fails the test.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import onnx
import pytest
from botocore.stub import Stubber

from chatmod.escalation import LedgerKey
from chatmod.escalation.strikes import is_consumed
from chatmod_local.invoke import LocalFunction

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events" / "escalation"
ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
DISCONNECT_REASON = "Disconnected for repeated violations of the chat rules."
DELETE_REASON = "Removed by moderation."
LOCAL_ENV = {"CHATMOD_LEDGER": "memory", "CHATMOD_SECOND_OPINION": "none"}


class ConfirmsInsults:
    """A deterministic stand-in for the deeper model: it reads the message after its context,
    so an insult split over two messages ("you absolute" / "clown, ...") is confirmed."""

    name = "fake:insults"

    def score(self, text: str, context: Sequence[str] = ()) -> dict[str, float]:
        joined = " ".join([*context, text])
        return {"insult": 0.99 if "absolute clown" in joined else 0.1, "toxicity": 0.5}


@dataclass
class Expected:
    failed: list[int] = field(default_factory=list)  # indexes of records reported as failures
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    strikes: dict[str, int] = field(default_factory=dict)  # user -> unconsumed strikes


def disconnect(user: str) -> tuple[str, dict[str, str]]:
    return (
        "disconnect_user",
        {"roomIdentifier": ROOM, "userId": user, "reason": DISCONNECT_REASON},
    )


def delete(message_id: str) -> tuple[str, dict[str, str]]:
    return ("delete_message", {"roomIdentifier": ROOM, "id": message_id, "reason": DELETE_REASON})


EXPECTED: dict[str, Expected] = {
    "strike.json": Expected(strikes={"viewer-42": 1}),
    "strikes-to-disconnect.json": Expected(
        calls=[disconnect("viewer-13")], strikes={"viewer-13": 0}
    ),
    "disconnect-now.json": Expected(calls=[disconnect("viewer-66")], strikes={"viewer-66": 0}),
    "second-opinion.json": Expected(calls=[delete("MSG000000301")]),
    "second-opinion-context.json": Expected(calls=[delete("MSG000000302")]),
    "poison.json": Expected(failed=[0, 1], strikes={"viewer-9": 1}),
    "redelivered.json": Expected(calls=[disconnect("viewer-77")], strikes={"viewer-77": 0}),
    # a moderator's disconnect and delete from the moderator API, with their own reasons
    "moderator-actions.json": Expected(
        calls=[
            (
                "disconnect_user",
                {"roomIdentifier": ROOM, "userId": "viewer-5", "reason": "Spamming links."},
            ),
            (
                "delete_message",
                {"roomIdentifier": ROOM, "id": "MSG000000501", "reason": "Off topic."},
            ),
        ]
    ),
}


@dataclass
class Harness:
    function: LocalFunction
    stubber: Stubber
    logs: io.StringIO

    def log_messages(self) -> list[str]:
        return [
            json.loads(line)["message"]
            for line in self.logs.getvalue().splitlines()
            if line.startswith("{") and '"message"' in line
        ]


@pytest.fixture
def escalation() -> Iterator[Harness]:
    logs = io.StringIO()
    function = LocalFunction("EscalationFunction", env=LOCAL_ENV, log_stream=logs)
    function.module.HANDLER.processor.scorer = ConfirmsInsults()
    function.module.HANDLER.processor.once.sleep_ms = lambda ms: (
        None
    )  # pauses between repeated calls
    actions = function.module.HANDLER.actions
    actions.disconnect_client = actions.client  # one Stubber answers both actions
    stubber = Stubber(actions.client)
    with stubber:
        yield Harness(function, stubber, logs)
        stubber.assert_no_pending_responses()


def test_every_sample_event_has_an_expectation() -> None:
    assert sorted(p.name for p in EVENTS.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_event(escalation: Harness, name: str) -> None:
    expected = EXPECTED[name]
    event = json.loads((EVENTS / name).read_text("utf-8"))
    for operation, params in expected.calls:
        response = {"id": "EVT000000001"} if operation == "delete_message" else {}
        escalation.stubber.add_response(operation, response, params)
    result = escalation.function.invoke(event)
    ids = [r["messageId"] for r in event["Records"]]
    assert result == {"batchItemFailures": [{"itemIdentifier": ids[i]} for i in expected.failed]}
    ledger = escalation.function.module.HANDLER.ledger
    for user, count in expected.strikes.items():
        state = ledger.get(LedgerKey(ROOM, user))
        assert state.strikes or state.cleared_at_ms is not None  # recorded (or consumed, pruned)
        assert sum(not is_consumed(state, at) for at in state.strikes.values()) == count
    # the same batch again (an SQS redelivery): no second ivschat call, same partial failures
    assert escalation.function.invoke(event) == result


def test_poison_records_are_logged_as_such(escalation: Harness) -> None:
    escalation.function.invoke(json.loads((EVENTS / "poison.json").read_text("utf-8")))
    messages = escalation.log_messages()
    assert (
        messages.count("poison escalation record; it goes back to the queue and on to the DLQ") == 2
    )
    assert messages.count("escalation handled") == 1
    metrics = [
        json.loads(line) for line in escalation.logs.getvalue().splitlines() if '"_aws"' in line
    ]
    assert [m["PoisonRecords"] for m in metrics if "PoisonRecords" in m] == [[1.0, 1.0]]


def test_second_opinion_without_a_scorer_returns_the_record_to_the_queue(
    escalation: Harness,
) -> None:
    escalation.function.module.HANDLER.processor.scorer = None
    event = json.loads((EVENTS / "second-opinion.json").read_text("utf-8"))
    result = escalation.function.invoke(event)
    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}


def test_throttled_disconnect_returns_the_record_then_succeeds(escalation: Harness) -> None:
    event = json.loads((EVENTS / "disconnect-now.json").read_text("utf-8"))
    # botocore's retries run under the Stubber's answer: one throttled answer is the call's;
    # a throttled disconnect is tried four times in the invocation, then the queue takes over
    for _ in range(4):
        escalation.stubber.add_client_error(
            "disconnect_user", "ThrottlingException", http_status_code=429
        )
    first = escalation.function.invoke(event)
    assert first == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    escalation.stubber.add_response("disconnect_user", {}, disconnect("viewer-66")[1])
    assert escalation.function.invoke(event) == {"batchItemFailures": []}


def test_ivschat_endpoint_override_reaches_the_client() -> None:
    function = LocalFunction(
        "EscalationFunction",
        env={**LOCAL_ENV, "CHATMOD_IVSCHAT_ENDPOINT_URL": "http://127.0.0.1:9911"},
        log_stream=io.StringIO(),
    )
    assert function.module.HANDLER.actions.client.meta.endpoint_url == "http://127.0.0.1:9911"


def test_template_wiring_for_the_cloud() -> None:
    spec = LocalFunction("EscalationFunction", env=LOCAL_ENV, log_stream=io.StringIO()).spec
    assert spec.environment["CHATMOD_LEDGER"] == "dynamodb"  # memory only when asked for
    assert spec.environment["CHATMOD_ESCALATION_TABLE"]
    assert spec.timeout_s * 6 <= 180  # the queue's visibility timeout covers retries


def test_the_default_second_opinion_is_the_review_model_reading_context() -> None:
    """As deployed: the scorer is the int8 model from the model layer the review function
    also carries (no second copy), and the sender's earlier messages change its verdict."""
    function = LocalFunction(
        "EscalationFunction", env={"CHATMOD_LEDGER": "memory"}, log_stream=io.StringIO()
    )
    assert function.spec.environment["CHATMOD_SECOND_OPINION_MODEL_DIR"] == "/opt/chatmod-minilm"
    folder = Path(function.env["CHATMOD_SECOND_OPINION_MODEL_DIR"])  # /opt mapped to the layer
    assert folder == ROOT / "layers" / "model" / "chatmod-minilm"
    routed = function.module.HANDLER.processor.scorer
    scorer = routed.first  # English lines; the multilingual model reads the other six
    assert routed.for_language("en") is scorer and routed.for_language("und") is scorer
    assert routed.for_language("de").model.name == "onnx:chatmod-e5-multi"
    assert function.spec.environment["CHATMOD_MULTILINGUAL_MODEL_DIR"] == "/opt/chatmod-e5-multi"
    model = scorer.model
    assert model.name == "onnx:chatmod-minilm"
    graph = onnx.load(str(folder / "model.onnx"), load_external_data=False)
    assert [n.op_type for n in graph.graph.node if "Integer" in n.op_type]  # the int8 graph
    assert scorer.score("you are a worthless idiot")["toxicity"] > 0.9
    assert scorer.score("thanks for the stream, see you tomorrow")["toxicity"] < 0.1
    # Each part of a split insult is mild alone; read after the sender's earlier messages the
    # message scores as the insult it is (the higher reading wins, so context never lowers it).
    readings = scorer.readings("piece of trash", ("you are a", "worthless"))
    assert readings.joined_text == "you are a worthless piece of trash"
    assert readings.joined is not None
    assert readings.alone["toxicity"] < 0.9 < readings.joined["toxicity"]
    assert scorer.score("piece of trash", ("you are a", "worthless")) == readings.combined()
    assert readings.combined()["toxicity"] == readings.joined["toxicity"]


def _dry_run(env: dict[str, Any]) -> LocalFunction:
    return LocalFunction("EscalationFunction", env=env, log_stream=io.StringIO())


def test_dry_run_acts_on_nothing_but_reports_what_it_would_do() -> None:
    function = _dry_run({**LOCAL_ENV, "CHATMOD_ACTIONS_DRY_RUN": "true"})
    event = json.loads((EVENTS / "strikes-to-disconnect.json").read_text("utf-8"))
    assert function.invoke(event) == {"batchItemFailures": []}
    assert function.module.HANDLER.actions.calls == [
        ("DisconnectUser", ROOM, "viewer-13", DISCONNECT_REASON)
    ]
