"""How often each built-in rule fires on benign chat, and whether its hits are whole words.

Benign lines should trip profanity, slurs and spam rules almost never, so every hit there is a
candidate false positive for a person to read; links and personal data are expected now and
then (people do paste URLs) and are reported apart. A hit that starts or ends inside a word
(a letter or digit right before or after it in the typed text) masks part of a word, which is
always wrong. Rules only, no model, one process.

Usage (from the repo root):
    .venv/bin/python -m training.rule_precision [CHAT_DIR] [--examples N] [--json FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chatmod.policy import load_policy
from chatmod.review.compile import compile_room
from chatmod.rules.base import RuleHit
from chatmod.text.views import normalize
from training.paths import REPO

DEFAULT_CHAT_DIR = (REPO / ".." / "shared" / "data" / "chat").resolve()
EXPECTED_CATEGORIES = frozenset({"links", "pii"})
CONTEXT_CHARS = 12
SNIPPET_MAX = 60


def _csv_column(path: Path, column: str, *, where: tuple[str, str] | None = None) -> Iterator[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if where is None or row.get(where[0]) == where[1]:
                yield row.get(column) or ""


def _sms_ham(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            label, _, text = line.rstrip("\n").partition("\t")
            if label == "ham":
                yield text


def _first_tsv_column(folder: Path) -> Iterator[str]:
    for path in sorted(folder.glob("*.tsv")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                yield line.rstrip("\n").split("\t", 1)[0]


def benign_sources(chat_dir: Path) -> dict[str, list[str]]:
    """Every benign line per source, as typed (empty lines dropped)."""
    benign = chat_dir / "benign"
    sources = {
        "irc": _csv_column(benign / "irc_messages_80k.csv", "text"),
        "sms_ham": _sms_ham(benign / "sms_spam_collection.tsv"),
        "dialogue": _csv_column(benign / "sgd_user_turns_40k.csv", "text"),
        "goemotions": _first_tsv_column(benign / "goemotions"),
        "chatterbot_en": _csv_column(
            benign / "chatterbot_lines.csv", "text", where=("lang", "english")
        ),
    }
    return {name: [t for t in lines if t.strip()] for name, lines in sources.items()}


def inside_word(text: str, hit: RuleHit) -> bool:
    """True when a letter or digit touches the hit from outside: it masks part of a word."""
    before = hit.start > 0 and text[hit.start - 1].isalnum()
    after = hit.end < len(text) and text[hit.end].isalnum()
    return before or after


def snippet(text: str, hit: RuleHit) -> str:
    """The matched span in brackets with a few characters either side."""
    left = text[max(0, hit.start - CONTEXT_CHARS) : hit.start]
    span = text[hit.start : hit.end]
    if len(span) > SNIPPET_MAX:
        span = span[: SNIPPET_MAX - 3] + "..."
    right = text[hit.end : hit.end + CONTEXT_CHARS]
    return " ".join(f"{left}[{span}]{right}".split())


@dataclass
class RuleTally:
    """What one rule id did over all benign lines."""

    category: str
    hits: int = 0
    lines: int = 0
    inside_word: int = 0
    lines_by_source: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    inside_examples: list[str] = field(default_factory=list)

    def add(self, source: str, text: str, hits: list[RuleHit], max_examples: int) -> None:
        self.hits += len(hits)
        self.lines += 1
        self.lines_by_source[source] = self.lines_by_source.get(source, 0) + 1
        for hit in hits:
            shown = snippet(text, hit)
            if inside_word(text, hit):
                self.inside_word += 1
                if len(self.inside_examples) < max_examples and shown not in self.inside_examples:
                    self.inside_examples.append(shown)
            elif len(self.examples) < max_examples and shown not in self.examples:
                self.examples.append(shown)


def measure(sources: dict[str, list[str]], max_examples: int) -> dict[str, RuleTally]:
    """Run every check of the default policy over every line, tallied per rule id."""
    defaults = load_policy().defaults
    # Every built-in pack, the mild profanity a room turns on too, so each one is measured.
    mild = defaults.packs.mild_profanity.model_copy(update={"enabled": True})
    packs = defaults.packs.model_copy(update={"mild_profanity": mild})
    room = compile_room(defaults.model_copy(update={"packs": packs}))
    tallies: dict[str, RuleTally] = {}
    for source, lines in sources.items():
        for text in lines:
            views = normalize(text)
            by_rule: dict[str, list[RuleHit]] = {}
            for check in room.checks:
                for hit in check.scan(views):
                    by_rule.setdefault(hit.rule_id, []).append(hit)
            for rule_id, hits in by_rule.items():
                tally = tallies.setdefault(rule_id, RuleTally(hits[0].category))
                tally.add(source, text, hits, max_examples)
    return tallies


def _print_group(title: str, tallies: dict[str, RuleTally], total: int, sources: list[str]) -> None:
    print(f"\n## {title}")
    header = f"{'rule id':<16}{'hits':>7}{'lines':>7}{'share':>9}{'in-word':>9}"
    print(header + "".join(f"{s[:12]:>14}" for s in sources))
    for rule_id, tally in sorted(tallies.items()):
        share = 100 * tally.lines / total
        row = f"{rule_id:<16}{tally.hits:>7}{tally.lines:>7}{share:>8.3f}%{tally.inside_word:>9}"
        print(row + "".join(f"{tally.lines_by_source.get(s, 0):>14}" for s in sources))
    for rule_id, tally in sorted(tallies.items()):
        print(f"\n{rule_id} ({tally.category}) examples:")
        for shown in tally.examples:
            print(f"    {shown}")
        for shown in tally.inside_examples:
            print(f"    INSIDE A WORD: {shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chat_dir", nargs="?", type=Path, default=DEFAULT_CHAT_DIR)
    parser.add_argument("--examples", type=int, default=8, help="snippets shown per rule id")
    parser.add_argument("--json", type=Path, help="also write the tallies here")
    args = parser.parse_args(argv)

    sources = benign_sources(args.chat_dir)
    total = sum(len(lines) for lines in sources.values())
    started = time.perf_counter()
    tallies = measure(sources, args.examples)
    elapsed = time.perf_counter() - started
    counts = ", ".join(f"{name} {len(lines):,}" for name, lines in sources.items())
    print(f"# Rule hits on {total:,} benign lines ({counts}) in {elapsed:.1f} s")
    names = list(sources)
    content = {k: v for k, v in tallies.items() if v.category not in EXPECTED_CATEGORIES}
    expected = {k: v for k, v in tallies.items() if v.category in EXPECTED_CATEGORIES}
    _print_group(
        "Profanity, hate, spam (every hit is a candidate false positive)", content, total, names
    )
    _print_group(
        "Links and personal data (masked on purpose; judge the examples)", expected, total, names
    )
    inside = sum(t.inside_word for t in tallies.values())
    print(f"\nHits inside a word, all rules: {inside}")
    if args.json:
        payload = {
            "lines": total,
            "lines_by_source": {name: len(lines) for name, lines in sources.items()},
            "rules": {k: vars(v) for k, v in sorted(tallies.items())},
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
