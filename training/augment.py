"""Synthetic training rows: identity-mention negatives, identity attacks, and obfuscation.

Two failure modes matter for chat moderation and are under-represented in the sources:
  * neutral sentences that merely mention an identity ("I am a gay man") scoring as toxic, and
  * toxic messages disguised with leet, spacing, look-alike letters or stars slipping through.
The sentences here are written from templates in this file (no external text), with fixed seeds.
"""

from __future__ import annotations

import random

from training.data import LABELS, Example

NAN = float("nan")

IDENTITIES_ADJ = (
    "gay", "lesbian", "bisexual", "transgender", "trans", "queer", "straight", "Black",
    "white", "Asian", "Latino", "Latina", "Hispanic", "Mexican", "African American",
    "Native American", "Indian", "Chinese", "Arab", "Muslim", "Jewish", "Christian",
    "Catholic", "Hindu", "Sikh", "Buddhist", "atheist", "immigrant", "disabled", "deaf",
    "blind", "autistic", "old", "young", "Korean", "Japanese", "Nigerian", "Irish",
    "Polish", "Russian", "Palestinian", "Israeli", "Iranian", "Somali", "Puerto Rican",
    "nonbinary", "feminist", "Mormon", "Pakistani", "Filipino",
)  # fmt: skip
PERSON_NOUNS = ("man", "woman", "person", "guy", "girl", "kid", "teacher", "nurse", "student",
                "mom", "dad", "grandmother", "engineer", "gamer", "streamer")  # fmt: skip
GROUP_NOUNS = (
    "gay people", "lesbians", "trans people", "Black people", "white people", "Asians",
    "Latinos", "Mexicans", "immigrants", "Muslims", "Jews", "Christians", "Hindus",
    "Arabs", "women", "men", "disabled people", "atheists", "Indians", "Chinese people",
)  # fmt: skip

NEUTRAL_TEMPLATES = (
    "I am a {adj} {noun}", "I'm a proud {adj} {noun}", "I'm {adj}", "my friend is {adj}",
    "she is a {adj} {noun}", "he is a {adj} {noun}", "my neighbor is a {adj} {noun}",
    "as a {adj} {noun}, I loved this stream", "my best friend is {adj} and we game every week",
    "being {adj} is part of who I am", "I grew up in a {adj} family", "my wife is {adj}",
    "my husband is {adj}", "our new coach is {adj}", "I'm {adj} and I play support mostly",
    "shoutout to all the {adj} viewers tonight", "my teacher is a {adj} {noun}",
    "happy to be {adj} and here", "my mom is {adj}", "is anyone else here {adj}?",
    "the {adj} community center has a food drive saturday", "I married a {adj} {noun}",
    "hello from a {adj} {noun} in Toronto", "my roommate is {adj}, she cooks amazing food",
    "what's it like being a {adj} {noun} in tech?", "i identify as {adj}",
)  # fmt: skip
NEUTRAL_GROUP_TEMPLATES = (
    "{group} are welcome here", "I have a lot of respect for {group}",
    "{group} deserve equal rights",
    "the documentary was about {group} in the 1950s", "many {group} live in my city",
    "{group} celebrate that holiday in spring", "this article interviews {group} about work",
    "love and support to all {group}", "some of my closest friends are {group}",
)  # fmt: skip
ATTACK_TEMPLATES = (
    "all {group} are disgusting animals", "{group} are subhuman trash",
    "I hate {group}, they should all die",
    "{group} should be wiped out", "get these filthy {group} out of our country",
    "{group} are stupid and worthless", "kill all {group}", "{group} are vermin",
    "nobody wants you {group} here, go back where you came from",
    "{group} are a disease", "shut up, you {adj} piece of shit",
    "{group} are all criminals", "{group} are terrorists", "{group} ruin everything they touch",
    "{group} shouldn't be allowed to vote", "never hire {group}, they are lazy and dumb",
    "{group} are ugly and smell bad", "{group} belong in cages",
)  # fmt: skip


