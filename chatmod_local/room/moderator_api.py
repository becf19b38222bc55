"""The moderator API on the room's port: ``/moderation/...`` served by the template's
moderation function, invoked with the event API Gateway's HTTP API sends it.

The room's guard already requires a SigV4 ``Authorization`` header on these paths (and JSON
bodies), as API Gateway's IAM authorizer would; the signature is not verified. The access
key of the credential stands in for the caller's IAM principal.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import web

from chatmod_local.room.state import ACCOUNT

Invoke = Callable[[dict[str, Any]], Any]
MODERATION_FUNCTION = "ModerationFunction"
PATH_PREFIX = "/moderation/"
_CREDENTIAL = re.compile(r"Credential=([^/\s,]+)/")


def caller_arn(authorization: str) -> str:
    """``arn:aws:iam::<account>:user/<access key id>`` from a SigV4 header."""
    match = _CREDENTIAL.search(authorization)
    return f"arn:aws:iam::{ACCOUNT}:user/{match.group(1) if match else 'anonymous'}"


def http_api_event(
    request: web.Request, body: str, path: str | None = None, caller: str | None = None
) -> dict[str, Any]:
    """The payload format 2.0 event of an HTTP API route with IAM auth (``path`` and
    ``caller`` when the page's backend forwards a moderator's request)."""
    path = path or request.path
    if caller is None:
        caller = caller_arn(request.headers.get("Authorization", ""))
    else:
        caller = f"arn:aws:iam::{ACCOUNT}:user/{caller}"
    return {
        "version": "2.0",
        "routeKey": f"{request.method} {path}",
        "rawPath": path,
        "rawQueryString": request.query_string,
        "headers": {k.lower(): v for k, v in request.headers.items()},
        "queryStringParameters": dict(request.query) or None,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": "local",
            "domainName": request.host,
            "http": {
                "method": request.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.remote or "127.0.0.1",
                "userAgent": request.headers.get("User-Agent", ""),
            },
            "authorizer": {"iam": {"accountId": ACCOUNT, "userArn": caller}},
            "requestId": uuid.uuid4().hex,
            "routeKey": f"{request.method} {path}",
            "stage": "$default",
            "timeEpoch": int(time.time() * 1000),
        },
        "body": body or None,
        "isBase64Encoded": False,
    }


class ModeratorApi:
    """Routes ``/moderation/...`` to the moderation function once the room has loaded it."""

    def __init__(self) -> None:
        self.invoke: Invoke | None = None

    def routes(self) -> list[web.RouteDef]:
        path = PATH_PREFIX + "{tail:.*}"
        return [web.route(method, path, self.handle) for method in ("GET", "POST", "DELETE")]

    async def handle(self, request: web.Request) -> web.Response:
        return await self.forward(request)

    async def forward(
        self, request: web.Request, path: str | None = None, caller: str | None = None
    ) -> web.Response:
        if self.invoke is None:
            return web.json_response(
                {"message": "The moderation function is not loaded"}, status=503
            )
        body = (await request.read()).decode("utf-8", "replace")
        event = http_api_event(request, body, path, caller)
        result = await asyncio.to_thread(self.invoke, event)
        headers = dict(result.get("headers") or {})
        return web.Response(
            status=int(result.get("statusCode", 200)),
            text=str(result.get("body") or ""),
            content_type=headers.pop("Content-Type", "application/json").split(";")[0],
            headers={"Cache-Control": "no-store"},
        )
