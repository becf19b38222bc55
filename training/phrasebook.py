"""The written phrase tables, read from ``training/phrases/*.yaml``.

The augment modules build training lines from templates and slot words written for chatmod;
the wording lives in data files a reviewer can read and extend without reading the code, and
the code keeps only how lines are drawn from it. A table is a tuple in its file's order (the
seeded draws depend on that order).
"""

from __future__ import annotations

from typing import Any

import yaml

from training.paths import TRAINING

PHRASES_DIR = TRAINING / "phrases"


def phrase_file(name: str) -> dict[str, Any]:
    """One file of tables (``<name>.yaml``), as written."""
    data: dict[str, Any] = yaml.safe_load((PHRASES_DIR / f"{name}.yaml").read_text("utf-8"))
    return data


class PhraseTables:
    """A file whose every key is one table of lines, read as attributes (``tables.groups``)."""

    def __init__(self, name: str) -> None:
        self._tables = {key: tuple(lines) for key, lines in phrase_file(name).items()}

    def __getattr__(self, key: str) -> tuple[str, ...]:
        try:
            return self._tables[key]
        except KeyError:
            raise AttributeError(f"no phrase table {key!r}") from None
