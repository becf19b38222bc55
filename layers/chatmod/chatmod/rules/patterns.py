"""User-supplied regular expressions, compiled with RE2 so no pattern can hang the handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import re2

from chatmod.rules.base import MetaCheck, RuleHit
from chatmod.rules.re2opts import compile_re2
from chatmod.text.views import TextViews

Target = Literal["normalized", "original"]


def compile_pattern(pattern: str, rule_id: str) -> re2._Regexp:
    """Compile with RE2 and turn its error into one that names the rule."""
    try:
        return compile_re2(pattern)
    except re2.error as exc:
        raise ValueError(f"rule {rule_id!r}: pattern {pattern!r} is not valid RE2: {exc}") from exc


@dataclass(frozen=True)
class PatternCheck(MetaCheck):
    """Matches RE2 patterns against the normalized view (default) or the original text."""

    patterns: tuple[str, ...]
    target: Target = "normalized"

    def __post_init__(self) -> None:
        if not self.patterns:
            raise ValueError(f"rule {self.meta.rule_id!r} has no patterns")
        for pattern in self.patterns:
            compile_pattern(pattern, self.meta.rule_id)  # name the bad one, if any
        combined = "|".join(f"(?:{p})" for p in self.patterns)
        object.__setattr__(self, "_regex", compile_pattern(combined, self.meta.rule_id))

    def scan(self, views: TextViews) -> list[RuleHit]:
        regex = self._regex  # type: ignore[attr-defined]
        view = views.visible if self.target == "original" else views.matching
        return [
            self.meta.hit(*view.to_original(*m.span()))
            for m in regex.finditer(view.text)
            if m.end() > m.start()
        ]
