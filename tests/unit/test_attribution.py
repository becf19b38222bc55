"""Occlusion in context: which words carry a message's score, at a bounded cost."""

from __future__ import annotations

from collections.abc import Sequence

from chatmod.review.attribution import occlude

TARGETS = {"toxicity": 0.8}


class PhraseScorer:
    """Toxic when any of its phrases is in the text; records every text it scored."""

    def __init__(self, *phrases: str, alone: Sequence[str] = ()) -> None:
        self.phrases = phrases
        self.alone = set(alone)  # words that would score high on their own
        self.seen: list[str] = []

    def __call__(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.seen.extend(texts)
        return [
            {"toxicity": 0.95 if t in self.alone or any(p in t for p in self.phrases) else 0.05}
            for t in texts
        ]


def _words(text: str, spans: Sequence[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_blames_the_word_that_carries_the_score_not_one_that_scores_alone() -> None:
    text = "you are all liars and stupid"
    scorer = PhraseScorer("stupid", alone=["liars"])
    found = occlude(text, TARGETS, scorer, scorer)
    assert _words(text, found.spans) == ["stupid"]
    assert "liars" not in scorer.seen  # no word is ever scored in isolation


def test_two_words_when_either_alone_keeps_the_message_toxic() -> None:
    text = "what an idiot and a moron honestly"
    scorer = PhraseScorer("idiot", "moron")
    assert _words(text, occlude(text, TARGETS, scorer, scorer).spans) == []  # min_drop unmet
    found = occlude(text, TARGETS, scorer, scorer, min_drop=0.0)
    assert sorted(_words(text, found.spans)) == ["idiot", "moron"]


def test_nothing_is_blamed_when_the_whole_message_carries_it() -> None:
    text = "garbage trash garbage trash"
    scorer = PhraseScorer("garbage", "trash")
    assert occlude(text, TARGETS, scorer, scorer).spans == ()


def test_function_and_identity_words_are_never_candidates() -> None:
    text = "you are gay and so are they"
    scorer = PhraseScorer("gay", "you")
    found = occlude(text, TARGETS, scorer, scorer)
    assert found.spans == ()
    assert scorer.seen == []  # no candidate word at all: nothing was scored


def test_spans_kept_out_stay_out_of_every_variant() -> None:
    text = "fucking idiot lol"
    scorer = PhraseScorer("idiot")
    found = occlude(text, TARGETS, scorer, scorer, keep_out=[(0, 7)])
    assert _words(text, found.spans) == ["idiot"]
    assert all("fucking" not in t for t in scorer.seen)


def test_long_message_work_is_bounded_by_the_window() -> None:
    words = [f"word{i}" for i in range(80)]
    words[57] = "scumbag"
    text = " ".join(words)
    scorer = PhraseScorer("scumbag")
    found = occlude(text, TARGETS, scorer, scorer, window=12)
    assert _words(text, found.spans) == ["scumbag"]
    chunks = len(range(0, 80 - 12 + 1, 6)) + 1
    assert found.inputs_scored == len(scorer.seen) <= chunks + 12 + 1 + 2


class WordSetScorer:
    """Toxic while every word of ``toxic`` is still in the text (a pair carries the score)."""

    def __init__(self, *toxic: str) -> None:
        self.toxic = toxic
        self.seen: list[str] = []

    def __call__(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.seen.extend(texts)
        return [
            {"toxicity": 0.95 if all(w in t.split() for w in self.toxic) else 0.05} for t in texts
        ]


def test_a_languages_own_function_and_group_words_are_never_starred() -> None:
    from chatmod.languages.packs import builtin_unblamed

    # Removing the article or the group's name would also lower the score here; neither may be
    # starred in a Spanish or Turkish line, though English lists know neither word.
    text = "a la gente de los refugiados hay que echarlos"
    scorer = WordSetScorer("la", "refugiados", "echarlos")
    english = occlude(text, TARGETS, scorer, scorer, min_drop=0.0, max_words=1)
    assert _words(text, english.spans) in (["la"], ["refugiados"])  # what English lists allow
    spanish = occlude(
        text, TARGETS, scorer, scorer, min_drop=0.0, max_words=1, unblamed=builtin_unblamed("es")
    )
    assert _words(text, spanish.spans) == ["echarlos"]
    turkish = builtin_unblamed("tr")
    assert turkish.covers("engellilerin")  # a stem with its endings
    assert turkish.covers("bir") and not turkish.covers("beceriksiz")


def test_unblamed_words_are_folded_like_the_model_view_and_english_has_no_file() -> None:
    from chatmod.languages.packs import builtin_unblamed
    from chatmod.review.attribution import ENGLISH_ONLY

    french = builtin_unblamed("fr")
    assert french.covers("refugies")  # "réfugiés" as the model's view spells it
    assert french.covers("musulmans")  # a plural
    assert not french.covers("cafards")
    assert builtin_unblamed("en") is ENGLISH_ONLY
    assert builtin_unblamed("und") is ENGLISH_ONLY
    for language in ("de", "es", "fr", "it", "pt", "tr"):
        unblamed = builtin_unblamed(language)
        assert len(unblamed.words) > 50 and unblamed.stems
