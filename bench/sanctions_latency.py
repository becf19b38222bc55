"""Review latency with 10,000 timeouts and bans in force against none, through the real
review handler from template.yaml (model included), and the cost of the check itself.

The two conditions alternate in rounds on the same warm instance, so drift of the machine
falls on both. The senders are not among the sanctioned users (their messages go through the
whole review); a last run times the refusal of a banned sender.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from typing import Any

from bench.handler_latency import CHAT_LINES, _event, _percentiles
from chatmod.moderation.cache import SanctionCache
from chatmod.moderation.sanctions import Sanction
from chatmod.moderation.store import MemorySanctionStore
from chatmod_local.invoke import LocalFunction

ROOM_ID = "bench"  # the room of bench.handler_latency's events


def _store(count: int, rng: random.Random) -> MemorySanctionStore:
    """``count`` sanctions written an hour ago: half timeouts, half bans, a tenth account-wide."""
    store = MemorySanctionStore()
    now = int(time.time() * 1000)
    written = now - 3_600_000
    for i in range(count):
        store.put(
            Sanction(
                room_id="*" if i % 10 == 0 else ROOM_ID,
                user_id=f"banned-{i}",
                until_ms=None if i % 2 else now + rng.randint(60, 86_400) * 1000,
                reason="bench",
                created_at_ms=written,
                updated_at_ms=written,
            )
        )
    return store


def _cache(store: MemorySanctionStore) -> SanctionCache:
    cache = SanctionCache(store, refresh_s=1.0).start()
    cache.refresh()
    return cache


def _time(function: LocalFunction, messages: list[str], sender: str | None = None) -> list[float]:
    out: list[float] = []
    for i, message in enumerate(messages):
        event: dict[str, Any] = _event(message, i)
        if sender is not None:
            event["Sender"]["UserId"] = sender
        started = time.perf_counter()
        function.invoke(event)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sanctions_latency")
    parser.add_argument("--bans", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--per-round", type=int, default=500)
    args = parser.parse_args(argv)
    rng = random.Random(11)
    function = LocalFunction(
        "ReviewFunction", log_stream=io.StringIO(), env={"CHATMOD_MODERATION_STORE": "memory"}
    )
    function.module.RUNTIME.startup.join(120)
    without, with_bans = _cache(MemorySanctionStore()), _cache(_store(args.bans, rng))
    assert with_bans.size == args.bans
    timings: dict[str, list[float]] = {"none": [], "bans": []}
    messages = [rng.choice(CHAT_LINES) for _ in range(args.per_round)]
    function.module.RUNTIME.sanctions = without
    _time(function, messages[:100])  # warm-up
    for _ in range(args.rounds):
        for name, cache in (("none", without), ("bans", with_bans)):
            function.module.RUNTIME.sanctions = cache
            timings[name].extend(_time(function, messages))
    refusals = _time(function, messages[:200], sender="banned-1")
    checks = 100_000
    started = time.perf_counter()
    room_arn = f"arn:aws:ivschat:us-east-1:123456789012:room/{ROOM_ID}"
    for i in range(checks):
        with_bans.find(room_arn, f"user-{i % 50}")
    check_us = (time.perf_counter() - started) / checks * 1e6
    print(
        f"review latency with {args.bans:,} sanctions in force vs none "
        f"(real handler, chat-length lines, {args.rounds} alternating rounds of {args.per_round})"
    )
    for name, label in (("none", "no sanctions"), ("bans", f"{args.bans:,} sanctions")):
        figures = _percentiles(timings[name])
        line = "  ".join(f"{k} {v:6.2f}" for k, v in figures.items())
        print(f"  {label:<18} {line}  (ms)")
    figures = _percentiles(refusals)
    line = "  ".join(f"{k} {v:6.2f}" for k, v in figures.items())
    print(f"  {'banned sender':<18} {line}  (ms, refused before any check)")
    print(f"  the check alone: {check_us:.2f} us per message (two dict lookups)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
