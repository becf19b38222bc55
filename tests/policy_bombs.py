"""Policies crafted to explode a YAML reader, for the tests and ``bench/policy_bombs.py``.

Each is a few hundred bytes; built naively, ``billion_laughs`` is 9**9 (387 million) strings
and ``billion_laughs_deeper`` nine times that.
"""

from __future__ import annotations


def _laughs(levels: int) -> str:
    lines = ['version: 1\nlol: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        refs = ",".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


# Aliases in a key the policy does not know: refused by a reader that expands them, but only
# after the error message has quoted the whole expansion.
BILLION_LAUGHS = _laughs(9)
BILLION_LAUGHS_DEEPER = _laughs(10)
# The same expansion hidden behind a merge key inside a valid-looking rule.
MERGE_BOMB = (
    _laughs(8)
    + "defaults:\n  rules:\n    - <<: {terms: *l7}\n      id: r\n      category: c\n"
    + "      action: deny\n"
)
# Nesting the composer follows with one C recursion per level: 100,000 levels (200 KB, under
# the size limit) crash libyaml's composer with a segmentation fault.
DEEP_NESTING = "version: 1\ndefaults: " + "[" * 100_000 + "]" * 100_000 + "\n"

BOMBS: dict[str, str] = {
    "billion_laughs": BILLION_LAUGHS,
    "billion_laughs_deeper": BILLION_LAUGHS_DEEPER,
    "merge_bomb": MERGE_BOMB,
    "deep_nesting": DEEP_NESTING,
}
