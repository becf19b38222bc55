"""How many lines each moderation level would hold for review, on benign and toxic dev lines.

A room that holds a label holds a message whose score on it sits in the label's gray zone
(from ``allow`` up to ``deny`` on the room's level) instead of delivering it for a second
opinion. This runs the real pipeline (rules and the shipped English model) at each level with
every label held, and with the labels a room would most likely hold (insult, threat,
identity_attack), over dev lines of ``../shared/data`` (the training split rule: a hash of the
text, ``training/data.py``): benign IRC chat and SMS, and the toxic rows of Civil Comments and
Davidson's tweets. Figures are printed, never asserted.

    .venv/bin/python -m bench.held_rates [--per-source 500]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
from pathlib import Path

from chatmod.contract import ReviewRequest
from chatmod.model import load_model
from chatmod.model.spec import LABELS
from chatmod.policy import parse_policy
from chatmod.review import Reviewer

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEV_PERCENT = 15  # training/data.py's split (it needs pandas, which this environment lacks)
LEVELS = ("relaxed", "standard", "strict")
LIKELY = ("insult", "threat", "identity_attack")


def is_dev(text: str) -> bool:
    digest = hashlib.md5(text.strip().encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < DEV_PERCENT


def _sample(rows: list[str], n: int) -> list[str]:
    rows = sorted(set(r for r in rows if r.strip() and is_dev(r)))
    return random.Random(7).sample(rows, min(n, len(rows)))


def benign(n: int) -> dict[str, list[str]]:
    with open(DATA / "chat/benign/irc_messages_80k.csv", encoding="utf-8", newline="") as fh:
        irc = [r["text"].lstrip(":").strip() for r in csv.DictReader(fh)]
    with open(DATA / "chat/benign/sms_spam_collection.tsv", encoding="utf-8") as fh:
        sms = [t for k, _, t in (line.rstrip("\n").partition("\t") for line in fh) if k == "ham"]
    return {"irc": _sample([t for t in irc if len(t) > 1], n), "sms": _sample(sms, n)}


def toxic(n: int) -> dict[str, list[str]]:
    with open(DATA / "civil_comments_5k.csv", encoding="utf-8", newline="") as fh:
        civil = [r["text"] for r in csv.DictReader(fh) if r["label"] == "1"]
    with open(DATA / "davidson_labeled_data.csv", encoding="utf-8", newline="") as fh:
        davidson = [r["tweet"] for r in csv.DictReader(fh) if r["class"] in ("0", "1")]
    return {"civil": _sample(civil, n), "davidson": _sample(davidson, n)}


def reviewer(model: object, level: str, labels: tuple[str, ...]) -> Reviewer:
    policy = parse_policy(
        f"defaults:\n  model: {{level: {level}}}\n  hold: {{labels: [{', '.join(labels)}]}}\n"
    )
    return Reviewer(policy, model)  # type: ignore[arg-type]


def shares(r: Reviewer, lines: list[str]) -> tuple[float, float]:
    """(held, denied) shares of ``lines``."""
    held = denied = 0
    for i, text in enumerate(lines):
        request = {
            "Content": text[:500],
            "MessageId": f"HOLD{i:08d}",
            "RoomArn": "arn:aws:ivschat:us-east-1:123456789012:room/heldRates01",
            "Sender": {"UserId": "u"},
        }
        decision = r.review(ReviewRequest.model_validate(request)).decision
        held += decision.held
        denied += decision.result == "DENY" and not decision.held
    return held / len(lines), denied / len(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.held_rates")
    parser.add_argument("--per-source", type=int, default=500)
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"{DATA} not found: the shared data folder beside the clone")
        return 0
    model = load_model("onnx")
    sets = {**{f"benign {k}": v for k, v in benign(args.per_source).items()}}
    sets.update({f"toxic {k}": v for k, v in toxic(args.per_source).items()})
    print("lines held for review (and denied outright), English model, rules included")
    print("  " + "  ".join(f"{name} ({len(lines)})" for name, lines in sets.items()))
    for labels_name, labels in (("every label", LABELS), ("insult, threat, identity", LIKELY)):
        for level in LEVELS:
            r = reviewer(model, level, tuple(labels))
            cells = []
            for lines in sets.values():
                held, denied = shares(r, lines)
                cells.append(f"held {held:6.1%} denied {denied:6.1%}")
            print(f"  {labels_name:<26} {level:<9} " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
