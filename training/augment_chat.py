"""Chat-shaped training lines written here, and spelling evasions of real and written lines.

What the labelled corpora lack for live chat, and what these fill:
  * hate and threats phrased without a swear word (derogation, dehumanising comparisons,
    negated positives, normalised and indirect threats, threats against the streamer);
  * the benign neighbours of those lines, so the model learns the difference rather than the
    vocabulary: negated hate, counter-speech that quotes an insult to object to it, reports;
  * insults aimed at a person without profanity, and self-harm incitement;
  * spelling evasions (spaces deleted or inserted, letters swapped, doubled or dropped, vowels
    dropped, leetspeak) applied to toxic *and* benign lines, so that odd spelling alone is not
    read as toxicity.
Every template (``training/phrases/chat.yaml``) was written for this project; fixed seeds make
the rows reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from training.data import LABELS, Example
from training.phrasebook import PhraseTables

PHRASES = PhraseTables("chat")  # the written tables: training/phrases/chat.yaml

NAN = float("nan")


def _row(text: str, source: str, **labels: float) -> Example:
    targets = tuple(labels.get(lab, NAN) for lab in LABELS)
    return Example(text, targets, source, int(labels.get("toxicity", 0.0) >= 0.5))


# A template's slots and the table each draws from ({st} is given by the round that uses it).
SLOT_TABLES = {
    "n": "names",
    "g": "groups",
    "t": "them",
    "a": "animals",
    "p": "pets",
    "h": "harms",
    "tg": "targets",
    "s": "streamer",
}


def slot_words(rng: random.Random, order: str, **pools: Sequence[str]) -> dict[str, str]:
    """One word for each slot named in ``order``, drawn in that order (the order is part of
    what a seed draws); ``pools`` gives slots that no table names."""
    return {
        slot: rng.choice(pools[slot] if slot in pools else getattr(PHRASES, SLOT_TABLES[slot]))
        for slot in order.split()
    }


def _fill(template: str, rng: random.Random) -> str:
    text = template.format(**slot_words(rng, "g t a p h tg s"))
    if rng.random() < 0.25:
        text = text.capitalize()
    if rng.random() < 0.2:
        text += rng.choice((" lol", "!!", ".", " tbh", " honestly", " fr"))
    if rng.random() < 0.15:
        text = rng.choice(PHRASES.names) + " " + text
    return text


TOXIC_SPECS: tuple[tuple[Sequence[str], int, dict[str, float]], ...] = (
    (
        PHRASES.derogation,
        700,
        {
            "toxicity": 1.0,
            "identity_attack": 1.0,
            "threat": 0.0,
            "sexual_explicit": 0.0,
            "obscene": 0.0,
        },
    ),
    (
        PHRASES.dehumanise,
        600,
        {
            "toxicity": 1.0,
            "identity_attack": 1.0,
            "insult": 1.0,
            "sexual_explicit": 0.0,
            "obscene": 0.0,
        },
    ),
    (
        PHRASES.negated_positive,
        350,
        {"toxicity": 1.0, "identity_attack": 1.0, "threat": 0.0, "obscene": 0.0},
    ),
    (
        PHRASES.threat_group,
        450,
        {
            "toxicity": 1.0,
            "threat": 1.0,
            "identity_attack": 1.0,
            "severe_toxicity": 0.5,
            "obscene": 0.0,
        },
    ),
    (
        PHRASES.threat_person,
        600,
        {
            "toxicity": 1.0,
            "threat": 1.0,
            "identity_attack": 0.0,
            "obscene": 0.0,
            "sexual_explicit": 0.0,
        },
    ),
    (
        PHRASES.threat_streamer,
        250,
        {"toxicity": 1.0, "threat": 1.0, "identity_attack": 0.0, "obscene": 0.0},
    ),
    (
        PHRASES.insults,
        500,
        {
            "toxicity": 1.0,
            "insult": 1.0,
            "threat": 0.0,
            "identity_attack": 0.0,
            "sexual_explicit": 0.0,
        },
    ),
    (
        PHRASES.self_harm,
        250,
        {
            "toxicity": 1.0,
            "threat": 1.0,
            "severe_toxicity": 0.5,
            "identity_attack": 0.0,
            "sexual_explicit": 0.0,
        },
    ),
)
ZERO = {lab: 0.0 for lab in LABELS}
BENIGN_SPECS: tuple[tuple[Sequence[str], int], ...] = (
    (PHRASES.negated, 600),
    (PHRASES.counter, 500),
    (PHRASES.benign_short, 900),
)


def written_rows(seed: int) -> list[Example]:
    """The templates above, filled in: toxic and benign neighbours."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[Example] = []

    def fill(pool: Sequence[str], n: int, labels: dict[str, float], source: str) -> None:
        made = 0
        for _ in range(n * 20):
            if made >= n:
                break
            text = _fill(rng.choice(pool), rng)
            if text.casefold() in seen:
                continue
            seen.add(text.casefold())
            rows.append(_row(text, source, **labels))
            made += 1

    for pool, n, labels in TOXIC_SPECS:
        fill(pool, n, labels, "written-toxic")
    for pool, n in BENIGN_SPECS:
        fill(pool, n, ZERO, "written-benign")
    return rows


