"""Sentences cut from Toxic Spans posts are labelled by the raters' own spans, keep their post's
split, and the masked-line labels of the recipe say what is left of a line after the rules."""

from __future__ import annotations

import math

import pytest

from tests.torch.conftest import DATA_DIR
from training.data import LABELS, Example

pytestmark = pytest.mark.torch

TOX = LABELS.index("toxicity")
THREAT = LABELS.index("threat")
INSULT = LABELS.index("insult")


def test_a_sentence_counts_the_raters_who_marked_a_span_inside_it() -> None:
    from training.span_fragments import fragment_rows

    post = "Nice weather today. You are a total moron. I will find you and hurt you."
    moron = post.index("moron")
    hurt = post.index("hurt")
    votes = [
        (False, False, [(moron, moron + 5, "Insult"), (hurt, hurt + 4, "Threat")]),
        (False, False, [(moron, moron + 5, "Insult")]),
        (True, False, []),  # called the post not toxic: 0 everywhere
        (False, True, []),  # the whole post is toxic, no span
    ]
    rows = {ex.text: ex for ex in fragment_rows(post, votes)}
    assert set(rows) == {
        "Nice weather today.",
        "You are a total moron.",
        "I will find you and hurt you.",
    }
    weather, insult, threat = (rows[t] for t in rows)
    assert weather.targets[TOX] == 0.25 and weather.binary_toxic == 0
    assert insult.targets[TOX] == 0.75 and insult.targets[INSULT] == 0.5
    assert insult.targets[THREAT] == 0.0 and insult.binary_toxic == 1
    assert threat.targets[TOX] == 0.5 and threat.targets[THREAT] == 0.25
    assert math.isnan(threat.targets[LABELS.index("sexual_explicit")])
    assert all(ex.source == "toxic_spans:fragment" for ex in rows.values())


def test_a_single_sentence_post_gives_no_fragment() -> None:
    from training.span_fragments import fragment_rows

    assert fragment_rows("You are a total moron.", [(False, True, [])]) == []


def test_fragments_keep_their_posts_split() -> None:
    if not DATA_DIR.is_dir():
        pytest.fail(f"{DATA_DIR} missing: the recipes read ../shared/data")
    from training.real_data import FRAGMENTS, load_source

    posts = load_source("toxic_spans", DATA_DIR)
    fragments = load_source(FRAGMENTS, DATA_DIR)
    assert (
        len(fragments["train"]) > 10_000
        and sum(ex.binary_toxic for ex in fragments["train"]) > 1000
    )
    dev_posts = " ".join(ex.text for ex in posts["dev"])
    train_posts = " ".join(ex.text for ex in posts["train"])
    # A fragment of a dev post (the SemEval test posts included) never trains.
    sample = fragments["train"][::50]
    assert all(ex.text in train_posts for ex in sample)
    assert not {ex.text for ex in fragments["train"]} & {ex.text for ex in fragments["dev"]}
    assert any(ex.text in dev_posts and ex.text not in train_posts for ex in fragments["dev"][::20])


def test_served_labels_unlabel_untargeted_offensive_words_only() -> None:
    from training.train_real import _served_label

    offensive = (1.0, *[math.nan] * 4, 0.0, math.nan)
    hate = (1.0, *[math.nan] * 4, 1.0, math.nan)
    untargeted = _served_label(Example("that game was **** hard", offensive, "davidson", 1))
    targeted = _served_label(Example("you are a ****", offensive, "davidson", 1))
    hateful = _served_label(Example("those **** should leave", hate, "davidson", 1))
    other = _served_label(Example("that game was **** hard", offensive, "hatexplain", 1))
    assert math.isnan(untargeted.targets[TOX]) and untargeted.targets[5] == 0.0
    assert targeted.targets[TOX] == 1.0
    assert hateful.targets[TOX] == 1.0
    assert other.targets[TOX] == 1.0


def test_served_recipe_reads_swearing_as_harmless() -> None:
    if not DATA_DIR.is_dir():
        pytest.fail(f"{DATA_DIR} missing: the recipes read ../shared/data")
    from training.real_data import load_source
    from training.train_real import recipe_rows

    splits = {"goemotions_swearing": load_source("goemotions_swearing", DATA_DIR)}
    plain = recipe_rows(splits, 5)
    served = recipe_rows(splits, 5, served_labels=True)
    assert plain and all(math.isnan(ex.targets[TOX]) for ex in plain if "+obf" not in ex.source)
    swearing = [ex for ex in served if "+obf" not in ex.source]
    assert swearing and all(ex.targets[TOX] == 0.0 for ex in swearing)


def test_holding_out_toxic_spans_holds_out_its_sentences() -> None:
    from training.real_data import FRAGMENTS
    from training.train_real import recipe_rows

    sentence = Example("I hope you die today.", (1.0, *[math.nan] * 6), "toxic_spans:fragment", 1)
    splits = {FRAGMENTS: {"train": [sentence], "dev": []}}
    assert recipe_rows(splits, 5, fragments=True)
    assert recipe_rows(splits, 5, fragments=True, leave_out=("toxic_spans",)) == []
    assert recipe_rows(splits, 5) == []  # only when asked for


def test_rare_boost_repeats_only_the_rows_with_a_rare_label() -> None:
    from training.train_real import recipe_rows

    def row(text: str, threat: float, sexual: float) -> Example:
        targets = [1.0, math.nan, math.nan, threat, math.nan, math.nan, sexual]
        return Example(text, tuple(targets), "edos", 1)

    threat = row("they will all pay for this soon enough", 1.0, math.nan)
    sexual = row("describe it in graphic detail", 0.0, 0.8)
    plain = row("what a terrible take this is honestly", 0.0, 0.0)
    splits = {"edos": {"train": [threat, sexual, plain], "dev": []}}
    texts = [ex.text for ex in recipe_rows(splits, 5, rare_boost=3) if "+obf" not in ex.source]
    assert texts.count(threat.text) == 3 and texts.count(sexual.text) == 3
    assert texts.count(plain.text) == 1
    once = [ex.text for ex in recipe_rows(splits, 5) if "+obf" not in ex.source]
    assert sorted(once) == sorted({threat.text, sexual.text, plain.text})
