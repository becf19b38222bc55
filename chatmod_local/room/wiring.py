"""What the template says about the room and its functions, for the local room to copy.

The room's limits and review handler come from the template's ``AWS::IVSChat::Room``; the
escalation function is the one an SQS queue triggers, whose batch size and the queue's redrive
settings the local queue mirrors. Anything the template does not say gets IVS's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatmod_local.template import Resolver, load_template

DEFAULT_REVIEW_FUNCTION = "ReviewFunction"
DEFAULT_ESCALATION_FUNCTION = "EscalationFunction"
DEFAULT_QUEUE_NAME = "chatmod-escalations"


@dataclass(frozen=True)
class TemplateWiring:
    room_name: str = "chatmod-room"
    maximum_message_length: int = 500
    maximum_message_rate_per_second: int = 10
    fallback_result: str = "ALLOW"
    review_function: str = DEFAULT_REVIEW_FUNCTION
    escalation_function: str | None = None
    queue_name: str = DEFAULT_QUEUE_NAME
    batch_size: int = 10
    batch_window_s: float = 0.0
    max_receives: int = 3
    visibility_timeout_s: float = 30.0
    escalation_timeout_s: float = 30.0
    functions: frozenset[str] = frozenset()  # every AWS::Serverless::Function's logical id


def _ref_id(value: Any) -> str | None:
    """``!Ref X`` / ``!Ref X.Alias`` / ``!GetAtt X.Arn`` -> ``X``."""
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            return value["Ref"].split(".")[0]
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else str(target).split(".")[0])
    return None


def _room(resources: dict[str, Any]) -> dict[str, Any] | None:
    for resource in resources.values():
        if resource.get("Type") == "AWS::IVSChat::Room":
            return dict(resource)
    return None


def _sqs_trigger(resources: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The function an SQS queue triggers and the trigger's settings (``Queue`` names the queue).

    Either a SAM ``SQS`` event on a function or an ``AWS::Lambda::EventSourceMapping``.
    """
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event in (resource.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") == "SQS":
                return logical_id, dict(event.get("Properties", {}))
    for resource in resources.values():
        if resource.get("Type") != "AWS::Lambda::EventSourceMapping":
            continue
        props = dict(resource.get("Properties", {}))
        function_id = _ref_id(props.get("FunctionName"))
        queue_id = _ref_id(props.get("EventSourceArn"))
        if function_id in resources and resources.get(queue_id or "", {}).get("Type") == (
            "AWS::SQS::Queue"
        ):
            return str(function_id), {**props, "Queue": props["EventSourceArn"]}
    return None


def read_wiring(
    template_path: str | Path, overrides: dict[str, str] | None = None
) -> TemplateWiring:
    template = load_template(template_path)
    resolver = Resolver(template, dict(overrides or {}))
    resources: dict[str, Any] = template["Resources"]
    settings: dict[str, Any] = {
        "functions": frozenset(
            k for k, r in resources.items() if r.get("Type") == "AWS::Serverless::Function"
        )
    }
    room = _room(resources)
    if room is not None:
        props = room.get("Properties", {})
        handler = props.get("MessageReviewHandler") or {}
        settings["room_name"] = str(resolver.resolve(props.get("Name", "chatmod-room")))
        if "MaximumMessageLength" in props:
            settings["maximum_message_length"] = int(
                resolver.resolve(props["MaximumMessageLength"])
            )
        if "MaximumMessageRatePerSecond" in props:
            settings["maximum_message_rate_per_second"] = int(
                resolver.resolve(props["MaximumMessageRatePerSecond"])
            )
        if "FallbackResult" in handler:
            settings["fallback_result"] = str(resolver.resolve(handler["FallbackResult"]))
        settings["review_function"] = _ref_id(handler.get("Uri")) or DEFAULT_REVIEW_FUNCTION
    trigger = _sqs_trigger(resources)
    if trigger is not None:
        function_id, props = trigger
        settings["escalation_function"] = function_id
        settings["batch_size"] = int(resolver.resolve(props.get("BatchSize", 10)))
        window = props.get("MaximumBatchingWindowInSeconds", 0)
        settings["batch_window_s"] = float(resolver.resolve(window))
        timeout = resources[function_id].get("Properties", {}).get("Timeout")
        if timeout is None:
            timeout = template.get("Globals", {}).get("Function", {}).get("Timeout", 30)
        settings["escalation_timeout_s"] = float(resolver.resolve(timeout))
        queue_id = _ref_id(props.get("Queue"))
        queue = resources.get(queue_id or "", {}).get("Properties", {})
        if queue_id:
            name = queue.get("QueueName")
            settings["queue_name"] = str(resolver.resolve(name)) if name else DEFAULT_QUEUE_NAME
        if "VisibilityTimeout" in queue:
            settings["visibility_timeout_s"] = float(resolver.resolve(queue["VisibilityTimeout"]))
        redrive = queue.get("RedrivePolicy") or {}
        if "maxReceiveCount" in redrive:
            settings["max_receives"] = int(resolver.resolve(redrive["maxReceiveCount"]))
    elif DEFAULT_ESCALATION_FUNCTION in resources:
        settings["escalation_function"] = DEFAULT_ESCALATION_FUNCTION
    return TemplateWiring(**settings)
