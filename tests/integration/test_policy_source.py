"""The live policy against moto's SSM: reloads, bad text, compile failures, throttling, a
silent endpoint and path names. A failed reload changes no decision and raises its metric."""

from __future__ import annotations

import http.server
import io
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from chatmod.aws.policy_sources import AppConfigExtensionSource, SsmPolicySource, ssm_client
from chatmod.policy import PolicyFile
from chatmod.policy.live import LivePolicy
from chatmod.policy_check import checked_policy
from chatmod_local.invoke import LocalFunction
from tests.policy_bombs import BOMBS

from .review_support import CapturedFunction

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
PATH_NAME = "/chatmod/prod/policy"


def policy_denying(word: str) -> str:
    return f"""
version: 1
defaults:
  rules:
    - {{id: banned, category: custom, action: deny, terms: [{word}]}}
"""


BAD_YAML = "version: 1\ndefaults: {rules: [\n"
DOES_NOT_COMPILE = """
version: 1
defaults:
  rules:
    - {id: empty, category: custom, action: deny, terms: ["# only a comment"]}
"""


def event(content: str) -> dict[str, Any]:
    return {
        "Content": content,
        "MessageId": "MSG000000042",
        "RoomArn": ROOM,
        "Attributes": {},
        "Sender": {"UserId": "viewer-1", "Ip": "203.0.113.9", "Attributes": {}},
    }


def put(name: str, text: str, kind: str = "SecureString") -> None:
    boto3.client("ssm").put_parameter(Name=name, Value=text, Type=kind, Overwrite=True)


@pytest.fixture
def review(moto_aws: None) -> CapturedFunction:
    put(PATH_NAME, policy_denying("pineapple"))
    function = CapturedFunction(
        {"CHATMOD_POLICY_PARAMETER": PATH_NAME, "CHATMOD_MODEL_BACKEND": "none"}
    )
    function.function.module.RUNTIME.policy.source.max_age_s = 0  # every refresh reads SSM
    return function


def reload_now(review: CapturedFunction) -> bool:
    review.logs.seek(0)
    review.logs.truncate()
    with review.function._sandbox():
        changed: bool = review.function.module.RUNTIME.policy.refresh()
    return changed


def test_a_path_named_secure_string_is_the_policy_from_the_first_message(
    review: CapturedFunction,
) -> None:
    assert review.invoke(event("i like pineapple"))["ReviewResult"] == "DENY"
    assert review.function.module.RUNTIME.policy.origin == f"SSM parameter {PATH_NAME}"


def test_a_changed_parameter_is_swapped_in(review: CapturedFunction) -> None:
    put(PATH_NAME, policy_denying("mango"))
    assert reload_now(review)
    assert review.invoke(event("i like pineapple"))["ReviewResult"] == "ALLOW"
    assert review.invoke(event("i like mango"))["ReviewResult"] == "DENY"


def test_a_reload_compiles_the_rooms_this_instance_served_and_leaves_the_others(
    review: CapturedFunction,
) -> None:
    rooms = "rooms:\n  g1H2I3J4k5L6: {max_length: 300}\n  otherRoom0001: {max_length: 200}\n"
    put(PATH_NAME, policy_denying("pineapple") + rooms)
    assert reload_now(review)
    review.invoke(event("good game"))  # ROOM is g1H2I3J4k5L6
    put(PATH_NAME, policy_denying("mango") + rooms)
    assert reload_now(review)
    assert review.function.module.RUNTIME.policy.value.reviewer.served_rooms == ("g1H2I3J4k5L6",)
    assert review.invoke(event("i like mango"))["ReviewResult"] == "DENY"


@pytest.mark.parametrize(
    "text",
    [BAD_YAML, DOES_NOT_COMPILE, *BOMBS.values()],
    ids=["bad-yaml", "no-compile", *BOMBS],
)
def test_a_broken_policy_keeps_the_last_good_one_and_is_counted(
    review: CapturedFunction, text: str
) -> None:
    put(PATH_NAME, text)
    assert not reload_now(review)
    assert "PolicyReloadFailed" in review.metric_names()
    response = review.invoke(event("i like pineapple"))
    assert response["ReviewResult"] == "DENY"  # the decision the last good policy makes
    assert "FailMode" not in review.metric_names()
    assert not reload_now(review)  # the same bad text is neither rebuilt nor counted again
    assert "PolicyReloadFailed" not in review.metric_names()


