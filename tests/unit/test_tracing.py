"""X-ray tracing only when the stack turns it on: off, the SDK is not even imported."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chatmod.aws.tracing import trace_handler, tracing_enabled


def _handler(event: dict[str, str], context: object) -> dict[str, str]:
    return {"echo": event["x"]}


@pytest.mark.parametrize("value", ["true", "TRUE", "1", " yes "])
def test_disabled_values(value: str) -> None:
    assert not tracing_enabled({"POWERTOOLS_TRACE_DISABLED": value})


@pytest.mark.parametrize("environ", [{}, {"POWERTOOLS_TRACE_DISABLED": "false"}])
def test_enabled_unless_disabled(environ: dict[str, str]) -> None:
    assert tracing_enabled(environ)


def test_off_leaves_the_handler_as_it_is_and_imports_no_xray(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    assert trace_handler("svc")(_handler) is _handler
    code = (
        "import os, sys; os.environ['POWERTOOLS_TRACE_DISABLED'] = 'true'\n"
        "from chatmod.aws.tracing import trace_handler\n"
        "trace_handler('svc')(print)\n"
        "print('aws_xray_sdk' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_on_wraps_the_handler_with_the_tracer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    traced = trace_handler("svc")(_handler)
    assert traced is not _handler
    assert traced({"x": "1"}, object()) == {"echo": "1"}
