"""The scoring interface: order, ids, one line per input, malformed lines reported in place."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from chatmod.cli import main, score_stream
from chatmod.model.spec import LABELS
from chatmod.policy import load_policy
from chatmod.review import Reviewer

from .fakes import KeywordModel


def run(lines: list[str]) -> tuple[list[dict[str, object]], str, int]:
    reviewer = Reviewer(load_policy(), KeywordModel({"idiot": {"toxicity": 0.99}}))
    out, err = io.StringIO(), io.StringIO()
    errors = score_stream(reviewer, lines, out, err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), errors


def test_one_line_per_input_in_order_with_the_full_record() -> None:
    inputs = [
        json.dumps({"id": f"m{i}", "text": t})
        for i, t in enumerate(["hi", "fuck", "idiot", "f4ggot"])
    ]
    records, err, errors = run(inputs)
    assert [r["id"] for r in records] == ["m0", "m1", "m2", "m3"]
    assert [r["decision"] for r in records] == ["ALLOW", "ALLOW", "DENY", "DENY"]
    assert [r["modified"] for r in records] == [False, True, False, False]
    assert records[1]["content"] == "f***"
    assert all(set(r) == {"id", "scores", "decision", "content", "modified"} for r in records)
    assert all(set(r["scores"]) == set(LABELS) for r in records)  # type: ignore[arg-type]
    assert (err, errors) == ("", 0)


def test_malformed_lines_are_reported_in_place_and_the_rest_still_scored() -> None:
    lines = [
        '{"id": "a", "text": "ok"}',
        "{oops",
        '{"id": "b"}',
        "[1]",
        "",
        '{"id": "c", "text": "fine"}',
    ]
    records, err, errors = run(lines)
    assert [r["id"] for r in records] == ["a", None, "b", None, "c"]
    assert "error" in records[1] and "line 2" in str(records[1]["error"])
    assert '"text" must be a string' in str(records[2]["error"])
    assert "expected an object" in str(records[3]["error"])
    assert records[4]["decision"] == "ALLOW"
    assert errors == 3
    assert err.count("chatmod score: line") == 3


def test_unicode_text_round_trips() -> None:
    records, _, _ = run([json.dumps({"id": "u", "text": "héllo 👋 shit"})])
    assert records[0]["content"] == "héllo 👋 s***"


def test_check_policy_command(tmp_path: Path, capsys: object) -> None:
    good = tmp_path / "p.yaml"
    good.write_text("rooms: {abc: {max_length: 100}}\n")
    assert main(["check-policy", str(good)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("defaults: {max_length: 0}\n")
    assert main(["check-policy", str(bad)]) == 2


def test_score_command_runs_as_a_module_and_exits_nonzero_on_bad_lines() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "chatmod", "score", "--no-model"],
        input='{"id": "1", "text": "hello"}\nnope\n',
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["1", None]
    assert proc.returncode == 1
    assert "line 2" in proc.stderr


def test_texts_longer_than_a_room_allows_are_judged_whole() -> None:
    text = "a perfectly civil comment " * 30 + "with a shit ending"
    records, _, errors = run([json.dumps({"id": "long", "text": text})])
    assert errors == 0
    assert records[0]["decision"] == "ALLOW"
    assert records[0]["content"] == text.replace("shit", "s***")
