"""Normalization: evasions are seen through, innocent text is left alone, offsets stay exact."""

from __future__ import annotations

import pytest

from chatmod.policy import load_policy
from chatmod.review import Reviewer
from chatmod.text.views import deleet, fold, join_split_letters, model_readings, normalize


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("FUCK", "fuck"),  # case folding
        ("ｆｕｃｋ", "fuck"),  # fullwidth (NFKC)
        ("fu\u200bck", "fuck"),  # zero-width space
        ("f\u00adu\u200dc\ufeffk", "fuck"),  # soft hyphen, ZWJ, BOM
        ("fück", "fuck"),  # accent stripped
        ("fаck", "fack"),  # Cyrillic а
        ("ѕһіt", "shit"),  # Cyrillic look-alikes
        ("ѕhιt", "shit"),  # Greek iota
        ("bօօb", "boob"),  # Armenian օ
        ("f u c k", "fuck"),  # split by spaces
        ("f.u.c.k", "fuck"),  # split by dots
        ("f-u-c-k", "fuck"),
        ("f_u_c_k", "fuck"),
        ("f*u*c*k", "fuck"),
    ],
)
def test_matching_view_sees_through_evasions(typed: str, seen: str) -> None:
    assert normalize(typed).matching.text == seen


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("sh1t", "shit"),
        ("$hit", "shit"),
        ("@ss", "ass"),
        ("fuuuuuuck", "fuuck"),
        ("b1tch3s", "bitches"),
        ("5h!7", "shit"),
    ],
)
def test_model_view_reads_leetspeak_and_stretching(typed: str, seen: str) -> None:
    assert normalize(typed).model.text == seen


@pytest.mark.parametrize(
    "innocent",
    [
        "classic",
        "assassin",
        "Scunthorpe",
        "cocktail",
        "therapist",
        "I scored 1337 points in 2024",
        "call me at 5pm",
        "a b",
        "the price is $5",
    ],
)
def test_innocent_text_keeps_its_words(innocent: str) -> None:
    views = normalize(innocent)
    assert views.matching.text == innocent.casefold()


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("1 w1ll f1nd y0u", "i will find you"),  # a lone 1 among leet words is the pronoun
        ("1ll cu7 y0u", "i'll cut you"),  # and "1ll" is "I'll", not "ill"
        ("1m h3r3", "i'm here"),
        ("b3l0ng 1n 4 z00", "belong in a zoo"),  # and a lone 4 the article
        ("h8ters gonna h8", "h8ters gonna h8"),  # 8 inside a word is a syllable
        ("8itch", "bitch"),  # at a word's start it is a b
        ("kill.your.self", "kill your self"),  # dot-joined words are read apart
    ],
)
def test_model_view_reads_leet_sentences(typed: str, seen: str) -> None:
    assert normalize(typed).model.text == seen


@pytest.mark.parametrize(
    "typed", ["1 more game", "top 1 player", "4 of us", "nginx.conf", "2.5.1", "file.tar.gz2"]
)
def test_model_view_keeps_numbers_and_dotted_names(typed: str) -> None:
    """Without other leet words a lone 1 is a number; two dots or a digit keep a name whole."""
    assert normalize(typed).model.text == normalize(typed).matching.text


def test_written_in_characters_map_to_the_character_they_stand_for() -> None:
    """The apostrophe of "i'll" comes from the "1", the spaces of "kill your self" from dots."""
    view = normalize("ok 1ll go.kill.yourself").model
    assert view.text == "ok i'll go kill yourself"
    assert [view.original[o] for o in view.offsets] == list("ok 11ll go.kill.yourself")


def test_numbers_are_not_read_as_letters() -> None:
    assert deleet(fold("call 555 1234 or 2024")).text == "call 555 1234 or 2024"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("sooooo good", "soo good"),  # stretched, with nothing else to read
        ("ok 1ll go", "ok i'll go"),
        ("no leet here, just chat", "no leet here, just chat"),
        ("gg lolll", "gg loll"),
    ],
)
def test_deleet_reads_a_line_only_when_something_in_it_can_change(typed: str, read: str) -> None:
    view = fold(typed)
    out = deleet(view)
    assert out.text == read
    assert (out is view) == (read == view.text)


def test_leading_article_stays_apart_from_split_letters() -> None:
    assert join_split_letters(fold("a f u c k")).text == "a fuck"
    assert join_split_letters(fold("i f u c k e d up")).text == "i fucked up"


