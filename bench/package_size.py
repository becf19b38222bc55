"""Sizes of what `sam build` produced: each function and layer unzipped, and their sum.

Lambda's limit is 250 MB unzipped for a function plus its layers; chatmod aims for < 175 MB.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

MB = 1024 * 1024


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.package_size")
    parser.add_argument("--build-dir", default=".aws-sam/build")
    args = parser.parse_args(argv)
    build = Path(args.build_dir)
    if not build.is_dir():
        print(f"{build} not found: run `make sam-build` first", file=sys.stderr)
        return 2
    sizes = {p.name: folder_size(p) for p in sorted(build.iterdir()) if p.is_dir()}
    print("package sizes (unzipped)")
    for name, size in sizes.items():
        print(f"  {name:<22} {size / MB:8.1f} MB")
    layers = sum(size for name, size in sizes.items() if name.endswith("Layer"))
    for name, size in sizes.items():
        if name.endswith("Function"):
            print(
                f"  {name} + layers: {(size + layers) / MB:.1f} MB (limit 250 MB, target < 175 MB)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
