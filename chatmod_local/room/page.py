"""The demo page's routes: the page itself, the client SDK from node_modules, and a token endpoint.

The token endpoint plays the part of an application backend: it decides who may do what and
issues a chat token for it from the room's directory (the grant CreateChatToken makes), what a
real deployment's server does with CreateChatToken before handing the token to the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from chatmod_local.room.moderation import ModerationLog
from chatmod_local.room.page_moderators import PageModerators
from chatmod_local.room.state import Capability, Directory

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
VENDOR_PACKAGES = {
    "amazon-ivs-chat-messaging": "dist",
    "uuid": "dist",
}
ROLES: dict[str, tuple[Capability, ...]] = {
    "viewer": (),
    "chatter": ("SEND_MESSAGE",),
    "moderator": ("SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"),
}
MAX_USER_ID = 128


@dataclass(frozen=True)
class PageConfig:
    room_arn: str
    messaging_url: str
    node_modules: Path
    session_minutes: int = 60


def vendor_missing(node_modules: Path) -> list[str]:
    return [
        name for name, sub in VENDOR_PACKAGES.items() if not (node_modules / name / sub).is_dir()
    ]


def page_routes(
    directory: Directory,
    config: PageConfig,
    moderation: ModerationLog | None = None,
    moderators: PageModerators | None = None,
) -> list[web.AbstractRouteDef]:
    """``moderators``: when given, a moderator's token comes with the key of the page's
    moderator API (``page_moderators``)."""
    reviews = moderation or ModerationLog()

    async def config_endpoint(request: web.Request) -> web.Response:
        room = directory.room(config.room_arn)
        return web.json_response(
            {
                "roomArn": config.room_arn,
                "messagingUrl": config.messaging_url,
                "maximumMessageLength": room.maximum_message_length if room else None,
                "roles": sorted(ROLES),
                "sdkMissing": vendor_missing(config.node_modules),
            }
        )

    async def token_endpoint(request: web.Request) -> web.Response:
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return web.json_response({"message": "Expected a JSON object"}, status=400)
        user_id = str(body.get("userId", "")).strip()
        role = str(body.get("role", "chatter"))
        if not user_id or len(user_id) > MAX_USER_ID:
            return web.json_response(
                {"message": f"Pick a user name of 1 to {MAX_USER_ID} characters"}, status=400
            )
        if role not in ROLES:
            return web.json_response({"message": f"Unknown role {role!r}"}, status=400)
        room = directory.room(config.room_arn)
        if room is None:
            return web.json_response({"message": "The room is gone"}, status=404)
        token = directory.issue_token(
            room,
            user_id,
            ROLES[role],
            config.session_minutes,
            {"displayName": user_id, "role": role},
        )
        answer = token.describe()
        if role == "moderator" and moderators is not None:
            answer["moderatorKey"] = moderators.issue(user_id)
        return web.json_response(answer)

    async def moderation_endpoint(request: web.Request) -> web.Response:
        """What the moderator panel shows (reviews, strikes, disconnects); the room's view,
        which IVS itself does not offer."""
        return web.json_response(
            reviews.snapshot(config.room_arn), headers={"Cache-Control": "no-store"}
        )

    async def favicon(request: web.Request) -> web.FileResponse:
        return web.FileResponse(WEB_DIR / "favicon.svg", headers={"Content-Type": "image/svg+xml"})

    routes: list[web.AbstractRouteDef] = [
        *(moderators.routes() if moderators else []),
        web.get("/api/config", config_endpoint),
        web.post("/api/token", token_endpoint),
        web.get("/api/moderation", moderation_endpoint),
        web.get("/favicon.ico", favicon),
        web.static("/web", WEB_DIR),
    ]
    for name, sub in VENDOR_PACKAGES.items():
        folder = config.node_modules / name / sub
        if folder.is_dir():
            routes.append(web.static(f"/vendor/{name}", folder))
    return routes


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-store"})
