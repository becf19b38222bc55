"""Amazon Comprehend ``DetectToxicContent`` as the second opinion (an option by setting).

Comprehend's labels are mapped onto chatmod's so the policy's thresholds apply unchanged. With
context, the message and the context joined before it go as two segments of one call; the
higher score per label wins, as with the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chatmod.aws.clients import make_client
from chatmod.escalation.second_opinion import joined_reading
from chatmod.model.base import merge_max

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
SEGMENT_MAX_BYTES = 1024  # DetectToxicContent: each text segment under 1 KB of UTF-8
JOINED_MAX_CHARS = 500


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
    languages = ("en",)  # Comprehend's toxicity detection reads English only

    name = "comprehend:DetectToxicContent"

    def __init__(self, client: Any, language_code: str = "en") -> None:
        self.client = client
        self.language_code = language_code

    @classmethod
    def create(
        cls, region_name: str | None = None, endpoint_url: str | None = None
    ) -> ComprehendSecondOpinion:
        # Four attempts in all (botocore's ``max_attempts: 3`` counted retries only).
        client = make_client(
            "comprehend", attempts=4, region_name=region_name, endpoint_url=endpoint_url
        )
        return cls(client)

    def score(self, text: str, context: Sequence[str] = ()) -> dict[str, float]:
        segments = [text]
        joined = joined_reading(text, context, JOINED_MAX_CHARS) if context else None
        if joined and len(joined.encode("utf-8")) < SEGMENT_MAX_BYTES:
            segments.append(joined)
        response = self.client.detect_toxic_content(
            TextSegments=[{"Text": t} for t in segments], LanguageCode=self.language_code
        )
        return merge_max([scores_from_result(r) for r in response.get("ResultList", [])])
