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
from typing import Any

import pytest

from chatmod_local.lambda_runtime import runtime_dir
from chatmod_local.template import load_template

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".aws-sam" / "build"

# Shared by both probes: load the built app.py like Lambda's runtime, a Lambda context for it,
# and the result line (which also lists any torch/transformers module that got imported).
PRELUDE = """
import importlib.util, json, sys
sys.path[:0] = json.loads(sys.argv[1])
spec = importlib.util.spec_from_file_location("app", sys.argv[2])
app = importlib.util.module_from_spec(spec)
spec.loader.exec_module(app)
if hasattr(app, "RUNTIME"):
    app.RUNTIME.startup.join(60)  # the background start: model loaded, sender made
class Context:
    function_name = sys.argv[3]; memory_limit_in_mb = 1024; aws_request_id = "r1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + sys.argv[3]
    def get_remaining_time_in_millis(self): return 30000
def report(out):
    out["foreign"] = sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "transformers"})
    print("RESULT" + json.dumps(out))
"""

PROBE = (
    PRELUDE
    + """
events = json.loads(sys.stdin.read())
report({"model": getattr(app.RUNTIME.model, "name", None),
        "responses": [app.lambda_handler(e, Context()) for e in events]})
"""
)


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


def run_probe(
    probe: str, built: Path, function: str, tmp_path: Path, env: dict[str, str], stdin: str
) -> dict[str, Any]:
    """Runs ``probe`` on a built function in a bare interpreter: stdlib, runtime, chatmod layer."""
    paths = [str(built / "ChatmodLayer" / "python"), str(runtime_dir(tmp_path / "runtime"))]
    base = {
        "PATH": os.environ["PATH"],
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "chatmod",
        "AWS_REGION": "us-east-1",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-S",
            "-c",
            probe,
            json.dumps(paths),
            str(built / function / "app.py"),
            function,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sysconfig.get_paths()["purelib"] not in proc.stdout
    result: dict[str, Any] = json.loads(proc.stdout.split("RESULT", 1)[1])
    return result


def test_built_review_function_runs_with_only_its_layers(built: Path, tmp_path: Path) -> None:
    events_dir = ROOT / "events" / "review"
    names = ["clean", "profanity", "slur", "malformed"]
    events = [json.loads((events_dir / f"{n}.json").read_text("utf-8")) for n in names]
    model_dir = str(ROOT / "layers" / "model" / "chatmod-minilm")
    result = run_probe(
        PROBE,
        built,
        "ReviewFunction",
        tmp_path,
        {"CHATMOD_MODEL_DIR": model_dir},
        json.dumps(events),
    )
    assert result["model"] and result["model"].startswith("onnx"), result
    assert result["foreign"] == []
    decisions = [r["ReviewResult"] for r in result["responses"]]
    assert decisions == ["ALLOW", "ALLOW", "DENY", "ALLOW"]
    assert result["responses"][1]["Content"] == "that boss fight was f****** brutal"


ESCALATION_PROBE = (
    PRELUDE
    + """
event = json.loads(sys.stdin.read())
report({"scorer": app.HANDLER.processor.scorer.name, "max_tokens": app.HANDLER.processor.scorer.model.max_tokens,
        "response": app.lambda_handler(event, Context()), "calls": app.HANDLER.actions.calls})
"""
)


def test_built_escalation_function_scores_with_the_model_layer(built: Path, tmp_path: Path) -> None:
    """The escalation function as deployed: chatmod layer + the review's model layer."""
    template = load_template(built / "template.yaml")["Resources"]
    layers = template["EscalationFunction"]["Properties"]["Layers"]
    assert {"Ref": "ModelLayer"} in layers
    assert "SecondOpinionModelLayer" not in template  # no second copy of the model
    content = template["ModelLayer"]["Properties"]["ContentUri"]
    model = (built / str(content)).resolve() / "chatmod-minilm"  # SAM packages it as is
    assert (model / "model.onnx").is_file(), "the built template must point at the model layer"
    event = json.loads((ROOT / "events" / "escalation" / "second-opinion.json").read_text("utf-8"))
    body = json.loads(event["Records"][0]["body"])
    body["content"] = "you are a worthless idiot and nobody wants you here"  # clearly confirmed
    event["Records"][0]["body"] = json.dumps(body)
    env = {
        "CHATMOD_SECOND_OPINION_MODEL_DIR": str(model),
        "CHATMOD_LEDGER": "memory",
        "CHATMOD_ACTIONS_DRY_RUN": "true",
    }
    result = run_probe(
        ESCALATION_PROBE, built, "EscalationFunction", tmp_path, env, json.dumps(event)
    )
    assert result["scorer"] == "model:onnx:chatmod-minilm"
    assert result["response"] == {"batchItemFailures": []}
    assert result["calls"] == [
        [
            "DeleteMessage",
            "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6",
            "MSG000000301",
            "Removed by moderation.",
        ]
    ]
    assert result["foreign"] == []


MODERATION_PROBE = (
    PRELUDE
    + """
def http(method, path, body=None):
    return {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
            "headers": {"content-type": "application/json"},
            "requestContext": {"http": {"method": method, "path": path, "sourceIp": "10.0.0.1"},
                               "authorizer": {"iam": {"userArn": "arn:aws:iam::1:user/mod"}},
                               "requestId": "r", "stage": "$default"},
            "body": json.dumps(body) if body is not None else None, "isBase64Encoded": False}
made = app.lambda_handler(http("POST", "/moderation/rooms/abcdEFGH1234/bans",
                               {"userId": "viewer-42", "durationSeconds": 600}), Context())
listed = app.lambda_handler(http("GET", "/moderation/rooms/abcdEFGH1234/bans"), Context())
report({"made": made["statusCode"], "bans": json.loads(listed["body"])["bans"]})
"""
)


def test_built_moderation_function_runs_with_only_the_chatmod_layer(
    built: Path, tmp_path: Path
) -> None:
    """The moderator API's function as deployed (no model layer), on the in-memory store."""
    layers = load_template(built / "template.yaml")["Resources"]["ModerationFunction"]
    assert layers["Properties"]["Layers"] == [{"Ref": "ChatmodLayer"}]
    env = {"CHATMOD_MODERATION_STORE": "memory"}
    result = run_probe(MODERATION_PROBE, built, "ModerationFunction", tmp_path, env, "")
    assert result["made"] == 201
    assert [(b["userId"], b["kind"], b["by"]) for b in result["bans"]] == [
        ("viewer-42", "timeout", "arn:aws:iam::1:user/mod")
    ]
    assert result["foreign"] == []
