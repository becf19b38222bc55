"""Where the policy comes from, and how a new one replaces the old without risking a message.

A source only fetches text (a file, the bundled policy; SSM and AppConfig live in
``chatmod.aws.policy_sources``). ``LivePolicy`` turns that text into what the caller uses (a
warmed reviewer, a parsed policy) and swaps it in only once it is fully built. Any failure
(fetch, parse, compile) keeps the last good one, reported through ``on_failure`` and never
through the fail mode. Rebuilds run in a background thread: the message path keeps reading
the old value until the new one is ready. In Lambda that thread runs only while an
invocation is in progress (the environment is frozen between them), so a rebuild spreads
over the next few invocations and shares their CPU.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import BinaryIO, Generic, Protocol, TypeVar

from chatmod.policy.limits import MAX_POLICY_BYTES

T = TypeVar("T")
BUNDLED_NAME = "chatmod/default_policy.yaml"
RETRY_AFTER_FAILURE_S = 10.0  # a first fetch that failed is tried again this soon


class PolicySource(Protocol):
    """Fetches the policy text; raises when it cannot (the caller keeps what it has)."""

    @property
    def name(self) -> str: ...

    def fetch(self) -> str: ...


@dataclass(frozen=True)
class BundledPolicySource:
    """The policy packaged with chatmod."""

    name: str = BUNDLED_NAME

    def fetch(self) -> str:
        return resources.files("chatmod").joinpath("default_policy.yaml").read_text("utf-8")


@dataclass(frozen=True)
class FilePolicySource:
    path: str

    @property
    def name(self) -> str:
        return self.path

    def fetch(self) -> str:
        with Path(self.path).open("rb") as file:
            return read_capped(file)


def read_capped(stream: BinaryIO) -> str:
    """The text of a policy file or response, read to at most one byte past the policy limit:
    a bigger one is then refused by size, and never held in memory whole."""
    data = stream.read(MAX_POLICY_BYTES + 1)
    return data.decode("utf-8", "replace" if len(data) > MAX_POLICY_BYTES else "strict")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


class LivePolicy(Generic[T]):
    """The value built from the latest good policy text, refreshed in the background.

    ``build(text, source_name)`` must validate everything it needs (raise otherwise) and
    return a ready value. ``current()`` never waits: when a check is due it starts one in a
    thread and answers with the value it has.
    """

    def __init__(
        self,
        source: PolicySource,
        build: Callable[[str, str], T],
        *,
        check_every_s: float,
        on_failure: Callable[[str, BaseException], None],
        on_reload: Callable[[str], None] = lambda _: None,
        clock: Callable[[], float] = time.monotonic,
        background: bool = True,
    ) -> None:
        self.source = source
        self._build = build
        self.check_every_s = check_every_s
        self._on_failure = on_failure
        self._on_reload = on_reload
        self._clock = clock
        self._background = background
        self._lock = threading.Lock()  # guards ``_thread``
        self._build_lock = threading.RLock()  # one fetch-and-build at a time
        self._thread: threading.Thread | None = None
        self._value: T | None = None
        self._text: str | None = None
        self._origin = source.name  # where ``_text`` came from
        self._rejected: str | None = None  # digest of text that failed to build
        self._next_check = 0.0

    @property
    def origin(self) -> str:
        """The source the value in use was built from."""
        return self._origin

    @property
    def value(self) -> T | None:
        """The value in use (None before ``start``); never starts a check."""
        return self._value

    @property
    def degraded(self) -> bool:
        """True while the value in use came from ``start``'s fallback: the configured source
        has not given a usable policy yet."""
        return self._origin != self.source.name

    def start(self, fallback: PolicySource | None = None) -> T:
        """The first value, fetched and built now.

        When that fails, the ``fallback`` source's policy is used (a broken or unreachable
        parameter must not leave a new instance without rules) and the source is tried again
        within ``RETRY_AFTER_FAILURE_S``. Raises only when there is no usable fallback either.
        """
        if not self.refresh() and fallback is not None and self._value is None:
            self._swap(fallback.fetch(), fallback.name)
            self._next_check = self._clock() + min(self.check_every_s, RETRY_AFTER_FAILURE_S)
        if self._value is None:
            raise RuntimeError(f"no usable policy from {self.source.name}")
        return self._value

    def current(self) -> T:
        """The value to use now; starts a background check when one is due."""
        if self._clock() >= self._next_check:
            self._schedule(self.refresh)
        assert self._value is not None, "start() first"
        return self._value

    def check_soon(self) -> None:
        """The next ``current()`` starts a check (an instance restored from a snapshot)."""
        self._next_check = 0.0

    def rebuild(self) -> bool:
        """Builds the policy in use again, now (a dependency of ``build`` changed; call it from
        a background thread). True when the new value is in use."""
        with self._build_lock:
            if self._text is None:
                return self.refresh()
            return self._swap(self._text, self._origin)

    def wait(self, timeout: float | None = None) -> None:
        """Waits for a background check or rebuild (tests, benchmarks)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _schedule(self, job: Callable[[], object]) -> None:
        if not self._background:
            job()
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._next_check = self._clock() + self.check_every_s
            self._thread = threading.Thread(target=job, name="chatmod-policy", daemon=True)
            self._thread.start()

    def refresh(self) -> bool:
        """Fetch and, when the text changed, build and swap. True when a new value is in use."""
        with self._build_lock:
            return self._refresh()

    def _refresh(self) -> bool:
        self._next_check = self._clock() + self.check_every_s
        try:
            text = self.source.fetch()
        except Exception as exc:
            self._on_failure(f"cannot fetch the policy from {self.source.name}", exc)
            return False
        unchanged = text == self._text and self._origin == self.source.name
        if unchanged or _digest(text) == self._rejected:
            return False  # unchanged, or the same bad text again (reported once)
        return self._swap(text, self.source.name)

    def _swap(self, text: str, origin: str) -> bool:
        try:
            value = self._build(text, origin)
        except Exception as exc:
            self._rejected = _digest(text)
            self._on_failure(f"policy from {origin} rejected; keeping the last good one", exc)
            return False
        self._value, self._text, self._origin, self._rejected = value, text, origin, None
        self._on_reload(origin)
        return True
