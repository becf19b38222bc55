"""Escalations, locally: the local queue feeds the escalation function like Lambda's SQS trigger.

The function runs in a worker process (see ``worker.py``); batches of queued records become
SQS events, and the records it reports in ``batchItemFailures`` (or the whole batch, when it
raises) are delivered again after the visibility timeout, up to the redrive limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import Any

from chatmod_local.room.queue import LocalQueue, QueuedMessage

log = logging.getLogger("chatmod.room.escalations")
Invoke = Callable[[dict[str, Any]], Awaitable[Any]]


class InvokeError(RuntimeError):
    """The function raised, timed out or its worker died."""


class WorkerFunction:
    """A template function in a worker process, invoked one event at a time."""

    def __init__(
        self,
        logical_id: str,
        template: str | Path,
        env: Mapping[str, str],
        *,
        timeout_s: float = 30.0,
        init_timeout_s: float = 120.0,
        process_env: Mapping[str, str] | None = None,
    ) -> None:
        self.logical_id = logical_id
        self.template = str(template)
        self.env = dict(env)
        # The worker process's own environment (None: this one's); ``env`` goes on top.
        self.process_env = None if process_env is None else dict(process_env)
        self.timeout_s = timeout_s
        self.init_timeout_s = init_timeout_s
        self.init_ms: float | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        args = [
            sys.executable,
            "-m",
            "chatmod_local.room.worker",
            self.logical_id,
            "--template",
            self.template,
        ]
        if self.env:
            args += ["--env", *(f"{k}={v}" for k, v in self.env.items())]
        self._process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=16 * 1024 * 1024,
            env=self.process_env,
        )
        reply = await self._read(self.init_timeout_s)
        if not reply.get("ready"):
            await self.stop()
            raise InvokeError(f"{self.logical_id}: {reply.get('error', 'worker failed to start')}")
        self.init_ms = float(reply.get("init_ms", 0.0))

    async def _read(self, timeout_s: float) -> dict[str, Any]:
        process = self._process
        if process is None or process.stdout is None:
            raise InvokeError(f"{self.logical_id}: worker is not running")
        try:
            line = await asyncio.wait_for(process.stdout.readline(), timeout_s)
        except TimeoutError:
            await self.stop()
            raise InvokeError(f"{self.logical_id}: timed out after {timeout_s:.0f} s") from None
        if not line:
            await self.stop()
            raise InvokeError(f"{self.logical_id}: worker exited")
        reply: dict[str, Any] = json.loads(line)
        return reply

    async def invoke(self, event: dict[str, Any]) -> Any:
        async with self._lock:
            if self._process is None:
                await self.start()
            process = self._process
            assert process is not None and process.stdin is not None
            process.stdin.write((json.dumps({"event": event}) + "\n").encode())
            await process.stdin.drain()
            reply = await self._read(self.timeout_s)
        if not reply.get("ok"):
            raise InvokeError(f"{self.logical_id}: {reply.get('error')}")
        return reply.get("result")

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            process.kill()
            await process.wait()


@dataclass(frozen=True)
class Delivery:
    """One batch handed to the function, and which of its records failed."""

    message_ids: tuple[str, ...]
    failed: tuple[str, ...]
    error: str | None = None
    result: Any = None


def failed_ids(result: Any, batch: list[QueuedMessage]) -> set[str]:
    """The records to redeliver, read as Lambda reads a ReportBatchItemFailures response."""
    ids = {m.message_id for m in batch}
    if not isinstance(result, dict) or "batchItemFailures" not in result:
        return set()
    failures = result.get("batchItemFailures")
    if not isinstance(failures, list):
        return ids  # an unreadable response fails the whole batch
    failed: set[str] = set()
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or identifier not in ids:
            return ids  # so does an empty or unknown identifier
        failed.add(identifier)
    return failed


@dataclass(eq=False, repr=False)
class SqsEventSource:
    """Delivers a queue's messages to a function in batches, as Lambda's SQS trigger does."""

    queue: LocalQueue
    invoke: Invoke
    _: KW_ONLY
    batch_size: int = 10
    batch_window_s: float = 0.0
    on_done: Callable[[str], None] | None = None  # sees each body the function finished with
    deliveries: list[Delivery] = field(default_factory=list, init=False)
    _task: asyncio.Task[None] | None = field(default=None, init=False)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.queue.close()

    async def _run(self) -> None:
        while True:
            batch = await self.queue.receive(self.batch_size, self.batch_window_s)
            await self.deliver(batch)

    async def deliver(self, batch: list[QueuedMessage]) -> Delivery:
        event = {"Records": [self.queue.record(m) for m in batch]}
        ids = tuple(m.message_id for m in batch)
        try:
            result = await self.invoke(event)
            failed = failed_ids(result, batch)
            delivery = Delivery(ids, tuple(sorted(failed)), result=result)
        except Exception as exc:
            log.warning("escalation batch failed: %s", exc)
            failed = set(ids)
            delivery = Delivery(ids, ids, error=str(exc))
        for message in batch:
            if message.message_id in failed:
                self.queue.retry(message)
            elif self.on_done is not None:
                self.on_done(message.body)
        self.deliveries.append(delivery)
        log.info("escalation batch of %d delivered (%d to retry)", len(ids), len(failed))
        return delivery
