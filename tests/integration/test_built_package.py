"""The `sam build` output works on its own, as Lambda loads it.

A fresh interpreter without site-packages sees only what Lambda's Python runtime provides
(the standard library, boto3 and its dependencies), the built chatmod layer, the model layer
and the function code. This catches a dependency pruned or missing from the layer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import boto3
import botocore
import dateutil
import jmespath
import pytest
import s3transfer
import six
import urllib3

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".aws-sam" / "build"
RUNTIME_PROVIDED = [boto3, botocore, s3transfer, jmespath, dateutil, urllib3]

PROBE = """
import importlib.util, json, sys
sys.path[:0] = json.loads(sys.argv[1])
spec = importlib.util.spec_from_file_location("app", sys.argv[2])
app = importlib.util.module_from_spec(spec)
spec.loader.exec_module(app)
class Context:
    function_name = "ReviewFunction"; memory_limit_in_mb = 1024; aws_request_id = "r1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ReviewFunction"
    def get_remaining_time_in_millis(self): return 3000
events = json.loads(sys.stdin.read())
out = {"model": getattr(app.MODEL, "name", None),
       "responses": [app.lambda_handler(e, Context()) for e in events],
       "foreign": sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "transformers"})}
print("RESULT" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def built() -> Path:
    if not (BUILD / "ChatmodLayer" / "python" / "chatmod").is_dir():
        env = {
            **os.environ,
            "SAM_CLI_TELEMETRY": "0",
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        }
        subprocess.run(
            [
                "sam",
                "build",
                "--build-dir",
                str(BUILD),
                "--cache-dir",
                str(ROOT / ".aws-sam" / "cache"),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
    return BUILD


def runtime_dir(tmp_path: Path) -> Path:
    """A folder holding only what Lambda's Python runtime ships besides the stdlib."""
    folder = tmp_path / "runtime"
    folder.mkdir()
    for module in RUNTIME_PROVIDED:
        source = Path(module.__file__).parent  # type: ignore[arg-type]
        (folder / source.name).symlink_to(source)
    (folder / "six.py").symlink_to(Path(six.__file__))  # type: ignore[arg-type]
    return folder


def test_built_review_function_runs_with_only_its_layers(built: Path, tmp_path: Path) -> None:
    events_dir = ROOT / "events" / "review"
    names = ["clean", "profanity", "slur", "malformed"]
    events = [json.loads((events_dir / f"{n}.json").read_text("utf-8")) for n in names]
    paths = [str(built / "ChatmodLayer" / "python"), str(runtime_dir(tmp_path))]
    env = {
        "PATH": os.environ["PATH"],
        "CHATMOD_MODEL_DIR": str(ROOT / "layers" / "model" / "chatmod-minilm"),
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "chatmod",
        "AWS_REGION": "us-east-1",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-S",
            "-c",
            PROBE,
            json.dumps(paths),
            str(built / "ReviewFunction" / "app.py"),
        ],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.split("RESULT", 1)[1])
    assert result["model"] and result["model"].startswith("onnx"), proc.stdout[-2000:]
    assert result["foreign"] == []
    decisions = [r["ReviewResult"] for r in result["responses"]]
    assert decisions == ["ALLOW", "ALLOW", "DENY", "ALLOW"]
    assert result["responses"][1]["Content"] == "that boss fight was f****** brutal"
    assert sysconfig.get_paths()["purelib"] not in proc.stdout
