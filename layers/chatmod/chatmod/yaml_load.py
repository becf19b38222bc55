"""One YAML reader for policies, threshold levels and the built-in packs, safe on any input.

libyaml's safe loader when PyYAML was built with it (its wheels are), else the pure-Python
one: they build the same data, and libyaml reads several times faster, which a new instance
pays on its first message (the packs are thousands of terms).

A document is first read as a stream of parser events, which costs memory in proportion to
the text and nothing more, and refused before anything builds or walks it when it uses an alias
(``*name``: a few hundred bytes of nested aliases stand for gigabytes of data, the "billion
laughs") or nests deeper than ``MAX_DEPTH`` (the composer recurses once per level). chatmod's
files never need either: a policy spells out what it means.
"""

from __future__ import annotations

from typing import Any

import yaml

from chatmod.errors import YamlRefused as YamlRefused

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 32  # nested mappings and sequences; a policy needs about 8


def _where(event: Any) -> str:
    mark = getattr(event, "start_mark", None)
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}: "


def check_shape(text: str) -> None:
    """Raises ``YamlRefused`` for an alias or nesting past ``MAX_DEPTH``, ``yaml.YAMLError``
    for text that is not YAML; reads events only, so nothing is expanded."""
    depth = 0
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise YamlRefused(
                f"{_where(event)}aliases (*name) are not accepted; write the value out in full"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlRefused(f"{_where(event)}nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with the fastest safe loader available, after ``check_shape``;
    raises ``yaml.YAMLError`` (``YamlRefused`` for an alias or too deep a document)."""
    check_shape(text)
    return yaml.load(text, Loader=SAFE_LOADER)
