"""Command line: ``python -m chatmod score|review|check-policy|mod``.

``score`` is the stable scoring interface: JSONL ``{"id", "text"}`` on stdin, one JSONL line
per input on stdout, in order, each the full review pipeline (rules + model + policy) under
the configured policy (the default policy unless CHATMOD_POLICY_FILE names another). Texts of
any length are judged whole: a room's maximum length is enforced by IVS before review.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import IO, Any

from chatmod.model.factory import load_model_from_settings, load_multilingual_from_settings
from chatmod.policy import PolicyError
from chatmod.policy.live import FilePolicySource
from chatmod.policy_check import checked_policy
from chatmod.review.reviewer import Reviewer
from chatmod.settings import Settings, SettingsError


def _reviewer(args: argparse.Namespace) -> Reviewer:
    explicit: dict[str, Any] = {}
    if args.policy:
        explicit["policy_file"] = args.policy
    if args.no_model:
        explicit["model_backend"] = "none"
    settings = Settings.load(**explicit)
    from chatmod.languages import LangidDetector

    model = load_model_from_settings(settings)
    multilingual = load_multilingual_from_settings(settings) if model is not None else None
    return Reviewer.from_settings(settings, model, LangidDetector(), multilingual)


def _parse_line(raw: str) -> tuple[Any, str]:
    """The id and text of one input line, or ValueError saying what is wrong with it."""
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(item, dict):
        raise ValueError(f"expected an object with id and text, got {type(item).__name__}")
    if "id" not in item:
        raise ValueError('missing "id"')
    if not isinstance(item.get("text"), str):
        raise ValueError('"text" must be a string')
    return item["id"], item["text"]


def score_stream(
    reviewer: Reviewer, lines: Iterable[str], out: IO[str], err: IO[str], room: str = ""
) -> int:
    """Score every line; malformed lines get an error line in place. Returns their count."""
    errors = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            item_id, text = _parse_line(raw)
        except ValueError as exc:
            errors += 1
            item_id = None
            try:
                parsed = json.loads(raw)
                item_id = parsed.get("id") if isinstance(parsed, dict) else None
            except json.JSONDecodeError:
                pass
            message = f"line {number}: {exc}"
            print(f"chatmod score: {message}", file=err)
            out.write(json.dumps({"id": item_id, "error": message}) + "\n")
            continue
        # Room length limits are IVS's to enforce before review; scoring judges the text itself.
        decision = reviewer.review_text(text, room, enforce_length=False)
        record = {
            "id": item_id,
            "scores": {k: round(v, 6) for k, v in decision.scores.items()},
            "decision": decision.result,
            "content": decision.content,
            "modified": decision.modified,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return errors


def _cmd_score(args: argparse.Namespace) -> int:
    reviewer = _reviewer(args)
    errors = score_stream(reviewer, sys.stdin, sys.stdout, sys.stderr, args.room)
    return 1 if errors else 0


def _cmd_review(args: argparse.Namespace) -> int:
    reviewer = _reviewer(args)
    decision = reviewer.review_text(" ".join(args.text), args.room)
    print(
        json.dumps(
            {
                "decision": decision.result,
                "content": decision.content,
                "modified": decision.modified,
                "language": decision.language,
                "reason": decision.reason,
                "categories": list(decision.categories),
                "rule_ids": list(decision.rule_ids),
                "gray_zone": list(decision.gray_zone),
                "scores": {k: round(v, 4) for k, v in decision.scores.items()},
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def _cmd_check_policy(args: argparse.Namespace) -> int:
    """Parsed, within the limits of ``chatmod.policy.limits`` and compiled, every room."""
    source = FilePolicySource(args.file)
    try:
        text = source.fetch()
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read policy file {args.file}: {exc}") from exc
    policy = checked_policy(text, source.name)
    rooms = ", ".join(policy.rooms) or "none"
    print(f"{args.file}: valid and compiles (rooms with overrides: {rooms})")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["mod"]:  # the moderator API's client has its own arguments
        from chatmod.moderation.cli import main as moderate

        return moderate(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m chatmod", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (
        ("score", "score JSONL {id, text} from stdin"),
        ("review", "review one message"),
    ):
        cmd = sub.add_parser(name, help=helptext)
        cmd.add_argument(
            "--policy", help="policy file (default: CHATMOD_POLICY_FILE or the bundled one)"
        )
        cmd.add_argument("--room", default="", help="room ARN or id whose overrides apply")
        cmd.add_argument("--no-model", action="store_true", help="rules only")
        if name == "review":
            cmd.add_argument("text", nargs="+")
    check = sub.add_parser(
        "check-policy", help="validate a policy file and compile every room (terms too)"
    )
    check.add_argument("file")
    sub.add_parser("mod", help="the moderator API: timeouts, bans (python -m chatmod mod -h)")
    args = parser.parse_args(argv)
    handlers = {"score": _cmd_score, "review": _cmd_review, "check-policy": _cmd_check_policy}
    from chatmod.model import ModelUnavailableError

    try:
        return handlers[args.command](args)
    except (PolicyError, SettingsError, ModelUnavailableError) as exc:
        print(f"chatmod: {exc}", file=sys.stderr)
        return 2
