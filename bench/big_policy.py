"""A policy at the limits: 200 rooms x 7 languages, 10,000 custom terms, 1,000 patterns.

In a fresh process pinned to one core (what 1,769 MB gives), through the review function from
template.yaml: the init (module import with the policy, rules-only reviewer), a served room's
first message (its compile on first use), and a reload of a policy that changes every room's
rules while a review is scheduled every 10 ms (how late each answer was against its schedule,
before, during and after the reload). Also how long RE2 holds the GIL compiling one room of
2,000 terms of 64 characters.
"""

from __future__ import annotations

import io
import json
import random
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.pinned import module_child
from chatmod.languages import SUPPORTED

LANGUAGES = list(SUPPORTED)  # the languages chatmod serves, in their one order
ROOMS = 200
TERMS_PER_ROOM = 50  # 10,000 over the policy: MAX_TERMS_TOTAL
PATTERNS_PER_ROOM = 5  # 1,000: MAX_PATTERNS_TOTAL
SERVED = ("room007", "room042", "room199")
INTERVAL_S = 0.010
LINES = [
    "gg wp everyone",
    "that boss fight was fucking brutal",
    "que partido tan bueno, increíble",
    "das war ein richtig gutes Spiel heute",
    "i'm gonna find you and hurt you",
    "what game is this?",
]


def big_policy(seed: int) -> str:
    """The policy text (about 216 KB): each room serves all seven languages in its own order."""
    rnd = random.Random(seed)
    out = ["version: 1", "defaults:", f"  languages: [{', '.join(LANGUAGES)}]", "rooms:"]
    for r in range(ROOMS):
        shift = r % len(LANGUAGES)
        langs = LANGUAGES[shift:] + LANGUAGES[:shift]
        terms = ", ".join(
            '"' + "".join(rnd.choices(string.ascii_lowercase, k=rnd.randint(6, 20))) + '"'
            for _ in range(TERMS_PER_ROOM)
        )
        patterns = ", ".join(f"'promo{seed}x{r}x{k} \\\\d+'" for k in range(PATTERNS_PER_ROOM))
        out.append(f"  room{r:03d}:")
        out.append(f"    languages: [{', '.join(langs)}]")
        out.append(
            f"    rules: [{{id: custom{r}, category: scam, action: deny, "
            f"terms: [{terms}], patterns: [{patterns}]}}]"
        )
    return "\n".join(out) + "\n"


def event(room: str, content: str, n: int) -> dict[str, Any]:
    return {
        "MessageId": f"MSG{n:09d}",
        "RoomArn": f"arn:aws:ivschat:us-east-1:123456789012:room/{room}",
        "Attributes": {},
        "Sender": {"UserId": "viewer-1", "Attributes": {}, "Ip": "203.0.113.7"},
        "Content": content,
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.5), "p99": pick(0.99), "max": ordered[-1], "n": len(ordered)}


def child(kind: str, policy_file: str) -> dict[str, Any]:
    from chatmod_local.invoke import LocalFunction

    env = {} if kind == "bundled" else {"CHATMOD_POLICY_FILE": policy_file}
    from chatmod_local.invoke import DEFAULT_TEMPLATE
    from chatmod_local.template import function_spec

    cpu = time.process_time()
    function_spec(DEFAULT_TEMPLATE, "ReviewFunction", {})  # what LocalFunction reads first
    template_cpu = time.process_time() - cpu
    cpu = time.process_time()
    function = LocalFunction("ReviewFunction", env=env, log_stream=io.StringIO())
    result: dict[str, Any] = {
        "init_ms": function.init_ms,
        # steadier on a shared machine: the CPU of the module's import, without the template's
        "init_cpu_ms": (time.process_time() - cpu - template_cpu) * 1000,
    }
    started = time.perf_counter()
    function.invoke(event(SERVED[0], LINES[0], 0))
    result["first_answer_ms"] = (time.perf_counter() - started) * 1000
    if kind != "reload":
        return result
    module = function.module
    module.RUNTIME.startup.join(120)  # a warm instance: models and detector loaded
    for n, room in enumerate(SERVED):
        function.invoke(event(room, LINES[n], n))  # the rooms this instance serves
    late: dict[str, list[float]] = {"before": [], "during": [], "after": []}
    took: dict[str, list[float]] = {"before": [], "during": [], "after": []}
    old = module.RUNTIME.policy.value
    reload_started = reload_done = 0.0
    t0 = time.perf_counter()
    for n in range(600):
        target = t0 + n * INTERVAL_S
        while (now := time.perf_counter()) < target:
            time.sleep(min(0.001, target - now))
        if n == 100:
            Path(policy_file).write_text(big_policy(seed=2), "utf-8")
            module.RUNTIME.policy.check_soon()
            reload_started = time.perf_counter()
        invoked = time.perf_counter()
        function.invoke(event(SERVED[n % 3], LINES[n % len(LINES)], 100 + n))
        done = time.perf_counter()
        swapped = module.RUNTIME.policy.value is not old
        if swapped and not reload_done:
            reload_done = done
        phase = "before" if n < 100 else "after" if swapped else "during"
        late[phase].append((done - target) * 1000)
        took[phase].append((done - invoked) * 1000)
    result["reload_ms"] = (reload_done - reload_started) * 1000 if reload_done else None
    result["late_ms"] = {k: _percentiles(v) for k, v in late.items() if v}
    result["took_ms"] = {k: _percentiles(v) for k, v in took.items() if v}
    result["rooms_compiled"] = len(module.RUNTIME.policy.value.reviewer.served_rooms)
    return result


