"""The built-in packs' data: each language's lists in ``chatmod/packs/<code>/``.

``slurs`` and ``profanity`` are term lists (``terms``, and ``exempt`` phrases that contain a
term); ``harmless`` lists a language's everyday words spelled like another language's term;
``unblamed`` the words attribution never stars. English's also hold ``mild_profanity``, the
shorthand the model's readings expand (read by ``chatmod.text.shorthand``) and ``words.txt``
(read by ``chatmod.text.split_words``). A pack named without a language is English's
("slurs" is ``en/slurs``), as rule ids are ("profanity", "profanity.de").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from chatmod.languages.codes import SUPPORTED
from chatmod.text.views import fold
from chatmod.yaml_load import load_yaml


def pack_path(pack: str) -> str:
    """``packs/<language>/<pack>.yaml`` for a pack named with or without its language."""
    return f"packs/{pack if '/' in pack else f'en/{pack}'}.yaml"


def pack_data(pack: str) -> dict[str, list[object]]:
    """A built-in pack's YAML (read once per process)."""
    return _read(pack_path(pack))


@lru_cache(maxsize=32)
def _read(path: str) -> dict[str, list[object]]:
    text = resources.files("chatmod").joinpath(path).read_text("utf-8")
    data: dict[str, list[object]] = load_yaml(text) or {}
    return data


def language_pack(language: str, pack: str) -> str | None:
    """The built-in pack of a language ("de/profanity"), or None when that language has none."""
    name = f"{language}/{pack}"
    return name if resources.files("chatmod").joinpath(pack_path(name)).is_file() else None


@dataclass(frozen=True)
class Unblamed:
    """A language's words attribution never stars, beyond English's (``english_unblamed``):
    ``words`` (function words, words that address chat, short group names, each also in its
    plural) and ``stems`` (a word beginning with one names a group: Turkish "engelliler")."""

    words: frozenset[str] = frozenset()
    stems: tuple[str, ...] = ()

    def covers(self, bare: str) -> bool:
        if bare in self.words or bare.removesuffix("s") in self.words:
            return True
        if bare.endswith("es") and bare[:-2] in self.words:
            return True
        return bare.startswith(self.stems) if self.stems else False


ENGLISH_ONLY = Unblamed()


def english_unblamed() -> tuple[frozenset[str], frozenset[str]]:
    """English's function words and group names (``packs/en/unblamed.yaml``): never starred
    in a message of any language, and compared whole, as written."""
    data = pack_data("en/unblamed")
    return (
        frozenset(str(w) for w in data.get("function_words", [])),
        frozenset(str(w) for w in data.get("identity_words", [])),
    )


@lru_cache(maxsize=16)
def builtin_harmless(language: str) -> frozenset[str]:
    """Everyday words of ``language`` spelled like another language's term (German "dick"):
    a message detected in ``language`` keeps them whatever other packs say."""
    name = language_pack(language, "harmless")
    if name is None:
        return frozenset()
    words = pack_data(name).get("words", [])
    return frozenset(fold(str(w)).text.strip() for w in words if str(w).strip())


@lru_cache(maxsize=16)
def builtin_unblamed(language: str) -> Unblamed:
    """The words attribution never stars in a message of ``language``
    (``packs/<language>/unblamed.yaml``), folded as the model's view is. English's apply to
    every message already (``english_unblamed``), so English adds nothing here."""
    name = language_pack(language, "unblamed") if language != "en" else None
    if name is None:
        return ENGLISH_ONLY
    data = pack_data(name)
    words: set[str] = set()
    stems: set[str] = set()
    for entry in [*data.get("function_words", []), *data.get("identity_words", [])]:
        text = str(entry).strip()
        (stems if text.endswith("*") else words).add(fold(text.rstrip("*")).text)
    return Unblamed(frozenset(words - {""}), tuple(sorted(stems - {""})))


@dataclass(frozen=True)
class LanguageLists:
    """A language's words a review spares: ``harmless`` (no other language's pack hits them
    in a message of this language) and ``unblamed`` (attribution never stars them)."""

    harmless: frozenset[str] = frozenset()
    unblamed: Unblamed = ENGLISH_ONLY


NO_LISTS = LanguageLists()


@lru_cache(maxsize=1)
def language_lists() -> Mapping[str, LanguageLists]:
    """Every detectable language's lists, read once per process when the first room compiles,
    so a review never fetches pack data in its middle."""
    return {
        code: LanguageLists(builtin_harmless(code), builtin_unblamed(code)) for code in SUPPORTED
    }
