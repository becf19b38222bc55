"""Which loaded model judges a message, from its detected language.

A model folder declares the languages it reads (``languages`` in labels.json: the English model
``["en"]``, the multilingual one seven); a backend that declares none reads whatever the policy
lets it. A message in a language the room's ``model.languages`` leaves out, or that no loaded
model reads, is judged by the rules alone. A line of unknown language (too short to place, or
placed in none of the seven: Dutch, Polish, or English spelled to dodge filters) goes to the
multilingual model in a room that serves more than English, else to the first model: the
English model reads disguised English far better, and an English room's unknown lines are
mostly that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chatmod.languages import LanguageGuess
    from chatmod.model.base import ToxicityModel


def declared_languages(model: object) -> tuple[str, ...] | None:
    """The languages a second opinion says it reads, or None when it does not say. A loaded
    model declares them (``ToxicityModel.languages``); the escalation's second opinions, built
    on a model or on a service, may say nothing at all."""
    languages = getattr(model, "languages", None)
    return tuple(languages) if languages is not None else None


def reads(model: object, code: str) -> bool:
    declared = declared_languages(model)
    return declared is None or code in declared


def pick_model(
    models: Sequence[ToxicityModel],
    language: LanguageGuess,
    allowed: Sequence[str],
    room_languages: Sequence[str],
) -> ToxicityModel | None:
    """The model for one message: ``models`` in order of preference (English first),
    ``allowed`` the room's ``model.languages``, ``room_languages`` the languages it serves."""
    if not models:
        return None
    if language.known:
        if language.code not in allowed:
            return None
        exact = [m for m in models if code_in(m.languages, language.code)]
        if exact:
            return exact[0]
        return next((m for m in models if m.languages is None), None)
    if any(code != "en" for code in room_languages):
        wide = [m for m in models if len(m.languages or ()) > 1]
        if wide:
            return wide[0]
    return models[0]


def code_in(declared: tuple[str, ...] | None, code: str) -> bool:
    return declared is not None and code in declared
