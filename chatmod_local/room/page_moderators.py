"""The page's moderator panel calls the moderator API through the page's own backend, as a
real application would: its server knows who its moderators are and calls the API with its
own IAM role, so no AWS credentials ever reach a browser. Here the token endpoint hands a
moderator a key with the chat token; ``/api/moderator/...`` takes that key and invokes the
moderation function (the same paths, as ``page-moderator/<user>``)."""

from __future__ import annotations

import secrets
import threading

from aiohttp import web

from chatmod_local.room.moderator_api import ModeratorApi

KEY_HEADER = "X-Moderator-Key"
PREFIX = "/api/moderator/"


class PageModerators:
    def __init__(self, api: ModeratorApi) -> None:
        self.api = api
        self._lock = threading.Lock()
        self._keys: dict[str, str] = {}  # key -> user id

    def issue(self, user_id: str) -> str:
        key = secrets.token_urlsafe(24)
        with self._lock:
            self._keys[key] = user_id
        return key

    def moderator(self, request: web.Request) -> str | None:
        with self._lock:
            return self._keys.get(request.headers.get(KEY_HEADER, ""))

    def routes(self) -> list[web.RouteDef]:
        path = PREFIX + "{tail:.*}"
        return [web.route(m, path, self.handle) for m in ("GET", "POST", "DELETE")]

    async def handle(self, request: web.Request) -> web.Response:
        user = self.moderator(request)
        if user is None:
            return web.json_response({"message": "Moderators only"}, status=403)
        path = "/moderation/" + request.match_info["tail"]
        return await self.api.forward(request, path, f"page-moderator/{user}")
