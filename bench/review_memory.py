"""Peak memory of a warm review instance, and what a million reviews cost at two sizes.

Fresh processes, each the review function from template.yaml with every model loaded, serving:
the bundled policy; a 7-language room of the 200-room policy at the limits (``big_policy``);
and a room with 2,000 custom terms of 64 characters (the per-room limit). Prints the peak
resident memory of each (``ru_maxrss``). Then the billed cost of a million chat-length reviews
at 1,024 MB (0.58 of a vCPU) and 1,769 MB (one vCPU), from their time on one pinned core here,
with Lambda's x86 list prices in us-east-1 ($0.0000166667 per GB-second, 1 ms billing, $0.20 per
million requests).
"""

from __future__ import annotations

import io
import json
import math
import random
import resource
import string
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.big_policy import LINES, big_policy, event
from bench.pinned import module_child

GB_SECOND = 0.0000166667
PER_REQUEST = 0.20 / 1_000_000
SIZES = {1024: 1024 / 1769, 1769: 1.0}  # MB -> share of a vCPU


def long_terms_policy() -> str:
    rnd = random.Random(3)
    terms = ", ".join(
        '"' + "".join(rnd.choices(string.ascii_lowercase, k=64)) + '"' for _ in range(2000)
    )
    return (
        "version: 1\ndefaults:\n  languages: [en, de, es, fr, pt, it, tr]\nrooms:\n"
        "  longRoom0001:\n    rules:\n"
        f"      - {{id: long, category: scam, action: deny, terms: [{terms}]}}\n"
    )


def child(kind: str, folder: str) -> dict[str, Any]:
    from chatmod_local.invoke import LocalFunction

    env: dict[str, str] = {}
    room = "g1H2I3J4k5L6"
    if kind == "big":
        Path(folder, "p.yaml").write_text(big_policy(seed=1), "utf-8")
        env, room = {"CHATMOD_POLICY_FILE": str(Path(folder, "p.yaml"))}, "room007"
    elif kind == "long-terms":
        Path(folder, "p.yaml").write_text(long_terms_policy(), "utf-8")
        env, room = {"CHATMOD_POLICY_FILE": str(Path(folder, "p.yaml"))}, "longRoom0001"
    function = LocalFunction("ReviewFunction", env=env, log_stream=io.StringIO())
    function.invoke(event(room, LINES[0], 0))
    function.module.RUNTIME.startup.join(120)
    times = []
    for n in range(600):
        started = time.perf_counter()
        function.invoke(event(room, LINES[n % len(LINES)], n + 1))
        times.append((time.perf_counter() - started) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"peak_mb": peak, "times_ms": times[100:]}


def run_child(kind: str, folder: str) -> dict[str, Any]:
    return module_child("bench.review_memory", kind, folder)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
        return
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("bundled", "big", "long-terms"):
            results[kind] = run_child(kind, folder)
            print(f"warm instance, {kind:10} policy: peak {results[kind]['peak_mb']:.0f} MB")
    times = results["bundled"]["times_ms"]
    print(f"chat-length reviews, handler time on one core: mean {sum(times) / len(times):.2f} ms")
    for mb, share in SIZES.items():
        billed = [math.ceil(t / share) for t in times]  # Lambda bills whole milliseconds
        mean_billed = sum(billed) / len(billed)
        cost = 1_000_000 * (mean_billed / 1000 * mb / 1024 * GB_SECOND + PER_REQUEST)
        print(
            f"  {mb} MB ({share:.2f} vCPU): {mean_billed:.2f} ms billed on average, "
            f"${cost:.3f} per million reviews (${cost - 0.20:.3f} of it duration)"
        )


if __name__ == "__main__":
    main()
