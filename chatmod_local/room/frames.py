"""The IVS Chat messaging protocol's frames, shaped the way amazon-ivs-chat-messaging parses them.

Client requests are ``{"Action", "RequestId", ...}`` JSON objects with the SDK's capitalized
field names; the server answers with ``MESSAGE``, ``EVENT`` and ``ERROR`` frames, each with a
unique ``Id`` (the SDK drops a frame whose Id it has already seen).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from chatmod_local.room.ids import new_id
from chatmod_local.room.state import Capability, iso

MAX_ATTRIBUTES_BYTES = 1024
MAX_REASON_LENGTH = 256
MAX_REQUEST_ID_LENGTH = 128
MAX_FRAME_BYTES = 64 * 1024

BAD_REQUEST = 400
UNAUTHORIZED = 401
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ACCEPTABLE = 406
PAYLOAD_TOO_LARGE = 413
TOO_MANY_REQUESTS = 429
INTERNAL_ERROR = 500

Action = Literal["SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"]


class FrameError(Exception):
    """A request the room refuses, as the ERROR frame's code and message."""

    def __init__(self, code: int, message: str, request_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


@dataclass(frozen=True)
class SendMessage:
    request_id: str
    content: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class DeleteMessage:
    request_id: str
    message_id: str
    reason: str | None


@dataclass(frozen=True)
class DisconnectUser:
    request_id: str
    user_id: str
    reason: str | None


ClientRequest = SendMessage | DeleteMessage | DisconnectUser


def attributes_size(attributes: Mapping[str, str]) -> int:
    return sum(len(k.encode()) + len(v.encode()) for k, v in attributes.items())


def _string(
    data: Mapping[str, Any], key: str, request_id: str | None, required: bool
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise FrameError(BAD_REQUEST, f"{key} is required", request_id)
        return None
    if not isinstance(value, str):
        raise FrameError(BAD_REQUEST, f"{key} must be a string", request_id)
    return value


def _reason(data: Mapping[str, Any], request_id: str) -> str | None:
    reason = _string(data, "Reason", request_id, required=False)
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise FrameError(
            PAYLOAD_TOO_LARGE, f"Reason is longer than {MAX_REASON_LENGTH} characters", request_id
        )
    return reason or None


def _attributes(data: Mapping[str, Any], request_id: str) -> dict[str, str]:
    raw = data.get("Attributes")
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise FrameError(BAD_REQUEST, "Attributes must map strings to strings", request_id)
    if attributes_size(raw) > MAX_ATTRIBUTES_BYTES:
        raise FrameError(
            PAYLOAD_TOO_LARGE, f"Attributes exceed {MAX_ATTRIBUTES_BYTES} bytes", request_id
        )
    return dict(raw)


@dataclass(frozen=True)
class Envelope:
    """A client frame's action and request id, before its fields are checked."""

    action: str
    request_id: str
    data: dict[str, Any]


CAPABILITY_OF: dict[str, Capability] = {
    "SEND_MESSAGE": "SEND_MESSAGE",
    "DELETE_MESSAGE": "DELETE_MESSAGE",
    "DISCONNECT_USER": "DISCONNECT_USER",
}


def parse_envelope(text: str | bytes) -> Envelope:
    """The frame's JSON object, Action and RequestId, or a FrameError (400/413)."""
    if len(text) > MAX_FRAME_BYTES:
        raise FrameError(PAYLOAD_TOO_LARGE, "Request is too large")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise FrameError(BAD_REQUEST, "Request is not valid JSON") from None
    if not isinstance(data, dict):
        raise FrameError(BAD_REQUEST, "Request must be a JSON object")
    request_id = data.get("RequestId")
    if not isinstance(request_id, str) or not request_id:
        raise FrameError(BAD_REQUEST, "RequestId is required")
    if len(request_id) > MAX_REQUEST_ID_LENGTH:
        raise FrameError(BAD_REQUEST, "RequestId is too long", request_id)
    action = data.get("Action")
    if action not in CAPABILITY_OF:
        raise FrameError(BAD_REQUEST, f"Unknown Action {action!r}", request_id)
    return Envelope(str(action), request_id, data)


def parse_fields(envelope: Envelope) -> ClientRequest:
    """The request's fields, checked as IVS checks them (400, or 413 for oversized ones)."""
    data, request_id = envelope.data, envelope.request_id
    if envelope.action == "SEND_MESSAGE":
        content = _string(data, "Content", request_id, required=True)
        assert content is not None
        return SendMessage(request_id, content, _attributes(data, request_id))
    if envelope.action == "DELETE_MESSAGE":
        message_id = _string(data, "Id", request_id, required=True)
        if not message_id:
            raise FrameError(BAD_REQUEST, "Id is required", request_id)
        return DeleteMessage(request_id, message_id, _reason(data, request_id))
    user_id = _string(data, "UserId", request_id, required=True)
    if not user_id:
        raise FrameError(BAD_REQUEST, "UserId is required", request_id)
    return DisconnectUser(request_id, user_id, _reason(data, request_id))


def parse_request(text: str | bytes) -> ClientRequest:
    """One client frame as a request, or a FrameError saying why IVS would refuse it."""
    return parse_fields(parse_envelope(text))


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


def error_frame(code: int, message: str, request_id: str | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "Type": "ERROR",
        "Id": new_id(),
        "ErrorCode": code,
        "ErrorMessage": message,
    }
    if request_id is not None:
        frame["RequestId"] = request_id
    return frame
