"""Moderation function: the moderator API behind API Gateway (HTTP API, IAM auth).

Moderators call it with SigV4-signed requests (the CLI ``python -m chatmod mod``, the local
page through the local room, or any AWS SDK); API Gateway checks the signature and the
caller's ``execute-api:Invoke`` permission before this function runs, and the caller's ARN is
recorded with what they did. The local room serves the same paths by invoking this function
from the template with the same event shape.

    POST   /moderation/rooms/{roomId}/bans            {"userId", "durationSeconds"?, "reason"?,
                                                       "scope"?: "room" | "account"}
    DELETE /moderation/rooms/{roomId}/bans/{userId}   ?scope=account for an account-wide one
    GET    /moderation/rooms/{roomId}/bans
    GET    /moderation/rooms/{roomId}/held                       pending held messages
    POST   /moderation/rooms/{roomId}/held/{messageId}/approve   delivered with SendEvent
    POST   /moderation/rooms/{roomId}/held/{messageId}/reject
    GET    /moderation/rooms/{roomId}/users/{userId}   recent refusals, strikes, sanctions, held
    POST   /moderation/rooms/{roomId}/messages/{messageId}/delete  {"reason"?, "requestId"?}
    POST   /moderation/rooms/{roomId}/users/{userId}/disconnect    {"reason"?, "requestId"?}
"""

from __future__ import annotations

import json
import re
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import (
    BadRequestError,
    InternalServerError,
    NotFoundError,
)
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ValidationError

from chatmod.aws.clients import make_client
from chatmod.moderation.held_service import Decided, HeldService
from chatmod.moderation.requests import ActionRequest, moderator_record, request_id, room_arn
from chatmod.moderation.sanctions import ROOM_ID_PATTERN, Sanction
from chatmod.moderation.service import BanRequest, SanctionService, Scope
from chatmod.moderation.wiring import (
    build_decision_log,
    build_held_store,
    build_sanction_store,
    moderation_client,
)
from chatmod.settings import Settings

SERVICE = "chatmod-moderation"
NAMESPACE = "chatmod"

settings = Settings.load()
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
app = APIGatewayHttpResolver()

_client = moderation_client() if settings.moderation_store == "dynamodb" else None
_store = build_sanction_store(settings, _client)
if _store is None:
    raise RuntimeError("the moderation function needs CHATMOD_MODERATION_STORE")
SANCTIONS = SanctionService(_store)
_IVSCHAT: list[Any] = []


def _ivschat() -> Any:
    """The ivschat client, made on the first approval (the local room's endpoint when set)."""
    if not _IVSCHAT:
        _IVSCHAT.append(make_client("ivschat", endpoint_url=settings.ivschat_endpoint_url))
    return _IVSCHAT[0]


_SENDER: list[Any] = []


def _sender() -> Any:
    """The escalation queue's sender, made on the first delete or disconnect."""
    if not _SENDER:
        from chatmod.aws.sqs_sender import EscalationSender

        if not settings.escalation_queue_url:
            raise InternalServerError("no escalation queue is configured")
        _SENDER.append(
            EscalationSender.create(
                settings.escalation_queue_url,
                2000,
                region=settings.aws_region,
                endpoint_url=settings.sqs_endpoint_url,
            )
        )
    return _SENDER[0]


_held_store = build_held_store(settings, _client)
assert _held_store is not None  # the same setting as the sanctions, checked above
HELD = HeldService(_held_store, _ivschat)
_decisions = build_decision_log(settings, _client)
assert _decisions is not None
DECISIONS = _decisions


def _caller() -> str | None:
    """The IAM principal API Gateway authenticated (the local room passes the access key's)."""
    context = app.current_event.raw_event.get("requestContext", {})
    iam = (context.get("authorizer") or {}).get("iam") or {}
    arn = iam.get("userArn") or iam.get("callerId")
    return str(arn) if arn else None


def _room(room_id: str) -> str:
    if room_id == "*" or not re.fullmatch(ROOM_ID_PATTERN, room_id):
        raise BadRequestError(f"not a room id: {room_id!r}")
    return room_id


def _body(model: type[BaseModel]) -> Any:
    try:
        data = json.loads(app.current_event.body or "{}")
    except ValueError:
        raise BadRequestError("the body is not JSON") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        raise BadRequestError(problems) from None


def _scope() -> Scope:
    scope = app.current_event.get_query_string_value("scope", "room") or "room"
    if scope not in ("room", "account"):
        raise BadRequestError("scope is room or account")
    return "account" if scope == "account" else "room"


def _json(status: int, body: Any) -> Response[str]:
    return Response(status, content_types.APPLICATION_JSON, json.dumps(body))


def _view(sanction: Sanction) -> dict[str, object]:
    return sanction.describe(SANCTIONS.clock_ms())


def _count(name: str) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


