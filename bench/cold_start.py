"""A new review instance's time to its first valid answer, the way Lambda starts one.

Each run is a fresh interpreter pinned to one core (``taskset -c 0``) with ReviewFunction's
environment from template.yaml, loading what Lambda would: the ``sam build`` output (function
code and chatmod layer, bytecode included) in a bare interpreter that sees only the standard
library and what Lambda's Python runtime provides, and never writes bytecode (Lambda's /opt is
read-only). Without a build it falls back to the source tree and says so. It reports the cold
path's parts (interpreter start, library imports, the handler module's init: chatmod, policy
compile and warm-up, the background start being launched; the first answer) and, off that
path, when the background model load finished and the first model-scored answer. Figures are
also projected
to 0.58 of a core (what Lambda gives 1024 MB), assuming CPU-bound work scales inversely.
IVS's 200 ms include init, so ``first answer`` is the figure to hold against it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.pinned import pin_prefix
from chatmod_local.invoke import lambda_environment
from chatmod_local.lambda_runtime import runtime_dir
from chatmod_local.template import function_spec

ROOT = Path(__file__).resolve().parents[1]
CORE_SHARE_1024MB = 0.58
EVENT = json.loads((ROOT / "events" / "review" / "profanity.json").read_text("utf-8"))

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import pydantic, yaml, re2
from aws_lambda_powertools import Logger, Metrics
t1 = time.perf_counter()
import importlib.util
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
app = importlib.util.module_from_spec(spec)
sys.modules["app"] = app
spec.loader.exec_module(app)
t2 = time.perf_counter()
class Context:
    function_name = "ReviewFunction"; memory_limit_in_mb = 1024; aws_request_id = "r1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ReviewFunction"
    def get_remaining_time_in_millis(self): return 3000
event = json.loads(sys.argv[2])
first = app.lambda_handler(event, Context())
t3 = time.perf_counter()
valid = set(first) == {"ReviewResult", "Content", "Attributes"}
app.RUNTIME.startup.join(60)
t4 = time.perf_counter()
second = app.lambda_handler(event, Context())
t5 = time.perf_counter()
print("RESULT" + json.dumps({
    "imports_ms": (t1 - t0) * 1000, "init_ms": (t2 - t1) * 1000,
    "first_invoke_ms": (t3 - t2) * 1000,
    "to_first_ms": (t3 - t0) * 1000, "model_ready_ms": (t4 - t0) * 1000,
    "scored_invoke_ms": (t5 - t4) * 1000, "valid": valid, "scored": app.MODEL is not None,
    "first": first, "second": second,
}), file=sys.__stdout__)
"""


# What any handler built on these libraries pays before its own code: the imports, one pydantic
# model validated (which loads pydantic's plugin machinery) and a Powertools Logger and Metrics.
FLOOR_CHILD = r"""
import sys, time
t0 = time.perf_counter()
import json, re2, yaml
from pydantic import BaseModel
class Probe(BaseModel):
    x: int = 0
Probe.model_validate({"x": 1})
from aws_lambda_powertools import Logger, Metrics
Logger(service="floor"); Metrics(namespace="floor", service="floor")
print("RESULT" + json.dumps({"floor_ms": (time.perf_counter() - t0) * 1000}), file=sys.__stdout__)
"""

BUILD = ROOT / ".aws-sam" / "build"


def python_command(built: bool) -> list[str]:
    """A bare interpreter for the built package (-S: no site-packages), else this one."""
    return [sys.executable, "-S"] if built else [sys.executable]


def _pinned_child(env: dict[str, str], built: bool, code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter pinned to one core; what it printed after RESULT."""
    proc = subprocess.run(
        [*pin_prefix(), *python_command(built), "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT"))
    result: dict[str, Any] = json.loads(line[len("RESULT") :])
    return result


def one_run(env: dict[str, str], app_path: Path, built: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    result = _pinned_child(env, built, CHILD, str(app_path), json.dumps(EVENT))
    result["wall_ms"] = (time.perf_counter() - started) * 1000
    return result


def library_floor_ms(env: dict[str, str], built: bool = False, runs: int = 5) -> float:
    """Median time for a fresh interpreter to import and set up the libraries alone."""
    return statistics.median(
        float(_pinned_child(env, built, FLOOR_CHILD)["floor_ms"]) for _ in range(runs)
    )


def interpreter_start_ms(env: dict[str, str], built: bool = False) -> float:
    pin = pin_prefix()
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([*pin, *python_command(built), "-c", "pass"], env=env, check=True)
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    spec = function_spec(ROOT / "template.yaml", "ReviewFunction")
    env = {**os.environ, **lambda_environment(spec), "PYTHONDONTWRITEBYTECODE": "1"}
    built = (BUILD / "ChatmodLayer" / "python" / "chatmod").is_dir()
    with tempfile.TemporaryDirectory() as tmp:
        if built:
            code_dir = BUILD / "ReviewFunction"
            paths = [code_dir, BUILD / "ChatmodLayer" / "python", runtime_dir(Path(tmp) / "rt")]
            print("loading the sam build output (.aws-sam/build), as Lambda would")
        else:
            code_dir = spec.code_dir
            paths = [spec.code_dir, *spec.layer_dirs, ROOT]
            print("no sam build output: loading the source tree (make sam-build for the real one)")
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths)
        start_ms = interpreter_start_ms(env, built)
        runs = [one_run(env, code_dir / "app.py", built) for _ in range(args.runs)]
        floor_ms = start_ms + library_floor_ms(env, built, args.runs)
    assert all(r["valid"] for r in runs), "a first answer was not a valid IVS response"
    parts = {
        "interpreter start": start_ms,
        "library imports (pydantic, yaml, re2, Powertools)": "imports_ms",
        "handler init (chatmod, policy compile + warm-up)": "init_ms",
        "first invocation (rules-only answer)": "first_invoke_ms",
    }
    print(f"Cold start of ReviewFunction, median of {args.runs} fresh processes on one core")
    print(f"{'part':<52} {'1 core':>9} {'0.58 core':>10}")
    for label, key in parts.items():
        value = key if isinstance(key, float) else statistics.median(r[key] for r in runs)
        print(f"{label:<52} {value:>7.1f}ms {value / CORE_SHARE_1024MB:>8.1f}ms")
    first = start_ms + statistics.median(r["to_first_ms"] for r in runs)
    print(f"{'= first valid answer':<52} {first:>7.1f}ms {first / CORE_SHARE_1024MB:>8.1f}ms")
    ready = start_ms + statistics.median(r["model_ready_ms"] for r in runs)
    scored = statistics.median(r["scored_invoke_ms"] for r in runs)
    print(f"{'model ready in the background (off the answer path)':<52} {ready:>7.1f}ms")
    print(f"{'then a model-scored answer':<52} {scored:>7.1f}ms")
    label = "floor: interpreter + these libraries, no chatmod code"
    print(f"{label:<52} {floor_ms:>7.1f}ms {floor_ms / CORE_SHARE_1024MB:>8.1f}ms")
    print(f"rules-only first answer: {runs[0]['first']['Content']!r}")
    print(f"scored once ready: {all(r['scored'] for r in runs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
