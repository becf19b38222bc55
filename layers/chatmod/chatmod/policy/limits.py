"""How big a policy may be: every room is validated when a policy loads, and a served room's
matchers are compiled on its first message and kept in memory (``check-policy`` compiles all).

Measured on one core of the development machine: 2,000 custom terms compile in about 85 ms and
keep rules-only reviews of 500 code points near 3 ms (p50); 30,000 took 5.3 s, +273 MB and
p99 197 ms, and 100,000 are more than RE2 will compile. The limits keep a reload well inside a
second in the background and every review far inside IVS's 200 ms.
"""

from __future__ import annotations

MAX_POLICY_BYTES = 256 * 1024  # the policy text (YAML or JSON)
MAX_ROOMS = 200  # ``rooms`` overrides, each compiled on its own
MAX_TERM_LENGTH = 64  # code points per term
MAX_PATTERN_LENGTH = 512  # characters per RE2 pattern
MAX_TERMS_PER_ROOM = 2_000  # custom terms over a room's rules (built-in packs not counted)
MAX_PATTERNS_PER_ROOM = 200
MAX_TERMS_TOTAL = 10_000  # summed over the defaults and every room, as compiled
MAX_PATTERNS_TOTAL = 1_000
