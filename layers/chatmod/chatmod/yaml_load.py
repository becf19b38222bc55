"""One YAML reader for policies, threshold levels and the built-in packs, safe on any input.

libyaml's safe loader when PyYAML was built with it (its wheels are), else the pure-Python
one: they build the same data, and libyaml reads several times faster, which a new instance
pays on its first message (the packs are thousands of terms).

A document is read as a stream of parser events, which costs memory in proportion to the text
and nothing more, and refused before anything is built from an alias (``*name``: a few hundred
bytes of nested aliases stand for gigabytes of data, the "billion laughs") or from nesting
deeper than ``MAX_DEPTH`` (the composer recurses once per level). chatmod's files never need
either: a policy spells out what it means.

The same pass builds the data (``_EventBuilder``) when the document holds only untagged
mappings, sequences and scalars that resolve to strings, numbers, booleans or null, which is
every file chatmod reads: a new instance reads a 200-room policy once instead of twice, without
the node tree PyYAML's composer keeps. Anything else (an explicit tag, an anchor, a merge key, a
timestamp, a mapping as a key, a second document) is still checked to its end and then read by
PyYAML's own loader, so what a document means and how it fails never depend on the path it took.
"""

from __future__ import annotations

from typing import Any

import yaml

from chatmod.errors import YamlRefused as YamlRefused

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 32  # nested mappings and sequences; a policy needs about 8

_TAG = "tag:yaml.org,2002:"
# Plain scalars the one pass builds itself, with the safe constructor's own functions.
_BUILT_TAGS = frozenset(_TAG + name for name in ("null", "bool", "int", "float"))
_NO_KEY: Any = object()  # a mapping waiting for its next key


def _where(event: Any) -> str:
    mark = getattr(event, "start_mark", None)
    if mark is None:
        return ""
    return f"line {mark.line + 1}, column {mark.column + 1}: "


class _NotPlain(Exception):
    """The document needs PyYAML's full loader (raised inside the builder only)."""


class _EventBuilder:
    """Builds a document's data from its parser events, fed one at a time (``feed``); raises
    ``_NotPlain`` at the first event it leaves to PyYAML's loader."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader
        self._plain: dict[str, Any] = {}  # plain scalar text -> its value (repeated keys)
        # Open collections; for a mapping, the key read and waiting for its value (or _NO_KEY).
        self._open: list[list[Any] | dict[Any, Any]] = []
        self._keys: list[Any] = []
        self._documents = 0
        self.result: Any = None

    def _scalar(self, event: Any) -> None:
        if event.tag is not None or event.anchor is not None:
            raise _NotPlain
        value = event.value
        if event.implicit[0]:  # plain: resolved as the composer would (null, 12, true, ...)
            value = self._plain.get(event.value, _NO_KEY)
            if value is _NO_KEY:
                value = self._resolve(event)
                if not isinstance(value, float):  # each .nan is its own key, as in PyYAML
                    self._plain[event.value] = value
        self._add(value)

    def _resolve(self, event: Any) -> Any:
        tag = self._loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _TAG + "str":
            return event.value
        if tag not in _BUILT_TAGS:
            raise _NotPlain  # a merge key, a timestamp, "=": PyYAML's loader decides
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
        try:
            return self._loader.yaml_constructors[tag](self._loader, node)
        except Exception as exc:
            raise _NotPlain from exc

    def feed(self, kind: type, event: Any) -> None:
        if kind is yaml.ScalarEvent:
            self._scalar(event)
        elif kind is yaml.MappingStartEvent:
            self._start(event, {})
        elif kind is yaml.SequenceStartEvent:
            self._start(event, [])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self._open.pop()
            self._keys.pop()
        elif kind is yaml.DocumentStartEvent:
            self._documents += 1
            if self._documents > 1:
                raise _NotPlain  # PyYAML refuses a second document

    def _start(self, event: Any, collection: list[Any] | dict[Any, Any]) -> None:
        if event.tag is not None or event.anchor is not None:
            raise _NotPlain
        if self._open and isinstance(self._open[-1], dict) and self._keys[-1] is _NO_KEY:
            raise _NotPlain  # a collection as a mapping key: PyYAML refuses it its own way
        self._add(collection)
        self._open.append(collection)
        self._keys.append(_NO_KEY)

    def _add(self, value: Any) -> None:
        if not self._open:
            self.result = value
            return
        parent = self._open[-1]
        if isinstance(parent, list):
            parent.append(value)
        elif self._keys[-1] is _NO_KEY:
            self._keys[-1] = value
        else:
            parent[self._keys[-1]] = value
            self._keys[-1] = _NO_KEY


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with the fastest safe loader available, refusing aliases and nesting
    past ``MAX_DEPTH`` before anything is built from them; raises ``yaml.YAMLError``
    (``YamlRefused`` for an alias or too deep a document)."""
    loader = SAFE_LOADER(text)
    try:
        builder: _EventBuilder | None = _EventBuilder(loader)
        depth = 0
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.AliasEvent:
                raise YamlRefused(
                    f"{_where(event)}aliases (*name) are not accepted; write the value out in full"
                )
            if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlRefused(f"{_where(event)}nested deeper than {MAX_DEPTH} levels")
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                depth -= 1
            elif kind is yaml.StreamEndEvent or event is None:
                break
            if builder is not None:
                try:
                    builder.feed(kind, event)
                except _NotPlain:
                    builder = None  # the rest is only checked, then PyYAML reads it all
    finally:
        loader.dispose()
    if builder is None:
        return yaml.load(text, Loader=SAFE_LOADER)
    return builder.result
