"""The slowest 500-code-point message a search can craft, through the real review handler.

A crafted message that outlasts IVS's 200 ms gets the room's fallback, by default delivery
unreviewed. This searches for one: random messages from families that make the review work
hardest (homoglyph mixes, many short words, many profane words for rule masks and attribution,
split letters, emoji, zero-width characters, RTL marks, lone combining marks, a short line
padded with invisible characters), then mutation
hill-climbing from the slowest. Bounded by time with a fixed seed. The worst inputs are then
re-timed on one pinned core (``taskset -c 0``, done here with ``sched_setaffinity``) and
their pooled p50/p99 printed, beside how many answers the internal deadline cut.

    python -m bench.crafted_search [--seconds 60] [--seed 11]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import time
from collections.abc import Callable

from chatmod_local.invoke import LocalFunction

LENGTH = 500
PROFANE = ["fuck", "shit", "bitch", "ass", "damn", "cunt", "dick", "piss", "bastard", "wtf"]
INSULTS = ["idiot", "stupid", "loser", "moron", "trash", "dumb", "ugly", "pathetic", "clown"]
NEUTRAL = ["gg", "wp", "the", "boss", "stream", "chat", "lol", "nice", "play", "map", "team"]
HOMOGLYPHS = {"a": "аα@4", "e": "еε3", "o": "оο0", "i": "іι1!", "c": "сϲ", "u": "υս", "s": "ѕ$5"}
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
RTL = ["\u200f", "\u202e", "\u202b", "\u2067", "\u061c"]
COMBINING = ["\u0301", "\u0336", "\u0335", "\u0489", "\u20e3", "\u0338"]
EMOJI = ["🎮", "🏆", "🎉", "💀", "🔥", "😂", "🖕", "👍🏽", "🏳️‍🌈", "🇧🇷"]
Family = Callable[[random.Random], str]


def _word(rng: random.Random) -> str:
    return rng.choice(PROFANE + INSULTS + NEUTRAL)


def _homoglyphs(word: str, rng: random.Random) -> str:
    return "".join(rng.choice(HOMOGLYPHS[c]) if c in HOMOGLYPHS else c for c in word)


def _fill(rng: random.Random, piece: Callable[[random.Random], str], sep: str = " ") -> str:
    parts: list[str] = []
    while sum(len(p) + len(sep) for p in parts) < LENGTH:
        parts.append(piece(rng))
    return sep.join(parts)[:LENGTH]


FAMILIES: dict[str, Family] = {
    "homoglyph mix": lambda r: _fill(r, lambda q: _homoglyphs(_word(q), q)),
    "many short words": lambda r: _fill(r, lambda q: q.choice(["u", "r", "a", "i", "ok", "ya"])),
    "many profane words": lambda r: _fill(r, lambda q: q.choice(PROFANE + INSULTS)),
    "profane and neutral": lambda r: _fill(r, _word),
    "split letters": lambda r: _fill(r, lambda q: q.choice(" .-_*").join(q.choice(PROFANE))),
    "emoji": lambda r: _fill(r, lambda q: q.choice(EMOJI) + q.choice(PROFANE + NEUTRAL), ""),
    "zero-width": lambda r: _fill(r, lambda q: q.choice(ZERO_WIDTH).join(q.choice(PROFANE))),
    "rtl marks": lambda r: _fill(r, lambda q: q.choice(RTL) + _word(q)),
    "combining marks": lambda r: _fill(r, lambda q: q.choice(COMBINING) + _word(q)),
    "zalgo": lambda r: _fill(r, lambda q: "".join(c + q.choice(COMBINING) for c in _word(q))),
    # A line short enough for attribution once the invisible characters are gone.
    "invisible padding": lambda r: "".join(
        c + r.choice(ZERO_WIDTH + RTL) * r.randint(2, 6) for c in _fill(r, _word)[:100]
    ),
}


def _exact(text: str, rng: random.Random) -> str:
    """Exactly ``LENGTH`` code points (padded with profane words when short)."""
    while len(text) < LENGTH:
        text += " " + rng.choice(PROFANE)
    return text[:LENGTH]


def mutate(text: str, rng: random.Random) -> str:
    """One edit: a slice from another family, an invisible or mark sprinkled, a homoglyph."""
    at = rng.randrange(LENGTH)
    kind = rng.randrange(4)
    if kind == 0:
        piece = FAMILIES[rng.choice(list(FAMILIES))](rng)[: rng.randint(5, 80)]
        text = text[:at] + piece + text[at + len(piece) :]
    elif kind == 1:
        mark = rng.choice(ZERO_WIDTH + RTL + COMBINING)
        text = "".join(c + mark if rng.random() < 0.1 else c for c in text)
    elif kind == 2:
        text = text[:at] + _homoglyphs(text[at : at + 40], rng) + text[at + 40 :]
    else:
        text = text[:at] + " " + rng.choice(PROFANE + INSULTS) + " " + text[at:]
    return _exact(text, rng)


class Handler:
    """The review function from template.yaml with the shipped model, timed per message."""

    def __init__(self) -> None:
        self.logs = io.StringIO()
        self.function = LocalFunction("ReviewFunction", log_stream=self.logs)
        self.function.module.RUNTIME.startup.join(120)
        if self.function.module.RUNTIME.model is None:
            raise SystemExit("the shipped model did not load (layers/model)")
        self.calls = 0

    def time_ms(self, text: str) -> float:
        self.calls += 1
        event = {
            "Content": text,
            "MessageId": f"CRAFT{self.calls % 10_000_000:07d}",
            "RoomArn": "arn:aws:ivschat:us-east-1:123456789012:room/bench",
            "Attributes": {},
            "Sender": {"UserId": "crafter", "Attributes": {}, "Ip": "198.51.100.1"},
        }
        started = time.perf_counter()
        self.function.invoke(event)
        return (time.perf_counter() - started) * 1000

    def review_ms(self, text: str) -> float:
        """The review alone with no deadline: the work the deadline bounds."""
        reviewer = self.function.module.RUNTIME.policy.current().reviewer
        started = time.perf_counter()
        reviewer.review_text(text)
        return (time.perf_counter() - started) * 1000

    def deadline_answers(self) -> int:
        text, self.logs = self.logs.getvalue(), io.StringIO()
        self.function.log_stream = self.logs
        return text.count('"DeadlineAnswer":[1.0]')


def search(handler: Handler, rng: random.Random, seconds: float) -> list[tuple[float, str, str]]:
    """(ms, family, text) of every message tried, slowest first."""
    tried: list[tuple[float, str, str]] = []
    stop = time.monotonic() + seconds / 2
    names = list(FAMILIES)
    while time.monotonic() < stop:  # half the time: random messages from every family
        name = names[len(tried) % len(names)]
        text = _exact(FAMILIES[name](rng), rng)
        tried.append((handler.time_ms(text), name, text))
    stop = time.monotonic() + seconds / 2
    while time.monotonic() < stop:  # then climb from one of the slowest
        tried.sort(reverse=True)
        _, name, parent = tried[rng.randrange(min(8, len(tried)))]
        child = mutate(parent, rng)
        ms = statistics.median(handler.time_ms(child) for _ in range(2))
        tried.append((ms, f"{name.removesuffix(' (mutated)')} (mutated)", child))
    tried.sort(reverse=True)
    return tried


def percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(sorted(samples), n=100, method="inclusive")[q - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crafted_search")
    parser.add_argument("--seconds", type=float, default=60.0, help="search time")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--worst", type=int, default=20, help="inputs re-timed at the end")
    parser.add_argument("--repeats", type=int, default=25, help="timings per worst input")
    parser.add_argument("--save", help="write the worst inputs here, one JSON string a line")
    args = parser.parse_args(argv)
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # taskset -c 0
    rng = random.Random(args.seed)
    handler = Handler()
    for _ in range(30):  # warm caches as a running instance would have
        handler.time_ms(FAMILIES["profane and neutral"](rng))
    tried = search(handler, rng, args.seconds)
    cut_in_search = handler.deadline_answers()
    unique: dict[str, tuple[float, str]] = {}
    for ms, name, text in tried:
        unique.setdefault(text, (ms, name))
    worst = list(unique.items())[: args.worst]
    pooled: list[float] = []
    per_input: list[tuple[float, float, str, str]] = []
    for text, (_, name) in worst:
        timings = [handler.time_ms(text) for _ in range(args.repeats)]
        pooled += timings
        per_input.append((statistics.median(timings), max(timings), name, text))
    cut_in_retime = handler.deadline_answers()
    per_input.sort(reverse=True)
    if args.save:
        with open(args.save, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(text) + "\n" for *_, text in per_input)
    p50, worst_max, worst_name, worst_text = per_input[0]
    unbounded = statistics.median(handler.review_ms(worst_text) for _ in range(5))
    print(f"crafted {LENGTH}-code-point messages, real review handler, shipped model, one core")
    print(f"  searched {len(tried)} messages in {args.seconds:.0f} s (seed {args.seed})")
    print(f"  worst input ({worst_name}): median {p50:.1f} ms, max {worst_max:.1f} ms")
    print(f"    {worst_text[:120]!r}...")
    print(f"    the same review with no deadline: median {unbounded:.1f} ms")
    print(
        f"  the {len(worst)} worst inputs x {args.repeats}: "
        f"p50 {percentile(pooled, 50):.1f} ms  p99 {percentile(pooled, 99):.1f} ms  "
        f"max {max(pooled):.1f} ms  (target p99 <= 50 ms)"
    )
    families: dict[str, list[float]] = {}
    for ms, name, _ in tried:
        families.setdefault(name.removesuffix(" (mutated)"), []).append(ms)
    print("  per family, search timings (p50 / max ms):")
    for name, timings in sorted(families.items(), key=lambda kv: -max(kv[1])):
        print(f"    {name:<20} {statistics.median(timings):6.1f} / {max(timings):6.1f}")
    print(f"  DeadlineAnswer: {cut_in_search} in the search, {cut_in_retime} in the re-timing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
