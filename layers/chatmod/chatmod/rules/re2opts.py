"""One place for RE2 compile options: enough DFA memory for Unicode classes over term lists."""

from __future__ import annotations

import re2

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 64 << 20  # the default (8 MiB) runs out on large alternations of \pL classes
_OPTIONS.log_errors = False


def compile_re2(pattern: str) -> re2._Regexp:
    """Compile with chatmod's RE2 options (linear-time matching, no backtracking)."""
    return re2.compile(pattern, _OPTIONS)
