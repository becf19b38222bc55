"""What an operator gets from the template: log groups with retention, a dashboard whose
metrics the code emits, saved queries over fields the audit lines carry."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = yaml_parse((ROOT / "template.yaml").read_text("utf-8"))
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
FUNCTIONS = {k: v for k, v in RESOURCES.items() if v["Type"] == "AWS::Serverless::Function"}
# The functions' adapters and the chatmod.aws modules they run, where their metrics are named.
EMITTING_CODE = "\n".join(
    path.read_text("utf-8")
    for path in [
        *(ROOT / "functions" / name / "app.py" for name in ("review", "escalation")),
        *sorted((ROOT / "layers" / "chatmod" / "chatmod" / "aws").glob("*.py")),
    ]
)


def _of_type(kind: str) -> dict[str, Any]:
    return {k: v for k, v in RESOURCES.items() if v["Type"] == kind}


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_each_function_logs_to_a_declared_group_with_retention(function: str) -> None:
    group = FUNCTIONS[function]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    props = RESOURCES[group]["Properties"]
    assert RESOURCES[group]["Type"] == "AWS::Logs::LogGroup"
    assert props["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert TEMPLATE["Parameters"]["LogRetentionDays"]["Default"] == 30


def _dashboard_body() -> str:
    (dashboard,) = _of_type("AWS::CloudWatch::Dashboard").values()
    body: str = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    return body


def test_the_dashboard_body_is_json_once_substituted() -> None:
    body = re.sub(r"\$\{[^}]+\}", "x", _dashboard_body())
    widgets = json.loads(body)["widgets"]
    titles = " ".join(w["properties"]["title"] for w in widgets).lower()
    for view in ("result", "category", "p50", "p99", "fail mode", "model unavailable"):
        assert view in titles
    for view in ("sent", "late", "failed", "actions taken", "dead-letter"):
        assert view in titles


def test_every_dashboard_metric_is_one_the_functions_emit() -> None:
    names = set(re.findall(r'MetricName=\\"(\w+)\\"', _dashboard_body()))
    assert len(names) >= 15
    missing = {name for name in names if f'"{name}"' not in EMITTING_CODE}
    assert not missing, f"on the dashboard but never emitted: {missing}"


def test_the_dead_letter_widget_reads_the_dead_letter_queue() -> None:
    assert "${EscalationDeadLetterQueue.QueueName}" in _dashboard_body()


def test_saved_queries_read_declared_groups_and_audit_fields() -> None:
    queries = _of_type("AWS::Logs::QueryDefinition")
    assert len(queries) == 3
    groups = set(_of_type("AWS::Logs::LogGroup"))
    audit_source = (ROOT / "layers/chatmod/chatmod/audit.py").read_text("utf-8")
    for query in queries.values():
        props = query["Properties"]
        assert {ref["Ref"] for ref in props["LogGroupNames"]} <= groups
        filtered = re.findall(r"\b(user_id|message_id|decision|room_id)\b", props["QueryString"])
        assert filtered
        for field in set(filtered):
            assert f'"{field}"' in audit_source


def test_the_review_function_may_only_send_to_its_queue() -> None:
    statements = [
        s
        for policy in FUNCTIONS["ReviewFunction"]["Properties"]["Policies"]
        if isinstance(policy, dict) and "Statement" in policy
        for s in policy["Statement"]
    ]
    send = next(s for s in statements if s.get("Sid") == "SendEscalations")
    assert send["Action"] == "sqs:SendMessage"
    assert send["Resource"] == {"Fn::GetAtt": ["EscalationQueue", "Arn"]}
