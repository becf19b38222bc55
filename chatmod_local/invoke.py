"""Run a function from ``template.yaml`` in-process, the way Lambda would, without Docker.

It reads the function's handler, code, layers and environment from the template, puts the
layers on the import path, maps ``/opt/...`` settings onto the layers' folders, initializes
the handler module once (a cold start) and invokes it with a Lambda-like context. Logs go
to stderr; the response is printed as JSON on stdout.

    python -m chatmod_local.invoke ReviewFunction -e events/review/profanity.json
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import importlib.util
import io
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from chatmod_local.template import LOCAL_PSEUDO, FunctionSpec, TemplateError, function_spec

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATE = ROOT / "template.yaml"


@dataclass
class LocalContext:
    """The parts of the Lambda context object handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_s: float
    function_version: str = "$LATEST"
    aws_request_id: str = ""
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self.aws_request_id = self.aws_request_id or str(uuid.uuid4())
        self._deadline = time.monotonic() + self.timeout_s
        region, account = LOCAL_PSEUDO["AWS::Region"], LOCAL_PSEUDO["AWS::AccountId"]
        self.invoked_function_arn = (
            f"arn:aws:lambda:{region}:{account}:function:{self.function_name}"
        )
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


_log_target: contextvars.ContextVar[IO[str]] = contextvars.ContextVar("log_target")


def _current_log_stream() -> IO[str]:
    stream = _log_target.get(None)
    return stream if stream is not None else sys.__stderr__ or sys.stderr


class _StdoutRouter(io.TextIOBase):
    """One stable stdout for every local function.

    Loggers bind to the stdout they see at init; routing through this object sends each
    write to the stream of the function running now, as separate Lambda instances would.
    """

    def write(self, text: str) -> int:
        return _current_log_stream().write(text)

    def flush(self) -> None:
        _current_log_stream().flush()

    def writable(self) -> bool:
        return True


_ROUTER = _StdoutRouter()
# os.environ is process-wide: functions invoked from several threads take turns.
_SANDBOX_LOCK = threading.RLock()


def _map_opt(value: str, layer_dirs: tuple[Path, ...]) -> str:
    """Lambda unzips layers into /opt; locally, point /opt/<x> at the layer that has <x>."""
    if not value.startswith("/opt/"):
        return value
    rest = value[len("/opt/") :]
    for layer in layer_dirs:
        for candidate in (layer / rest, layer / "python" / rest):
            if candidate.exists():
                return str(candidate)
    return value


def lambda_environment(
    spec: FunctionSpec, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    env = {
        "AWS_LAMBDA_FUNCTION_NAME": spec.logical_id,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_REGION": LOCAL_PSEUDO["AWS::Region"],
        "AWS_DEFAULT_REGION": LOCAL_PSEUDO["AWS::Region"],
        "LAMBDA_TASK_ROOT": str(spec.code_dir),
        "_HANDLER": spec.handler,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}_local",
    }
    for key, value in {**spec.environment, **(extra or {})}.items():
        env[key] = _map_opt(value, spec.layer_dirs)
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        if key not in os.environ and key not in env:
            env[key] = "local"
    return env


def set_environ(env: Mapping[str, str]) -> dict[str, str | None]:
    """Sets ``env`` in os.environ key by key; returns what to put back (None: unset)."""
    previous = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    return previous


def restore_environ(previous: Mapping[str, str | None]) -> None:
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@contextlib.contextmanager
def patched_environ(env: Mapping[str, str]) -> Iterator[None]:
    """Only ``env``'s keys change and come back: other threads never see an empty environment."""
    previous = set_environ(env)
    try:
        yield
    finally:
        restore_environ(previous)


