"""Which words carry a message's toxicity: occlusion in context.

A word is blamed when the message scores clearly lower without it, judged on the whole message
rather than on the word alone: "homies" or "liars" may score high by themselves and still not
be what makes a message toxic. One batched model run scores the message without each candidate
word; the best candidates are then confirmed one at a time with exact (unbatched) runs, and a
word is starred only if the message without it falls below every mask threshold. When no word
or pair of words can be singled out, nothing is blamed and the decision treats the message as a
whole. The work per message is bounded: at most ``window`` candidate words (the hottest window
of a long message), one or two batched runs and ``max_words`` exact runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import re2

from chatmod.languages.packs import ENGLISH_ONLY, Unblamed, english_unblamed

Span = tuple[int, int]
ScoreFn = Callable[[Sequence[str]], list[dict[str, float]]]

_WORD = re2.compile(r"\S+")

# Candidate words attribution weighs at most (the hottest window of a longer message).
ATTRIBUTION_WINDOW = 12
# Attribution's batched run reads the message once per candidate, so its cost grows with the
# message's length times the window: a 100-character line with 12 candidates costs about ten
# single runs (37 ms on one core). The window shrinks so that the variants hold at most this
# many characters together; a chat line of up to ~34 characters keeps all 12.
ATTRIBUTION_WORK_CHARS = 450
ATTRIBUTION_MIN_WINDOW = 3


def attribution_window(chars: int, mask_max_words: int) -> int:
    """How many candidate words attribution weighs for a model view of ``chars`` characters."""
    by_work = max(ATTRIBUTION_MIN_WINDOW, ATTRIBUTION_WORK_CHARS // max(1, chars) - 1)
    return min(ATTRIBUTION_WINDOW, mask_max_words, by_work)


_STRIP = re2.compile(r"^[^\w]+|[^\w]+$")
# English's function words and group names (``packs/en/unblamed.yaml``): never candidates, in
# a message of any language. Starring them would hide nothing and mangle the message, or hide
# who was attacked; skipping them keeps the batched run short.
FUNCTION_WORDS, IDENTITY_WORDS = english_unblamed()


@dataclass(frozen=True)
class Occlusion:
    """The words blamed (spans in the text given) and how many model inputs it cost."""

    spans: tuple[Span, ...]
    inputs_scored: int


def excess(scores: Mapping[str, float], targets: Mapping[str, float]) -> float:
    """How far the worst target label is above its threshold (negative: all below)."""
    return max(scores.get(label, 0.0) - threshold for label, threshold in targets.items())


def _candidate(word: str, unblamed: Unblamed = ENGLISH_ONLY) -> bool:
    bare = _STRIP.sub("", word.casefold())
    if not bare or bare in FUNCTION_WORDS or bare in IDENTITY_WORDS:
        return False
    return not unblamed.covers(bare)


def _join(words: Sequence[str], drop: Sequence[int] = ()) -> str:
    skip = set(drop)
    return " ".join(w for i, w in enumerate(words) if i not in skip)


def occlude(
    text: str,
    targets: Mapping[str, float],
    score_batch: ScoreFn,
    score_exact: ScoreFn,
    *,
    keep_out: Sequence[Span] = (),
    max_words: int = 2,
    min_drop: float = 0.15,
    window: int = 12,
    unblamed: Unblamed = ENGLISH_ONLY,
) -> Occlusion:
    """Blame the fewest words (at most ``max_words``) whose removal brings every target label
    below its threshold. ``keep_out``: spans already handled (rule masks), left out of every
    variant, as the scores the decision uses were computed without them. ``unblamed``: the
    message's language's words that are never candidates (the English ones always apply)."""
    if not targets:
        return Occlusion((), 0)
    spans = [
        m.span()
        for m in _WORD.finditer(text)
        if not any(m.start() < e and s < m.end() for s, e in keep_out)
    ]
    words = [text[s:e] for s, e in spans]
    candidates = [i for i, w in enumerate(words) if _candidate(w, unblamed)]
    if not candidates:
        return Occlusion((), 0)
    used = 0
    if len(candidates) > window:
        starts = list(range(0, len(candidates) - window + 1, max(1, window // 2)))
        if starts[-1] != len(candidates) - window:
            starts.append(len(candidates) - window)
        chunks = [_join([words[i] for i in candidates[s : s + window]]) for s in starts]
        chunk_scores = score_batch(chunks)
        used += len(chunks)
        hottest = max(range(len(starts)), key=lambda k: excess(chunk_scores[k], targets))
        candidates = candidates[starts[hottest] : starts[hottest] + window]
    variants = [_join(words)] + [_join(words, [i]) for i in candidates]
    scored = score_batch(variants)
    used += len(variants)
    base = excess(scored[0], targets)
    drops = [(base - excess(s, targets), i) for s, i in zip(scored[1:], candidates, strict=True)]
    ranked = [i for drop, i in sorted(drops, key=lambda d: -d[0]) if drop >= min_drop]
    chosen: list[int] = []
    for index in ranked[:max_words]:
        chosen.append(index)
        confirm = score_exact([_join(words, chosen)])[0]
        used += 1
        if excess(confirm, targets) < 0:
            return Occlusion(tuple(spans[i] for i in sorted(chosen)), used)
    return Occlusion((), used)
