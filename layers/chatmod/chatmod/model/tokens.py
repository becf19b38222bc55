"""Which of a long message's tokens a model reads.

A model reads at most ``limit`` tokens, so a long message is cut. Cutting its tail would leave
the end of a message unread, and the end is where a wall of filler hides the line that matters
("... anyway i will find you"). The model reads the first half and the last half instead; only
the middle of a message longer than the limit goes unread (the rules read all of it).
"""

from __future__ import annotations

from collections.abc import Sequence


def keep_ends(ids: Sequence[int], limit: int) -> list[int]:
    """``ids`` whole when they fit ``limit``, else their first and last ``limit // 2`` or so.

    The special tokens a tokenizer puts first and last stay in place."""
    if limit < 2:
        raise ValueError(f"a model reads at least 2 tokens, not {limit}")
    if len(ids) <= limit:
        return list(ids)
    head = limit // 2
    return [*ids[:head], *ids[len(ids) - (limit - head) :]]