def test_short_single_letter_runs_are_not_joined() -> None:
    assert join_split_letters(fold("a b")).text == "a b"
    assert join_split_letters(fold("u r ok")).text == "u r ok"


@pytest.mark.parametrize(
    "typed", ["fu\u200bck you", "f u c k", "ＦＵＣＫ", "fück", "ﬁne", "Straße"]
)
def test_offsets_map_every_view_character_to_its_source(typed: str) -> None:
    for view in (normalize(typed).matching, normalize(typed).model):
        assert len(view.offsets) == len(view.text)
        assert list(view.offsets) == sorted(view.offsets)
        for ch, offset in zip(view.text, view.offsets, strict=True):
            source = fold(typed[offset]).text
            assert ch in source or ch in deleet(fold(typed[offset])).text or source == ""


def test_span_maps_back_to_the_original_characters() -> None:
    typed = "hey f.u.c.k off"
    view = normalize(typed).matching
    start = view.text.index("fuck")
    assert view.to_original(start, start + 4) == (4, 11)
    assert typed[4:11] == "f.u.c.k"


def test_ligature_expands_but_maps_to_one_character() -> None:
    view = fold("ﬁx")
    assert view.text == "fix"
    assert view.offsets == (0, 0, 1)


def test_from_original_maps_original_spans_back_to_merged_view_runs() -> None:
    view = normalize("you f u c k ing idiot").model  # split letters join in the view
    assert view.text == "you fuck ing idiot"
    runs = view.from_original([(4, 15)])  # "f u c k ing" in the original
    assert runs == [(4, 12)]  # one run, "fuck ing", not one span per character
    assert view.from_original([(0, 3), (16, 21)]) == [(0, 3), (13, 18)]
    assert view.from_original([]) == []
    assert [view.to_original(s, e) for s, e in runs] == [(4, 15)]


def test_the_as_typed_reading_can_be_capped_when_a_de_obfuscated_one_is_read() -> None:
    """The cap applies only beside a de-obfuscated reading, which still reads everything."""
    disguised = "sh1t " * 100
    readings = model_readings(normalize(disguised), typed_max_chars=200)
    assert readings[0] == disguised[:200]
    assert readings[1] == normalize(disguised).model.text
    plain = "good game everyone " * 20
    assert model_readings(normalize(plain), typed_max_chars=200) == [plain]


@pytest.mark.parametrize(
    "line",
    ["qué tal el directo de hoy", "sık sık lag oluyor bugün", "Fue un año increíble", "Straße"],
)
def test_accents_alone_are_no_disguise_so_the_line_is_read_as_typed(line: str) -> None:
    assert model_readings(normalize(line)) == [line]


@pytest.mark.parametrize(
    ("line", "deobfuscated"),
    [
        ("\u0456d\u0456ot", "idiot"),  # Cyrillic i's
        ("\uff49\uff44\uff49\uff4f\uff54", "idiot"),  # full-width letters
        ("qué sh1t", "que shit"),  # leet beside an accent: both readings
    ],
)
def test_look_alikes_still_get_a_deobfuscated_reading(line: str, deobfuscated: str) -> None:
    assert model_readings(normalize(line)) == [line, deobfuscated]


@pytest.mark.parametrize(
    "line",
    ["id\u200biot", "id\u3164iot", "id\u2800iot", "id\ufffdiot", "id\uffffiot", "id\u0378iot",
     "id\U000e0041iot", "id\ufe0fiot", "id\ud800iot"],
)  # fmt: skip
def test_invisible_characters_leave_every_view_the_rules_and_models_read(line: str) -> None:
    views = normalize(line)
    assert views.matching.text == views.visible.text == views.model.text == "idiot"
    assert model_readings(views) == ["idiot"]  # the as-typed reading too


def test_the_visible_view_maps_back_to_what_was_typed() -> None:
    line = "fi\u3164nd \u2800you"
    view = normalize(line).visible
    assert view.text == "find you"
    assert view.to_original(0, 4) == (0, 5)  # the filler inside the word is covered
    assert line[slice(*view.to_original(5, 8))] == "you"
    assert normalize("plain text").visible.offsets == tuple(range(10))


def test_a_mask_stars_the_word_with_the_filler_inside_it() -> None:
    reviewer = Reviewer(load_policy())
    decision = reviewer.review_text("what the fu\u3164ck is this")
    assert decision.result == "ALLOW"
    assert decision.content == "what the f**** is this"  # the filler is starred with it