def test_a_missing_parameter_at_init_falls_back_to_the_bundled_policy(moto_aws: None) -> None:
    review = CapturedFunction(
        {"CHATMOD_POLICY_PARAMETER": "/chatmod/missing", "CHATMOD_MODEL_BACKEND": "none"}
    )
    assert review.function.module.RUNTIME.policy.origin == "chatmod/default_policy.yaml"
    response = review.invoke(event("you f4ggot"))
    assert response["ReviewResult"] == "DENY"  # the bundled rules, not the fail mode


@pytest.mark.parametrize("name", BOMBS)
def test_a_new_instance_refuses_a_crafted_parameter_and_keeps_reviewing(
    moto_aws: None, name: str
) -> None:
    put(PATH_NAME, BOMBS[name])
    review = CapturedFunction(
        {"CHATMOD_POLICY_PARAMETER": PATH_NAME, "CHATMOD_MODEL_BACKEND": "none"}
    )
    assert review.function.module.RUNTIME.policy.origin == "chatmod/default_policy.yaml"
    assert review.invoke(event("you f4ggot"))["ReviewResult"] == "DENY"


def test_a_new_instance_without_its_policy_says_so_loudly_and_answers_by_the_bundled_one(
    moto_aws: None,
) -> None:
    review = CapturedFunction(
        {"CHATMOD_POLICY_PARAMETER": PATH_NAME, "CHATMOD_MODEL_BACKEND": "none"}
    )
    started = [
        line for line in review.log_lines() if line.get("message", "").startswith("policy source")
    ]
    assert [(line["message"], line["policy_source"], line["level"]) for line in started] == [
        (
            "policy source unavailable at start; answering by the bundled policy",
            f"SSM parameter {PATH_NAME}",
            "ERROR",
        )
    ]
    assert "PolicySourceUnavailable" in review.metric_names()
    assert review.invoke(event("you f4ggot"))["ReviewResult"] == "DENY"  # the bundled rules
    assert "DegradedAnswers" in review.metric_names()
    assert review.invoke(event("i like pineapple"))["ReviewResult"] == "ALLOW"
    put(PATH_NAME, policy_denying("pineapple"))
    review.function.module.RUNTIME.policy.source.max_age_s = 0
    assert reload_now(review)
    assert review.invoke(event("i like pineapple"))["ReviewResult"] == "DENY"
    assert "DegradedAnswers" not in review.metric_names()


def test_with_fail_mode_set_a_new_instance_without_its_policy_answers_by_the_fail_mode(
    moto_aws: None,
) -> None:
    review = CapturedFunction(
        {
            "CHATMOD_POLICY_PARAMETER": PATH_NAME,
            "CHATMOD_MODEL_BACKEND": "none",
            "CHATMOD_POLICY_UNAVAILABLE": "fail-mode",
            "CHATMOD_FAIL_MODE": "DENY",
        }
    )
    assert any(
        line.get("message") == "policy source unavailable at start; answering by the fail mode"
        for line in review.log_lines()
    )
    response = review.invoke(event("good game everyone"))
    assert response["ReviewResult"] == "DENY"
    assert {"FailMode", "FailMode_PolicyUnavailable", "DegradedAnswers"} <= review.metric_names()
    put(PATH_NAME, policy_denying("pineapple"))
    review.function.module.RUNTIME.policy.source.max_age_s = 0
    assert reload_now(review)
    assert review.invoke(event("good game everyone"))["ReviewResult"] == "ALLOW"
    assert review.invoke(event("i like pineapple"))["ReviewResult"] == "DENY"


def test_a_bundled_policy_by_choice_is_no_degraded_start(moto_aws: None) -> None:
    review = CapturedFunction({"CHATMOD_MODEL_BACKEND": "none"})
    assert "PolicySourceUnavailable" not in review.metric_names()
    review.invoke(event("good game everyone"))
    assert "DegradedAnswers" not in review.metric_names()