class LocalFunction:
    """One warm function instance: initialized once, invoked many times.

    Its environment is in os.environ only while it initializes and runs, so several functions
    can share a process; threads it starts at init then see the process's own environment
    afterwards. ``owns_process=True`` is Lambda's model instead, for a process that runs this
    function alone (the room, its worker, the CLI): the environment is set for the instance's
    life, background threads included, and ``close()`` takes it back.
    """

    def __init__(
        self,
        logical_id: str,
        template: str | Path = DEFAULT_TEMPLATE,
        *,
        overrides: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
        log_stream: IO[str] | None = None,
        owns_process: bool = False,
    ) -> None:
        self.spec = function_spec(template, logical_id, dict(overrides or {}))
        self.env = lambda_environment(self.spec, env)
        self._kept_environ = set_environ(self.env) if owns_process else None
        self.log_stream = log_stream if log_stream is not None else sys.stderr
        module_file, _, func_name = self.spec.handler.rpartition(".")
        path = self.spec.code_dir / (module_file.replace(".", "/") + ".py")
        if not path.exists():
            raise TemplateError(f"{logical_id}: handler file {path} does not exist")
        for entry in [str(self.spec.code_dir), *(str(d) for d in self.spec.layer_dirs)]:
            if entry not in sys.path:
                sys.path.insert(0, entry)
        started = time.perf_counter()
        name = f"_chatmod_local_{logical_id}_{uuid.uuid4().hex[:8]}"
        module_spec = importlib.util.spec_from_file_location(name, path)
        assert module_spec and module_spec.loader
        module = importlib.util.module_from_spec(module_spec)
        with self._sandbox():
            module_spec.loader.exec_module(module)
        self.init_ms = (time.perf_counter() - started) * 1000
        self.module: ModuleType = module
        self.handler = getattr(module, func_name)

    @contextlib.contextmanager
    def _sandbox(self) -> Iterator[None]:
        token = _log_target.set(self.log_stream)
        environ = patched_environ({} if self._kept_environ is not None else self.env)
        try:
            with _SANDBOX_LOCK, environ, contextlib.redirect_stdout(_ROUTER):
                yield
        finally:
            _log_target.reset(token)

    def close(self) -> None:
        """Gives the process its own environment back (``owns_process``)."""
        if self._kept_environ is not None:
            restore_environ(self._kept_environ)
            self._kept_environ = None

    def invoke(self, event: Any) -> Any:
        """Call the handler with a JSON round-tripped event, as Lambda delivers it."""
        payload = json.loads(json.dumps(event))
        context = LocalContext(self.spec.logical_id, self.spec.memory_mb, self.spec.timeout_s)
        with self._sandbox():
            result = self.handler(payload, context)
        return json.loads(json.dumps(result))


def parse_pairs(values: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` command-line items as a dict (a clear exit on anything else)."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"expected KEY=VALUE, got {item!r}")
        out[key] = value
    return out


def _events(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chatmod_local.invoke",
        description="Invoke a template function in-process, without Docker.",
    )
    parser.add_argument("function", nargs="?", default="ReviewFunction")
    parser.add_argument(
        "-e",
        "--event",
        action="append",
        default=[],
        help="event file or folder (repeatable); '-' reads stdin",
    )
    parser.add_argument("-t", "--template", default=str(DEFAULT_TEMPLATE))
    parser.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE")
    parser.add_argument(
        "--env", nargs="*", default=[], metavar="KEY=VALUE", help="extra environment"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="drop the function's logs")
    args = parser.parse_args(argv)
    log_stream: IO[str] = io.StringIO() if args.quiet else sys.stderr
    try:
        function = LocalFunction(
            args.function,
            args.template,
            overrides=parse_pairs(args.parameter_overrides),
            env=parse_pairs(args.env),
            log_stream=log_stream,
            owns_process=True,
        )
    except TemplateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"# {args.function} initialized in {function.init_ms:.0f} ms", file=sys.stderr)
    sources: list[tuple[str, str]] = []
    if not args.event or args.event == ["-"]:
        sources.append(("<stdin>", sys.stdin.read()))
    else:
        for path in _events(args.event):
            try:
                sources.append((str(path), path.read_text("utf-8")))
            except OSError as exc:
                print(f"error: cannot read event {path}: {exc}", file=sys.stderr)
                return 2
    for name, text in sources:
        try:
            event = json.loads(text)
        except json.JSONDecodeError:
            event = text  # a malformed event is passed through as Lambda would pass a raw string
        started = time.perf_counter()
        response = function.invoke(event)
        elapsed = (time.perf_counter() - started) * 1000
        if len(sources) > 1:
            print(f"# {name} ({elapsed:.1f} ms)")
        else:
            print(f"# {elapsed:.1f} ms", file=sys.stderr)
        print(json.dumps(response, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
