"""Amazon Comprehend ``DetectToxicContent`` as the second opinion (an option by setting).

Comprehend's labels are mapped onto chatmod's so the policy's thresholds apply unchanged.
"""

from __future__ import annotations

from typing import Any

from botocore.config import Config

from chatmod.aws.clients import make_client

# Comprehend label -> chatmod label; its overall ``Toxicity`` score maps to ``toxicity``.
LABEL_MAP: dict[str, str] = {
    "PROFANITY": "obscene",
    "HATE_SPEECH": "identity_attack",
    "INSULT": "insult",
    "GRAPHIC": "severe_toxicity",
    "HARASSMENT_OR_ABUSE": "severe_toxicity",
    "SEXUAL": "sexual_explicit",
    "VIOLENCE_OR_THREAT": "threat",
}


def scores_from_result(result: dict[str, Any]) -> dict[str, float]:
    scores: dict[str, float] = {}
    if "Toxicity" in result:
        scores["toxicity"] = float(result["Toxicity"])
    for label in result.get("Labels", []):
        name = LABEL_MAP.get(str(label.get("Name", "")))
        if name is not None:
            scores[name] = max(scores.get(name, 0.0), float(label.get("Score", 0.0)))
    return scores


class ComprehendSecondOpinion:
    name = "comprehend:DetectToxicContent"

    def __init__(self, client: Any, language_code: str = "en") -> None:
        self.client = client
        self.language_code = language_code

    @classmethod
    def create(
        cls, region_name: str | None = None, endpoint_url: str | None = None
    ) -> ComprehendSecondOpinion:
        config = Config(
            connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"}
        )
        return cls(
            make_client(
                "comprehend", region_name=region_name, endpoint_url=endpoint_url, config=config
            )
        )

    def score(self, text: str) -> dict[str, float]:
        response = self.client.detect_toxic_content(
            TextSegments=[{"Text": text}], LanguageCode=self.language_code
        )
        results = response.get("ResultList", [])
        return scores_from_result(results[0]) if results else {}
