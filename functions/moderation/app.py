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
"""

from __future__ import annotations

import json
import re
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import BadRequestError, NotFoundError
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ValidationError

from chatmod.moderation.sanctions import ROOM_ID_PATTERN, Sanction
from chatmod.moderation.service import BanRequest, SanctionService, Scope
from chatmod.moderation.wiring import build_sanction_store
from chatmod.settings import Settings

SERVICE = "chatmod-moderation"
NAMESPACE = "chatmod"

settings = Settings.load()
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
app = APIGatewayHttpResolver()

_store = build_sanction_store(settings)
if _store is None:
    raise RuntimeError("the moderation function needs CHATMOD_MODERATION_STORE")
SANCTIONS = SanctionService(_store)


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


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
