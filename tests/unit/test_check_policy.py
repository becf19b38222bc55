"""``check-policy`` compiles every room, terms included, and refuses what is over the limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatmod.cli import main
from chatmod.policy import limits


def rule(terms: list[str]) -> str:
    listed = ", ".join(f'"{t}"' for t in terms)
    return f"version: 1\ndefaults:\n  rules:\n    - {{id: r, category: c, action: deny, terms: [{listed}]}}\n"


def check(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    file = tmp_path / "policy.yaml"
    file.write_text(text, "utf-8")
    code = main(["check-policy", str(file)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_bundled_policy_compiles(capsys: pytest.CaptureFixture[str]) -> None:
    bundled = Path(__file__).resolve().parents[2] / "layers/chatmod/chatmod/default_policy.yaml"
    assert main(["check-policy", str(bundled)]) == 0
    assert "valid and compiles" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (rule(["*"]), "empty term"),
        (rule(["# only a comment"]), "terms are all blank or comments"),
        (rule(["x" * (limits.MAX_TERM_LENGTH + 1)]), "at most 64 characters"),
        (rule([f"w{i}" for i in range(limits.MAX_TERMS_PER_ROOM + 1)]), "at most 2000 items"),
        ("x: " + "y" * limits.MAX_POLICY_BYTES, "bytes; a policy may be"),
    ],
    ids=["star-term", "comment-only-terms", "long-term", "too-many-terms", "too-big"],
)
def test_what_cannot_compile_or_is_too_big_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, says: str
) -> None:
    code, output = check(tmp_path, text, capsys)
    assert code == 2
    assert says in output


def test_terms_over_all_rooms_are_limited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    per_room = limits.MAX_TERMS_PER_ROOM
    rooms = limits.MAX_TERMS_TOTAL // per_room + 1
    terms = ", ".join(f"w{i}" for i in range(per_room))
    text = "version: 1\nrooms:\n" + "".join(
        f"  room{r}: {{rules: [{{id: r, category: c, action: deny, terms: [{terms}]}}]}}\n"
        for r in range(rooms)
    )
    code, output = check(tmp_path, text, capsys)
    assert code == 2
    assert f"at most {limits.MAX_TERMS_TOTAL}" in output


def test_a_room_that_does_not_compile_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "version: 1\nrooms:\n  stage:\n    rules:\n"
        '      - {id: e, category: c, action: deny, terms: ["# nothing"]}\n'
    )
    code, output = check(tmp_path, text, capsys)
    assert code == 2
    assert "rooms['stage']" in output and "terms are all blank or comments" in output
