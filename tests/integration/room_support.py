"""The whole local room (template functions included) on a loop thread of its own, and the
clients a test drives it with: chat tokens from the control plane, WebSocket senders and the
SigV4-signing moderator API client."""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.credentials import Credentials
from websockets.sync.client import ClientConnection, connect

from chatmod.moderation.client import ModerationClient
from chatmod_local.room.server import RoomOptions, RoomServer, RoomUrls

NOT_ACCEPTABLE = 406  # the review handler's DENY
LOCAL_CREDENTIALS = Credentials("AKIDMODERATOR", "local-secret")


@dataclass
class LiveRoom:
    server: RoomServer
    urls: RoomUrls
    logs: io.StringIO

    @property
    def base_url(self) -> str:
        return self.urls.control_plane

    def moderator(self) -> ModerationClient:
        return ModerationClient(self.base_url, credentials=LOCAL_CREDENTIALS)

    def ivschat(self) -> Any:
        return boto3.client(
            "ivschat",
            endpoint_url=self.base_url,
            region_name="us-east-1",
            aws_access_key_id="AKIDAPP",
            aws_secret_access_key="local-secret",
        )

    def join(
        self, user_id: str, attributes: dict[str, str] | None = None, capabilities: Any = None
    ) -> ClientConnection:
        """A new connection of ``user_id`` with a fresh token from CreateChatToken."""
        token = self.ivschat().create_chat_token(
            roomIdentifier=self.urls.room_arn,
            userId=user_id,
            capabilities=capabilities or ["SEND_MESSAGE"],
            attributes=attributes or {"displayName": user_id},
        )["token"]
        return connect(self.urls.messaging, subprotocols=[token], open_timeout=5)


@contextmanager
def running_room(options: RoomOptions) -> Iterator[LiveRoom]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="room-loop", daemon=True)
    thread.start()
    logs = io.StringIO()
    options.function_logs = logs
    options.port = 0
    options.warm = True  # the review instance follows the moderation store from the first message
    # IVS's 200 ms would hand a review slowed by a busy machine to the room's fallback (ALLOW):
    # these tests are about what the functions decide, not how fast.
    options.review_deadline_s = 10.0
    server = RoomServer(options)
    try:
        urls = asyncio.run_coroutine_threadsafe(server.start(), loop).result(120)
        yield LiveRoom(server, urls, logs)
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@contextmanager
def room_with_policy(
    folder: Path, policy: str, env: dict[str, str], *, escalations: bool = True
) -> Iterator[LiveRoom]:
    """The room running ``policy`` (written into ``folder``) with the functions' ``env``."""
    path = folder / "policy.yaml"
    path.write_text(policy, encoding="utf-8")
    options = RoomOptions(escalations=escalations, policy_file=str(path), function_env=env)
    with running_room(options) as live:
        yield live


def send(ws: ClientConnection, content: str) -> dict[str, Any]:
    """Sends a message and returns the answer to it: its MESSAGE frame or its ERROR."""
    request_id = uuid.uuid4().hex
    ws.send(json.dumps({"Action": "SEND_MESSAGE", "RequestId": request_id, "Content": content}))
    while True:
        frame: dict[str, Any] = json.loads(ws.recv(timeout=10))
        if frame.get("RequestId") == request_id:
            return frame


def receive_until(ws: ClientConnection, wanted: str, timeout_s: float = 10.0) -> dict[str, Any]:
    """The next frame of type ``wanted`` (others are skipped)."""
    deadline = time.monotonic() + timeout_s
    while True:
        frame: dict[str, Any] = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if frame.get("Type") == wanted:
            return frame


def send_until_refused(ws: ClientConnection, content: str, tries: int = 40) -> dict[str, Any]:
    """Sends until the room refuses (a sanction reaches the review instance at its next look
    at the store); the refusal frame."""
    for _ in range(tries):
        answer = send(ws, content)
        if answer["Type"] == "ERROR" and answer["ErrorCode"] == NOT_ACCEPTABLE:
            return answer
        time.sleep(0.15)  # within the room's 10 messages a second
    raise AssertionError(f"never refused after {tries} messages")


def send_until_delivered(ws: ClientConnection, content: str, tries: int = 40) -> dict[str, Any]:
    for _ in range(tries):
        answer = send(ws, content)
        if answer["Type"] == "MESSAGE":
            return answer
        time.sleep(0.15)
    raise AssertionError(f"never delivered after {tries} messages")
