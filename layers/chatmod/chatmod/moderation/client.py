"""A client of the moderator API that signs its requests with SigV4 (``execute-api``), the
way API Gateway's IAM authorizer wants them; the local room accepts the same requests.

Credentials come from the usual AWS chain (environment, profile, role); the local room takes
any.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

from chatmod.errors import ModerationApiError as ModerationApiError

SERVICE = "execute-api"


@dataclass
class ModerationClient:
    endpoint: str
    region: str = "us-east-1"
    credentials: Any = None  # botocore credentials; None: the default chain
    timeout_s: float = 10.0

    def __post_init__(self) -> None:
        self.endpoint = self.endpoint.rstrip("/")
        if self.credentials is None:
            import boto3

            self.credentials = boto3.session.Session().get_credentials()
        if self.credentials is None:
            raise ModerationApiError(0, "no AWS credentials to sign the request with")

    def call(
        self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None
    ) -> Any:
        """Sends a signed request; the JSON answer, or ModerationApiError."""
        url = self.endpoint + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        request = AWSRequest(method=method, url=url, data=data, headers=headers)
        SigV4Auth(self.credentials.get_frozen_credentials(), SERVICE, self.region).add_auth(request)
        prepared = urllib.request.Request(
            url, data=data, method=method, headers=dict(request.headers.items())
        )
        try:
            with urllib.request.urlopen(prepared, timeout=self.timeout_s) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            text = exc.read().decode(errors="replace")
            try:
                message = json.loads(text).get("message", text)
            except ValueError:
                message = text
            raise ModerationApiError(exc.code, str(message)) from None
        return json.loads(text) if text else {}

    @staticmethod
    def _room(room_id: str) -> str:
        return "/moderation/rooms/" + urllib.parse.quote(room_id, safe="")

    def impose(
        self,
        room_id: str,
        user_id: str,
        *,
        duration_s: int | None = None,
        reason: str | None = None,
        account: bool = False,
        source: str | None = None,
    ) -> Any:
        body: dict[str, Any] = {"userId": user_id}
        if source:
            body["source"] = source
        if duration_s is not None:
            body["durationSeconds"] = duration_s
        if reason:
            body["reason"] = reason
        if account:
            body["scope"] = "account"
        return self.call("POST", self._room(room_id) + "/bans", body)

    def lift(self, room_id: str, user_id: str, *, account: bool = False) -> Any:
        path = self._room(room_id) + "/bans/" + urllib.parse.quote(user_id, safe="")
        return self.call("DELETE", path, query={"scope": "account"} if account else None)

    def in_force(self, room_id: str) -> Any:
        return self.call("GET", self._room(room_id) + "/bans")

    def held(self, room_id: str) -> Any:
        return self.call("GET", self._room(room_id) + "/held")

    def decide_held(self, room_id: str, message_id: str, verdict: str) -> Any:
        """``verdict``: approve or reject."""
        path = f"{self._room(room_id)}/held/{urllib.parse.quote(message_id, safe='')}/{verdict}"
        return self.call("POST", path, {})

    def delete_message(self, room_id: str, message_id: str, reason: str | None = None) -> Any:
        path = f"{self._room(room_id)}/messages/{urllib.parse.quote(message_id, safe='')}/delete"
        return self.call("POST", path, {"reason": reason} if reason else {})

    def disconnect(self, room_id: str, user_id: str, reason: str | None = None) -> Any:
        path = f"{self._room(room_id)}/users/{urllib.parse.quote(user_id, safe='')}/disconnect"
        return self.call("POST", path, {"reason": reason} if reason else {})

    def user(self, room_id: str, user_id: str) -> Any:
        return self.call(
            "GET", f"{self._room(room_id)}/users/{urllib.parse.quote(user_id, safe='')}"
        )
