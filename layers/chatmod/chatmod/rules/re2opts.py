"""One place for RE2 compile options: enough DFA memory for Unicode classes over term lists."""

from __future__ import annotations

from functools import lru_cache

import re2

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 64 << 20  # the default (8 MiB) runs out on large alternations of \pL classes
_OPTIONS.log_errors = False


@lru_cache(maxsize=128)  # as many as google-re2's own cache, which ``re2.compile`` goes through
def compile_re2(pattern: str) -> re2._Regexp:
    """Compile with chatmod's RE2 options (linear-time matching, no backtracking).

    Straight to the compiled-pattern class: ``re2.compile`` first copies every option into a
    fresh ``Options`` per call, over a third of the cost of a short pattern, which a policy
    of 1,000 patterns pays when it is validated."""
    return re2._Regexp(pattern, _OPTIONS)
