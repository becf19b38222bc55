"""The one settings model: precedence, parsing, rejection and its documented variables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from chatmod.settings import Settings, SettingsError, variables

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


def test_defaults_without_any_environment() -> None:
    settings = Settings.load({})
    assert (settings.fail_mode, settings.max_length, settings.model_backend) == (
        "ALLOW",
        None,
        "onnx",
    )
    assert (settings.ledger, settings.idempotency_store, settings.second_opinion) == (
        "dynamodb",
        "dynamodb",
        "onnx",
    )
    assert settings.second_opinion_max_tokens == 256 and settings.confirm_threshold is None


def test_environment_values_are_parsed_case_insensitively() -> None:
    settings = Settings.load(
        {
            "CHATMOD_FAIL_MODE": "deny",
            "CHATMOD_MAX_LENGTH": "200",
            "CHATMOD_LOG_CONTENT": "yes",
            "CHATMOD_LEDGER": "Memory",
            "CHATMOD_IVSCHAT_ENDPOINT_URL": "http://127.0.0.1:9911",
            "CHATMOD_SECOND_OPINION_CONFIRM": "0.8",
            "CHATMOD_ACTIONS_DRY_RUN": "true",
        }
    )
    assert (settings.fail_mode, settings.max_length, settings.log_content) == ("DENY", 200, True)
    assert settings.ledger == settings.idempotency_store == "memory"  # follows the ledger
    assert settings.ivschat_endpoint_url == "http://127.0.0.1:9911"
    assert settings.confirm_threshold == 0.8 and settings.dry_run


def test_explicit_argument_beats_environment_beats_default() -> None:
    env = {"CHATMOD_FAIL_MODE": "DENY", "CHATMOD_POLICY_CHECK_SECONDS": "30"}
    settings = Settings.load(env, fail_mode="ALLOW")
    assert settings.fail_mode == "ALLOW"  # explicit
    assert settings.policy_check_s == 30  # environment
    assert settings.model_threads == 1  # default


def test_blank_variables_count_as_unset_and_zero_length_means_the_policy_limit() -> None:
    settings = Settings.load(
        {"CHATMOD_FAIL_MODE": "  ", "CHATMOD_POLICY_PARAMETER": "", "CHATMOD_MAX_LENGTH": "0"}
    )
    assert (settings.fail_mode, settings.policy_parameter, settings.max_length) == (
        "ALLOW",
        None,
        None,
    )


def test_the_first_set_variable_of_a_field_wins() -> None:
    settings = Settings.load(
        {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"}
    )
    assert (settings.aws_region, settings.sqs_endpoint_url) == ("eu-west-1", "http://127.0.0.1:1")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CHATMOD_FAIL_MODE", "maybe"),
        ("CHATMOD_MAX_LENGTH", "900"),
        ("CHATMOD_LOG_CONTENT", "perhaps"),
        ("CHATMOD_LEDGER", "redis"),
        ("CHATMOD_SECOND_OPINION_CONFIRM", "1.5"),
        ("CHATMOD_MODEL_THREADS", "two"),
    ],
)
def test_a_bad_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"^{variable}='{value}'"):
        Settings.load({variable: value})


def test_unknown_explicit_settings_and_a_missing_table_are_errors() -> None:
    with pytest.raises(TypeError, match="not a setting: fail_mod"):
        Settings.load({}, fail_mod="DENY")
    with pytest.raises(SettingsError, match="CHATMOD_ESCALATION_TABLE"):
        Settings.load({}).require_table()


def test_settings_are_frozen() -> None:
    settings = Settings.load({})
    with pytest.raises(ValueError, match="frozen"):
        settings.fail_mode = "DENY"  # type: ignore[misc]


def _documented() -> set[str]:
    return set(re.findall(r"\b(?:CHATMOD|AWS)_[A-Z_]+\b", Settings.__doc__ or ""))


def test_the_class_docstring_lists_exactly_its_variables() -> None:
    read = {name for field in Settings.model_fields.values() for name in variables(field)}
    assert all(variables(field) for field in Settings.model_fields.values())
    assert _documented() == read


def test_every_variable_the_template_sets_is_a_setting() -> None:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load(TEMPLATE.read_text("utf-8"), Loader=Loader)
    set_by_template = {
        name
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
        for name in resource["Properties"].get("Environment", {}).get("Variables", {})
        if name.startswith("CHATMOD_")
    }
    assert set_by_template and set_by_template <= _documented()


def test_tolerant_load_drops_only_the_invalid_variables() -> None:
    env = {"CHATMOD_ESCALATION_SEND_TIMEOUT_MS": "fast", "CHATMOD_FAIL_MODE": "DENY"}
    settings, errors = Settings.load_tolerant(env)
    assert settings.send_timeout_ms == 60  # the default
    assert settings.fail_mode == "DENY"  # the valid variable still applies
    assert errors == ["CHATMOD_ESCALATION_SEND_TIMEOUT_MS='fast': " + errors[0].split(": ", 1)[1]]
