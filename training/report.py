"""How the evaluation scripts take their options and write what they measured.

``make eval`` runs several scripts whose tables go to the terminal and to ``artifacts/*.md``;
their shared options, table layout and percentages are written here once, so every table
reads the same.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def evaluation_parser(
    doc: str | None, *, model: Path, multilingual: Path | None = None
) -> argparse.ArgumentParser:
    """A parser with the model folder to judge (and the multilingual one, where it counts)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--model", default=str(model))
    if multilingual is not None:
        parser.add_argument("--multilingual", default=str(multilingual))
    return parser


def percent_of(lines: int, counts: dict[str, int]) -> dict[str, float]:
    """``lines`` and each count as a percentage of them (``"<name> %"``)."""
    n = max(1, lines)
    return {"lines": lines, **{f"{name} %": 100 * count / n for name, count in counts.items()}}


def table(title: str, columns: Sequence[str], rows: dict[str, dict[str, Any]]) -> str:
    """A Markdown table under a heading: shares (below 1.5) to three places, other floats two."""
    lines = [
        f"\n### {title}\n",
        "| | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for name, values in rows.items():
        cells = []
        for col in columns:
            v = values.get(col, "")
            cells.append(
                f"{v:.3f}"
                if isinstance(v, float) and v < 1.5
                else f"{v:.2f}"
                if isinstance(v, float)
                else str(v)
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def publish(text: str, markdown: str | None) -> None:
    """Print the report and, if asked, keep it as a Markdown file too."""
    print(text)
    if markdown:
        Path(markdown).write_text(text + "\n")
