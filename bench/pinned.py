"""Child interpreters pinned to one core, so a benchmark's figures are one core's on any box."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import Any


def pin_prefix() -> list[str]:
    """``taskset -c 0`` where the machine has it (figures are then one core's), else nothing."""
    return ["taskset", "-c", "0"] if shutil.which("taskset") else []


def module_child(module: str, *args: str, timeout: float = 600) -> dict[str, Any]:
    """Run ``python -m module --child ARGS`` pinned to one core; the JSON of its last line."""
    proc = subprocess.run(
        [*pin_prefix(), sys.executable, "-m", module, "--child", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result
