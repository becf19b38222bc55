"""The room's command line: options reach RoomOptions, and bad values stop it with one line."""

from __future__ import annotations

import pytest

from chatmod_local.room.__main__ import options_from, parse_args


def test_sessions_last_real_minutes_unless_told_otherwise() -> None:
    assert options_from(parse_args([])).session_minute_s == 60.0
    assert options_from(parse_args(["--session-minute-seconds", "1"])).session_minute_s == 1.0


@pytest.mark.parametrize("value", ["0", "-1"])
def test_a_session_minute_must_be_positive(value: str) -> None:
    with pytest.raises(SystemExit, match="--session-minute-seconds must be positive"):
        options_from(parse_args(["--session-minute-seconds", value]))
