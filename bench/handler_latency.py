"""Review handler latency, through the real handler from template.yaml (model included).

Prints p50/p95/p99/max for chat-length messages and for 500-code-point messages, and the
cold init (imports + policy compile + model load) measured in fresh processes.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import subprocess
import sys
import time
from typing import Any

from chatmod_local.invoke import LocalFunction

CHAT_LINES = [
    "gg wp everyone",
    "that was an insane clutch, how did he survive that??",
    "lmao chat is wild today",
    "what game is this?",
    "first time here, love the vibes",
    "can you play the other map next",
    "that boss fight was fucking brutal",
    "bro you are so bad at this lol",
    "sh1t that was close",
    "hello from Brazil!!",
    "anyone know when the next stream is",
    "you're an idiot if you think that works",
    "pog pog pog",
    "my internet keeps lagging, is it just me",
    "the music is too loud compared to your mic",
    "f u c k that guy",
    "ez",
    "i'm gonna find you and hurt you",
    "this streamer is trash honestly",
    "thanks for the tips, subscribed",
]
# Lines the language detector places in another language: the multilingual model reads them.
OTHER_LINES = [
    "hola a todos, qué tal el directo de hoy",
    "eres un inútil, deja de jugar ya",
    "guten abend zusammen, was spielen wir heute",
    "du bist echt der schlechteste spieler hier",
    "salut tout le monde, le stream commence quand",
    "t'es vraiment nul à ce jeu, arrête",
    "boa noite galera, que jogo é esse",
    "vai se ferrar, ninguém te aguenta mais",
    "ciao ragazzi, a che livello siete arrivati",
    "sei proprio un incapace, smettila",
    "herkese selam, bugün hangi oyunu oynuyoruz",
    "bu adam tam bir beceriksiz, oynamayı bıraksın",
]
OTHER_WORDS = ["el", "partido", "de", "hoy", "fue", "muy", "bueno", "equipo", "jugador", "gol"]
WORDS = [
    "the",
    "stream",
    "chat",
    "game",
    "play",
    "boss",
    "level",
    "win",
    "lose",
    "team",
    "great",
    "nice",
    "wow",
    "really",
]


def _event(content: str, i: int) -> dict[str, Any]:
    return {
        "Content": content,
        "MessageId": f"BENCH{i:07d}",
        "RoomArn": "arn:aws:ivschat:us-east-1:123456789012:room/bench",
        "Attributes": {},
        "Sender": {"UserId": f"user-{i % 50}", "Attributes": {}, "Ip": "198.51.100.1"},
    }


def _long_message(rng: random.Random, vocabulary: list[str] = WORDS) -> str:
    words: list[str] = []
    while len(" ".join(words)) < 500:
        words.append(rng.choice(vocabulary))
    return " ".join(words)[:500]


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": cut[49], "p95": cut[94], "p99": cut[98], "max": ordered[-1]}


def _measure(function: LocalFunction, messages: list[str]) -> list[float]:
    timings: list[float] = []
    for i, message in enumerate(messages):
        started = time.perf_counter()
        function.invoke(_event(message, i))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _cold_start() -> tuple[float, float]:
    """Init time (ms) and peak resident memory (MB) of a fresh process after 100 reviews."""
    code = (
        "import io,time,resource;t=time.perf_counter();"
        "from chatmod_local.invoke import LocalFunction;"
        "f=LocalFunction('ReviewFunction',log_stream=io.StringIO());"
        "ms=(time.perf_counter()-t)*1000;"
        "ev={'Content':'hello chat','MessageId':'m','RoomArn':'r','Sender':{'UserId':'u'}};"
        "[f.invoke(ev) for _ in range(100)];f.module.RUNTIME.startup.join(60);"
        "print(ms, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    init_ms, rss_mb = out.stdout.strip().splitlines()[-1].split()
    return float(init_ms), float(rss_mb)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.handler_latency")
    parser.add_argument("--chat", type=int, default=2000, help="chat-length messages")
    parser.add_argument("--long", type=int, default=500, help="500-code-point messages")
    parser.add_argument("--cold", type=int, default=3, help="cold starts to time")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    rng = random.Random(7)
    function = LocalFunction("ReviewFunction", log_stream=io.StringIO())
    # The model loads in the background: time a warm instance.
    function.module.RUNTIME.startup.join(120)
    model = function.module.RUNTIME.model
    chat = [rng.choice(CHAT_LINES) for _ in range(args.chat)]
    long = [_long_message(rng) for _ in range(args.long)]
    other = [rng.choice(OTHER_LINES) for _ in range(args.chat)]
    other_long = [_long_message(rng, OTHER_WORDS) for _ in range(args.long)]
    _measure(function, chat[:50] + other[:50])  # warm caches as a running Lambda would have
    multilingual = function.module.RUNTIME.multilingual
    results = {
        "model": getattr(model, "name", "none"),
        "multilingual_model": getattr(multilingual, "name", "none"),
        "chat_length_ms": _percentiles(_measure(function, chat)),
        "chat_mean_chars": statistics.mean(len(m) for m in chat),
        "500_codepoints_ms": _percentiles(_measure(function, long)),
        "other_languages_chat_ms": _percentiles(_measure(function, other)),
        "other_languages_500_codepoints_ms": _percentiles(_measure(function, other_long)),
    }
    colds = [_cold_start() for _ in range(args.cold)]
    results["cold_init_ms"] = [round(ms, 1) for ms, _ in colds]
    results["peak_rss_mb"] = round(max(rss for _, rss in colds), 1)
    print(
        f"review handler latency (real handler, models: {results['model']}, "
        f"{results['multilingual_model']} for lines in other languages)"
    )
    for key in (
        "chat_length_ms",
        "500_codepoints_ms",
        "other_languages_chat_ms",
        "other_languages_500_codepoints_ms",
    ):
        figures = results[key]
        assert isinstance(figures, dict)
        line = "  ".join(f"{k} {v:6.2f}" for k, v in figures.items())
        print(f"  {key:<34} {line}  (ms)")
    print(f"  cold init (imports + policy + model), fresh processes: {results['cold_init_ms']} ms")
    print(f"  peak memory of a warm instance: {results['peak_rss_mb']} MB")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
