"""The main job: every sample review event through the real handler, one decision per line.

It runs ReviewFunction from template.yaml in-process (the bundled model included) and shows
what a viewer would see for each event.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import textwrap
import time
from pathlib import Path

from chatmod_local.invoke import DEFAULT_TEMPLATE, ROOT, LocalFunction


def _short(text: str, width: int = 60) -> str:
    return (
        textwrap.shorten(text.replace("\n", " "), width=width, placeholder="...") if text else '""'
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chatmod_local.demo")
    parser.add_argument("events", nargs="*", default=[str(ROOT / "events" / "review")])
    parser.add_argument("-t", "--template", default=str(DEFAULT_TEMPLATE))
    parser.add_argument("-v", "--verbose", action="store_true", help="show the function's logs")
    args = parser.parse_args(argv)
    logs = sys.stderr if args.verbose else io.StringIO()
    function = LocalFunction("ReviewFunction", args.template, log_stream=logs)
    print(f"ReviewFunction cold init: {function.init_ms:.0f} ms (policy compile + model load)\n")
    files: list[Path] = []
    for raw in args.events:
        path = Path(raw)
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    for path in files:
        event = json.loads(path.read_text("utf-8"))
        started = time.perf_counter()
        response = function.invoke(event)
        elapsed = (time.perf_counter() - started) * 1000
        content = event.get("Content") if isinstance(event, dict) else None
        result = response["ReviewResult"]
        if result == "ALLOW" and isinstance(content, str) and response["Content"] != content:
            result = "ALLOW (masked)"
        print(f"{path.name:<20} {result:<15} {elapsed:6.1f} ms")
        print(f"    sent:      {_short(content) if isinstance(content, str) else repr(content)}")
        if response["ReviewResult"] == "DENY":
            print(f"    reason:    {response['Attributes'].get('Reason', '')}")
        else:
            print(f"    delivered: {_short(response['Content'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