# --- spelling evasions ---------------------------------------------------------------------
_VOWELS = set("aeiou")
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "l": "1", "g": "9"}


def _words_edit(text: str, rng: random.Random, edit: Callable[[str], str], rate: float) -> str:
    words = text.split(" ")
    long_idx = [i for i, w in enumerate(words) if len(w) >= 3]
    if not long_idx:
        return text
    chosen = {i for i in long_idx if rng.random() < rate} or {rng.choice(long_idx)}
    return " ".join(edit(w) if i in chosen else w for i, w in enumerate(words))


def delete_spaces(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    if len(words) < 2:
        return text
    out = [words[0]]
    for w in words[1:]:
        if rng.random() < 0.5:
            out[-1] += w
        else:
            out.append(w)
    return (
        " ".join(out)
        if len(out) < len(words)
        else words[0] + "".join(words[1:3]) + (" " + " ".join(words[3:]) if len(words) > 3 else "")
    )


def insert_spaces(text: str, rng: random.Random) -> str:
    def edit(w: str) -> str:
        if rng.random() < 0.5:
            return " ".join(w)
        i = rng.randint(1, len(w) - 1)
        return w[:i] + " " + w[i:]

    return _words_edit(text, rng, edit, 0.3)


def swap_letters(text: str, rng: random.Random) -> str:
    def edit(w: str) -> str:
        if len(w) < 4:
            return w
        i = rng.randint(1, len(w) - 3)
        return w[:i] + w[i + 1] + w[i] + w[i + 2 :]

    return _words_edit(text, rng, edit, 0.35)


def double_or_drop(text: str, rng: random.Random) -> str:
    def edit(w: str) -> str:
        i = rng.randint(1, len(w) - 1)
        return w[:i] + w[i] + w[i:] if rng.random() < 0.5 else w[:i] + w[i + 1 :]

    return _words_edit(text, rng, edit, 0.35)


def drop_vowels(text: str, rng: random.Random) -> str:
    def edit(w: str) -> str:
        kept = w[0] + "".join(c for c in w[1:] if c.lower() not in _VOWELS)
        return kept if len(kept) >= 2 else w

    return _words_edit(text, rng, edit, 0.5)


def leetspeak(text: str, rng: random.Random) -> str:
    def edit(w: str) -> str:
        return "".join(_LEET.get(c, c) if rng.random() < 0.6 else c for c in w)

    return _words_edit(text, rng, edit, 0.5)


EVASIONS: tuple[Callable[[str, random.Random], str], ...] = (
    delete_spaces,
    insert_spaces,
    swap_letters,
    double_or_drop,
    drop_vowels,
    leetspeak,
)


def evasion_copies(rows: Sequence[Example], n: int, seed: int, source: str) -> list[Example]:
    """``n`` rows re-spelled with one (sometimes two) evasions each, labels kept."""
    rng = random.Random(seed)
    short = [ex for ex in rows if len(ex.text) <= 160]
    out: list[Example] = []
    seen = {ex.text for ex in rows}
    for _ in range(n * 3):
        if len(out) >= n or not short:
            break
        ex = rng.choice(short)
        text = ex.text.lower() if rng.random() < 0.6 else ex.text
        text = rng.choice(EVASIONS)(text, rng)
        if rng.random() < 0.2:
            text = rng.choice(EVASIONS)(text, rng)
        if text in seen or text == ex.text:
            continue
        seen.add(text)
        out.append(Example(text, ex.targets, source, ex.binary_toxic))
    return out


def chat_augmentation(train_rows: Sequence[Example], seed: int) -> list[Example]:
    """Written rows plus evasive copies of written and real short lines, toxic and benign."""
    written = written_rows(seed)
    toxic = [ex for ex in written if ex.binary_toxic]
    benign = [ex for ex in written if not ex.binary_toxic]
    real_benign = [ex for ex in train_rows if ex.source in ("irc", "sms", "dialogue")]
    real_toxic = [
        ex
        for ex in train_rows
        if ex.binary_toxic and ex.source in ("davidson", "jigsaw", "civil_comments", "hatexplain")
    ]
    out = list(written)
    out += evasion_copies(toxic, 1600, seed + 1, "evasion-toxic")
    out += evasion_copies(real_toxic, 800, seed + 2, "evasion-toxic")
    out += evasion_copies(benign, 700, seed + 3, "evasion-benign")
    out += evasion_copies(real_benign, 1300, seed + 4, "evasion-benign")
    return out


_VOWEL_ALL = set("aeiou")


def drop_all_vowels(text: str, rng: random.Random) -> str:
    """Vowels dropped from every longer word ("you are stupid" -> "you r stpd")."""
    out = []
    for w in text.split(" "):
        kept = w[0] + "".join(c for c in w[1:] if c.lower() not in _VOWEL_ALL) if len(w) > 3 else w
        out.append(kept if len(kept) >= 2 else w)
    return " ".join(out)


def delete_all_spaces(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    if len(words) <= 3 or rng.random() < 0.5:
        return "".join(words)
    cut = rng.randint(1, len(words) - 1)
    return "".join(words[:cut]) + " " + "".join(words[cut:])


HEAVY_EVASIONS = (*EVASIONS, drop_all_vowels, delete_all_spaces, drop_all_vowels, delete_all_spaces)


class _Rows(list[Example]):
    """Written rows without repeats (case-insensitive)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def add(self, text: str, labels: dict[str, float], source: str) -> None:
        if text.casefold() not in self.seen:
            self.seen.add(text.casefold())
            self.append(_row(text, source, **labels))


def _emote_line(rng: random.Random) -> str:
    n = rng.randint(1, 4)
    return " ".join(rng.choice(PHRASES.emotes) for _ in range(n))


def second_round_rows(train_rows: Sequence[Example], seed: int) -> list[Example]:
    """New written lines and heavy evasions for the fine-tuning round."""
    rng = random.Random(seed)
    rows = _Rows()
    add = rows.add

    def fill(pool: Sequence[str], n: int, labels: dict[str, float], source: str) -> None:
        for _ in range(n):
            text = rng.choice(pool).format(**slot_words(rng, "n g tg t a p h s")).strip()
            if rng.random() < 0.25:
                text = text.capitalize()
            if rng.random() < 0.2:
                text += rng.choice((" lol", " pls", " now", " tbh", " fr", "!!"))
            add(text, labels, source)

    sexual = {"toxicity": 1.0, "sexual_explicit": 1.0, "threat": 0.0, "identity_attack": 0.0}
    harm = {"toxicity": 1.0, "threat": 1.0, "severe_toxicity": 0.5, "identity_attack": 0.0}
    threat = {"toxicity": 1.0, "threat": 1.0, "identity_attack": 0.0, "obscene": 0.0}
    derog = {"toxicity": 1.0, "identity_attack": 1.0, "threat": 0.0, "obscene": 0.0}
    insult = {"toxicity": 1.0, "insult": 1.0, "threat": 0.0, "identity_attack": 0.0}
    fill(PHRASES.sexual, 500, sexual, "written2-toxic")
    fill(PHRASES.self_harm_more + PHRASES.self_harm, 450, harm, "written2-toxic")
    fill(PHRASES.threat_indirect + PHRASES.threat_streamer, 600, threat, "written2-toxic")
    fill(
        PHRASES.derogation_more
        + PHRASES.derogation
        + PHRASES.dehumanise
        + PHRASES.negated_positive,
        900,
        derog,
        "written2-toxic",
    )
    fill(PHRASES.insults_more + PHRASES.insults, 500, insult, "written2-toxic")
    fill(PHRASES.benign_short_more + PHRASES.benign_short, 700, ZERO, "written2-benign")
    fill(PHRASES.negated + PHRASES.counter, 500, ZERO, "written2-benign")
    for _ in range(500):
        add(_emote_line(rng), ZERO, "written2-benign")
    real_benign = [ex for ex in train_rows if ex.source in ("irc", "sms", "dialogue")]
    return _with_respellings(rows, real_benign, (2400, 900, 1500), "evasion2", HEAVY_EVASIONS, seed)


def _with_respellings(
    rows: _Rows,
    real_benign: Sequence[Example],
    counts: tuple[int, int, int],
    source: str,
    evasions: Sequence[Callable[[str, random.Random], str]],
    seed: int,
) -> list[Example]:
    """``rows`` plus re-spelled copies (labels kept) of its toxic rows, its benign rows and
    real benign chat, ``counts`` of each, every copy new to ``rows``."""
    toxic = [ex for ex in rows if ex.binary_toxic]
    benign = [ex for ex in rows if not ex.binary_toxic]
    out = list(rows)
    pools = ((toxic, "toxic"), (benign, "benign"), (real_benign, "benign"))
    for k, ((pool, kind), n) in enumerate(zip(pools, counts, strict=True), start=1):
        local = random.Random(seed + k)
        for _ in range(n):
            ex = local.choice(pool)
            text = local.choice(evasions)(ex.text.lower(), local)
            if text != ex.text and text.casefold() not in rows.seen:
                rows.seen.add(text.casefold())
                out.append(Example(text, ex.targets, f"{source}-{kind}", ex.binary_toxic))
    return out


def third_round_rows(seed: int) -> list[Example]:
    """Fragments and compliments (all 0), game talk (all 0, also re-spelled), harassment."""
    rng = random.Random(seed)
    rows = _Rows()
    add = rows.add

    for frag in PHRASES.fragments:
        add(frag, ZERO, "written3-benign")
        add(frag + rng.choice(("...", " lol", " hmm", "?")), ZERO, "written3-benign")
        for _ in range(12):
            add(f"{frag} {rng.choice(PHRASES.nice)}", ZERO, "written3-benign")
    for _ in range(700):
        text = rng.choice(PHRASES.game_talk)
        if rng.random() < 0.7:
            text = rng.choice((*HEAVY_EVASIONS, leetspeak, leetspeak))(text, rng)
        if rng.random() < 0.3:
            text += rng.choice((" KEKW", " lol", " gg", " ez", "!!", " pls"))
        add(text, ZERO, "written3-benign")
    sexual = {
        "toxicity": 1.0,
        "sexual_explicit": 1.0,
        "threat": 0.0,
        "identity_attack": 0.0,
        "severe_toxicity": 0.0,
    }
    for _ in range(900):
        text = rng.choice(PHRASES.harass_more + PHRASES.sexual).format(n=rng.choice(PHRASES.names))
        if rng.random() < 0.3:
            text = rng.choice(HEAVY_EVASIONS)(text, rng)
        if rng.random() < 0.2:
            text = rng.choice(PHRASES.streamer) + " " + text
        add(text, sexual, "written3-toxic")
    insult = {"toxicity": 1.0, "insult": 1.0, "threat": 0.0, "identity_attack": 0.0}
    for _ in range(900):
        text = rng.choice(PHRASES.insults_more + PHRASES.insults)
        text = rng.choice((drop_all_vowels, swap_letters, delete_all_spaces, double_or_drop))(
            text, rng
        )
        add(text, insult, "written3-toxic")
    return rows


def leet_heavy(text: str, rng: random.Random) -> str:
    """Leet in most letters of most words, the lone "i" included ("1 w1ll f1nd u")."""
    out = []
    for w in text.split(" "):
        if w == "i" and rng.random() < 0.8:
            out.append("1")
        elif len(w) >= 2 and rng.random() < 0.85:
            out.append("".join(_LEET.get(c, c) if rng.random() < 0.8 else c for c in w))
        else:
            out.append(w)
    return " ".join(out)


def spell_apart(text: str, rng: random.Random) -> str:
    """One key word spelled apart with spaces or dots, or words joined by dots or nothing."""
    words = text.split(" ")
    style = rng.random()
    if style < 0.3 and len(words) >= 2:
        return rng.choice((".", "", "_")).join(words)
    long_idx = [i for i, w in enumerate(words) if len(w) >= 4] or [0]
    i = rng.choice(long_idx)
    sep = rng.choice((" ", ".", " ", "-"))
    if rng.random() < 0.5:
        words[i] = sep.join(words[i])
    else:
        cut = rng.randint(1, max(1, len(words[i]) - 1))
        words[i] = words[i][:cut] + " " + words[i][cut:]
    return " ".join(words)


FOURTH_EVASIONS = (*HEAVY_EVASIONS, leet_heavy, leet_heavy, spell_apart, spell_apart)


def _vocabulary(rows: Sequence[Example], blocked: set[str], seed: int, n: int) -> list[str]:
    """Words of real benign chat (3-12 letters, not on a profanity list), rare ones included."""
    prefixes = tuple(b for b in blocked if len(b) >= 4)
    counts: dict[str, int] = {}
    for ex in rows:
        for w in ex.text.lower().split():
            w = w.strip(".,!?;:'\"()[]")
            if (
                3 <= len(w) <= 12
                and w.isalpha()
                and w not in blocked
                and not w.startswith(prefixes)
            ):
                counts[w] = counts.get(w, 0) + 1
    words = sorted(counts)
    return random.Random(seed).sample(words, min(n, len(words)))


def _tag(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    base = "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 10)))
    return rng.choice((base, base, "@" + base, base + "_" + str(rng.randint(1, 99))))


def fourth_round_rows(train_rows: Sequence[Example], blocked: set[str], seed: int) -> list[Example]:
    """Rare-word benign lines, menace, violent wishes, self-harm methods, subtle harassment,
    vowel-dropped insults, negated stereotypes and positive mentions, with heavy evasions."""
    rng = random.Random(seed)
    rows = _Rows()
    add = rows.add
    stereotypes = (*PHRASES.stereotypes, *PHRASES.stereotypes)

    def fill(pool: Sequence[str], n: int, labels: dict[str, float], source: str) -> None:
        for _ in range(n):
            template = rng.choice(pool)
            text = template.format(**slot_words(rng, "n g tg s st h", st=stereotypes)).strip()
            if rng.random() < 0.2:
                text += rng.choice((" lol", " fr", " trust me", " :)", "!!", " ok"))
            add(text, labels, source)

    threat = {
        "toxicity": 1.0,
        "threat": 1.0,
        "identity_attack": 0.0,
        "obscene": 0.0,
        "sexual_explicit": 0.0,
    }
    harm = {
        "toxicity": 1.0,
        "threat": 1.0,
        "severe_toxicity": 0.5,
        "identity_attack": 0.0,
        "sexual_explicit": 0.0,
    }
    sexual = {"toxicity": 1.0, "sexual_explicit": 1.0, "threat": 0.0, "identity_attack": 0.0}
    insult = {
        "toxicity": 1.0,
        "insult": 1.0,
        "threat": 0.0,
        "identity_attack": 0.0,
        "sexual_explicit": 0.0,
    }
    fill(
        PHRASES.menace + PHRASES.threat_streamer + PHRASES.threat_indirect,
        700,
        threat,
        "written4-toxic",
    )
    wish = {k: v for k, v in threat.items() if k != "identity_attack"}  # some name a group
    fill(PHRASES.violent_wishes, 350, wish, "written4-toxic")
    fill(
        PHRASES.self_harm_methods + PHRASES.self_harm_more + PHRASES.self_harm,
        600,
        harm,
        "written4-toxic",
    )
    fill(PHRASES.harass_subtle + PHRASES.harass_more, 600, sexual, "written4-toxic")
    for _ in range(700):
        text = rng.choice(PHRASES.insult_frames).format(w=rng.choice(PHRASES.insult_words))
        if rng.random() < 0.4:
            text = rng.choice(PHRASES.insults_more + PHRASES.insults)
        add(
            rng.choice((drop_all_vowels, drop_all_vowels, drop_vowels))(text, rng),
            insult,
            "written4-toxic",
        )
    fill(PHRASES.negated_stereotype, 700, ZERO, "written4-benign")
    fill(PHRASES.positive_groups, 300, ZERO, "written4-benign")
    real_benign = [ex for ex in train_rows if ex.source in ("irc", "sms", "dialogue")]
    vocab = _vocabulary(real_benign, blocked, seed, 6000)
    for _ in range(2500):
        text = rng.choice(PHRASES.rare_frames).format(
            w=rng.choice(vocab), v=rng.choice(vocab), x=rng.choice(vocab), u=_tag(rng)
        )
        add(text, ZERO, "written4-benign")
    return _with_respellings(rows, real_benign, (1800, 700, 800), "evasion4", FOURTH_EVASIONS, seed)


def fifth_round_rows(seed: int) -> list[Example]:
    """Denials of a group's humanity (toxic) beside negated stereotypes (0), plain and leet."""
    rng = random.Random(seed)
    rows = _Rows()
    derog = {
        "toxicity": 1.0,
        "identity_attack": 1.0,
        "insult": 1.0,
        "threat": 0.0,
        "sexual_explicit": 0.0,
        "obscene": 0.0,
    }
    for _ in range(900):
        text = rng.choice(PHRASES.not_human).format(
            g=rng.choice(PHRASES.groups), a=rng.choice(PHRASES.animals)
        )
        if rng.random() < 0.45:
            text = rng.choice((leet_heavy, leet_heavy, leetspeak, double_or_drop))(text, rng)
        rows.add(text, derog, "written5-toxic")
    for _ in range(500):
        text = rng.choice(PHRASES.negated_stereotype).format(
            g=rng.choice(PHRASES.groups), st=rng.choice(PHRASES.stereotypes)
        )
        if rng.random() < 0.3:
            text = rng.choice((leet_heavy, leetspeak))(text, rng)
        rows.add(text, ZERO, "written5-benign")
    return list(rows)


def sixth_round_rows(seed: int) -> list[Example]:
    """Friendly lines in the frames of threats: "i will <kind verb> you", compliments to the
    streamer by name, and goodnights; all 0, some re-spelled."""
    rng = random.Random(seed)
    rows = _Rows()
    for _ in range(900):
        text = f"i will {rng.choice(PHRASES.kind_verbs)} {rng.choice(PHRASES.kind_objects)}"
        text += rng.choice(PHRASES.kind_tails)
        if rng.random() < 0.3:
            text = text.replace("i will", rng.choice(("ill", "i'll", "im gonna", "i'm going to")))
        rows.add(text, ZERO, "written6-benign")
    for _ in range(600):
        text = f"{rng.choice(PHRASES.streamer + PHRASES.names)} {rng.choice(PHRASES.to_streamer)}"
        rows.add(text, ZERO, "written6-benign")
    for _ in range(600):
        text = f"{rng.choice(('gonna', 'going to', 'about to', 'time to'))} "
        activity, name = rng.choice(PHRASES.activities), rng.choice(PHRASES.names)
        text += f"{activity} now {name} {rng.choice(PHRASES.sign_offs)}"
        rows.add(text, ZERO, "written6-benign")
    out = list(rows)
    for ex in rng.sample(out, 500):
        text = rng.choice(EVASIONS)(ex.text, rng)
        if text.casefold() not in rows.seen:
            rows.seen.add(text.casefold())
            out.append(Example(text, ex.targets, "evasion6-benign", ex.binary_toxic))
    return out
