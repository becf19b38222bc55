"""The IVS Chat messaging protocol's frames, shaped the way amazon-ivs-chat-messaging parses them.

Client requests are ``{"Action", "RequestId"?, ...}`` JSON objects with the SDK's capitalized
field names, checked by the pydantic models below; the server answers with ``MESSAGE``,
``EVENT`` and ``ERROR`` frames, each with an ``Id`` (the SDK drops a frame whose Id it has
already seen). ``RequestId`` is optional, as the messaging API reference says.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from chatmod_local.room.ids import new_id
from chatmod_local.room.state import Capability, iso

MAX_ATTRIBUTES_BYTES = 1024
MAX_REASON_LENGTH = 256
MAX_REQUEST_ID_LENGTH = 128
MAX_USER_ID_LENGTH = 128
MAX_FRAME_BYTES = 64 * 1024
MESSAGE_ID_PATTERN = r"^[a-zA-Z0-9]{12}$"  # the control plane's MessageID shape, for both sides

BAD_REQUEST = 400
UNAUTHORIZED = 401
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ACCEPTABLE = 406
PAYLOAD_TOO_LARGE = 413
TOO_MANY_REQUESTS = 429
INTERNAL_ERROR = 500

SESSION_EXPIRED_MESSAGE = "The connection has expired"


class FrameError(Exception):
    """A request the room refuses, as the ERROR frame's code and message.

    ``frame_id`` is the Id IVS generated for the refused operation (a denied message's own
    id); without one the ERROR frame gets a fresh Id."""

    def __init__(
        self,
        code: int,
        message: str,
        request_id: str | None = None,
        frame_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id
        self.frame_id = frame_id


class _Request(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")

    request_id: str | None = Field(
        None, alias="RequestId", min_length=1, max_length=MAX_REQUEST_ID_LENGTH
    )


class SendMessage(_Request):
    action: Literal["SEND_MESSAGE"] = Field(alias="Action")
    content: str = Field(alias="Content", min_length=1)
    attributes: dict[str, str] = Field(default_factory=dict, alias="Attributes")


class DeleteMessage(_Request):
    action: Literal["DELETE_MESSAGE"] = Field(alias="Action")
    message_id: str = Field(alias="Id", pattern=MESSAGE_ID_PATTERN)
    reason: str | None = Field(None, alias="Reason")


class DisconnectUser(_Request):
    action: Literal["DISCONNECT_USER"] = Field(alias="Action")
    user_id: str = Field(alias="UserId", min_length=1, max_length=MAX_USER_ID_LENGTH)
    reason: str | None = Field(None, alias="Reason")


ClientRequest = SendMessage | DeleteMessage | DisconnectUser
_REQUEST = TypeAdapter[ClientRequest](Annotated[ClientRequest, Field(discriminator="action")])

CAPABILITY_OF: dict[str, Capability] = {
    "SEND_MESSAGE": "SEND_MESSAGE",
    "DELETE_MESSAGE": "DELETE_MESSAGE",
    "DISCONNECT_USER": "DISCONNECT_USER",
}


def attributes_size(attributes: Mapping[str, str]) -> int:
    return sum(len(k.encode()) + len(v.encode()) for k, v in attributes.items())


def decode(text: str | bytes) -> dict[str, Any]:
    """The frame's JSON object; a FrameError (400/413) for anything else, deep nesting included."""
    if len(text) > MAX_FRAME_BYTES:
        raise FrameError(PAYLOAD_TOO_LARGE, "Request is too large")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise FrameError(BAD_REQUEST, "Request is not valid JSON") from None
    if not isinstance(data, dict):
        raise FrameError(BAD_REQUEST, "Request must be a JSON object")
    return data


def request_id_of(data: Mapping[str, Any]) -> str | None:
    """The RequestId to echo in an ERROR frame, when the client sent a usable one."""
    value = data.get("RequestId")
    if isinstance(value, str) and 0 < len(value) <= MAX_REQUEST_ID_LENGTH:
        return value
    return None


def action_of(data: Mapping[str, Any]) -> str:
    action = data.get("Action")
    if not isinstance(action, str) or action not in CAPABILITY_OF:
        raise FrameError(BAD_REQUEST, f"Unknown Action {action!r}", request_id_of(data))
    return action


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"] if part not in CAPABILITY_OF)
    return f"{where or 'Request'}: {problem['msg']}"


def parse_fields(data: Mapping[str, Any]) -> ClientRequest:
    """The request's fields, checked as IVS checks them (400, or 413 for oversized ones)."""
    request_id = request_id_of(data)
    try:
        request = _REQUEST.validate_python(dict(data))
    except ValidationError as exc:
        raise FrameError(BAD_REQUEST, _first_problem(exc), request_id) from None
    reason = None if isinstance(request, SendMessage) else request.reason
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise FrameError(
            PAYLOAD_TOO_LARGE, f"Reason is longer than {MAX_REASON_LENGTH} characters", request_id
        )
    if isinstance(request, SendMessage) and attributes_size(request.attributes) > (
        MAX_ATTRIBUTES_BYTES
    ):
        raise FrameError(
            PAYLOAD_TOO_LARGE, f"Attributes exceed {MAX_ATTRIBUTES_BYTES} bytes", request_id
        )
    return request


def _now() -> str:
    return iso(time.time())


def message_frame(
    *,
    message_id: str,
    content: str,
    attributes: Mapping[str, str],
    sender_id: str,
    sender_attributes: Mapping[str, str],
    request_id: str | None,
) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "Type": "MESSAGE",
        "Id": message_id,
        "Attributes": dict(attributes),
        "Content": content,
        "SendTime": _now(),
        "Sender": {"UserId": sender_id, "Attributes": dict(sender_attributes)},
    }
    if request_id is not None:
        frame["RequestId"] = request_id
    return frame


def event_frame(
    event_name: str,
    attributes: Mapping[str, str],
    request_id: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "Type": "EVENT",
        "Id": event_id or new_id(),
        "EventName": event_name,
        "Attributes": dict(attributes),
        "SendTime": _now(),
    }
    if request_id is not None:
        frame["RequestId"] = request_id
    return frame


def delete_message_event(
    message_id: str, reason: str | None, request_id: str | None = None, event_id: str | None = None
) -> dict[str, Any]:
    """``aws:DELETE_MESSAGE``: the SDK reads ``MessageID``; IVS also sends ``MessageId``."""
    attributes = {"MessageID": message_id, "MessageId": message_id}
    if reason:
        attributes["Reason"] = reason
    return event_frame("aws:DELETE_MESSAGE", attributes, request_id, event_id)


def disconnect_user_event(
    user_id: str, reason: str | None, request_id: str | None = None, event_id: str | None = None
) -> dict[str, Any]:
    attributes = {"UserId": user_id}
    if reason:
        attributes["Reason"] = reason
    return event_frame("aws:DISCONNECT_USER", attributes, request_id, event_id)


def error_frame(
    code: int, message: str, request_id: str | None = None, frame_id: str | None = None
) -> dict[str, Any]:
    """``Id`` is the refused operation's IVS identifier when it has one, else a fresh one."""
    frame: dict[str, Any] = {
        "Type": "ERROR",
        "Id": frame_id or new_id(),
        "ErrorCode": code,
        "ErrorMessage": message,
    }
    if request_id is not None:
        frame["RequestId"] = request_id
    return frame
