"""Second-opinion scorers and the confirm rule."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from chatmod.aws.comprehend import ComprehendSecondOpinion, scores_from_result
from chatmod.escalation import ModelSecondOpinion, confirmed_labels
from chatmod.escalation.second_opinion import joined_reading
from chatmod.policy import ModelPolicy

from .fakes import KeywordModel

MODEL_POLICY = ModelPolicy.model_validate(
    {
        "level": "custom",
        "thresholds": {
            "toxicity": {"deny": 0.97, "allow": 0.6},
            "insult": {"deny": 0.9, "allow": 0.6},
            "obscene": {"mask": 0.85, "allow": 0.6},
        },
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


def test_context_reading_confirms_a_line_split_over_several_messages() -> None:
    """Each part alone is harmless; the joined reading sees the insult whole."""
    model = KeywordModel({"worthless idiot": {"insult": 0.95}})
    scorer = ModelSecondOpinion(model)
    readings = scorer.readings("idiot", ("you are a", "worthless"))
    assert readings.alone["insult"] == pytest.approx(0.01)
    assert readings.joined is not None and readings.joined["insult"] == pytest.approx(0.95)
    assert readings.joined_text == "you are a worthless idiot"
    assert scorer.score("idiot", ("you are a", "worthless"))["insult"] == pytest.approx(0.95)
    assert confirmed_labels(scorer.score("idiot", ("you are a", "worthless")), MODEL_POLICY) == [
        "insult"
    ]
    assert scorer.score("idiot")["insult"] == pytest.approx(0.01)  # no context: alone only
    assert model.calls[-1] == ["idiot"]


def test_harmless_context_never_lowers_the_messages_own_score() -> None:
    model = KeywordModel({"idiot": {"insult": 0.93}})
    scores = ModelSecondOpinion(model).score("you idiot", ("hello", "nice stream"))
    assert scores["insult"] == pytest.approx(0.93)


def test_joined_reading_keeps_the_message_whole_and_cuts_context_at_a_word() -> None:
    assert joined_reading("idiot", ("you are a", "worthless"), 100) == "you are a worthless idiot"
    assert joined_reading("idiot", ("you are a", "worthless"), 16) == "worthless idiot"
    assert joined_reading("idiot", ("you are a", "worthless"), 17) == "a worthless idiot"
    assert joined_reading("idiot", ("you are a", "worthless"), 18) == "a worthless idiot"  # no "e"
    assert joined_reading("idiot", ("  ", ""), 100) is None
    assert joined_reading("x" * 50, ("before",), 50) is None  # the message fills the budget


def test_the_model_scorer_sizes_the_joined_text_to_its_token_limit() -> None:
    class LongModel(KeywordModel):
        max_tokens = 256

    assert ModelSecondOpinion(LongModel({})).max_chars == 3 * 256
    assert ModelSecondOpinion(KeywordModel({})).max_chars == 3 * 128
    long_context = ("word " * 400,)
    readings = ModelSecondOpinion(KeywordModel({}), max_chars=60).readings("hi", long_context)
    assert readings.joined_text is not None and len(readings.joined_text) <= 60
    assert readings.joined_text.endswith(" hi")


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


def test_comprehend_reads_the_message_and_the_joined_context_in_one_call() -> None:
    client = boto3.client(
        "comprehend", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    scorer = ComprehendSecondOpinion(client)
    with Stubber(client) as stubber:
        stubber.add_response(
            "detect_toxic_content",
            {
                "ResultList": [
                    {"Toxicity": 0.2, "Labels": [{"Name": "INSULT", "Score": 0.1}]},
                    {"Toxicity": 0.9, "Labels": [{"Name": "INSULT", "Score": 0.95}]},
                ]
            },
            {
                "TextSegments": [{"Text": "idiot"}, {"Text": "you are a worthless idiot"}],
                "LanguageCode": "en",
            },
        )
        scores = scorer.score("idiot", ("you are a", "worthless"))
    assert scores == {"toxicity": 0.9, "insult": 0.95}
