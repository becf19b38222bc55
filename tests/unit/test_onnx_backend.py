"""The committed int8 ONNX toxicity model, served through chatmod's onnx backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatmod.model import (
    LABELS,
    ModelUnavailableError,
    ToxicityModel,
    default_model_dir,
    load_model,
)
from chatmod.model.base import REPO_MODEL_DIR
from chatmod.settings import Settings
from chatmod.text.prepare import prepare_text

NEUTRAL_IDENTITY = [
    "I am a gay man",
    "she is a Muslim woman",
    "I'm a proud Black woman",
    "my friend is Jewish",
    "my dad is a deaf Catholic",
    "I'm trans and I love this stream",
]
TOXIC = ["you are a worthless piece of shit", "shut up you stupid idiot", "I will kill you"]
NEUTRAL = ["have a great stream everyone", "what time does the tournament start?", "gg wp"]


@pytest.fixture(scope="module")
def model() -> ToxicityModel:
    if not (REPO_MODEL_DIR / "model.onnx").is_file():
        pytest.skip("layers/model/chatmod-minilm/model.onnx not exported yet")
    return load_model("onnx", model_dir=str(REPO_MODEL_DIR))


def test_labels_and_name(model: ToxicityModel) -> None:
    assert model.labels == LABELS
    assert model.name == "onnx:chatmod-minilm"
    assert isinstance(model, ToxicityModel)


def test_one_dict_per_text_in_order(model: ToxicityModel) -> None:
    texts = [*TOXIC, *NEUTRAL]
    out = model.predict(texts)
    assert len(out) == len(texts)
    for scores in out:
        assert list(scores) == list(LABELS)
        assert all(0.0 <= v <= 1.0 for v in scores.values())
    # Batched and one-at-a-time agree (padding must not change scores).
    single = [model.predict([t])[0]["toxicity"] for t in texts]
    assert [s["toxicity"] for s in out] == pytest.approx(single, abs=1e-3)
    assert model.predict([]) == []


def test_rejects_bare_string(model: ToxicityModel) -> None:
    with pytest.raises(TypeError):
        model.predict("hello")  # type: ignore[arg-type]


def test_toxic_scores_above_neutral(model: ToxicityModel) -> None:
    toxic = [s["toxicity"] for s in model.predict(TOXIC)]
    neutral = [s["toxicity"] for s in model.predict(NEUTRAL)]
    assert min(toxic) > max(neutral)
    assert min(toxic) > 0.5
    assert max(neutral) < 0.2


def test_identity_mentions_are_not_toxic(model: ToxicityModel) -> None:
    for text, scores in zip(NEUTRAL_IDENTITY, model.predict(NEUTRAL_IDENTITY), strict=True):
        assert scores["toxicity"] < 0.3, (text, scores)
        assert scores["identity_attack"] < 0.3, (text, scores)


def test_obfuscated_insult_still_scores(model: ToxicityModel) -> None:
    plain = model.predict(["you stupid idiot"])[0]["toxicity"]
    disguised = model.predict(["y o u  stup1d 1d10t", "yоu stupіd іdіot"])  # leet, Cyrillic о/і
    assert all(s["toxicity"] > 0.5 for s in disguised), (plain, disguised)


def test_a_wall_of_text_is_read_by_its_ends(model: ToxicityModel) -> None:
    """Only max_tokens count, the first and the last half: a wall of text scores exactly
    like a shorter text with the same start and end, and unlike a text that fits."""
    text = "this is fine " * 5000
    shorter = "this is fine " * 100  # about 300 tokens, past the 128-token limit
    assert model.predict([text]) == model.predict([shorter])
    assert model.predict([text]) != model.predict(["this is fine " * 10])


def test_the_end_of_a_long_message_is_read(model: ToxicityModel) -> None:
    """Filler cannot push an insult out of what the model reads by putting it last."""
    filler = "this is fine " * 100
    insult = "you are a worthless piece of shit"
    assert model.predict([filler])[0]["toxicity"] < 0.2
    assert model.predict([filler + insult])[0]["toxicity"] > 0.5


def test_the_middle_of_a_long_message_is_not_read(model: ToxicityModel) -> None:
    filler = "this is fine " * 100
    middle = filler + "you are a worthless piece of shit " + filler
    assert model.predict([middle]) == model.predict(["this is fine " * 201])


def test_direct_threats_score_and_game_talk_does_not(model: ToxicityModel) -> None:
    threats = [
        "i'm going to find your house and hurt you",
        "you better watch out, I will stab you",
        "I know where you live and I'm coming for you",
    ]
    game = ["kill the boss first", "that boss killed me again lol", "we destroyed them in ranked"]
    for text, scores in zip(threats, model.predict(threats), strict=True):
        assert scores["toxicity"] > 0.5 and scores["threat"] > 0.3, (text, scores)
    for text, scores in zip(game, model.predict(game), strict=True):
        assert scores["toxicity"] < 0.3 and scores["threat"] < 0.3, (text, scores)


def test_default_model_dir_does_not_read_the_environment_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """CHATMOD_MODEL_DIR is read once, into the settings; the fallback is the shipped folder."""
    monkeypatch.setenv("CHATMOD_MODEL_DIR", str(tmp_path))
    assert default_model_dir() != tmp_path
    assert Settings.load().model_dir == str(tmp_path)


def test_missing_model_files_name_settings(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="CHATMOD_MODEL_DIR"):
        load_model("onnx", model_dir=str(tmp_path))


def test_unknown_backend() -> None:
    with pytest.raises(ModelUnavailableError, match="CHATMOD_MODEL_BACKEND"):
        load_model("tensorflow")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("f u c k you", "fuck you"),
        ("you are a b1tch!!", "you are a bitch!!"),
        ("k.i.l.l yourself", "kill yourself"),
        ("shiiiiiit", "shiit"),
        ("it costs $5 for 3", "it costs $5 for 3"),
        ("ｆｕｃｋ", "fuck"),
        ("\u0443\u043eu", "you"),
    ],
)
def test_prepare_text_undoes_cheap_obfuscation(raw: str, expected: str) -> None:
    assert prepare_text(raw) == expected


class _CountingSession:
    """Passes runs to the real session and counts them."""

    def __init__(self, session: object) -> None:
        self.session = session
        self.runs = 0

    def run(self, *args: object, **kwargs: object) -> object:
        self.runs += 1
        return self.session.run(*args, **kwargs)  # type: ignore[attr-defined]


def test_texts_that_read_the_same_run_once() -> None:
    """A message and its de-obfuscated reading often prepare to the same text: one run, the
    same scores; different texts still run apart."""
    model = load_model("onnx", model_dir=str(REPO_MODEL_DIR))
    counting = _CountingSession(model._session)  # type: ignore[attr-defined]
    model._session = counting  # type: ignore[attr-defined]
    same = model.predict(["LETS GOOOOOO", "lets goo", "l3ts goo"])
    assert counting.runs == 1
    assert same[0] == same[1] == same[2]
    model.predict(["gg wp", "good game"])
    assert counting.runs == 3


def test_a_model_folder_says_whether_its_words_may_be_starred() -> None:
    from chatmod.model.base import multilingual_dir
    from chatmod.model.onnx_backend import OnnxToxicityModel

    assert OnnxToxicityModel(REPO_MODEL_DIR).stars_words
    folder = multilingual_dir(None)
    assert folder is not None
    assert not OnnxToxicityModel(folder).stars_words  # its labels.json: word_attribution false


def test_the_review_reads_fewer_tokens_with_the_multilingual_model() -> None:
    """Its twelve layers cost more per token than the English model's six: the review reads
    ``CHATMOD_MULTILINGUAL_MAX_TOKENS`` (default 104) of a line with it, ends included."""
    from chatmod.model.factory import load_multilingual_from_settings
    from chatmod.model.spec import SPEC

    model = load_multilingual_from_settings(Settings.load({}))
    assert model is not None and model.max_tokens == SPEC.multilingual_max_tokens == 104  # type: ignore[attr-defined]
    narrow = load_multilingual_from_settings(
        Settings.load({"CHATMOD_MULTILINGUAL_MAX_TOKENS": "64"})
    )
    assert narrow is not None and narrow.max_tokens == 64  # type: ignore[attr-defined]
    filler = "el partido de hoy fue muy bueno " * 40
    insult = "sois todos unos hijos de puta"
    assert model.predict([filler + insult])[0]["toxicity"] > 0.5
    assert model.predict([filler])[0]["toxicity"] < 0.2


def test_a_label_capped_by_toxicity_never_scores_above_it(tmp_path: Path) -> None:
    """A label the folder could not calibrate (``capped_by_toxicity``) cannot act alone."""
    import json
    import shutil

    from chatmod.model.onnx_backend import OnnxToxicityModel

    def folder_capping(name: str, labels: list[str]) -> Path:
        folder = tmp_path / name
        shutil.copytree(REPO_MODEL_DIR, folder)
        meta = json.loads((folder / "labels.json").read_text())
        meta["capped_by_toxicity"] = labels
        (folder / "labels.json").write_text(json.dumps(meta))
        return folder

    lines = ["I will kill you", "you are a worthless piece of shit", "gg wp"]
    plain = OnnxToxicityModel(folder_capping("plain", [])).predict(lines)
    capped = OnnxToxicityModel(folder_capping("capped", ["threat", "insult"])).predict(lines)
    for before, after in zip(plain, capped, strict=True):
        for label in ("threat", "insult"):
            assert after[label] == min(before[label], before["toxicity"])
        for label in ("toxicity", "obscene", "identity_attack"):
            assert after[label] == before[label]
    # The cap is not vacuous: the threat scores above the toxicity of the threat line.
    assert plain[0]["threat"] > plain[0]["toxicity"] and capped[0]["threat"] < plain[0]["threat"]
