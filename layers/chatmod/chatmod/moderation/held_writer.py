"""What the review writes to the moderation store (a held message, a user's refusal), waiting
only as long as the answer to IVS allows: a write still running then finishes in the
background (logged as late)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Literal

from chatmod.moderation.history import DecisionLog, UserDecision
from chatmod.moderation.hold import HeldMessage, HeldStore

Written = Literal["done", "late", "failed"]


class ReviewWriter:
    def __init__(self, held: HeldStore, decisions: DecisionLog) -> None:
        self.held = held
        self.decisions = decisions
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chatmod-record")

    def start(self, decision: UserDecision, held: HeldMessage | None) -> Future[None]:
        """Starts writing the refusal, and the held message when there is one (that first),
        so the review can queue its escalation meanwhile."""

        def work() -> None:
            if held is not None:
                self.held.put(held)
            self.decisions.add(decision)

        return self._executor.submit(work)

    @staticmethod
    def wait(future: Future[None], timeout_s: float) -> Written:
        try:
            future.result(timeout=max(0.0, timeout_s))
        except FutureTimeout:
            return "late"
        except Exception:
            return "failed"
        return "done"

    def write_within(
        self, decision: UserDecision, held: HeldMessage | None, timeout_s: float
    ) -> Written:
        return self.wait(self.start(decision, held), timeout_s)
