"""The threat-rule measure counts what the default policy's rules of category threat hit: threat
rows and harmless rows of a labelled source, every line of a benign one."""

from __future__ import annotations

import math

import pytest

from training.data import LABELS, Example
from training.threat_rules import default_room, markdown, measure

pytestmark = pytest.mark.torch


def _row(text: str, toxic: bool, threat: float = math.nan) -> Example:
    targets = [math.nan] * len(LABELS)
    targets[LABELS.index("toxicity")] = 1.0 if toxic else 0.0
    targets[LABELS.index("threat")] = threat
    return Example(text, tuple(targets), "src", int(toxic))


def test_threat_rows_harmless_rows_and_benign_lines_are_counted_apart() -> None:
    labelled = {
        "src": [
            _row("kys", True, threat=1.0),
            _row("they should all be locked up", True, threat=0.8),
            _row("k1ll yourself loser", True, threat=math.nan),  # no threat label: not counted
            _row("that boss will kill you", False),
            _row("i know where you live lol", False),
        ]
    }
    benign = {"chat": [_row("gg wp", False), _row("just go die already", False)]}
    rows = measure(default_room(), labelled, benign)
    src, chat = rows
    assert (src.threats, src.threats_hit, src.harmless, src.harmless_hit) == (2, 1, 2, 1)
    assert (chat.threats, chat.threats_hit, chat.harmless, chat.harmless_hit) == (None, None, 2, 1)
    table = markdown(rows)
    assert "| src | 1/2 (50.00%) | 1/2 (50.00%) |" in table
    assert "| chat | - | 1/2 (50.00%) |" in table
