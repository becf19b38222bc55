"""Sizes of what `sam build` produced, unzipped: each function, each layer, and their sum.

Lambda's limit is 250 MB unzipped for a function plus its layers; the review function, which
carries the int8 model, aims for < 175 MB.
Layers SAM does not build (the model layer) are measured where the built template points.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chatmod_local.template import load_template

MB = 1024 * 1024


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.package_size")
    parser.add_argument("--build-dir", default=".aws-sam/build")
    args = parser.parse_args(argv)
    build = Path(args.build_dir)
    if not (build / "template.yaml").is_file():
        print(f"{build}/template.yaml not found: run `make sam-build` first", file=sys.stderr)
        return 2
    resources = load_template(build / "template.yaml")["Resources"]
    sizes: dict[str, int] = {}
    for name, resource in resources.items():
        props = resource.get("Properties", {})
        uri = props.get("CodeUri") or props.get("ContentUri")
        if resource["Type"] in {"AWS::Serverless::Function", "AWS::Serverless::LayerVersion"}:
            sizes[name] = folder_size((build / str(uri)).resolve())
    print("package sizes (unzipped)")
    for name, size in sizes.items():
        print(f"  {name:<22} {size / MB:8.1f} MB")
    for name, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        layers = [ref["Ref"] for ref in resource["Properties"].get("Layers", []) if "Ref" in ref]
        total = sizes[name] + sum(sizes.get(layer, 0) for layer in layers)
        target = ", target < 175 MB" if name == "ReviewFunction" else ""
        print(f"  {name} + its layers: {total / MB:.1f} MB (Lambda limit 250 MB{target})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