def _row(text: str, tox: float, insult: float, ident: float, threat: float = 0.0) -> Example:
    severe = 0.3 if threat else 0.1
    values = {
        "toxicity": tox,
        "severe_toxicity": severe if tox else 0.0,
        "obscene": 0.0,
        "threat": threat,
        "insult": insult,
        "identity_attack": ident,
        "sexual_explicit": 0.0,
    }
    # Synthetic sentences only say something certain about these labels; mask obscene when the
    # template swears, since we did not annotate it.
    if "shit" in text:
        values["obscene"] = NAN
    return Example(text, tuple(values[lab] for lab in LABELS), "synthetic", int(tox >= 0.5))


def identity_rows(seed: int, n_neutral: int = 700, n_attack: int = 160) -> list[Example]:
    """Neutral identity mentions (all labels 0) plus a smaller set of explicit group attacks."""
    rng = random.Random(seed)
    rows: list[Example] = []
    seen: set[str] = set()
    while len(rows) < n_neutral:
        if rng.random() < 0.75:
            text = rng.choice(NEUTRAL_TEMPLATES).format(
                adj=rng.choice(IDENTITIES_ADJ), noun=rng.choice(PERSON_NOUNS)
            )
        else:
            text = rng.choice(NEUTRAL_GROUP_TEMPLATES).format(group=rng.choice(GROUP_NOUNS))
        text = text[0].upper() + text[1:] if rng.random() < 0.5 else text
        if text not in seen:
            seen.add(text)
            rows.append(_row(text, 0.0, 0.0, 0.0))
    n = 0
    while n < n_attack:
        tmpl = rng.choice(ATTACK_TEMPLATES)
        text = tmpl.format(group=rng.choice(GROUP_NOUNS), adj=rng.choice(IDENTITIES_ADJ))
        if text in seen:
            continue
        seen.add(text)
        threat = 1.0 if any(w in tmpl for w in ("die", "kill", "wiped")) else 0.0
        rows.append(_row(text, 1.0, 1.0, 1.0, threat))
        n += 1
    return rows


_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_GLYPHS = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "i": "і", "y": "у"}


def _leet(word: str, rng: random.Random) -> str:
    return "".join(_LEET[c] if c in _LEET and rng.random() < 0.6 else c for c in word)


def _spaced(word: str, rng: random.Random) -> str:
    return rng.choice((" ", ".", "-", "")).join(word) if len(word) <= 8 else word


def _glyphs(word: str, rng: random.Random) -> str:
    return "".join(_GLYPHS[c] if c in _GLYPHS and rng.random() < 0.5 else c for c in word)


