"""Puts a held message in the store from the review, waiting only as long as the answer to IVS
allows: a write still running then finishes in the background (logged as late)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Literal

from chatmod.moderation.hold import HeldMessage, HeldStore

Written = Literal["done", "late", "failed"]


class HeldWriter:
    def __init__(self, store: HeldStore) -> None:
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chatmod-hold")

    def write_within(self, held: HeldMessage, timeout_s: float) -> Written:
        future = self._executor.submit(self.store.put, held)
        try:
            future.result(timeout=max(0.0, timeout_s))
        except FutureTimeout:
            return "late"
        except Exception:
            return "failed"
        return "done"
