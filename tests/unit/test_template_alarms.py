"""Alarms an operator hears about: each condition of the runbook has an alarm on a metric the
code emits (or AWS publishes), every alarm notifies the topic, and the README says what to do."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from chatmod_local.template import Resolver, load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "template.yaml")
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
ALARMS = {k: v for k, v in RESOURCES.items() if v["Type"] == "AWS::CloudWatch::Alarm"}
README = (ROOT / "README.md").read_text("utf-8")
# The functions' adapters and the chatmod.aws modules they run, where their metrics are named.
EMITTING_CODE = "\n".join(
    path.read_text("utf-8")
    for path in [
        *(ROOT / "functions" / name / "app.py" for name in ("review", "escalation")),
        *sorted((ROOT / "layers" / "chatmod" / "chatmod" / "aws").glob("*.py")),
    ]
)

# alarm name suffix -> the metric it watches (chatmod's own, or AWS/<service>:<metric>)
EXPECTED = {
    "fail-mode-answers": "FailMode",
    "deadline-answers": "DeadlineAnswer",
    "model-unavailable": "ModelUnavailable",
    "policy-reload-failed": "PolicyReloadFailed",
    "escalations-lost": "EscalationsLost",
    "escalation-sends-late": "EscalationSendLate",
    "disconnects-lost": "DisconnectsLost",
    "lambda-errors": "AWS/Lambda:Errors",
    "lambda-throttles": "AWS/Lambda:Throttles",
    "review-duration-near-200ms": "AWS/Lambda:Duration",
    "oldest-queued-escalation": "AWS/SQS:ApproximateAgeOfOldestMessage",
    "escalations-dead-lettered": "AWS/SQS:ApproximateNumberOfMessagesVisible",
}


def _name(alarm: dict[str, Any]) -> str:
    name = alarm["Properties"].get("AlarmName", {})
    sub = name.get("Fn::Sub", "") if isinstance(name, dict) else ""
    return str(sub).removeprefix("${AWS::StackName}-")


def _watched(alarm: dict[str, Any]) -> set[str]:
    props = alarm["Properties"]
    if "MetricName" in props:
        return {f"{props['Namespace']}:{props['MetricName']}"}
    watched: set[str] = set()
    for query in props["Metrics"]:
        expression = query.get("Expression", "")
        watched |= set(re.findall(r"SELECT SUM\((\w+)\) FROM chatmod", expression))
        if "MetricStat" in query:
            metric = query["MetricStat"]["Metric"]
            watched.add(f"{metric['Namespace']}:{metric['MetricName']}")
    return watched


BY_NAME = {_name(alarm): alarm for alarm in ALARMS.values() if _name(alarm)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_condition_has_its_alarm(name: str) -> None:
    assert name in BY_NAME, f"no alarm {name}"
    assert EXPECTED[name] in _watched(BY_NAME[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_chatmod_metrics_alarmed_on_are_emitted_by_the_functions(name: str) -> None:
    metric = EXPECTED[name]
    if "/" not in metric:
        assert f'"{metric}"' in EMITTING_CODE


def test_lambda_alarms_watch_both_functions_and_the_review_duration() -> None:
    for name in ("lambda-errors", "lambda-throttles"):
        functions = {
            q["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"]
            for q in BY_NAME[name]["Properties"]["Metrics"]
            if "MetricStat" in q
        }
        assert functions == {"ReviewFunction", "EscalationFunction"}
    duration = BY_NAME["review-duration-near-200ms"]["Properties"]
    assert duration["Dimensions"][0]["Value"] == {"Ref": "ReviewFunction"}
    assert duration["ExtendedStatistic"] == "p99" and 100 <= duration["Threshold"] < 200


@pytest.mark.parametrize("logical_id", sorted(ALARMS))
@pytest.mark.parametrize("topic_arn", ["", "arn:aws:sns:us-east-1:123456789012:ops"])
def test_every_alarm_notifies_the_topic(logical_id: str, topic_arn: str) -> None:
    resolver = Resolver(TEMPLATE, {"AlarmTopicArn": topic_arn})
    props = ALARMS[logical_id]["Properties"]
    expected = topic_arn or resolver.parameter("AlarmTopic")
    assert resolver.resolve(props["AlarmActions"]) == [expected]
    assert resolver.resolve(props["OKActions"]) == [expected]


@pytest.mark.parametrize(
    ("topic_arn", "email", "topic", "subscription"),
    [("", "", True, False), ("", "ops@example.com", True, True), ("arn:x", "ops@x", False, False)],
)
def test_the_stack_creates_a_topic_only_without_one_given(
    topic_arn: str, email: str, topic: bool, subscription: bool
) -> None:
    resolver = Resolver(TEMPLATE, {"AlarmTopicArn": topic_arn, "AlarmEmail": email})
    assert resolver.condition(RESOURCES["AlarmTopic"]["Condition"]) is topic
    assert resolver.condition(RESOURCES["AlarmEmailSubscription"]["Condition"]) is subscription


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_the_readme_has_a_runbook_line_per_alarm(name: str) -> None:
    runbook = README.split("### Alarms", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"^\| `{re.escape(name)}`", runbook, re.MULTILINE), name


def test_the_dashboard_shows_the_lambda_metrics() -> None:
    (dashboard,) = (r for r in RESOURCES.values() if r["Type"] == "AWS::CloudWatch::Dashboard")
    body = json.loads(
        re.sub(r"\$\{[^}]+\}", "x", dashboard["Properties"]["DashboardBody"]["Fn::Sub"])
    )
    lambda_metrics = {
        m[1]
        for w in body["widgets"]
        for m in w["properties"].get("metrics", [])
        if m and m[0] == "AWS/Lambda"
    }
    assert {"Errors", "Throttles", "Duration", "ConcurrentExecutions"} <= lambda_metrics
    queries = [w["properties"]["query"] for w in body["widgets"] if w["type"] == "log"]
    assert any("@initDuration" in q and '@type = "REPORT"' in q for q in queries)