def term_compile() -> dict[str, float]:
    """One TermCheck of 2,000 terms of 64 characters: its RE2 alternations (each one compile
    that holds the GIL), the longest of them, and a 500-code-point scan."""
    from chatmod.rules.base import RuleMeta, Severity
    from chatmod.rules.terms import TermCheck, _alternations, _whole_word_regex, term_pattern
    from chatmod.text.views import normalize

    rnd = random.Random(5)
    terms = tuple("".join(rnd.choices(string.ascii_lowercase, k=64)) for _ in range(2000))
    started = time.perf_counter()
    patterns = [term_pattern(t) for t in terms]
    total = time.perf_counter() - started
    longest = 0.0
    for group in _alternations(patterns):  # first compiles: google-re2 caches compiled patterns
        started = time.perf_counter()
        _whole_word_regex(group)
        took = time.perf_counter() - started
        total, longest = total + took, max(longest, took)
    check = TermCheck(RuleMeta("r", "c", "deny", Severity.HIGH), terms)
    line = " ".join(rnd.choice(terms)[:20] for _ in range(24))[:500]
    views = normalize(line)
    check.scan(views)
    started = time.perf_counter()
    for _ in range(20):
        check.scan(views)
    return {
        "total_ms": total * 1000,
        "alternations": len(check._regexes),  # type: ignore[attr-defined]
        "longest_ms": longest * 1000,
        "scan_ms": (time.perf_counter() - started) * 1000 / 20,
    }


def run_child(kind: str, policy_file: str) -> dict[str, Any]:
    return module_child("bench.big_policy", kind, policy_file)


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        if sys.argv[2] == "terms":
            print(json.dumps(term_compile()))
        else:
            print(json.dumps(child(sys.argv[2], sys.argv[3])))
        return
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "policy.yaml"
        text = big_policy(seed=1)
        file.write_text(text, "utf-8")
        print(f"policy: {ROOMS} rooms x {len(LANGUAGES)} languages, {len(text) // 1024} KiB")
        for kind in ("bundled", "big"):
            runs = [run_child(kind, str(file)) for _ in range(5)]
            init = statistics.median(r["init_ms"] for r in runs)
            cpu = statistics.median(r["init_cpu_ms"] for r in runs)
            first = statistics.median(r["first_answer_ms"] for r in runs)
            print(
                f"  {kind:8} init {init:6.1f} ms ({cpu:6.1f} ms of CPU), first answer in a "
                f"room {first:6.1f} ms (medians of 5, one pinned core)"
            )
        file.write_text(text, "utf-8")
        reload = run_child("reload", str(file))
    print(
        f"  reload of a policy changing every room: {reload['reload_ms']:.0f} ms in the "
        f"background ({reload['rooms_compiled']} served rooms compiled before the swap)"
    )
    for phase, figures in reload["late_ms"].items():
        took = reload["took_ms"][phase]
        print(
            f"    reviews {phase:6} the swap ({figures['n']}): each took p50 {took['p50']:.1f} ms, "
            f"p99 {took['p99']:.1f} ms, max {took['max']:.1f} ms; lateness against the 10 ms "
            f"schedule p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms, "
            f"max {figures['max']:.1f} ms"
        )
    terms = run_child("terms", "-")
    print(
        f"  one rule of 2,000 terms x 64 characters: {terms['total_ms']:.0f} ms in "
        f"{terms['alternations']:.0f} RE2 compiles, the longest {terms['longest_ms']:.1f} ms; "
        f"a 500-code-point scan {terms['scan_ms']:.2f} ms"
    )


if __name__ == "__main__":
    main()