def _stars(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + "*" * rng.randint(1, 2) + word[i + 1 :]


def _stretch(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    return word[:i] + word[i] * rng.randint(3, 6) + word[i + 1 :]


_OPS = (_leet, _spaced, _glyphs, _stars, _stretch)


def obfuscate(text: str, rng: random.Random, word_rate: float = 0.35) -> str:
    """Disguise a share of the longer words the way chat users dodge filters."""
    words = text.split(" ")
    out = []
    for word in words:
        if len(word) >= 3 and word.isalpha() and rng.random() < word_rate:
            out.append(rng.choice(_OPS)(word.lower(), rng))
        else:
            out.append(word)
    return " ".join(out)


def obfuscated_copies(
    rows: list[Example], seed: int, toxic_rate: float = 0.35, clean_rate: float = 0.05
) -> list[Example]:
    """Obfuscated copies of short texts: mostly toxic ones, a few clean ones for calibration."""
    rng = random.Random(seed)
    out = []
    for ex in rows:
        if len(ex.text) > 300:
            continue
        rate = toxic_rate if ex.binary_toxic else clean_rate
        if rng.random() < rate:
            text = obfuscate(ex.text, rng)
            if text != ex.text:
                out.append(Example(text, ex.targets, ex.source + "+obf", ex.binary_toxic))
    return out


# Short live-chat lines: the sources are news comments, Wikipedia talk and tweets, so without
# these the model has never seen "gg wp" and scores gamer shorthand as Davidson-style slang.
CHAT_NEUTRAL = (
    "gg", "gg wp", "ggs", "glhf", "gl hf", "lol", "lmao", "xD", "pog", "poggers", "KEKW",
    "hi chat", "hello everyone", "hey {name}",
    "hiii", "yo", "sup", "brb", "back", "first time here",
    "what game is this?", "nice shot", "clip that", "that was close", "no way", "rip", "F",
    "what rank are you?", "love the music", "song name?", "what's your setup?", "nice play",
    "let's gooo", "GG EZ", "wp", "ty for the stream", "thanks for the raid", "good luck tonight",
    "how long have you been streaming?", "is this ranked?",
    "where are you from?", "good morning chat",
    "good night everyone", "can you play {game} next?", "that boss is hard", "welcome back {name}",
    "{name} you're cracked", "that was insane", "omg", "wow", "hype", "same", "true", "facts",
    "what time is it there?", "any tips for a new player?",
    "love this community", "happy birthday {name}!",
    "chat is wild today", "i died laughing", "bruh", "oof", "sheesh", "mods?", "who won?",
    "play the other map", "go left", "behind you!", "that's a lot of damage", "clutch",
    "nice build", "how do you get that skin?", "I just got here, what did I miss?", "hydrate",
    "take a break if you need it", "w stream", "that's crazy", "you got this", "so close",
)  # fmt: skip
CHAT_TOXIC = (
    "kys", "stfu {name}", "you suck", "ur so trash", "shut up idiot", "nobody cares loser",
    "uninstall you clown", "{name} is a moron", "go die", "you're pathetic", "stupid noob",
    "shut up you dumb bitch", "fuck you {name}", "ur mom is a whore", "retard",
    "get cancer", "worst streamer ever, you're an idiot", "you're ugly as hell",
)  # fmt: skip
CHAT_NAMES = ("streamer", "bro", "dude", "Alex", "Sam", "mods", "chat", "Jordan", "Priya", "Mo")
CHAT_GAMES = ("Minecraft", "Elden Ring", "Valorant", "chess", "Fortnite", "Zelda")
CHAT_SUFFIXES = ("", "", "", " lol", "!!", " :)", " haha", " <3", "?", " xD")


def chat_rows(seed: int, n_neutral: int = 450, n_toxic: int = 120) -> list[Example]:
    """Short chat messages: benign shorthand (all labels 0) and blunt chat insults."""
    rng = random.Random(seed)
    rows: list[Example] = []
    seen: set[str] = set()

    def make(pool: tuple[str, ...]) -> str:
        text = rng.choice(pool).format(name=rng.choice(CHAT_NAMES), game=rng.choice(CHAT_GAMES))
        text += rng.choice(CHAT_SUFFIXES)
        return text.lower() if rng.random() < 0.4 else text

    for _ in range(n_neutral * 20):
        if len(rows) >= n_neutral:
            break
        text = make(CHAT_NEUTRAL)
        if text not in seen:
            seen.add(text)
            rows.append(_row(text, 0.0, 0.0, 0.0))
    n_neutral_rows = len(rows)
    for _ in range(n_toxic * 20):
        if len(rows) - n_neutral_rows >= n_toxic:
            break
        text = make(CHAT_TOXIC)
        if text in seen:
            continue
        seen.add(text)
        # Only toxicity/insult are clearly implied; leave the finer labels unannotated.
        targets = tuple(1.0 if lab in ("toxicity", "insult") else NAN for lab in LABELS)
        rows.append(Example(text, targets, "synthetic-chat", 1))
    return rows


# Direct threats, sexual harassment and game talk with violent words. The sources have few
# threats (Jigsaw flags a handful, Civil Comments only as annotator fractions), so without these
# "im gonna stab you tonight" reads as small talk; the game lines keep "kill the boss" clean.
THREAT_TEMPLATES = (
    "I will find you and {harm} you", "I'm gonna {harm} you {when}", "i will {harm} you {when}",
    "I know where you live {name}", "watch your back {name}, I know where you live",
    "you're dead when I find you", "someone should {harm} {name} {when}",
    "I hope someone {harm}s you {when}", "I'm coming to your house {when}",
    "I'll {harm} your whole family", "say that again and I'll {harm} you",
    "you won't live to see tomorrow", "sleep with one eye open {name}",
    "I'm going to {harm} you and nobody will find you",
    "{name} better hide, I'm going to {harm} him",
    "meet me outside and I'll {harm} you", "I swear I will {harm} you if you come back",
    "keep talking and see what happens to you {when}",
)  # fmt: skip
THREAT_HARMS = ("hurt", "stab", "shoot", "kill", "strangle", "beat", "murder", "punch", "choke")
THREAT_WHENS = ("tonight", "tomorrow", "after school", "when you log off", "", "irl", "soon")
HARASS_TEMPLATES = (
    "send nudes", "send nudes {name}", "show me your tits", "show us your boobs {name}",
    "take your top off", "wanna see my dick?", "I want to fuck you {name}", "sit on my face",
    "nice tits", "show feet pics or leave", "bet you're a slut irl", "I'd bang her so hard",
    "let me see you naked", "open your legs for chat",
)  # fmt: skip
GAME_VIOLENCE_TEMPLATES = (
    "I'm gonna {verb} this boss {when}", "{verb} the dragon first", "that boss {verb}ed me again",
    "we {verb}ed them in ranked", "you killed it tonight {name}!", "that joke killed me lol",
    "I died to fall damage", "I'm dead lol", "headshot the sniper on the roof",
    "shoot the barrels first", "beat the final boss finally", "let's destroy their base",
    "he got absolutely destroyed in that fight lol", "this song is killer", "the ending hurt me",
    "stab the zombie with the knife", "kill the healer first", "my build can one-shot anyone",
    "ranked is killing me", "you are going to crush this tournament {name}",
    "shoot, I forgot my headset", "I would die for this soundtrack", "the final fight was brutal",
    # everyday idioms that borrow the same verbs
    "shoot me a DM {name}", "shoot me a message later", "shoot your shot", "hit me up later",
    "you murdered that solo", "I'm gonna murder this song at karaoke", "this heat is killing me",
    "my back is killing me", "the suspense is killing me", "I'm dying of laughter",
    "break a leg {when}!",
    "knock 'em dead {name}", "kill it out there {name}", "he shot the ball from half court",
    "smash that like button", "punch up the mic volume a bit", "beat your high score {when}",
    "my cat is trying to kill me lol", "this boss is going to be the death of me",
    "you're crushing it",
)  # fmt: skip
GAME_VERBS = ("kill", "destroy", "beat", "crush", "wreck")


def threat_rows(
    seed: int, n_threat: int = 260, n_harass: int = 110, n_game: int = 320
) -> list[Example]:
    """Threats (toxicity + threat), sexual harassment (toxicity + sexual_explicit) and clean game
    talk that borrows violent words (all labels 0)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[Example] = []

    def fill(pool: tuple[str, ...], n: int, targets: dict[str, float], source: str) -> None:
        made = 0
        for _ in range(n * 30):
            if made >= n:
                break
            text = (
                rng.choice(pool)
                .format(
                    harm=rng.choice(THREAT_HARMS),
                    when=rng.choice(THREAT_WHENS),
                    name=rng.choice(CHAT_NAMES),
                    verb=rng.choice(GAME_VERBS),
                )
                .replace("  ", " ")
                .strip()
            )
            text = text.lower() if rng.random() < 0.4 else text
            if text in seen:
                continue
            seen.add(text)
            values = tuple(targets.get(lab, NAN) for lab in LABELS)
            rows.append(Example(text, values, source, int(targets["toxicity"] >= 0.5)))
            made += 1

    fill(THREAT_TEMPLATES, n_threat,
         {"toxicity": 1.0, "threat": 1.0, "identity_attack": 0.0, "sexual_explicit": 0.0},
         "synthetic-threat")  # fmt: skip
    fill(HARASS_TEMPLATES, n_harass,
         {"toxicity": 1.0, "sexual_explicit": 1.0, "threat": 0.0, "identity_attack": 0.0},
         "synthetic-harass")  # fmt: skip
    fill(GAME_VIOLENCE_TEMPLATES, n_game, {lab: 0.0 for lab in LABELS}, "synthetic-chat")
    return rows
