"""The moderator API's routes over the moderation store, the ivschat client and the queue.

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

Deletes and disconnects go on the escalation queue, so the escalation function acts on them
as it does on strikes; the ivschat client and the queue's sender are made on first use.
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
from pydantic import BaseModel, ValidationError

from chatmod.aws import wiring
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

# The moderator's request has no IVS deadline: the queue may take its time to answer.
SEND_TIMEOUT_MS = 2000


class ModeratorApi:
    """The routes on one resolver, and the services they use."""

    def __init__(self, settings: Settings, logger: Logger, metrics: Metrics) -> None:
        self._settings = settings
        self._logger = logger
        self._metrics = metrics
        self._ivschat_client: Any = None
        self._sender: Any = None
        client = moderation_client() if settings.moderation_store == "dynamodb" else None
        store = build_sanction_store(settings, client)
        held = build_held_store(settings, client)
        decisions = build_decision_log(settings, client)
        if store is None or held is None or decisions is None:  # one setting for the three
            raise RuntimeError("the moderation function needs CHATMOD_MODERATION_STORE")
        self.sanctions = SanctionService(store)
        self.held = HeldService(held, self._ivschat)
        self.decisions = decisions
        self.resolver = APIGatewayHttpResolver()
        room = "/moderation/rooms/<room_id>"
        for method, path, route in (
            ("POST", f"{room}/bans", self.impose),
            ("DELETE", f"{room}/bans/<user_id>", self.lift),
            ("GET", f"{room}/bans", self.in_force),
            ("GET", f"{room}/held", self.pending),
            ("POST", f"{room}/held/<message_id>/approve", self.approve),
            ("POST", f"{room}/held/<message_id>/reject", self.reject),
            ("GET", f"{room}/users/<user_id>", self.user_view),
            ("POST", f"{room}/messages/<message_id>/delete", self.delete_message),
            ("POST", f"{room}/users/<user_id>/disconnect", self.disconnect_user),
        ):
            self.resolver.route(path, method)(route)

    def impose(self, room_id: str) -> Response[str]:
        request: BanRequest = self._body(BanRequest)
        sanction = self.sanctions.impose(_room(room_id), request, by=self._caller())
        self._logger.info(
            "sanction imposed", extra={"sanction": sanction.model_dump(), "room_id": room_id}
        )
        self._count("Bans" if sanction.kind == "ban" else "Timeouts")
        return _json(201, self._view(sanction))

    def lift(self, room_id: str, user_id: str) -> Response[str]:
        lifted = self.sanctions.lift(_room(room_id), user_id, self._scope())
        if lifted is None:
            raise NotFoundError(f"{user_id} has no timeout or ban in force here")
        self._logger.info(
            "sanction lifted", extra={"sanction": lifted.model_dump(), "by": self._caller()}
        )
        self._count("SanctionsLifted")
        return _json(200, {**self._view(lifted), "lifted": True})

    def in_force(self, room_id: str) -> Response[str]:
        return _json(
            200, {"bans": [self._view(s) for s in self.sanctions.in_force(_room(room_id))]}
        )

    def pending(self, room_id: str) -> Response[str]:
        return _json(200, {"held": [h.describe() for h in self.held.pending(_room(room_id))]})

    def approve(self, room_id: str, message_id: str) -> Response[str]:
        decided = self.held.approve(_room(room_id), message_id, self._caller())
        return self._decided(decided, message_id, "approved")

    def reject(self, room_id: str, message_id: str) -> Response[str]:
        decided = self.held.reject(_room(room_id), message_id, self._caller())
        return self._decided(decided, message_id, "rejected")

    def user_view(self, room_id: str, user_id: str) -> Response[str]:
        """What a moderator needs about one user here: refusals with reasons, strikes still
        counting, timeouts and bans in force, messages held."""
        room = _room(room_id)
        now = self.sanctions.clock_ms()
        decisions = self.decisions.recent(room, user_id)
        strikes = [
            d for d in decisions if d.strike_until_ms is not None and d.strike_until_ms > now
        ]
        in_force = self.sanctions.in_force(room)
        return _json(
            200,
            {
                "roomId": room,
                "userId": user_id,
                "decisions": [d.describe() for d in decisions],
                "strikes": len(strikes),
                "strikesExpireAtMs": max((d.strike_until_ms or 0 for d in strikes), default=None),
                "sanctions": [self._view(s) for s in in_force if s.user_id == user_id],
                "held": [h.describe() for h in self.held.pending(room) if h.user_id == user_id],
            },
        )

    def delete_message(self, room_id: str, message_id: str) -> Response[str]:
        return self._queue("moderator_delete", room_id, "", message_id)

    def disconnect_user(self, room_id: str, user_id: str) -> Response[str]:
        return self._queue("moderator_disconnect", room_id, user_id, None)

    def _decided(self, result: Decided, message_id: str, verb: str) -> Response[str]:
        if result.outcome == "missing":
            raise NotFoundError(f"no held message {message_id} in this room")
        if result.outcome != "done" or result.held is None:
            status = result.held.status if result.held is not None else result.outcome
            why = "its hold expired" if result.outcome == "expired" else f"it was already {status}"
            return _json(409, {"message": f"{message_id} cannot be {verb}: {why}"})
        self._logger.info(
            f"held message {verb}", extra={"held": result.held.model_dump(), "by": self._caller()}
        )
        self._count(f"Held{verb.capitalize()}")
        return _json(200, result.held.describe())

    def _queue(
        self, kind: str, room_id: str, user_id: str, message_id: str | None
    ) -> Response[str]:
        """Puts the moderator's request on the escalation queue; 202 with its request id."""
        body: ActionRequest = self._body(ActionRequest)
        rid = message_id or body.requestId or request_id()
        arn = room_arn(_room(room_id), self.resolver.lambda_context.invoked_function_arn)
        try:
            record = moderator_record(kind, arn, user_id or body.userId or "-", rid, body.reason)
        except ValidationError as exc:
            raise BadRequestError(str(exc.errors()[0]["msg"])) from None
        self._escalation_sender().send(record)
        self._logger.info(
            "moderator request queued", extra={"kind": kind, "room_arn": arn, "by": self._caller()}
        )
        self._count("ModeratorRequests")
        return _json(
            202, {"requestId": rid, "kind": kind, "roomArn": arn, "userId": record.user_id}
        )

    def _ivschat(self) -> Any:
        """The ivschat client, made on the first approval (the local room's endpoint when set)."""
        if self._ivschat_client is None:
            endpoint = self._settings.ivschat_endpoint_url
            self._ivschat_client = make_client("ivschat", endpoint_url=endpoint)
        return self._ivschat_client

    def _escalation_sender(self) -> Any:
        """The escalation queue's sender, made on the first delete or disconnect."""
        if self._sender is None:
            if not self._settings.escalation_queue_url:
                raise InternalServerError("no escalation queue is configured")
            self._sender = wiring.escalation_sender(self._settings, SEND_TIMEOUT_MS)
        return self._sender

    def _caller(self) -> str | None:
        """The IAM principal API Gateway authenticated (the local room passes the access
        key's)."""
        context = self.resolver.current_event.raw_event.get("requestContext", {})
        iam = (context.get("authorizer") or {}).get("iam") or {}
        arn = iam.get("userArn") or iam.get("callerId")
        return str(arn) if arn else None

    def _body(self, model: type[BaseModel]) -> Any:
        try:
            data = json.loads(self.resolver.current_event.body or "{}")
        except ValueError:
            raise BadRequestError("the body is not JSON") from None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
            )
            raise BadRequestError(problems) from None

    def _scope(self) -> Scope:
        scope = self.resolver.current_event.get_query_string_value("scope", "room") or "room"
        if scope not in ("room", "account"):
            raise BadRequestError("scope is room or account")
        return "account" if scope == "account" else "room"

    def _view(self, sanction: Sanction) -> dict[str, object]:
        return sanction.describe(self.sanctions.clock_ms())

    def _count(self, name: str) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


def _room(room_id: str) -> str:
    if room_id == "*" or not re.fullmatch(ROOM_ID_PATTERN, room_id):
        raise BadRequestError(f"not a room id: {room_id!r}")
    return room_id


def _json(status: int, body: Any) -> Response[str]:
    return Response(status, content_types.APPLICATION_JSON, json.dumps(body))