@app.post("/moderation/rooms/<room_id>/bans")
def impose(room_id: str) -> Response[str]:
    request: BanRequest = _body(BanRequest)
    sanction = SANCTIONS.impose(_room(room_id), request, by=_caller())
    logger.info("sanction imposed", extra={"sanction": sanction.model_dump(), "room_id": room_id})
    _count("Bans" if sanction.kind == "ban" else "Timeouts")
    return _json(201, _view(sanction))


@app.delete("/moderation/rooms/<room_id>/bans/<user_id>")
def lift(room_id: str, user_id: str) -> Response[str]:
    lifted = SANCTIONS.lift(_room(room_id), user_id, _scope())
    if lifted is None:
        raise NotFoundError(f"{user_id} has no timeout or ban in force here")
    logger.info("sanction lifted", extra={"sanction": lifted.model_dump(), "by": _caller()})
    _count("SanctionsLifted")
    return _json(200, {**_view(lifted), "lifted": True})


@app.get("/moderation/rooms/<room_id>/bans")
def in_force(room_id: str) -> Response[str]:
    return _json(200, {"bans": [_view(s) for s in SANCTIONS.in_force(_room(room_id))]})


@app.get("/moderation/rooms/<room_id>/held")
def held(room_id: str) -> Response[str]:
    return _json(200, {"held": [h.describe() for h in HELD.pending(_room(room_id))]})


def _decided(result: Decided, message_id: str, verb: str) -> Response[str]:
    if result.outcome == "missing":
        raise NotFoundError(f"no held message {message_id} in this room")
    if result.outcome != "done" or result.held is None:
        status = result.held.status if result.held is not None else result.outcome
        why = "its hold expired" if result.outcome == "expired" else f"it was already {status}"
        return _json(409, {"message": f"{message_id} cannot be {verb}: {why}"})
    logger.info(f"held message {verb}", extra={"held": result.held.model_dump(), "by": _caller()})
    _count(f"Held{verb.capitalize()}")
    return _json(200, result.held.describe())


@app.post("/moderation/rooms/<room_id>/held/<message_id>/approve")
def approve(room_id: str, message_id: str) -> Response[str]:
    return _decided(HELD.approve(_room(room_id), message_id, _caller()), message_id, "approved")


@app.post("/moderation/rooms/<room_id>/held/<message_id>/reject")
def reject(room_id: str, message_id: str) -> Response[str]:
    return _decided(HELD.reject(_room(room_id), message_id, _caller()), message_id, "rejected")


@app.get("/moderation/rooms/<room_id>/users/<user_id>")
def user_view(room_id: str, user_id: str) -> Response[str]:
    """What a moderator needs about one user here: refusals with reasons, strikes still
    counting, timeouts and bans in force, messages held."""
    room = _room(room_id)
    now = SANCTIONS.clock_ms()
    decisions = DECISIONS.recent(room, user_id)
    strikes = [d for d in decisions if d.strike_until_ms is not None and d.strike_until_ms > now]
    return _json(
        200,
        {
            "roomId": room,
            "userId": user_id,
            "decisions": [d.describe() for d in decisions],
            "strikes": len(strikes),
            "strikesExpireAtMs": max((d.strike_until_ms or 0 for d in strikes), default=None),
            "sanctions": [_view(s) for s in SANCTIONS.in_force(room) if s.user_id == user_id],
            "held": [h.describe() for h in HELD.pending(room) if h.user_id == user_id],
        },
    )


def _queue(kind: str, room_id: str, user_id: str, message_id: str | None) -> Response[str]:
    """Puts the moderator's request on the escalation queue; 202 with its request id."""
    body: ActionRequest = _body(ActionRequest)
    rid = message_id or body.requestId or request_id()
    arn = room_arn(_room(room_id), app.lambda_context.invoked_function_arn)
    try:
        record = moderator_record(kind, arn, user_id or body.userId or "-", rid, body.reason)
    except ValidationError as exc:
        raise BadRequestError(str(exc.errors()[0]["msg"])) from None
    _sender().send(record)
    logger.info("moderator request queued", extra={"kind": kind, "room_arn": arn, "by": _caller()})
    _count("ModeratorRequests")
    return _json(202, {"requestId": rid, "kind": kind, "roomArn": arn, "userId": record.user_id})


@app.post("/moderation/rooms/<room_id>/messages/<message_id>/delete")
def delete_message(room_id: str, message_id: str) -> Response[str]:
    return _queue("moderator_delete", room_id, "", message_id)


@app.post("/moderation/rooms/<room_id>/users/<user_id>/disconnect")
def disconnect_user(room_id: str, user_id: str) -> Response[str]:
    return _queue("moderator_disconnect", room_id, user_id, None)


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    _count("ModeratorApiRequests")
    return app.resolve(event, context)
