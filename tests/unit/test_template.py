"""The deployed shape, read from template.yaml as SAM translates it: permissions stay narrow.

SAM's translator runs offline; code locations are swapped for S3 URIs because the translator
only accepts those (``sam build`` rewrites them the same way before deploying).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
ROOMS = "arn:${AWS::Partition}:ivschat:${AWS::Region}:${AWS::AccountId}:room/*"


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def _translate() -> dict[str, Any]:
    template = yaml_parse(TEMPLATE.read_text("utf-8"))
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in props:
                props[key] = "s3://bucket/key.zip"
    translated: dict[str, Any] = transform(copy.deepcopy(template), {}, _NoManagedPolicies())
    return translated["Resources"]


@pytest.fixture(scope="module")
def resources(monkeypatch_module: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch_module.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return _translate()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _statements(role: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Inline statements of a role by Sid (SAM policy templates keep their own statements)."""
    found: dict[str, dict[str, Any]] = {}
    policies: list[dict[str, Any]] = []
    for policy in role["Properties"].get("Policies", []):
        if "Fn::If" in policy:  # a conditional policy: check both branches
            policies += [
                p for p in policy["Fn::If"][1:] if isinstance(p, dict) and "PolicyName" in p
            ]
        else:
            policies.append(policy)
    for policy in policies:
        document = policy["PolicyDocument"]
        for i, statement in enumerate(document["Statement"]):
            found[statement.get("Sid", f"{policy['PolicyName']}#{i}")] = statement
    return found


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def test_escalation_role_has_no_account_wide_queue_policy(resources: dict[str, Any]) -> None:
    managed = resources["EscalationFunctionRole"]["Properties"]["ManagedPolicyArns"]
    assert not [arn for arn in managed if "SQS" in str(arn)], managed
    consume = _statements(resources["EscalationFunctionRole"])["ConsumeEscalationQueue"]
    assert consume["Resource"] == {"Fn::GetAtt": ["EscalationQueue", "Arn"]}
    assert _actions(consume) == {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
    }


def test_escalation_role_moderates_only_the_given_rooms(resources: dict[str, Any]) -> None:
    statements = _statements(resources["EscalationFunctionRole"])
    moderate = statements["ModerateRooms"]
    assert _actions(moderate) == {"ivschat:DeleteMessage", "ivschat:DisconnectUser"}
    assert moderate["Resource"] == {
        "Fn::If": ["HasAllowedRoomArn", {"Ref": "AllowedRoomArn"}, {"Fn::Sub": ROOMS}]
    }
    ledger = statements["LedgerAndIdempotencyRecords"]
    assert ledger["Resource"] == {"Fn::GetAtt": ["EscalationTable", "Arn"]}
    assert all(a.startswith("dynamodb:") for a in _actions(ledger))
    every_action = {a for s in statements.values() for a in _actions(s)}
    assert not [a for a in every_action if a.endswith("*")], every_action


def test_queue_trigger_reports_partial_failures(resources: dict[str, Any]) -> None:
    trigger = resources["EscalationQueueTrigger"]
    assert trigger["Type"] == "AWS::Lambda::EventSourceMapping"
    props = trigger["Properties"]
    assert props["FunctionName"] == {"Ref": "EscalationFunction"}
    assert props["EventSourceArn"] == {"Fn::GetAtt": ["EscalationQueue", "Arn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "EscalationConcurrency"}}
    assert "EscalationFunctionRole" in trigger["DependsOn"]


def test_queue_dead_letters_after_bounded_receives(resources: dict[str, Any]) -> None:
    redrive = resources["EscalationQueue"]["Properties"]["RedrivePolicy"]
    assert redrive == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["EscalationDeadLetterQueue", "Arn"]},
        "maxReceiveCount": {"Ref": "EscalationMaxReceiveCount"},
    }
    alarm = resources["EscalationDeadLetterAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {
        "Fn::GetAtt": ["EscalationDeadLetterQueue", "QueueName"]
    }
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["Threshold"] == 0


def test_ledger_table_is_on_demand_with_ttl(resources: dict[str, Any]) -> None:
    table = resources["EscalationTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_review_function_may_only_send_to_the_escalation_queue(
    resources: dict[str, Any],
) -> None:
    statements = _statements(resources["ReviewFunctionRole"]).values()
    sqs = [s for s in statements if any(a.startswith("sqs:") for a in _actions(s))]
    assert sqs, "the review function needs to send escalations"
    for statement in sqs:
        assert _actions(statement) <= {"sqs:SendMessage", "sqs:SendMessage*"}
        assert "EscalationQueue" in str(statement["Resource"])
    assert not [a for s in statements for a in _actions(s) if a.startswith("ivschat:")]


def test_only_ivschat_of_this_account_may_invoke_the_handler(resources: dict[str, Any]) -> None:
    permission = resources["ReviewInvokePermission"]["Properties"]
    assert permission["Principal"] == "ivschat.amazonaws.com"
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert permission["SourceArn"] == {
        "Fn::If": ["HasAllowedRoomArn", {"Ref": "AllowedRoomArn"}, {"Fn::Sub": ROOMS}]
    }


def test_a_new_instance_without_its_policy_raises_an_alarm(resources: dict[str, Any]) -> None:
    alarm = resources["PolicyUnavailableAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("chatmod", "PolicySourceUnavailable")
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "chatmod-review"}]
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
    review = resources["ReviewFunction"]["Properties"]["Environment"]["Variables"]
    assert review["CHATMOD_POLICY_UNAVAILABLE"] == {"Ref": "PolicyUnavailable"}


def test_review_memory_defaults_to_one_vcpu_and_fits_a_room_at_the_limits() -> None:
    memory = yaml_parse(TEMPLATE.read_text("utf-8"))["Parameters"]["ReviewMemorySize"]
    assert (memory["Default"], memory["MinValue"]) == (1769, 640)
