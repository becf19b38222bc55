"""The local room as session fixtures, each started once as ``python -m chatmod_local.room`` on
a free 127.0.0.1 port and stopped at the end: one with the e2e policy and the keyword model, one
as ``make dev`` runs it (bundled policy, shipped model)."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyword_model import write_keyword_model

ROOT = Path(__file__).resolve().parents[2]
E2E = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "artifacts" / "e2e"
READY_TIMEOUT_S = 180
GRAY_WORD = "gormless"  # the keyword model scores it insult 0.8: delivered, then re-scored
CONFIRM_THRESHOLD = "0.7"


def require_node_modules() -> None:
    if not (ROOT / "node_modules" / "amazon-ivs-chat-messaging").is_dir():
        pytest.fail("node_modules is missing: run `npm ci` (make test-e2e does)")


def read_ready_line(process: subprocess.Popen[str], timeout_s: float) -> dict[str, Any]:
    """The room's JSON ready line, waiting at most ``timeout_s``."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith("{"):
                ready: dict[str, Any] = json.loads(line)
                return ready
    finally:
        selector.close()
    raise RuntimeError(f"the room did not start within {timeout_s} s (exit code {process.poll()})")


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def start_room(name: str, options: list[str]) -> Iterator[dict[str, Any]]:
    """Runs ``python -m chatmod_local.room`` with ``options`` on a free port; yields its ready
    line (url, messagingUrl, endpointUrl, roomArn, queueUrl) and stops it afterwards."""
    require_node_modules()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    room_log = ARTIFACTS / f"{name}.log"
    command = [
        sys.executable, "-m", "chatmod_local.room",
        "--port", "0",
        "--json",
        "--function-logs", str(ARTIFACTS / f"{name}-functions.log"),
        *options,
    ]  # fmt: skip
    with room_log.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            ready = read_ready_line(process, READY_TIMEOUT_S)
            if not ready["functions"]["review"] or not ready["functions"]["escalation"]:
                pytest.fail(
                    f"the room's functions did not load: {ready['functions']} (see {room_log})"
                )
            yield ready
        finally:
            stop(process)


@pytest.fixture(scope="session")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The room with the e2e policy and the keyword model (deterministic gray zone)."""
    model_dir = write_keyword_model(tmp_path_factory.mktemp("model"), {GRAY_WORD: {"insult": 0.8}})
    yield from start_room(
        "room",
        [
            "--policy", str(E2E / "policy.yaml"),
            "--visibility-timeout", "1",
            "--env",
            f"CHATMOD_MODEL_DIR={model_dir}",
            f"CHATMOD_SECOND_OPINION_MODEL_DIR={model_dir}",
            f"CHATMOD_SECOND_OPINION_CONFIRM={CONFIRM_THRESHOLD}",
            "CHATMOD_LOG_CONTENT=true",
        ],
    )  # fmt: skip


@pytest.fixture(scope="session")
def shipped_room() -> Iterator[dict[str, Any]]:
    """The room as ``make dev`` starts it: the bundled policy and the shipped model."""
    yield from start_room("shipped-room", [])


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not installed")
    return found


def run_node(script: str, *args: str, timeout_s: float = 90) -> dict[str, Any]:
    """Runs a Node script from tests/e2e and returns the JSON object it printed last."""
    completed = subprocess.run(
        [node(), str(E2E / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    assert lines, (
        f"{script} printed no result (exit {completed.returncode}):\n{completed.stderr[-4000:]}"
    )
    result: dict[str, Any] = json.loads(lines[-1])
    assert "error" not in result, f"{script} failed: {result['error']}\n{completed.stderr[-4000:]}"
    assert completed.returncode == 0, completed.stderr[-4000:]
    return result
