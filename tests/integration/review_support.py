"""Helpers to run ReviewFunction from template.yaml in-process and read what it logged."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

from chatmod_local.invoke import LocalFunction

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
IP = "203.0.113.7"


def review_event(content: str, message_id: str) -> dict[str, Any]:
    """An IVS review event from viewer-42 in ``ROOM``."""
    return {
        "MessageId": message_id,
        "RoomArn": ROOM,
        "Attributes": {},
        "Sender": {"UserId": "viewer-42", "Attributes": {}, "Ip": IP},
        "Content": content,
    }


class CapturedFunction:
    """A warm ReviewFunction whose stdout (logs and EMF metrics) is kept for assertions."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.logs = io.StringIO()
        self.function = LocalFunction("ReviewFunction", env=dict(env or {}), log_stream=self.logs)
        self.function.module.RUNTIME.startup.join(60)  # a warm instance: model loaded, sender made

    def invoke(self, event: Any) -> dict[str, Any]:
        self.logs.seek(0)
        self.logs.truncate()
        result = self.function.invoke(event)
        assert isinstance(result, dict)
        return result

    def log_lines(self) -> list[dict[str, Any]]:
        lines = []
        for raw in self.logs.getvalue().splitlines():
            raw = raw.strip()
            if raw.startswith("{"):
                lines.append(json.loads(raw))
        return lines

    def audit_line(self) -> dict[str, Any]:
        found = [line for line in self.log_lines() if line.get("message") == "review decision"]
        assert len(found) == 1, self.logs.getvalue()
        return found[0]

    def metric_names(self) -> set[str]:
        names: set[str] = set()
        for line in self.log_lines():
            for directive in line.get("_aws", {}).get("CloudWatchMetrics", []):
                names.update(m["Name"] for m in directive["Metrics"])
        return names


def assert_valid_ivs_response(response: Any, max_length: int = 500) -> None:
    assert isinstance(response, dict)
    assert set(response) == {"ReviewResult", "Content", "Attributes"}
    assert response["ReviewResult"] in {"ALLOW", "DENY"}
    assert isinstance(response["Content"], str)
    assert len(response["Content"]) <= max_length
    assert isinstance(response["Attributes"], dict)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in response["Attributes"].items())
    if response["ReviewResult"] == "DENY":
        assert response["Attributes"].get("Reason")
