"""Second-opinion scorers, the confirm rule, and the escalation settings."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from chatmod.aws.comprehend import ComprehendSecondOpinion, scores_from_result
from chatmod.escalation import ModelSecondOpinion, confirmed_labels
from chatmod.escalation.second_opinion import fp32_model_dir
from chatmod.escalation.settings import EscalationSettings
from chatmod.policy import ModelPolicy
from chatmod.settings import SettingsError

from .fakes import KeywordModel

MODEL_POLICY = ModelPolicy.model_validate(
    {
        "thresholds": {
            "toxicity": {"deny": 0.97, "allow": 0.6},
            "insult": {"deny": 0.9, "allow": 0.6},
            "obscene": {"mask": 0.85, "allow": 0.6},
        }
    }
)


def test_model_scorer_takes_the_worse_of_typed_and_deobfuscated_text() -> None:
    model = KeywordModel({"idiot": {"insult": 0.93}})
    scorer = ModelSecondOpinion(model)
    scores = scorer.score("you 1d10t")
    assert scores["insult"] == pytest.approx(0.93)
    assert len(model.calls[-1]) == 2 and model.calls[-1][0] == "you 1d10t"
    assert scorer.name == "model:fake:keywords"


def test_confirmed_labels_use_deny_thresholds_worst_first() -> None:
    scores = {"toxicity": 0.98, "insult": 0.99, "obscene": 0.99}
    assert confirmed_labels(scores, MODEL_POLICY) == ["insult", "toxicity"]  # obscene has no deny
    assert confirmed_labels({"toxicity": 0.9}, MODEL_POLICY, ("toxicity",)) == []


def test_a_labels_confirm_threshold_comes_before_its_deny_threshold() -> None:
    policy = ModelPolicy.model_validate(
        {"thresholds": {"toxicity": {"deny": 0.97, "confirm": 0.9, "allow": 0.6}}}
    )
    assert confirmed_labels({"toxicity": 0.93}, policy, ("toxicity",)) == ["toxicity"]
    assert confirmed_labels({"toxicity": 0.89}, policy, ("toxicity",)) == []
    assert confirmed_labels({"toxicity": 0.93}, policy, ("toxicity",), 0.95) == []  # override


@pytest.mark.parametrize(
    "thresholds", [{"deny": 0.9, "confirm": 0.95}, {"allow": 0.6, "confirm": 0.5}]
)
def test_confirm_must_sit_between_allow_and_deny(thresholds: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="allow <= confirm <= deny"):
        ModelPolicy.model_validate({"thresholds": {"toxicity": thresholds}})


def test_confirm_threshold_applies_to_every_label_including_gray_zone_ones() -> None:
    scores = {"toxicity": 0.75, "obscene": 0.8, "threat": 0.9}
    assert confirmed_labels(scores, MODEL_POLICY, ("threat",), 0.7) == [
        "threat",
        "obscene",
        "toxicity",
    ]


def test_fp32_graph_is_used_when_the_folder_has_one(tmp_path: Path) -> None:
    src = tmp_path / "model"
    src.mkdir()
    for name in ("model.onnx", "tokenizer.json", "labels.json"):
        (src / name).write_text(name)
    assert fp32_model_dir(src) == src
    (src / "model.fp32.onnx").write_text("fp32")
    linked = fp32_model_dir(src, scratch=tmp_path)
    assert linked != src
    assert (linked / "model.onnx").read_text() == "fp32"
    assert (linked / "labels.json").read_text() == "labels.json"


def test_comprehend_labels_map_onto_chatmods() -> None:
    result = {
        "Toxicity": 0.91,
        "Labels": [
            {"Name": "INSULT", "Score": 0.88},
            {"Name": "VIOLENCE_OR_THREAT", "Score": 0.2},
            {"Name": "GRAPHIC", "Score": 0.1},
            {"Name": "HARASSMENT_OR_ABUSE", "Score": 0.3},
        ],
    }
    assert scores_from_result(result) == {
        "toxicity": 0.91,
        "insult": 0.88,
        "threat": 0.2,
        "severe_toxicity": 0.3,
    }


def test_comprehend_scorer_calls_detect_toxic_content() -> None:
    client = boto3.client(
        "comprehend", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    scorer = ComprehendSecondOpinion(client)
    with Stubber(client) as stubber:
        stubber.add_response(
            "detect_toxic_content",
            {"ResultList": [{"Toxicity": 0.5, "Labels": [{"Name": "PROFANITY", "Score": 0.7}]}]},
            {"TextSegments": [{"Text": "what the heck"}], "LanguageCode": "en"},
        )
        assert scorer.score("what the heck") == {"toxicity": 0.5, "obscene": 0.7}


def test_settings_defaults_and_local_overrides() -> None:
    default = EscalationSettings.from_env({})
    assert (default.ledger, default.idempotency, default.second_opinion) == (
        "dynamodb",
        "dynamodb",
        "onnx",
    )
    assert default.second_opinion_max_tokens == 512 and default.confirm_threshold is None
    local = EscalationSettings.from_env(
        {
            "CHATMOD_LEDGER": "memory",
            "CHATMOD_IVSCHAT_ENDPOINT_URL": "http://127.0.0.1:9911",
            "CHATMOD_SECOND_OPINION_CONFIRM": "0.8",
            "CHATMOD_ACTIONS_DRY_RUN": "true",
        }
    )
    assert local.ledger == local.idempotency == "memory"  # idempotency follows the ledger
    assert local.ivschat_endpoint_url == "http://127.0.0.1:9911"
    assert local.confirm_threshold == 0.8 and local.dry_run
    with pytest.raises(SettingsError):
        EscalationSettings.from_env({"CHATMOD_LEDGER": "redis"})
    with pytest.raises(SettingsError):
        EscalationSettings.from_env({"CHATMOD_SECOND_OPINION_CONFIRM": "1.5"})
    with pytest.raises(SettingsError):
        default.require_table()
