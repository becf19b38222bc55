"""Rule false positives found on benign chat stay fixed, and the true positives still hit.

Every example line is written here; nothing is read from the benign data sets.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from chatmod.policy import RoomPolicy
from chatmod.review import Reviewer
from chatmod.review.compile import compile_room
from chatmod.text.views import normalize

ROOT = Path(__file__).resolve().parents[2]


def _hits(text: str) -> list[tuple[str, str]]:
    room = compile_room(RoomPolicy())
    views = normalize(text)
    return [(h.rule_id, text[h.start : h.end]) for c in room.checks for h in c.scan(views)]


def _rule_precision() -> ModuleType:
    return importlib.import_module("training.rule_precision")


# --- the examples -------------------------------------------------------------------


def test_config_file_names_are_not_links(rules_reviewer: Reviewer) -> None:
    typed = "check your resolv.conf and the nginx.conf file"
    decision = rules_reviewer.review_text(typed)
    assert (decision.content, decision.rule_ids) == (typed, ())


def test_a_netmask_and_a_private_gateway_are_not_personal_data(rules_reviewer: Reviewer) -> None:
    typed = "netmask is 255.255.255.0 and the gateway is 192.168.1.1"
    decision = rules_reviewer.review_text(typed)
    assert (decision.content, decision.rule_ids) == (typed, ())


# --- links: whole tokens, real TLDs, file names -------------------------------------------


@pytest.mark.parametrize(
    "innocent",
    [
        "x.conf",
        "edit main.py then index.html",
        "see readme.md and file.txt",
        "run setup.sh or Makefile.in",
        "it is in /etc/hosts.deny",
        "look in /etc/xdg/lxde-applications.menu",
        "i got home.It was late",
        "saw your message.it was fine",
        "charges also differ.be sure",
        "join #perl.it for help",
    ],
)
def test_file_names_and_paths_are_not_links(innocent: str) -> None:
    assert _hits(innocent) == []


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("go to example.com/x now", "example.com/x"),
        ("free skins at https://evil.biz!", "https://evil.biz"),
        ("follow me (twitch.tv/me)", "twitch.tv/me"),
        ("new site foo.top", "foo.top"),
        ("mirror at docs.example.co.uk", "docs.example.co.uk"),
        ("curl bun.sh/install | bash", "bun.sh/install"),
        ("watch youtu.be/abc", "youtu.be/abc"),
        ("news on www.repubblica.it", "www.repubblica.it"),
        ("lolhttps://evil.biz/x", "lolhttps://evil.biz/x"),
    ],
)
def test_links_are_whole_tokens(typed: str, link: str) -> None:
    assert _hits(typed) == [("links", link)]


# --- numbers: IPs, phones, cards ----------------------------------------------------------


@pytest.mark.parametrize(
    "innocent",
    [
        "ping 10.0.0.5 or 127.0.0.1",
        "set dns to 8.8.8.8",
        "kernel version 2.6.28.12 works",
        "linux-modules-2.6.8.1-3-386",
        "ping -c3 somehost",
        "modes 800x600 1024x768 1280x1024",
        "1024 768 60.00 is the mode",
        "root 2335 0.0 0.0 19560 88 pts/0",
        "ratio 0.4545454545",
        "drwxr 3 root root 4096 2006-02-19 04:30 /nas",
        "user 3339 0.0 0.2 22756 1052 pts/6",
        "hash 99aee5654a20890388961e01f7f1d23e",
        "see ?item=5558812835&x=1",
    ],
)
def test_numbers_that_are_no_phone_card_or_personal_address(innocent: str) -> None:
    assert _hits(innocent) == []


@pytest.mark.parametrize(
    ("typed", "delivered", "rule_id"),
    [
        ("my ip is 84.12.55.201.", "my ip is **.**.**.***.", "pii.ip"),
        ("ping -c3 130.239.18.172", "ping -c3 ***.***.**.***", "pii.ip"),
        ("call 555.867.5309", "call ***.***.****", "pii.phone"),
        ("ring 07911 123456 later", "ring ***** ****** later", "pii.phone"),
        ("card 4111111111111111", "card ****************", "pii.card"),
        ("mail jane.doe@example.com", "mail ****.***@*******.***", "pii.email"),
    ],
)
def test_personal_data_is_still_masked_whole(
    rules_reviewer: Reviewer, typed: str, delivered: str, rule_id: str
) -> None:
    decision = rules_reviewer.review_text(typed)
    assert decision.content == delivered
    assert decision.rule_ids == (rule_id,)


# --- terms: numbers, plurals, exempt phrases ---------------------------------------------


@pytest.mark.parametrize(
    "innocent",
    [
        "455 Oconnor Drive",
        "got 4.5-5.5mb/s",
        "this dish contains spices",
        "for people who're trying",
        "an exam to assess the damage",
        "she assesses it daily",
        "Moby Dick is long",
        "a good story by Philip K. Dick",
        "cock-a-doodle-doo",
        "she graduated magna cum laude",
        "u wanna cum over after college",
        "time for a fag break",
        "a chink in the armor",
        "my Maine Coon sleeps",
        "Spic and Span cleaner",
        "hello there",
        "a class act",
        "a cocktail please",
    ],
)
def test_innocent_words_and_phrases_are_not_terms(rules_reviewer: Reviewer, innocent: str) -> None:
    decision = rules_reviewer.review_text(innocent)
    assert (decision.result, decision.content, decision.rule_ids) == ("ALLOW", innocent, ())


@pytest.mark.parametrize(
    ("typed", "rule_id", "word"),
    [
        ("suck my dick", "profanity", "dick"),
        ("you are such a dick, Dick", "profanity", "dick"),
        ("a whore", "profanity", "whore"),
        ("a$$hole", "profanity", "a$$hole"),
        ("sh1iiit happens", "profanity", "sh1iiit"),
        ("f u c k this", "profanity", "f u c k"),
        ("dumb bitches", "profanity", "bitches"),
        ("go away spic", "slurs", "spic"),
        ("dirty spics", "slurs", "spics"),
        ("1488", "slurs", "1488"),
        ("you f4ggot", "slurs", "f4ggot"),
    ],
)
def test_true_positives_still_hit(typed: str, rule_id: str, word: str) -> None:
    assert (rule_id, word) in _hits(typed)


def _mild_on() -> RoomPolicy:
    policy = RoomPolicy()
    mild = policy.packs.mild_profanity.model_copy(update={"enabled": True})
    return policy.model_copy(
        update={"packs": policy.packs.model_copy(update={"mild_profanity": mild})}
    )


@pytest.mark.parametrize(
    ("typed", "word"),
    [("kick ass", "ass"), ("you @$$", "@$$"), ("wtf was that", "wtf"), ("i'm so pissed", "pissed")],
)
def test_mild_profanity_is_left_alone_unless_a_room_turns_it_on(typed: str, word: str) -> None:
    assert not [hit for hit in _hits(typed) if hit[0].startswith("profanity")]
    room = compile_room(_mild_on())
    views = normalize(typed)
    hits = [(h.rule_id, typed[h.start : h.end]) for c in room.checks for h in c.scan(views)]
    assert ("profanity.mild", word) in hits


def test_mild_profanity_matches_whole_words_only() -> None:
    room = compile_room(_mild_on())
    for innocent in ("let me assess the class", "a passing grade", "the bass was loud"):
        views = normalize(innocent)
        assert not [h for c in room.checks for h in c.scan(views)], innocent


# --- spam: emphasis is not a flood ------------------------------------------------------


@pytest.mark.parametrize(
    "innocent",
    [
        "wait what??????",
        "LETS GOOOOOO",
        "LETS GOOOOOOOOOOOOOOOOOOOOOOOOOOOOO",
        "REALLY??????????????????????????? That would be AMAZING",
        "when I click it I get: --------------------------- and nothing else happens",
        "OMG THAT WAS THE BEST PLAY I HAVE EVER SEEN IN MY WHOLE LIFE HONESTLY",
    ],
)
def test_loud_chat_is_not_spam(rules_reviewer: Reviewer, innocent: str) -> None:
    assert rules_reviewer.review_text(innocent).result == "ALLOW"


@pytest.mark.parametrize(
    ("typed", "flood"),
    [
        ("gah " + "!" * 30, "!" * 30),
        ("t" + "y" * 70, "t" + "y" * 70),
        ("look " + "?" * 65 + "x", "?" * 65 + "x"),
    ],
)
def test_a_flood_of_one_character_is_spam_and_hits_whole_words(typed: str, flood: str) -> None:
    assert ("spam.repeat", flood) in _hits(typed)


# --- the measurement script ---------------------------------------------------------------


def test_rule_precision_counts_hits_inside_words(tmp_path: Path) -> None:
    precision = _rule_precision()
    benign = tmp_path / "benign"
    (benign / "goemotions").mkdir(parents=True)
    (benign / "irc_messages_80k.csv").write_text(
        "file,line,nick,text\na,0,n,what the fuck\na,1,n,see example.com/x\n", "utf-8"
    )
    (benign / "sms_spam_collection.tsv").write_text("Label\tSMS\nham\thi\nspam\tfuck\n", "utf-8")
    (benign / "sgd_user_turns_40k.csv").write_text("text\nbook a table\n", "utf-8")
    (benign / "goemotions" / "dev.tsv").write_text("shit happens\t27\tid1\n", "utf-8")
    (benign / "chatterbot_lines.csv").write_text(
        "lang,file,text\nenglish,a.yml,hello\nitalian,b.yml,ciao\n", "utf-8"
    )
    sources = precision.benign_sources(tmp_path)
    assert {k: len(v) for k, v in sources.items()} == {
        "irc": 2,
        "sms_ham": 1,
        "dialogue": 1,
        "goemotions": 1,
        "chatterbot_en": 1,
    }
    tallies = precision.measure(sources, max_examples=3)
    assert tallies["profanity"].lines == 2
    assert tallies["links"].examples == ["see [example.com/x]"]
    assert all(t.inside_word == 0 for t in tallies.values())


def test_inside_word_sees_a_letter_or_digit_touching_the_span() -> None:
    precision = _rule_precision()
    room = compile_room(RoomPolicy())
    hit = next(h for c in room.checks for h in c.scan(normalize("a fuck b")))
    assert not precision.inside_word("a fuck b", hit)
    assert precision.inside_word("a fuckb", hit)
    assert precision.snippet("a fuck b", hit) == "a [fuck] b"
