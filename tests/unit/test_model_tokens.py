"""What a model reads of a message longer than its token limit: the start and the end."""

from __future__ import annotations

import pytest

from chatmod.model.tokens import keep_ends


def test_ids_that_fit_are_kept_whole() -> None:
    assert keep_ends([0, 5, 6, 2], 4) == [0, 5, 6, 2]
    assert keep_ends([], 8) == []


def test_a_long_message_keeps_its_first_and_last_halves() -> None:
    ids = [0, *range(10, 30), 2]  # <s> twenty pieces </s>
    kept = keep_ends(ids, 8)
    assert kept == [0, 10, 11, 12, 27, 28, 29, 2]
    assert (kept[0], kept[-1]) == (0, 2)  # the special tokens stay first and last


def test_an_odd_limit_gives_the_end_the_extra_token() -> None:
    kept = keep_ends(list(range(20)), 5)
    assert kept == [0, 1, 17, 18, 19]


def test_a_limit_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        keep_ends([1, 2, 3], 1)
