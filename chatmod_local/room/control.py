"""The ivschat control plane (REST-JSON, the shapes botocore's ``ivschat`` model describes).

boto3's ``ivschat`` client pointed here with ``endpoint_url`` (or ``AWS_ENDPOINT_URL_IVSCHAT``)
works unchanged: each operation is ``POST /<Operation>`` with a JSON body, errors carry the
exception name in ``x-amzn-ErrorType`` and the status code the service model gives them.
Requests are not signature-checked: this is a local room bound to a loopback address.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from chatmod_local.room.frames import attributes_size
from chatmod_local.room.messaging import Hub
from chatmod_local.room.state import CAPABILITIES, Capability, Directory, ReviewHandler, Room

ARN_PATTERN = re.compile(r"arn:aws:ivschat:[a-z0-9-]+:[0-9]+:room/[a-zA-Z0-9-]+")
ID_PATTERN = re.compile(r"[a-zA-Z0-9]{12}")
NAME_PATTERN = re.compile(r"[a-zA-Z0-9-_]*")
LAMBDA_PATTERN = re.compile(r"(arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:.+)?")
MAX_TOKEN_ATTRIBUTES_BYTES = 1024

Body = dict[str, Any]


class ApiError(Exception):
    """An ivschat error response: exception name, HTTP status and body fields."""

    def __init__(self, error_type: str, status: int, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.status = status
        self.body = {"message": message, **fields}

    def response(self) -> web.Response:
        return web.json_response(
            self.body, status=self.status, headers={"x-amzn-ErrorType": self.error_type}
        )


def validation(message: str, field_name: str | None = None) -> ApiError:
    fields = [{"name": field_name, "message": message}] if field_name else []
    return ApiError(
        "ValidationException", 400, message, reason="FIELD_VALIDATION_FAILED", fieldList=fields
    )


def not_found(identifier: str) -> ApiError:
    return ApiError(
        "ResourceNotFoundException",
        404,
        f"Room {identifier} not found",
        resourceId=identifier,
        resourceType="ROOM",
    )


def _string(
    body: Body, key: str, *, required: bool = False, low: int = 1, high: int = 1 << 20
) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise validation(f"{key} is required", key)
        return None
    if not isinstance(value, str):
        raise validation(f"{key} must be a string", key)
    if not low <= len(value) <= high:
        raise validation(f"{key} length must be between {low} and {high}", key)
    return value


def _integer(body: Body, key: str, low: int, high: int) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise validation(f"{key} must be an integer between {low} and {high}", key)
    return value


def _string_map(body: Body, key: str) -> dict[str, str]:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise validation(f"{key} must map strings to strings", key)
    return dict(value)


def capabilities_of(body: Body) -> list[Capability]:
    raw = body.get("capabilities")
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(c in CAPABILITIES for c in raw):
        raise validation(
            f"capabilities must be a list of {', '.join(CAPABILITIES)}", "capabilities"
        )
    return list(dict.fromkeys(raw))


def _review_handler(body: Body, current: ReviewHandler | None = None) -> ReviewHandler | None:
    raw = body.get("messageReviewHandler")
    if raw is None:
        return current
    if not isinstance(raw, dict):
        raise validation("messageReviewHandler must be an object", "messageReviewHandler")
    uri = _string(raw, "uri", low=0, high=170) or ""
    if not LAMBDA_PATTERN.fullmatch(uri):
        raise validation(
            "messageReviewHandler.uri must be a Lambda function ARN", "messageReviewHandler.uri"
        )
    fallback = raw.get("fallbackResult", "ALLOW")
    if fallback not in ("ALLOW", "DENY"):
        raise validation(
            "fallbackResult must be ALLOW or DENY", "messageReviewHandler.fallbackResult"
        )
    return ReviewHandler(uri, fallback) if uri else None


class ControlPlane:
    """The ivschat API operations, acting on the local rooms and their connected clients."""

    def __init__(self, directory: Directory, hub: Hub) -> None:
        self.directory = directory
        self.hub = hub
        self.operations: dict[str, Callable[[Body], Awaitable[Body]]] = {
            "CreateChatToken": self.create_chat_token,
            "DeleteMessage": self.delete_message,
            "DisconnectUser": self.disconnect_user,
            "SendEvent": self.send_event,
            "CreateRoom": self.create_room,
            "GetRoom": self.get_room,
            "UpdateRoom": self.update_room,
            "DeleteRoom": self.delete_room,
            "ListRooms": self.list_rooms,
        }

    def routes(self) -> list[web.RouteDef]:
        return [web.post(f"/{name}", self._endpoint(name)) for name in self.operations]

    def _endpoint(self, name: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        operation = self.operations[name]

        async def endpoint(request: web.Request) -> web.StreamResponse:
            try:
                raw = await request.read()
                body = json.loads(raw) if raw.strip() else {}
                if not isinstance(body, dict):
                    raise validation("The request body must be a JSON object")
                result = await operation(body)
            except ApiError as exc:
                return exc.response()
            except ValueError:
                return validation("The request body is not valid JSON").response()
            if name == "DeleteRoom":
                return web.Response(status=204)
            return web.json_response(result)

        return endpoint

    def _room(self, body: Body, key: str = "roomIdentifier") -> Room:
        identifier = _string(body, key, required=True, high=128)
        assert identifier is not None
        if not ARN_PATTERN.fullmatch(identifier):
            raise validation(f"{key} must be a room ARN", key)
        room = self.directory.room(identifier)
        if room is None:
            raise not_found(identifier)
        return room

    async def create_chat_token(self, body: Body) -> Body:
        room = self._room(body)
        user_id = _string(body, "userId", required=True, high=128)
        assert user_id is not None
        capabilities = capabilities_of(body)
        minutes = _integer(body, "sessionDurationInMinutes", 1, 180) or 60
        attributes = _string_map(body, "attributes")
        if attributes_size(attributes) > MAX_TOKEN_ATTRIBUTES_BYTES:
            raise validation("attributes exceed 1 KB", "attributes")
        token = self.directory.issue_token(room, user_id, capabilities, minutes, attributes)
        return token.describe()

    async def delete_message(self, body: Body) -> Body:
        room = self._room(body)
        message_id = _string(body, "id", required=True, low=12, high=12)
        assert message_id is not None
        if not ID_PATTERN.fullmatch(message_id):
            raise validation("id must be 12 letters or digits", "id")
        reason = _string(body, "reason", high=256)
        return {"id": await self.hub.delete_message(room.arn, message_id, reason)}

    async def disconnect_user(self, body: Body) -> Body:
        room = self._room(body)
        user_id = _string(body, "userId", required=True, high=128)
        assert user_id is not None
        reason = _string(body, "reason", high=256)
        await self.hub.disconnect_user(room.arn, user_id, reason)
        return {}

    async def send_event(self, body: Body) -> Body:
        room = self._room(body)
        event_name = _string(body, "eventName", required=True, high=100)
        assert event_name is not None
        attributes = _string_map(body, "attributes")
        if attributes_size(attributes) > MAX_TOKEN_ATTRIBUTES_BYTES:
            raise validation("attributes exceed 1 KB", "attributes")
        return {"id": await self.hub.send_event(room.arn, event_name, attributes)}

    def _room_settings(self, body: Body, current: Room | None = None) -> dict[str, Any]:
        name = _string(body, "name", low=0, high=128)
        if name is not None and not NAME_PATTERN.fullmatch(name):
            raise validation("name may hold letters, digits, '-' and '_'", "name")
        length = _integer(body, "maximumMessageLength", 1, 500)
        rate = _integer(body, "maximumMessageRatePerSecond", 1, 100)
        settings: dict[str, Any] = {
            "name": name if name is not None else (current.name if current else ""),
            "maximum_message_length": length
            or (current.maximum_message_length if current else 500),
            "maximum_message_rate_per_second": rate
            or (current.maximum_message_rate_per_second if current else 10),
            "review_handler": _review_handler(body, current.review_handler if current else None),
        }
        return settings

    async def create_room(self, body: Body) -> Body:
        settings = self._room_settings(body)
        tags = _string_map(body, "tags")
        return self.directory.create_room(tags=tags, **settings).describe()

    async def get_room(self, body: Body) -> Body:
        return self._room(body, "identifier").describe()

    async def update_room(self, body: Body) -> Body:
        room = self._room(body, "identifier")
        updated = self.directory.update_room(room.arn, **self._room_settings(body, room))
        if updated is None:
            raise not_found(room.arn)
        return updated.describe()

    async def delete_room(self, body: Body) -> Body:
        room = self._room(body, "identifier")
        for connection in self.hub.connections(room.arn):
            self.hub.close_later(connection, "Room deleted")
        self.directory.delete_room(room.arn)
        return {}

    async def list_rooms(self, body: Body) -> Body:
        summaries = []
        for room in self.directory.rooms():
            described = room.describe()
            summaries.append(
                {
                    k: described[k]
                    for k in (
                        "arn",
                        "id",
                        "name",
                        "createTime",
                        "updateTime",
                        "tags",
                        "loggingConfigurationIdentifiers",
                    )
                }
                | (
                    {"messageReviewHandler": described["messageReviewHandler"]}
                    if "messageReviewHandler" in described
                    else {}
                )
            )
        return {"rooms": summaries}
