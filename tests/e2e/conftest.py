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
            if line.startswith('{"ready"'):  # the functions may log JSON lines too
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
        # Ready once the review instance is warm: the model (and language detector) answer from
        # the first message, whatever else keeps the machine busy.
        "--warm",
        *options,
    ]  # fmt: skip
    with room_log.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env={"AWS_DEFAULT_REGION": "us-east-1", **os.environ, "PYTHONUNBUFFERED": "1"},
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


def keyword_room_options(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The e2e policy and the keyword model (deterministic gray zone)."""
    model_dir = write_keyword_model(tmp_path_factory.mktemp("model"), {GRAY_WORD: {"insult": 0.8}})
    return [
        "--policy", str(E2E / "policy.yaml"),
        "--visibility-timeout", "1",
        "--env",
        f"CHATMOD_MODEL_DIR={model_dir}",
        f"CHATMOD_SECOND_OPINION_MODEL_DIR={model_dir}",
        f"CHATMOD_SECOND_OPINION_CONFIRM={CONFIRM_THRESHOLD}",
        "CHATMOD_LOG_CONTENT=true",
    ]  # fmt: skip


@pytest.fixture(scope="session")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The room with the e2e policy and the keyword model (deterministic gray zone)."""
    yield from start_room("room", keyword_room_options(tmp_path_factory))


SESSION_MINUTE_S = 1  # the short-session room's minute of sessionDurationInMinutes, in seconds


@pytest.fixture(scope="session")
def short_session_room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The keyword room where a minute of session lasts a second, so a session ends in a test;
    tokens still expire a minute after they are made, as in IVS."""
    options = keyword_room_options(tmp_path_factory)
    yield from start_room(
        "short-session-room", ["--session-minute-seconds", str(SESSION_MINUTE_S), *options]
    )


@pytest.fixture(scope="session")
def shipped_room() -> Iterator[dict[str, Any]]:
    """The room as ``make dev`` starts it: the bundled policy and the shipped model."""
    yield from start_room("shipped-room", [])


@pytest.fixture(scope="session")
def languages_room() -> Iterator[dict[str, Any]]:
    """A room serving English, German and Spanish with the shipped model."""
    yield from start_room("languages-room", ["--policy", str(E2E / "policy_languages.yaml")])


WEBSOCKETS = ("ws", "builtin")  # the `ws` package, and Node's own WebSocket (undici)


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not installed (Node 20 or newer)")
    return found


def node_major() -> int:
    version = subprocess.run(
        [node(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    return int(version.strip().lstrip("v").split(".")[0])


def node_command(script: str, args: tuple[str, ...], websocket: str) -> list[str]:
    """Node 22+ has a global WebSocket; Node 20 needs --experimental-websocket for it."""
    flags = ["--experimental-websocket"] if websocket == "builtin" and node_major() < 22 else []
    return [node(), *flags, str(E2E / script), *args]


def node_env(websocket: str) -> dict[str, str]:
    return {**os.environ, "CHATMOD_E2E_WEBSOCKET": websocket}


def result_of(script: str, stdout: str, stderr: str, returncode: int) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    assert lines, f"{script} printed no result (exit {returncode}):\n{stderr[-4000:]}"
    result: dict[str, Any] = json.loads(lines[-1])
    assert "error" not in result, f"{script} failed: {result['error']}\n{stderr[-4000:]}"
    assert returncode == 0, stderr[-4000:]
    return result


def run_node(
    script: str, *args: str, websocket: str = "ws", timeout_s: float = 90
) -> dict[str, Any]:
    """Runs a Node script from tests/e2e and returns the JSON object it printed last."""
    completed = subprocess.run(
        node_command(script, args, websocket),
        cwd=ROOT,
        env=node_env(websocket),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    return result_of(script, completed.stdout, completed.stderr, completed.returncode)


def run_node_each_websocket(
    script: str, *args: str, timeout_s: float = 120
) -> dict[str, dict[str, Any]]:
    """The same script under every WebSocket at once (for scenarios that mostly wait)."""
    running = {
        websocket: subprocess.Popen(
            node_command(script, args, websocket),
            cwd=ROOT,
            env=node_env(websocket),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for websocket in WEBSOCKETS
    }
    results = {}
    for websocket, process in running.items():
        stdout, stderr = process.communicate(timeout=timeout_s)
        results[websocket] = result_of(script, stdout, stderr, process.returncode)
    return results
