"""The review's view of the sanctions: an in-memory index refreshed in the background.

A message is checked against the index with two dict lookups and no I/O. A background thread
asks the store for the changes since its last look every ``refresh_s`` (a few hundred bytes
when nothing changed), so a new timeout reaches every warm instance within that period plus
the store's own lag. In Lambda a background thread runs only while an invocation does: an
instance thawed after a quiet spell holds an index older than ``max_age_s``, so the first
message then wakes the thread and waits for it at most ``stale_wait_s`` (one small query);
a store that does not answer in time leaves the last index in force (never the fail mode),
and while it keeps failing, messages do not wait for it again (only for a look not yet tried).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field

from chatmod.moderation.sanctions import Sanction, SanctionIndex
from chatmod.moderation.store import SanctionStore

log = logging.getLogger("chatmod.sanctions")
# Changes are asked for from this long before the newest one seen: a write stamped by a
# slower clock, or one a DynamoDB index shows late, is still picked up (re-applying is harmless).
OVERLAP_MS = 10_000


def _wall_ms() -> int:
    return int(time.time() * 1000)


@dataclass(eq=False, repr=False)
class SanctionCache:
    store: SanctionStore
    _: KW_ONLY
    refresh_s: float = 1.0
    max_age_s: float = 5.0
    stale_wait_s: float = 0.03
    wall_ms: Callable[[], int] = _wall_ms
    on_error: Callable[[BaseException], None] | None = None
    _index: SanctionIndex = field(default_factory=SanctionIndex, init=False)
    _watermark_ms: int = field(default=0, init=False)  # the newest updated_at_ms seen
    # Monotonic times of the last successful refresh, and of the last attempt, failed or not.
    _loaded_at: float | None = field(default=None, init=False)
    _tried_at: float | None = field(default=None, init=False)
    _wake: threading.Event = field(default_factory=threading.Event, init=False)
    _fresh: threading.Event = field(default_factory=threading.Event, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    @property
    def size(self) -> int:
        return len(self._index)

    def age_s(self) -> float | None:
        return None if self._loaded_at is None else time.monotonic() - self._loaded_at

    def refresh(self) -> None:
        """One look at the store's changes; raises what the store raises."""
        with self._lock:
            since = max(0, self._watermark_ms - OVERLAP_MS) if self._loaded_at else 0
            changes = self.store.changes_since(since)
            if changes:
                self._watermark_ms = max(self._watermark_ms, *(c.updated_at_ms for c in changes))
            self._index = self._index.merged(changes, self.wall_ms())
            self._loaded_at = time.monotonic()

    def _run(self) -> None:
        while True:
            try:
                self.refresh()
            except Exception as exc:  # the last index stays in force
                log.warning("sanctions not refreshed: %s", exc)
                if self.on_error is not None:
                    self.on_error(exc)
            finally:
                self._tried_at = time.monotonic()
                self._fresh.set()
            self._wake.wait(self.refresh_s)
            self._wake.clear()

    def start(self) -> SanctionCache:
        """Loads in the background and keeps following the store (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="chatmod-sanctions", daemon=True)
            self._thread.start()
        return self

    def tried(self, timeout_s: float) -> bool:
        """Waits until the background thread has made at least one attempt (tests, tools)."""
        deadline = time.monotonic() + timeout_s
        while self._tried_at is None and time.monotonic() < deadline:
            self._fresh.wait(0.05)
        return self._tried_at is not None

    def stale(self) -> bool:
        """Whether a message should wake the refresh and wait for it: the thread is running
        and its last attempt (not only its last success) is older than ``max_age_s``."""
        if self._thread is None:
            return False
        tried = self._tried_at
        return tried is None or time.monotonic() - tried > self.max_age_s

    def find(self, room_arn: str, user_id: str) -> Sanction | None:
        """The sanction refusing this sender now, from memory (see the module's docstring for
        the one bounded wait after a quiet spell)."""
        if self.stale():
            self._fresh.clear()
            self._wake.set()
            self._fresh.wait(self.stale_wait_s)
        return self._index.find(room_arn, user_id, self.wall_ms())
