"""What the rules alone catch of the real threats, and what they deny of harmless lines.

The model cannot learn chat threats here (no real source holds them), so the default policy's
``threats`` pack denies the phrases that are a threat wherever they appear. This measures it on
real rows only: for each labelled source, the share of its threat rows (threat label >= 0.5)
and of its non-toxic rows that a rule of category ``threat`` hits; for each benign source, the
share of its lines hit. Rules only, no model.

Usage (from the repo root, in the training venv, which reads the data with pandas):
    .venv-torch/bin/python -m training.threat_rules [--data-dir DIR] [--markdown FILE]
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from chatmod.policy import RoomPolicy, load_policy
from chatmod.review.compile import CompiledRoom, compile_room
from chatmod.text.views import normalize
from training.data import LABELS, Example

THREAT_CATEGORY = "threat"
_THREAT = LABELS.index("threat")


def default_room() -> CompiledRoom:
    """The bundled policy's checks, as a room that changed nothing gets them."""
    policy: RoomPolicy = load_policy().defaults
    return compile_room(policy)


def hits_threat_rule(room: CompiledRoom, text: str) -> bool:
    views = normalize(text)
    return any(h.category == THREAT_CATEGORY for check in room.checks for h in check.scan(views))


def is_threat(ex: Example) -> bool:
    return ex.targets[_THREAT] >= 0.5  # NaN (the source does not say) compares False


@dataclass(frozen=True)
class SourceRow:
    """One source's figures: ``threats``/``threats_hit`` are None for a benign source."""

    source: str
    threats: int | None
    threats_hit: int | None
    harmless: int
    harmless_hit: int


def measure(
    room: CompiledRoom,
    labelled: Mapping[str, Sequence[Example]],
    benign: Mapping[str, Sequence[Example]],
) -> list[SourceRow]:
    rows: list[SourceRow] = []
    for source, examples in labelled.items():
        threats = [ex for ex in examples if is_threat(ex)]
        harmless = [ex for ex in examples if not ex.binary_toxic]
        rows.append(
            SourceRow(
                source,
                len(threats),
                sum(hits_threat_rule(room, ex.text) for ex in threats),
                len(harmless),
                sum(hits_threat_rule(room, ex.text) for ex in harmless),
            )
        )
    for source, lines in benign.items():
        hit = sum(hits_threat_rule(room, ex.text) for ex in lines)
        rows.append(SourceRow(source, None, None, len(lines), hit))
    return rows


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.2f}%)" if whole else "-"


def markdown(rows: list[SourceRow]) -> str:
    out = [
        "| source | threat rows hit | harmless rows hit |",
        "|---|---|---|",
    ]
    for row in rows:
        threats = "-" if row.threats is None else _share(row.threats_hit or 0, row.threats)
        out.append(f"| {row.source} | {threats} | {_share(row.harmless_hit, row.harmless)} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    from training.real_data import BENIGN, LABELLED, load_everything

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    splits = load_everything((*LABELLED, *BENIGN), args.data_dir)
    every = {
        source: [ex for part in parts.values() for ex in part] for source, parts in splits.items()
    }
    rows = measure(
        default_room(),
        {s: every[s] for s in LABELLED if s in every},
        {s: every[s] for s in BENIGN if s in every},
    )
    table = markdown(rows)
    print("# Rules of category threat (default policy), every split of each real source\n")
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