def test_the_escalation_function_starts_on_a_broken_parameter(moto_aws: None) -> None:
    put("chatmod-policy", BAD_YAML, "String")
    logs = io.StringIO()
    function = LocalFunction(
        "EscalationFunction",
        env={
            "CHATMOD_POLICY_PARAMETER": "chatmod-policy",
            "CHATMOD_LEDGER": "memory",
            "CHATMOD_SECOND_OPINION": "none",
        },
        log_stream=logs,
    )
    assert function.module.HANDLER.current_policy().defaults.packs.slurs.enabled
    assert "PolicyReloadFailed" in logs.getvalue()


# -- the source on its own: throttling, a silent endpoint, the AppConfig extension -----------


def live(source: Any, failures: list[str]) -> LivePolicy[PolicyFile]:
    return LivePolicy(
        source,
        checked_policy,
        check_every_s=60,
        on_failure=lambda message, error: failures.append(f"{message}: {error}"),
    )


def test_ssm_throttling_keeps_the_last_good_policy(moto_aws: None) -> None:
    client = ssm_client()
    stubber = Stubber(client)
    stubber.add_response(
        "get_parameter",
        {"Parameter": {"Name": "p", "Type": "String", "Value": policy_denying("kiwi")}},
    )
    stubber.add_client_error(
        "get_parameter", service_error_code="ThrottlingException", http_status_code=400
    )
    failures: list[str] = []
    with stubber:
        policy = live(SsmPolicySource("p", client, max_age_s=0), failures)
        first = policy.start()
        assert not policy.refresh()
    assert policy.current() is first
    assert [r.id for r in first.defaults.rules] == ["banned"]
    assert len(failures) == 1 and "ThrottlingException" in failures[0]


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A TCP port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_a_silent_ssm_endpoint_never_blocks_the_message_path(
    moto_aws: None, silent_endpoint: str
) -> None:
    moto_client = boto3.client("ssm")
    moto_client.put_parameter(Name="p", Value=policy_denying("kiwi"), Type="String")
    failures: list[str] = []
    source = SsmPolicySource("p", moto_client, max_age_s=0)
    policy = live(source, failures)
    first = policy.start()
    source.client, source._provider = ssm_client(silent_endpoint), None  # the endpoint goes quiet
    policy._next_check = 0.0  # a check is due
    started = time.perf_counter()
    assert policy.current() is first  # answers at once; the fetch runs in the background
    assert time.perf_counter() - started < 0.9  # a blocking fetch would take the 1 s timeout
    policy.wait(timeout=10)
    assert time.perf_counter() - started < 6  # 1 s connect/read, two attempts
    assert policy.current() is first
    assert len(failures) == 1 and "cannot fetch" in failures[0]


def test_appconfig_extension_source_reads_the_profile_over_localhost() -> None:
    body = policy_denying("durian").encode()
    paths: list[str] = []

    class Extension(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-yaml")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Extension)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = AppConfigExtensionSource(
            "chatmod", "prod", "policy", base_url=f"http://127.0.0.1:{server.server_port}"
        )
        policy = live(source, []).start()
    finally:
        server.shutdown()
    assert paths == ["/applications/chatmod/environments/prod/configurations/policy"]
    assert policy.defaults.rules[0].terms == ["durian"]
    assert AppConfigExtensionSource.parse("a/b/c").name == "AppConfig a/b/c"


@pytest.mark.parametrize("name", BOMBS)
def test_appconfig_serving_a_crafted_policy_keeps_the_last_good_one(name: str) -> None:
    bodies = [policy_denying("durian").encode()]

    class Extension(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(bodies[-1])

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Extension)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    failures: list[str] = []
    try:
        source = AppConfigExtensionSource(
            "chatmod", "prod", "policy", base_url=f"http://127.0.0.1:{server.server_port}"
        )
        policy = live(source, failures)
        first = policy.start()
        bodies.append(BOMBS[name].encode())
        assert not policy.refresh()
    finally:
        server.shutdown()
    assert policy.current() is first
    assert len(failures) == 1 and "rejected" in failures[0] and len(failures[0]) < 300
