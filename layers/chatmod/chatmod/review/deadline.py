"""A review's time budget: IVS gives the whole invocation 200 ms, then applies its fallback,
which by default delivers the message unreviewed. A crafted message must not buy that.

The review checks the budget before each costly stage and skips the stage when what is left
could not cover it: before the model, the rules answer alone; before attribution, the message
goes out with its gray zone. The budget records the stage it cut, so the handler can count the
answer (``DeadlineAnswer``) and queue the message for the second opinion.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

Stage = Literal["model", "attribution"]
T = TypeVar("T")
Clock = Callable[[], float]

# What each stage may take at worst on a slow share of a core (0.58 of one at 1024 MB):
# the model reads the message once, in at most two readings (as typed and de-obfuscated, of the
# text as the rules masked it); attribution is one or two batched runs and up to two exact ones.
STAGE_RESERVE_S: dict[Stage, float] = {"model": 0.060, "attribution": 0.060}
# Attribution's own bound, whatever time is left: it reads the whole message about 15 times
# (without each of up to 12 candidate words, then up to two exact checks). A chat line costs a
# few ms; a 500-code-point message would cost several whole reviews, which is what a crafted
# message would buy. A longer model view goes out with its gray zone for the second opinion.
ATTRIBUTION_MAX_CHARS = 100
# From invocation start to the answer, leaving IVS's 200 ms room for the escalation send's
# wait (which ends at the same mark), the audit line, metrics and the response's trip.
REVIEW_BUDGET_S = 0.150
# Kept free of a Lambda context's remaining time (a function timeout shorter than the budget).
CONTEXT_MARGIN_S = 0.020


class Deadline:
    """When the review must be done by, on a monotonic ``clock`` (a fake one in tests)."""

    def __init__(self, at: float, clock: Clock = time.perf_counter) -> None:
        self.at = at
        self.clock = clock
        self.cut: Stage | None = None  # the first stage skipped for want of time
        self.per_text_s = 0.0  # the slowest model input so far, per text, in this review

    @classmethod
    def after(cls, seconds: float, clock: Clock = time.perf_counter) -> Deadline:
        return cls(clock() + seconds, clock)

    def left_s(self) -> float:
        return self.at - self.clock()

    def allows(self, stage: Stage, cost_s: float = 0.0, *, chars: int = 0) -> bool:
        """Whether ``stage`` fits in what is left: its reserve, or ``cost_s`` (an estimate from
        the model runs this review already timed) when larger; attribution only over at most
        ``ATTRIBUTION_MAX_CHARS`` (``chars``: the text it would read). Records the cut when not."""
        bounded = stage != "attribution" or chars <= ATTRIBUTION_MAX_CHARS
        if bounded and self.left_s() >= max(STAGE_RESERVE_S[stage], cost_s):
            return True
        self.cut = self.cut or stage
        return False

    def timed_run(self, run: Callable[[Sequence[str]], T], texts: Sequence[str]) -> T:
        """A model run over ``texts``, timed so later stages can estimate their own cost."""
        started = self.clock()
        result = run(texts)
        if texts:
            self.per_text_s = max(self.per_text_s, (self.clock() - started) / len(texts))
        return result

    def cost_of(self, texts: int) -> float:
        """What ``texts`` more model inputs of this message's length should take."""
        return self.per_text_s * texts


def invocation_deadline(
    started: float, remaining_ms: int | None, clock: Clock = time.perf_counter
) -> Deadline:
    """``REVIEW_BUDGET_S`` after ``started`` (a ``clock`` reading at invocation start), or
    sooner when the Lambda context has less time left than that."""
    at = started + REVIEW_BUDGET_S
    if remaining_ms is not None:
        at = min(at, clock() + remaining_ms / 1000 - CONTEXT_MARGIN_S)
    return Deadline(at, clock)
