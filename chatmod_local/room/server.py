"""Puts the local room together: one HTTP port for the page, the messaging WebSocket, the
ivschat control plane and the SQS endpoint; the review function in-process, the escalation
function in a worker process fed by the local queue.

The review function owns this process's environment, as a Lambda instance owns its own: the
threads it starts at init (model load, escalation sender, IP key) see its region, SQS endpoint
and credentials. The worker is started with the room's environment from before, not the
function's."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from aiohttp import web

from chatmod_local.invoke import DEFAULT_TEMPLATE, ROOT, LocalFunction
from chatmod_local.room.audit_tap import AuditTap
from chatmod_local.room.control import ControlPlane, Limits
from chatmod_local.room.endpoint import is_upgrade, messaging_handler
from chatmod_local.room.escalations import SqsEventSource, WorkerFunction
from chatmod_local.room.feed import LocalFeed
from chatmod_local.room.guard import request_guard
from chatmod_local.room.messaging import Hub
from chatmod_local.room.moderator_api import MODERATION_FUNCTION, ModeratorApi
from chatmod_local.room.page import PageConfig, index, page_routes
from chatmod_local.room.page_moderators import PageModerators
from chatmod_local.room.queue import LocalQueue, SqsEndpoint
from chatmod_local.room.review import REVIEW_DEADLINE_S, ReviewGate
from chatmod_local.room.state import (
    MINUTE_S,
    Directory,
    FallbackResult,
    ReviewHandler,
    Room,
    function_arn,
)
from chatmod_local.room.wiring import read_wiring

log = logging.getLogger("chatmod.room")
DEFAULT_ROOM_ID = "chatmodlocal"


WARM_TIMEOUT_S = 120.0  # --warm: the longest wait for the review instance's background start


@dataclass
class RoomOptions:
    """How to run the room; None means "as the template says"."""

    host: str = "127.0.0.1"
    port: int = 8700
    template: Path = DEFAULT_TEMPLATE
    parameter_overrides: dict[str, str] = field(default_factory=dict)
    policy_file: str | None = None
    room_id: str = DEFAULT_ROOM_ID
    maximum_message_length: int | None = None
    maximum_message_rate_per_second: int | None = None
    fallback_result: str | None = None
    review_deadline_s: float = REVIEW_DEADLINE_S
    escalations: bool = True
    visibility_timeout_s: float | None = None
    function_env: dict[str, str] = field(default_factory=dict)
    node_modules: Path = ROOT / "node_modules"
    function_logs: IO[str] | None = None
    session_minute_s: float = MINUTE_S  # one minute of sessionDurationInMinutes, in seconds
    warm: bool = False  # ready only once the review instance's background start is done


@dataclass(frozen=True)
class RoomUrls:
    page: str
    messaging: str
    control_plane: str
    room_arn: str
    queue: str

    def describe(self) -> dict[str, str]:
        return {
            "url": self.page,
            "messagingUrl": self.messaging,
            "endpointUrl": self.control_plane,
            "roomArn": self.room_arn,
            "queueUrl": self.queue,
        }


def room_app(
    directory: Directory,
    hub: Hub,
    sqs: SqsEndpoint,
    page: PageConfig | None = None,
    *,
    hosts: Iterable[str] = (),
    limits: Limits | None = None,
    moderators: PageModerators | None = None,
) -> web.Application:
    """The room's one HTTP port: messaging WebSocket and page on ``/``, SQS on ``POST /``,
    the ivschat operations on ``POST /<Operation>`` and ``/tags/*``, the page's assets and
    API; every request passes the guard (``hosts``: names served beyond the loopback ones)."""
    messaging = messaging_handler(directory, hub)

    async def root(request: web.Request) -> web.StreamResponse:
        if is_upgrade(request):
            return await messaging(request)
        if page is None:
            raise web.HTTPNotFound()
        return await index(request)

    app = web.Application(client_max_size=1024 * 1024, middlewares=[request_guard(hosts)])
    app.add_routes([web.get("/", root), web.post("/", sqs.handle)])
    app.add_routes(ControlPlane(directory, hub, limits).routes())
    if page is not None:
        app.add_routes(page_routes(directory, page, hub.observer, moderators))
    return app


def fallback_of(value: str) -> FallbackResult:
    result = value.strip().upper()
    if result == "ALLOW":
        return "ALLOW"
    if result == "DENY":
        return "DENY"
    raise ValueError(f"FallbackResult must be ALLOW or DENY, not {value!r}")


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


class RoomServer:
    """The local room, started and stopped as one piece."""

    def __init__(self, options: RoomOptions) -> None:
        self.options = options
        self.wiring = read_wiring(options.template, options.parameter_overrides)
        self.directory = Directory(session_minute_s=options.session_minute_s)
        self.gate = ReviewGate({}, options.review_deadline_s)
        self.hub = Hub(self.directory, self.gate)
        self.room: Room | None = None
        self.queue: LocalQueue | None = None
        self.review_function: LocalFunction | None = None
        self.moderation_function: LocalFunction | None = None
        self.moderator_api = ModeratorApi()
        self.feed = LocalFeed()  # what the moderation table's stream would publish, deployed
        self.escalation_function: WorkerFunction | None = None
        self.event_source: SqsEventSource | None = None
        self.urls: RoomUrls | None = None
        self._runner: web.AppRunner | None = None
        self._room_environ = dict(os.environ)  # what the worker starts with

    def _function_env(self, base_url: str, queue: LocalQueue) -> dict[str, str]:
        env = {
            "AWS_ENDPOINT_URL_SQS": base_url,
            "AWS_ENDPOINT_URL_IVSCHAT": base_url,
            "CHATMOD_ESCALATION_QUEUE_URL": queue.url,
            "CHATMOD_IVSCHAT_ENDPOINT_URL": base_url,
            "CHATMOD_LEDGER": "memory",
            "CHATMOD_IDEMPOTENCY": "memory",
            # One process holds the review and moderation functions: they share the sanctions
            # in memory, looked at every 0.2 s (a table's change index, deployed).
            "CHATMOD_MODERATION_STORE": "memory",
            "CHATMOD_SANCTIONS_REFRESH_SECONDS": "0.2",
            # The escalation worker is a process of its own: the ladder's timeouts and bans
            # reach the room's sanctions through the moderator API.
            "CHATMOD_MODERATION_API_URL": base_url,
        }
        if not self.options.escalations:
            env["CHATMOD_ESCALATION_QUEUE_URL"] = ""
        if self.options.policy_file:
            env["CHATMOD_POLICY_FILE"] = str(Path(self.options.policy_file).resolve())
            env["CHATMOD_POLICY_PARAMETER"] = ""
        env.update(self.options.function_env)
        return env

    def _app(self, page: PageConfig, sqs: SqsEndpoint) -> web.Application:
        app = room_app(
            self.directory,
            self.hub,
            sqs,
            page,
            hosts=[self.options.host],
            moderators=PageModerators(self.moderator_api),
        )

        async def health(request: web.Request) -> web.Response:
            return web.json_response({"ok": True, "functions": self.functions_ready()})

        app.add_routes([web.get("/healthz", health)])
        app.add_routes(self.moderator_api.routes())
        app.add_routes(self.feed.routes())
        return app

    def functions_ready(self) -> dict[str, bool]:
        return {
            "review": self.review_function is not None,
            "escalation": self.escalation_function is not None
            and self.escalation_function.init_ms is not None,
        }

    async def start(self) -> RoomUrls:
        options, wiring = self.options, self.wiring
        sock = _bind(options.host, options.port)
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        base_url = f"http://{shown}:{port}"
        queue = LocalQueue(
            wiring.queue_name,
            base_url,
            visibility_timeout_s=options.visibility_timeout_s or wiring.visibility_timeout_s,
            max_receives=wiring.max_receives,
            on_put=self.hub.observer.escalated,
        )
        self.queue = queue
        review_arn = function_arn(wiring.review_function, "live")
        self.room = self.directory.create_room(
            room_id=options.room_id,
            name=wiring.room_name,
            maximum_message_length=options.maximum_message_length or wiring.maximum_message_length,
            maximum_message_rate_per_second=(
                options.maximum_message_rate_per_second or wiring.maximum_message_rate_per_second
            ),
            review_handler=ReviewHandler(
                review_arn, fallback_of(options.fallback_result or wiring.fallback_result)
            ),
        )
        self.urls = RoomUrls(
            page=f"{base_url}/",
            messaging=f"ws://{shown}:{port}/",
            control_plane=base_url,
            room_arn=self.room.arn,
            queue=queue.url,
        )
        page = PageConfig(
            room_arn=self.room.arn,
            messaging_url=self.urls.messaging,
            node_modules=options.node_modules,
        )
        self._runner = web.AppRunner(
            self._app(page, SqsEndpoint({queue.name: queue})), access_log=None
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        env = self._function_env(base_url, queue)
        self.feed.follow_memory_stores()
        await self._load_review(env)
        await self._load_moderation(env)
        if options.escalations and wiring.escalation_function:
            await self._start_escalations(wiring.escalation_function, env, queue)
        elif options.escalations:
            log.warning("no escalation function in the template; records stay in the local queue")
        return self.urls

    async def _load_function(
        self, name: str, env: Mapping[str, str], stream: IO[str], *, owns_process: bool = False
    ) -> LocalFunction:
        """One template function, initialized off the event loop (a cold start)."""
        function = await asyncio.to_thread(
            LocalFunction,
            name,
            self.options.template,
            overrides=self.options.parameter_overrides,
            env=env,
            log_stream=stream,
            owns_process=owns_process,
        )
        log.info("%s initialized in %.0f ms", name, function.init_ms)
        return function

    async def _load_review(self, env: Mapping[str, str]) -> None:
        name = self.wiring.review_function
        # The audit lines tell the moderator panel which rule decided (as Logs would).
        stream: IO[str] = cast(
            IO[str], AuditTap(self.options.function_logs or sys.stderr, self.hub.observer.audited)
        )
        function = await self._load_function(name, env, stream, owns_process=True)
        # A template's own review function may keep no runtime: nothing to wait for then.
        runtime = getattr(function.module, "RUNTIME", None)
        if self.options.warm and runtime is not None:
            await asyncio.to_thread(runtime.startup.join, WARM_TIMEOUT_S)
        self.review_function = function
        self.gate.register(name, function.invoke)

    async def _load_moderation(self, env: Mapping[str, str]) -> None:
        """The moderator API's function, in this process beside the review function (whose
        environment the process carries): it sees the same in-memory sanctions."""
        if MODERATION_FUNCTION not in self.wiring.functions:
            return
        stream = self.options.function_logs or sys.stderr
        function = await self._load_function(MODERATION_FUNCTION, env, stream)
        self.moderation_function = function
        self.moderator_api.invoke = function.invoke

    async def _start_escalations(
        self, name: str, env: Mapping[str, str], queue: LocalQueue
    ) -> None:
        worker = WorkerFunction(
            name,
            self.options.template,
            env,
            timeout_s=self.wiring.escalation_timeout_s,
            process_env=self._room_environ,
        )
        try:
            await worker.start()
        except Exception as exc:  # the room still works; records wait in the queue
            log.error("escalation function unavailable: %s", exc)
            return
        self.escalation_function = worker
        self.event_source = SqsEventSource(
            queue,
            worker.invoke,
            batch_size=self.wiring.batch_size,
            batch_window_s=self.wiring.batch_window_s,
            on_done=self.hub.observer.escalation_done,
        )
        self.event_source.start()
        log.info("%s initialized in %.0f ms (worker process)", name, worker.init_ms or 0.0)

    async def stop(self) -> None:
        self.feed.stop_following()
        if self.event_source is not None:
            await self.event_source.stop()
        if self.escalation_function is not None:
            await self.escalation_function.stop()
        await self.hub.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
        self.gate.close()
        if self.review_function is not None:
            self.review_function.close()
