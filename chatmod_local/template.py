"""Read a SAM template the way ``sam local invoke`` does, without Docker.

CloudFormation's short-form tags (``!Ref``, ``!Sub``, ``!If`` ...) load as their long forms,
and the intrinsics a function's configuration uses are resolved from parameter defaults,
overrides and conditions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LOCAL_PSEUDO = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "chatmod-local",
    "AWS::URLSuffix": "amazonaws.com",
}


class TemplateError(ValueError):
    """A template, function or value the local runner cannot use."""


class _CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


def load_template(path: str | Path) -> dict[str, Any]:
    file = Path(path)
    try:
        data = yaml.load(file.read_text("utf-8"), Loader=_CfnLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot read template {file}: {exc}") from exc
    if not isinstance(data, dict) or "Resources" not in data:
        raise TemplateError(f"{file} is not a SAM/CloudFormation template")
    return data


_NO_VALUE = object()


@dataclass
class Resolver:
    """Resolves intrinsics against parameters (defaults, then overrides) and conditions."""

    template: dict[str, Any]
    overrides: dict[str, str] = field(default_factory=dict)

    def parameter(self, name: str) -> Any:
        if name in LOCAL_PSEUDO:
            return LOCAL_PSEUDO[name]
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.overrides:
            return self.overrides[name]
        params = self.template.get("Parameters", {})
        if name in params:
            if "Default" not in params[name]:
                raise TemplateError(f"parameter {name} has no default; pass it as an override")
            return params[name]["Default"]
        resources = self.template.get("Resources", {})
        base = name.split(".")[0]
        if base in resources:
            region, account = LOCAL_PSEUDO["AWS::Region"], LOCAL_PSEUDO["AWS::AccountId"]
            return f"arn:aws:local:{region}:{account}:{name}"
        raise TemplateError(f"cannot resolve Ref {name}")

    def condition(self, name: str) -> bool:
        conditions = self.template.get("Conditions", {})
        if name not in conditions:
            raise TemplateError(f"unknown condition {name}")
        return bool(self.resolve(conditions[name]))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self.resolve(v) for v in value]
            return [v for v in items if v is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.parameter(arg)
            if key == "Fn::If":
                cond, yes, no = arg
                return self.resolve(yes if self.condition(cond) else no)
            if key == "Fn::Equals":
                left, right = (self.resolve(v) for v in arg)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self.resolve(arg[0])
            if key == "Fn::And":
                return all(self.resolve(v) for v in arg)
            if key == "Fn::Or":
                return any(self.resolve(v) for v in arg)
            if key in ("Condition", "Fn::Condition"):  # the YAML tag !Condition reads as Fn::
                return self.condition(arg)
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::Join":
                sep, parts = arg
                return str(sep).join(str(self.resolve(p)) for p in parts)
            if key == "Fn::Split":
                sep, text = arg
                return str(self.resolve(text)).split(str(sep))
            if key == "Fn::Select":
                index, items = arg
                return self.resolve(items)[int(index)]
            if key == "Fn::GetAtt":
                return f"local:{'.'.join(arg)}"
        out = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not _NO_VALUE}

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        resolved = {k: self.resolve(v) for k, v in variables.items()}

        def repl(match: re.Match[str]) -> str:
            name = match.group(1)
            return str(resolved[name] if name in resolved else self.parameter(name))

        return re.sub(r"\$\{([^}!][^}]*)\}", repl, text)


@dataclass(frozen=True)
class FunctionSpec:
    """What the local runner needs to run one function as Lambda would."""

    logical_id: str
    code_dir: Path
    handler: str
    layer_dirs: tuple[Path, ...]
    environment: dict[str, str]
    memory_mb: int
    timeout_s: float
    runtime: str


def function_spec(
    template_path: str | Path, logical_id: str, overrides: dict[str, str] | None = None
) -> FunctionSpec:
    """The function's code, handler, layers and environment, with Globals applied."""
    path = Path(template_path).resolve()
    template = load_template(path)
    resources = template["Resources"]
    resource = resources.get(logical_id)
    if not resource or resource.get("Type") != "AWS::Serverless::Function":
        functions = sorted(
            k for k, v in resources.items() if v.get("Type") == "AWS::Serverless::Function"
        )
        raise TemplateError(
            f"no function {logical_id!r} in {path}; functions: {', '.join(functions)}"
        )
    resolver = Resolver(template, dict(overrides or {}))
    globals_fn = resolver.resolve(template.get("Globals", {}).get("Function", {}))
    props = resolver.resolve(resource.get("Properties", {}))
    env: dict[str, str] = {}
    for source in (globals_fn, props):
        for key, value in source.get("Environment", {}).get("Variables", {}).items():
            env[key] = "" if value is None else str(value)
    layer_dirs: list[Path] = []
    for layer in resource.get("Properties", {}).get("Layers", []):
        if isinstance(layer, dict) and "Fn::If" in layer:
            chosen = resolver.resolve([layer])
            if not chosen or isinstance(chosen[0], str):
                continue  # off, or a published layer (the AppConfig extension): not local
            layer = chosen[0]
        ref = layer.get("Ref") if isinstance(layer, dict) else None
        layer_res = resources.get(ref) if ref else None
        if layer_res is None:
            raise TemplateError(f"{logical_id}: only layers defined in the template run locally")
        content = layer_res["Properties"]["ContentUri"]
        layer_dirs.append((path.parent / content).resolve())
    merged = {**globals_fn, **props}
    return FunctionSpec(
        logical_id=logical_id,
        code_dir=(path.parent / merged["CodeUri"]).resolve(),
        handler=str(merged["Handler"]),
        layer_dirs=tuple(layer_dirs),
        environment=env,
        memory_mb=int(merged.get("MemorySize", 128)),
        timeout_s=float(merged.get("Timeout", 3)),
        runtime=str(merged.get("Runtime", "")),
    )
