"""Permissions and settings of the live policy, the IP hash key and provisioned concurrency."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

from chatmod_local.template import function_spec

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
ROLES = ("ReviewFunctionRole", "EscalationFunctionRole")
SSM = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    template = yaml_parse(TEMPLATE.read_text("utf-8"))
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in props:
                props[key] = "s3://bucket/key.zip"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        translated = transform(copy.deepcopy(template), {}, _NoManagedPolicies())
    resources: dict[str, Any] = translated["Resources"]
    return resources


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def conditional_statements(role: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Sid -> (condition, statement) of the role's conditional inline policies."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for policy in role["Properties"].get("Policies", []):
        if "Fn::If" in policy:
            condition, chosen, _ = policy["Fn::If"]
            for statement in chosen["PolicyDocument"]["Statement"]:
                found[statement["Sid"]] = (condition, statement)
    return found


def all_actions(role: dict[str, Any]) -> list[tuple[Any, Any]]:
    pairs = []
    for policy in role["Properties"].get("Policies", []):
        documents = (
            [p["PolicyDocument"] for p in policy["Fn::If"][1:] if "PolicyDocument" in p]
            if "Fn::If" in policy
            else [policy["PolicyDocument"]]
        )
        for document in documents:
            for statement in document["Statement"]:
                pairs.append((statement["Action"], statement["Resource"]))
    return pairs


@pytest.mark.parametrize("role", ROLES)
def test_policy_parameter_is_read_by_its_exact_arn_flat_or_path(
    resources: dict[str, Any], role: str
) -> None:
    condition, statement = conditional_statements(resources[role])["ReadPolicyParameter"]
    assert condition == "HasPolicyParameter"
    assert statement["Action"] == "ssm:GetParameter"
    path_arn, flat_arn = (branch["Fn::Sub"] for branch in statement["Resource"]["Fn::If"][1:])
    assert statement["Resource"]["Fn::If"][0] == "PolicyParameterIsPath"
    assert path_arn == SSM + "${PolicyParameterName}"  # "/a/b" -> parameter/a/b
    assert flat_arn == SSM + "/${PolicyParameterName}"  # "policy" -> parameter/policy


@pytest.mark.parametrize("role", ROLES)
def test_no_parameter_wildcards_or_describe(resources: dict[str, Any], role: str) -> None:
    for action, resource in all_actions(resources[role]):
        actions = [action] if isinstance(action, str) else action
        assert "ssm:DescribeParameters" not in actions
        if any(a.startswith(("ssm:", "appconfig:", "secretsmanager:")) for a in actions):
            assert resource != "*"


@pytest.mark.parametrize("role", ROLES)
def test_appconfig_and_kms_grants_are_exact_and_conditional(
    resources: dict[str, Any], role: str
) -> None:
    found = conditional_statements(resources[role])
    condition, appconfig = found["ReadAppConfigPolicy"]
    assert condition == "UseAppConfig"
    assert set(appconfig["Action"]) == {
        "appconfig:StartConfigurationSession",
        "appconfig:GetLatestConfiguration",
    }
    assert appconfig["Resource"]["Fn::Sub"].endswith(
        ":application/${AppConfigApplicationId}/environment/${AppConfigEnvironmentId}"
        "/configuration/${AppConfigProfileId}"
    )
    condition, kms = found["DecryptPolicyParameter"]
    assert condition == "HasPolicyKmsKey"
    assert kms["Resource"] == {"Ref": "PolicyParameterKmsKeyArn"}
    assert kms["Condition"]["StringEquals"]["kms:ViaService"] == {
        "Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"
    }


def test_ip_hash_key_is_generated_at_deploy_and_readable_by_review_only(
    resources: dict[str, Any],
) -> None:
    secret = resources["IpHashSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    review = all_actions(resources["ReviewFunctionRole"])
    assert ("secretsmanager:GetSecretValue", {"Ref": "IpHashSecret"}) in review
    escalation = all_actions(resources["EscalationFunctionRole"])
    assert not [a for a, _ in escalation if "secretsmanager" in str(a)]
    env = resources["ReviewFunction"]["Properties"]["Environment"]["Variables"]
    assert env["CHATMOD_IP_HASH_SECRET"] == {"Ref": "IpHashSecret"}
    assert "CHATMOD_IP_HASH_SALT" not in env


def test_provisioned_concurrency_is_on_the_live_alias_and_off_by_default(
    resources: dict[str, Any],
) -> None:
    alias = resources["ReviewFunctionAliaslive"]
    assert alias["Type"] == "AWS::Lambda::Alias"
    config = alias["Properties"]["ProvisionedConcurrencyConfig"]
    assert config["Fn::If"][0] == "HasProvisionedConcurrency"
    assert config["Fn::If"][1] == {
        "ProvisionedConcurrentExecutions": {"Ref": "ProvisionedConcurrency"}
    }
    template = yaml_parse(TEMPLATE.read_text("utf-8"))
    assert template["Parameters"]["ProvisionedConcurrency"]["Default"] == 0


def test_review_function_knows_when_there_is_no_second_opinion() -> None:
    spec = function_spec(TEMPLATE, "ReviewFunction", {"SecondOpinion": "none"})
    assert spec.environment["CHATMOD_SECOND_OPINION"] == "none"


@pytest.mark.parametrize(
    ("name", "arn_tail"),
    [("/chatmod/prod/policy", "parameter/chatmod/prod/policy"), ("policy", "parameter/policy")],
)
def test_parameter_names_resolve_to_the_arn_ssm_uses(name: str, arn_tail: str) -> None:
    from chatmod_local.template import Resolver, load_template

    template = load_template(TEMPLATE)
    resolver = Resolver(template, {"PolicyParameterName": name})
    role_policies = template["Resources"]["ReviewFunction"]["Properties"]["Policies"]
    statement = resolver.resolve(role_policies[0])["Statement"][0]
    assert statement["Resource"].endswith(":" + arn_tail)
