"""A template function in its own process, invoked once per JSON line on stdin.

The room runs the escalation function here rather than in its own process: a function's
environment is patched into ``os.environ`` while it runs, and two functions invoked from
two threads of one process would see each other's. One line in, one line out:

    {"event": {...}}            ->  {"ok": true, "result": ...} | {"ok": false, "error": "..."}

Anything the function prints goes to stderr, so stdout carries only the replies.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from typing import IO

from chatmod_local.invoke import DEFAULT_TEMPLATE, LocalFunction, parse_pairs


def _replies() -> IO[str]:
    """The real stdout for replies; fd 1 itself then points at stderr for everything else."""
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return replies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chatmod_local.room.worker")
    parser.add_argument("function")
    parser.add_argument("--template", default=str(DEFAULT_TEMPLATE))
    parser.add_argument("--env", nargs="*", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    replies = _replies()
    try:
        function = LocalFunction(
            args.function,
            args.template,
            env=parse_pairs(args.env),
            log_stream=sys.stderr,
            owns_process=True,
        )
    except Exception as exc:
        replies.write(
            json.dumps({"ok": False, "ready": False, "error": f"init failed: {exc}"}) + "\n"
        )
        traceback.print_exc()
        return 1
    replies.write(
        json.dumps({"ok": True, "ready": True, "init_ms": round(function.init_ms, 1)}) + "\n"
    )
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            event = json.loads(line)["event"]
            reply = {"ok": True, "result": function.invoke(event)}
        except Exception as exc:
            traceback.print_exc()
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        replies.write(json.dumps(reply) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
