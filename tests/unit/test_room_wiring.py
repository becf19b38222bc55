"""The room copies the template: its room settings, review handler and escalation trigger."""

from __future__ import annotations

from pathlib import Path

from chatmod_local.room.ids import new_id, new_token
from chatmod_local.room.review import function_name, parse_response
from chatmod_local.room.wiring import read_wiring
from tests.websocket_tokens import is_subprotocol_token

ROOT = Path(__file__).resolve().parents[2]


def test_project_template_wiring() -> None:
    wiring = read_wiring(ROOT / "template.yaml")
    assert wiring.review_function == "ReviewFunction"
    assert wiring.escalation_function == "EscalationFunction"
    assert wiring.maximum_message_length == 500
    assert wiring.fallback_result == "ALLOW"
    assert wiring.batch_size == 10
    assert wiring.max_receives == 5
    assert wiring.escalation_timeout_s == 30


def test_parameter_overrides_reach_the_room() -> None:
    wiring = read_wiring(ROOT / "template.yaml", {"FailMode": "DENY", "MaxMessageLength": "140"})
    assert (wiring.fallback_result, wiring.maximum_message_length) == ("DENY", 140)


def test_a_template_without_a_room_or_queue_gets_ivs_defaults(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: ., Handler: app.handler}\n",
        encoding="utf-8",
    )
    wiring = read_wiring(template)
    assert (wiring.review_function, wiring.escalation_function) == ("ReviewFunction", None)
    assert (wiring.maximum_message_length, wiring.maximum_message_rate_per_second) == (500, 10)


def test_ids_and_tokens() -> None:
    ids = {new_id() for _ in range(200)}
    assert len(ids) == 200 and all(len(i) == 12 and i.isalnum() for i in ids)
    assert all(is_subprotocol_token(new_token()) for _ in range(200))
    assert (
        not is_subprotocol_token("has space")
        and not is_subprotocol_token("a/b")
        and not is_subprotocol_token("")
    )


def test_review_answers_ivs_would_reject() -> None:
    assert parse_response({"ReviewResult": "ALLOW", "Content": "hi"}, 500) is not None
    assert (
        parse_response({"ReviewResult": "ALLOW", "Content": "hi", "Attributes": None}, 500)
        is not None
    )
    for bad in (
        None,
        "ALLOW",
        {"ReviewResult": "allow", "Content": "hi"},
        {"ReviewResult": "ALLOW"},
        {"ReviewResult": "ALLOW", "Content": "toolong"},
        {"ReviewResult": "DENY", "Content": "hi", "Attributes": {"Reason": 3}},
    ):
        assert parse_response(bad, 5) is None, bad


def test_function_name_from_handler_uri() -> None:
    assert (
        function_name("arn:aws:lambda:us-east-1:123456789012:function:ReviewFunction:live")
        == "ReviewFunction"
    )
    assert (
        function_name("arn:aws:lambda:us-east-1:123456789012:function:ReviewFunction")
        == "ReviewFunction"
    )
    assert function_name("ReviewFunction") == "ReviewFunction"
