"""Parameters an operator can trust: a refused SnapStart x provisioned concurrency pair, log
groups kept, X-Ray only with tracing, a reserved-concurrency option, documented values."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

from chatmod_local.template import Resolver, load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"
TEMPLATE = load_template(TEMPLATE_PATH)
README = (ROOT / "README.md").read_text("utf-8")


def refusals(**parameters: str) -> list[str]:
    """The template's ``Rules`` evaluated as CloudFormation does before it changes anything:
    the descriptions of every failed assertion of every rule whose condition holds."""
    resolver = Resolver(TEMPLATE, dict(parameters))
    failed: list[str] = []
    for rule in TEMPLATE.get("Rules", {}).values():
        if "RuleCondition" in rule and not resolver.resolve(rule["RuleCondition"]):
            continue
        for assertion in rule["Assertions"]:
            if not resolver.resolve(assertion["Assert"]):
                failed.append(assertion["AssertDescription"])
    return failed


@pytest.mark.parametrize(
    ("snap_start", "provisioned", "refused"),
    [
        ("true", "1", True),
        ("true", "25", True),
        ("true", "0", False),
        ("false", "25", False),
        ("false", "0", False),
    ],
)
def test_snap_start_with_provisioned_concurrency_is_refused(
    snap_start: str, provisioned: str, refused: bool
) -> None:
    found = refusals(EnableSnapStart=snap_start, ProvisionedConcurrency=provisioned)
    assert bool(found) is refused
    if refused:
        assert "SnapStart with provisioned concurrency" in found[0]


def test_the_rule_is_what_sam_validate_lints_and_deploys() -> None:
    """The rule survives SAM's transform unchanged (CloudFormation evaluates it)."""
    raw = yaml_parse(TEMPLATE_PATH.read_text("utf-8"))
    assert "SnapStartWithoutProvisionedConcurrency" in raw["Rules"]
    assert raw["Transform"][0] == "AWS::LanguageExtensions"


@pytest.mark.parametrize("group", ["ReviewLogGroup", "EscalationLogGroup"])
@pytest.mark.parametrize(("retain", "policy"), [("true", "Retain"), ("false", "Delete")])
def test_log_groups_are_kept_on_stack_deletion_unless_asked(
    group: str, retain: str, policy: str
) -> None:
    resource = TEMPLATE["Resources"][group]
    resolver = Resolver(TEMPLATE, {"RetainLogGroups": retain})
    assert resolver.resolve(resource["DeletionPolicy"]) == policy
    assert resolver.resolve(resource["UpdateReplacePolicy"]) == policy
    assert TEMPLATE["Parameters"]["RetainLogGroups"]["Default"] == "true"


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def _translate(parameters: dict[str, str]) -> dict[str, Any]:
    template = yaml_parse(TEMPLATE_PATH.read_text("utf-8"))
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in props:
                props[key] = "s3://bucket/key.zip"
    translated: dict[str, Any] = transform(
        copy.deepcopy(template), parameters, _NoManagedPolicies()
    )
    return translated["Resources"]


@pytest.mark.parametrize(("mode", "traced"), [("Disabled", False), ("Active", True)])
def test_xray_permissions_come_only_with_tracing(
    monkeypatch: pytest.MonkeyPatch, mode: str, traced: bool
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    resources = _translate({"TracingMode": mode})
    for function in ("ReviewFunction", "EscalationFunction"):
        policies = resources[f"{function}Role"]["Properties"]["ManagedPolicyArns"]
        assert any("XrayWriteOnlyAccess" in str(arn) for arn in policies) is traced
        assert ("TracingConfig" in resources[function]["Properties"]) is traced
    assert TEMPLATE["Parameters"]["TracingMode"]["Default"] == "Disabled"


@pytest.mark.parametrize(("reserved", "expected"), [("0", None), ("40", "40")])
def test_review_reserved_concurrency_is_set_only_when_asked(
    reserved: str, expected: str | None
) -> None:
    props = TEMPLATE["Resources"]["ReviewFunction"]["Properties"]
    resolver = Resolver(TEMPLATE, {"ReviewReservedConcurrency": reserved})
    resolved = resolver.resolve({"x": props["ReservedConcurrentExecutions"]})
    assert resolved.get("x") == expected


def test_model_backend_values_are_the_ones_the_readme_documents() -> None:
    allowed = set(TEMPLATE["Parameters"]["ModelBackend"]["AllowedValues"])
    row = next(line for line in README.splitlines() if line.startswith("| `ModelBackend`"))
    assert set(re.findall(r"`(\w+)` \(", row)) == allowed
    assert set(re.findall(r"ModelBackend=(\w+)", README)) <= allowed  # detoxify was offered
    for name in TEMPLATE["Parameters"]:
        assert f"`{name}`" in README, f"parameter {name} is not in the README"
