"""The moderation feed of the local room: the events the deployed feed function would publish
from the moderation table's stream, taken from the in-memory stores' writes, kept for the
page (``GET /api/feed``) and logged. The escalation worker's deletes and disconnects are
logged by the worker itself (its own process)."""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any

from aiohttp import web

from chatmod.moderation.feed import FeedEvent, object_event
from chatmod.moderation.history import shared_memory_decision_log
from chatmod.moderation.hold import shared_memory_held_store
from chatmod.moderation.store import shared_memory_store

log = logging.getLogger("chatmod.room.feed")
FEED_MAX = 500


class LocalFeed:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: deque[FeedEvent] = deque(maxlen=FEED_MAX)

    def _stores(self) -> list[Any]:
        return [shared_memory_store(), shared_memory_held_store(), shared_memory_decision_log()]

    def written(self, record: object) -> None:
        event = object_event(record)
        if event is None:
            return
        with self._lock:
            self.events.append(event)
        log.info("feed %s", event.model_dump_json())

    def follow_memory_stores(self) -> None:
        for store in self._stores():
            store.listeners.append(self.written)

    def stop_following(self) -> None:
        for store in self._stores():
            if self.written in store.listeners:
                store.listeners.remove(self.written)

    def snapshot(self, room_id: str | None = None) -> list[dict[str, Any]]:
        """Newest first."""
        with self._lock:
            events = list(self.events)
        kept = [e for e in events if room_id is None or e.roomId in (room_id, "*")]
        return [e.model_dump() for e in reversed(kept)]

    def routes(self) -> list[web.RouteDef]:
        async def feed(request: web.Request) -> web.Response:
            room = request.query.get("roomId")
            return web.json_response(
                {"events": self.snapshot(room)}, headers={"Cache-Control": "no-store"}
            )

        return [web.get("/api/feed", feed)]
