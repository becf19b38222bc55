"""The ivschat control plane: every operation of botocore's ``ivschat`` model (REST-JSON).

boto3's ``ivschat`` client pointed here with ``endpoint_url`` (or ``AWS_ENDPOINT_URL_IVSCHAT``)
works unchanged: ``POST /<Operation>`` with a JSON body, the tag operations on
``/tags/{resourceArn}``; errors carry the exception name in ``x-amzn-ErrorType`` and the
status code the service model gives them. Bodies are checked by the pydantic models in
``api_models``; signatures are not verified (the guard only insists on boto3's shape of
request, see ``guard``).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote

from aiohttp import web
from pydantic import BaseModel, ValidationError

from chatmod_local.room import api_models as api
from chatmod_local.room.fields import given
from chatmod_local.room.limits import RateLimiter
from chatmod_local.room.messaging import Hub
from chatmod_local.room.state import (
    ACCOUNT,
    REGION,
    Directory,
    LoggingConfiguration,
    ReviewHandler,
    Room,
    resource_id,
)

Body = dict[str, Any]
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
R = TypeVar("R", bound=api.RoomRequest)

# Requests per second for the whole account, for the operations whose model declares
# ThrottlingException (the IVS Chat service quotas page gives 100 TPS for each).
DEFAULT_RATES: Mapping[str, int] = {"SendEvent": 100, "DeleteMessage": 100, "DisconnectUser": 100}


@dataclass(frozen=True)
class Quotas:
    """Account quotas that end in ServiceQuotaExceededException (lower them to test it)."""

    rooms: int = 50_000
    logging_configurations: int = 10


@dataclass
class Limits:
    rates: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_RATES))
    quotas: Quotas = field(default_factory=Quotas)


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


def validation(message: str, fields: Sequence[tuple[str, str]] = ()) -> ApiError:
    return ApiError(
        "ValidationException",
        400,
        message,
        reason="FIELD_VALIDATION_FAILED",
        fieldList=[{"name": name, "message": text} for name, text in fields],
    )


def from_pydantic(error: ValidationError) -> ApiError:
    problems = [
        (".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in error.errors()[:10]
    ]
    count = error.error_count()
    summary = "; ".join(
        f"Value at '{name}' failed to satisfy constraint: {m}" for name, m in problems
    )
    plural = "s" if count > 1 else ""
    return validation(f"{count} validation error{plural} detected: {summary}", problems)


def not_found(arn: str, kind: str = "Room") -> ApiError:
    fields: dict[str, str] = {"resourceId": resource_id(arn)}
    if kind == "Room":
        fields["resourceType"] = "ROOM"
    return ApiError("ResourceNotFoundException", 404, f"{kind} {arn} not found", **fields)


def _over_limit(code: str, status: int, message: str, resource_id: str, limit: int) -> ApiError:
    """A refusal for a limit reached: it names the resource and the limit, as the API does."""
    return ApiError(code, status, message, resourceId=resource_id, resourceType="ROOM", limit=limit)


def throttled(operation: str, rate: int) -> ApiError:
    message = f"{operation} is limited to {rate} requests per second"
    return _over_limit("ThrottlingException", 429, message, operation, rate)


def quota_exceeded(what: str, limit: int) -> ApiError:
    message = f"The account already has {limit} {what}"
    return _over_limit("ServiceQuotaExceededException", 402, message, ACCOUNT, limit)


def parse(model: type[M], body: Body) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise from_pydantic(exc) from None


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        if text.startswith("offset:"):
            return max(0, int(text.removeprefix("offset:")))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise validation("nextToken is not a token this API returned", [("nextToken", "invalid")])


def page(items: Sequence[T], token: str | None, size: int) -> tuple[Sequence[T], str | None]:
    start = _offset(token)
    chunk = items[start : start + size]
    more = start + size < len(items)
    return chunk, _page_token(start + size) if more else None


def _read_body(raw: bytes) -> Body:
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise validation("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise validation("The request body must be a JSON object")
    return body


ROOM_SUMMARY_KEYS = (
    "arn",
    "id",
    "name",
    "messageReviewHandler",
    "createTime",
    "updateTime",
    "tags",
    "loggingConfigurationIdentifiers",
)


class ControlPlane:
    """The ivschat API operations, acting on the local rooms and their connected clients."""

    def __init__(self, directory: Directory, hub: Hub, limits: Limits | None = None) -> None:
        self.directory = directory
        self.hub = hub
        self.limits = limits or Limits()
        self._throttles = {name: RateLimiter() for name in self.limits.rates}
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
            "CreateLoggingConfiguration": self.create_logging_configuration,
            "GetLoggingConfiguration": self.get_logging_configuration,
            "UpdateLoggingConfiguration": self.update_logging_configuration,
            "DeleteLoggingConfiguration": self.delete_logging_configuration,
            "ListLoggingConfigurations": self.list_logging_configurations,
            "TagResource": self.tag_resource,
            "UntagResource": self.untag_resource,
            "ListTagsForResource": self.list_tags_for_resource,
        }

    # -- routing -----------------------------------------------------------------------------
    def routes(self) -> list[web.RouteDef]:
        tag_path = "/tags/{resourceArn:.+}"
        named = [
            web.post(f"/{name}", self._endpoint(name))
            for name in self.operations
            if not name.endswith(("TagResource", "ForResource"))
        ]
        return [
            *named,
            web.post(tag_path, self._endpoint("TagResource")),
            web.delete(tag_path, self._endpoint("UntagResource")),
            web.get(tag_path, self._endpoint("ListTagsForResource")),
        ]

    def _endpoint(self, name: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        operation = self.operations[name]
        no_content = name in ("DeleteRoom", "DeleteLoggingConfiguration")

        async def endpoint(request: web.Request) -> web.StreamResponse:
            try:
                body = _read_body(await request.read())
                if "resourceArn" in request.match_info:
                    body["resourceArn"] = unquote(request.match_info["resourceArn"])
                if name == "UntagResource":
                    body["tagKeys"] = request.query.getall("tagKeys", [])
                self._throttle(name)
                result = await operation(body)
            except ApiError as exc:
                return exc.response()
            if no_content:
                return web.Response(status=204)
            return web.json_response(result)

        return endpoint

    def _throttle(self, name: str) -> None:
        rate = self.limits.rates.get(name)
        if rate is not None and not self._throttles[name].allow(rate):
            raise throttled(name, rate)

    # -- lookups -----------------------------------------------------------------------------
    def _room(self, arn: str) -> Room:
        room = self.directory.room(arn)
        if room is None or room.arn != arn:
            raise not_found(arn)
        return room

    def _room_request(self, model: type[R], body: Body) -> tuple[R, Room]:
        """A messaging action's request and the room it names (not found: the API's 404)."""
        request = parse(model, body)
        return request, self._room(request.roomIdentifier)

    def _logging(self, arn: str) -> LoggingConfiguration:
        configuration = self.directory.logging_configuration(arn)
        if configuration is None:
            raise not_found(arn, "Logging configuration")
        return configuration

    def _review_handler(
        self, handler: api.MessageReviewHandler | None, current: ReviewHandler | None
    ) -> ReviewHandler | None:
        if handler is None:
            return current
        if not handler.uri:
            return None  # an empty uri disassociates the handler
        region, account = handler.uri.split(":")[3:5]
        if (region, account) != (REGION, ACCOUNT):
            raise ApiError(
                "AccessDeniedException",
                403,
                f"The room cannot invoke {handler.uri}: IVS Chat invokes handlers in the room's "
                f"own account and region ({ACCOUNT}, {REGION})",
            )
        return ReviewHandler(handler.uri, handler.fallbackResult)

    def _logging_identifiers(self, identifiers: list[str] | None) -> tuple[str, ...] | None:
        if identifiers is None:
            return None
        for arn in identifiers:
            self._logging(arn)
        return tuple(dict.fromkeys(identifiers))

    # -- messaging actions -------------------------------------------------------------------
    async def create_chat_token(self, body: Body) -> Body:
        request, room = self._room_request(api.CreateChatToken, body)
        token = self.directory.issue_token(
            room,
            request.userId,
            dict.fromkeys(request.capabilities),
            request.sessionDurationInMinutes,
            request.attributes,
        )
        return token.describe()

    async def delete_message(self, body: Body) -> Body:
        request, room = self._room_request(api.DeleteMessage, body)
        return {"id": await self.hub.delete_message(room.arn, request.id, request.reason)}

    async def disconnect_user(self, body: Body) -> Body:
        request, room = self._room_request(api.DisconnectUser, body)
        await self.hub.disconnect_user(room.arn, request.userId, request.reason)
        return {}

    async def send_event(self, body: Body) -> Body:
        request, room = self._room_request(api.SendEvent, body)
        return {"id": await self.hub.send_event(room.arn, request.eventName, request.attributes)}

    # -- rooms -------------------------------------------------------------------------------
    async def create_room(self, body: Body) -> Body:
        request = parse(api.CreateRoom, body)
        limit = self.limits.quotas.rooms
        if self.directory.room_count() >= limit:
            raise quota_exceeded("rooms", limit)
        room = self.directory.create_room(
            name=request.name or "",
            maximum_message_length=request.maximumMessageLength or 500,
            maximum_message_rate_per_second=request.maximumMessageRatePerSecond or 10,
            review_handler=self._review_handler(request.messageReviewHandler, None),
            tags=request.tags,
            logging_configuration_identifiers=self._logging_identifiers(
                request.loggingConfigurationIdentifiers
            )
            or (),
        )
        return room.describe()

    async def get_room(self, body: Body) -> Body:
        return self._room(parse(api.RoomIdentifier, body).identifier).describe()

    async def update_room(self, body: Body) -> Body:
        request = parse(api.UpdateRoom, body)
        room = self._room(request.identifier)
        handler = self._review_handler(request.messageReviewHandler, room.review_handler)
        changes = given(  # the handler always: None takes it off the room
            name=request.name,
            maximum_message_length=request.maximumMessageLength,
            maximum_message_rate_per_second=request.maximumMessageRatePerSecond,
            logging_configuration_identifiers=self._logging_identifiers(
                request.loggingConfigurationIdentifiers
            ),
        )
        updated = self.directory.update_room(room.arn, review_handler=handler, **changes)
        if updated is None:
            raise not_found(room.arn)
        return updated.describe()

    async def delete_room(self, body: Body) -> Body:
        room = self._room(parse(api.RoomIdentifier, body).identifier)
        for connection in self.hub.connections(room.arn):
            self.hub.close_later(connection, "Room deleted")
        self.directory.delete_room(room.arn)
        return {}

    async def list_rooms(self, body: Body) -> Body:
        request = parse(api.ListRooms, body)
        if request.loggingConfigurationIdentifier is not None:
            self._logging(request.loggingConfigurationIdentifier)
        rooms = [
            room
            for room in self.directory.rooms()
            if (request.name is None or room.name == request.name)
            and (
                request.messageReviewHandlerUri is None
                or (room.review_handler.uri if room.review_handler else "")
                == request.messageReviewHandlerUri
            )
            and (
                request.loggingConfigurationIdentifier is None
                or request.loggingConfigurationIdentifier in room.logging_configuration_identifiers
            )
        ]
        chunk, next_token = page(rooms, request.nextToken, request.maxResults)
        summaries = [
            {k: v for k, v in room.describe().items() if k in ROOM_SUMMARY_KEYS} for room in chunk
        ]
        return {"rooms": summaries} | ({"nextToken": next_token} if next_token else {})

    # -- logging configurations --------------------------------------------------------------
    async def create_logging_configuration(self, body: Body) -> Body:
        request = parse(api.CreateLoggingConfiguration, body)
        limit = self.limits.quotas.logging_configurations
        if len(self.directory.logging_configurations()) >= limit:
            raise quota_exceeded("logging configurations", limit)
        configuration = self.directory.create_logging_configuration(
            request.destinationConfiguration.wire(), request.name, request.tags
        )
        return configuration.describe()

    async def get_logging_configuration(self, body: Body) -> Body:
        return self._logging(parse(api.LoggingIdentifier, body).identifier).describe()

    async def update_logging_configuration(self, body: Body) -> Body:
        request = parse(api.UpdateLoggingConfiguration, body)
        self._logging(request.identifier)
        changes: dict[str, Any] = {}
        if request.name is not None:
            changes["name"] = request.name
        if request.destinationConfiguration is not None:
            changes["destination"] = request.destinationConfiguration.wire()
        updated = self.directory.update_logging_configuration(request.identifier, **changes)
        if updated is None:
            raise not_found(request.identifier, "Logging configuration")
        return updated.describe()

    async def delete_logging_configuration(self, body: Body) -> Body:
        configuration = self._logging(parse(api.LoggingIdentifier, body).identifier)
        users = self.directory.rooms_logging_to(configuration.arn)
        if users:
            raise ApiError(
                "ConflictException",
                409,
                f"Logging configuration {configuration.arn} is attached to {len(users)} room(s); "
                "detach it with UpdateRoom first",
                resourceId=configuration.id,
                resourceType="ROOM",
            )
        self.directory.delete_logging_configuration(configuration.arn)
        return {}

    async def list_logging_configurations(self, body: Body) -> Body:
        request = parse(api.ListLoggingConfigurations, body)
        configurations = self.directory.logging_configurations()
        chunk, next_token = page(configurations, request.nextToken, request.maxResults)
        listed = {"loggingConfigurations": [c.describe() for c in chunk]}
        return listed | ({"nextToken": next_token} if next_token else {})

    # -- tags --------------------------------------------------------------------------------
    def _tags(self, arn: str) -> dict[str, str]:
        tags = self.directory.tags_of(arn)
        if tags is None:
            raise not_found(arn, "Resource")
        return tags

    async def tag_resource(self, body: Body) -> Body:
        request = parse(api.TagResource, body)
        merged = self._tags(request.resourceArn) | request.tags
        if len(merged) > api.MAX_TAGS:
            raise validation(
                f"A resource can have at most {api.MAX_TAGS} tags", [("tags", "too many tags")]
            )
        self.directory.set_tags(request.resourceArn, merged)
        return {}

    async def untag_resource(self, body: Body) -> Body:
        request = parse(api.UntagResource, body)
        tags = self._tags(request.resourceArn)
        for key in request.tagKeys:
            tags.pop(key, None)
        self.directory.set_tags(request.resourceArn, tags)
        return {}

    async def list_tags_for_resource(self, body: Body) -> Body:
        request = parse(api.ListTagsForResource, body)
        return {"tags": self._tags(request.resourceArn)}
