"""The real-data recipes train on real rows only: no written line, no judge source, every row
read as the served model reads it (rule masks as the placeholder)."""

from __future__ import annotations

import pytest

from tests.torch.conftest import DATA_DIR
from training.data import Example

Rows = tuple[list[Example], dict[str, list[Example]]]

pytestmark = pytest.mark.torch


@pytest.fixture(scope="module")
def multilingual_real() -> Rows:
    if not DATA_DIR.is_dir():
        pytest.fail(f"{DATA_DIR} missing: the recipes read ../shared/data")
    from training.multilingual_corpus import real_training_rows

    return real_training_rows(seed=3, data_dir=DATA_DIR)


def test_every_language_real_rows_and_nothing_written(multilingual_real: Rows) -> None:
    from training.train_real import JUDGES

    rows, dev = multilingual_real
    sources = {ex.source.split("+")[0] for ex in rows}
    assert not any(s.startswith("written") for s in sources)
    assert not sources & set(JUDGES)  # the benign judges never train
    assert {"germeval", "told_br", "mlma_fr", "offenseval_tr", "civil_comments"} <= sources
    assert any(s.startswith("chatterbot_") and s != "chatterbot_en" for s in sources)
    assert {"germeval", "civil_comments"} <= set(dev)


def test_rows_are_read_as_served(multilingual_real: Rows) -> None:
    from training.rule_masks import MASK_PLACEHOLDER, rule_masked

    rows, _ = multilingual_real
    sample = rows[:: max(1, len(rows) // 3000)]
    assert all(rule_masked(ex.text) == ex.text for ex in sample)  # masks already applied
    assert any(MASK_PLACEHOLDER in ex.text for ex in rows)
    chatter = [ex for ex in rows if ex.source.startswith("chatterbot_")]
    assert chatter and all(ex.targets[0] == 0.0 for ex in chatter)


def test_the_chat_judge_is_chatterbot_english_without_its_file_of_insults_to_the_bot() -> None:
    from training.real_data import load_chatterbot_en, load_source

    every = {ex.text for ex in load_chatterbot_en(DATA_DIR)}
    chat = load_source("chatterbot_en_chat", DATA_DIR)
    kept = {ex.text for part in chat.values() for ex in part}
    assert kept < every
    assert "you are a waste" in every - kept and "you are disgusting" in every - kept
    assert len(kept) > 0.9 * len(every)  # one file of twenty-one goes
