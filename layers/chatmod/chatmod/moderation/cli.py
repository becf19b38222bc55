"""``python -m chatmod mod``: the moderator API from a terminal, for people without a page.

    python -m chatmod mod --endpoint URL timeout ROOM USER 10m --reason "calm down"
    python -m chatmod mod --endpoint URL ban ROOM USER [--account] [--reason ...]
    python -m chatmod mod --endpoint URL unban ROOM USER [--account]
    python -m chatmod mod --endpoint URL bans ROOM
    python -m chatmod mod --endpoint URL held ROOM
    python -m chatmod mod --endpoint URL approve|reject ROOM MESSAGE_ID
    python -m chatmod mod --endpoint URL user ROOM USER
    python -m chatmod mod --endpoint URL delete ROOM MESSAGE_ID [--reason ...]
    python -m chatmod mod --endpoint URL disconnect ROOM USER [--reason ...]

The endpoint is the stack's ``ModerationApiUrl`` output (or the local room's URL), also read
from ``CHATMOD_MODERATION_API``; requests are signed with the default AWS credentials.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

from chatmod.moderation.client import ModerationApiError, ModerationClient

_DURATION = re.compile(r"^(\d+)([smhd]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86_400}


def duration_seconds(text: str) -> int:
    """``90``, ``90s``, ``10m``, ``2h``, ``1d`` -> seconds."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90s, 10m, 2h, 1d)")
    return int(match.group(1)) * _UNITS[match.group(2)]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m chatmod mod", description=__doc__.splitlines()[0])
    p.add_argument("--endpoint", default=os.environ.get("CHATMOD_MODERATION_API"))
    p.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    sub = p.add_subparsers(dest="command", required=True)
    timeout = sub.add_parser("timeout", help="refuse a user's messages for a while")
    timeout.add_argument("room")
    timeout.add_argument("user")
    timeout.add_argument("duration", type=duration_seconds)
    ban = sub.add_parser("ban", help="refuse a user's messages until unbanned")
    ban.add_argument("room")
    ban.add_argument("user")
    for cmd in (timeout, ban):
        cmd.add_argument("--reason")
        cmd.add_argument("--account", action="store_true", help="every room of the account")
    unban = sub.add_parser("unban", help="lift a timeout or ban")
    unban.add_argument("room")
    unban.add_argument("user")
    unban.add_argument("--account", action="store_true")
    bans = sub.add_parser("bans", help="the timeouts and bans in force in a room")
    bans.add_argument("room")
    held = sub.add_parser("held", help="the messages held for a moderator in a room")
    held.add_argument("room")
    for verdict, text in (("approve", "deliver a held message"), ("reject", "drop it")):
        cmd = sub.add_parser(verdict, help=text)
        cmd.add_argument("room")
        cmd.add_argument("message_id")
    user = sub.add_parser("user", help="a user's refusals, strikes, sanctions and held messages")
    user.add_argument("room")
    user.add_argument("user")
    delete = sub.add_parser("delete", help="delete a message (through the escalation queue)")
    delete.add_argument("room")
    delete.add_argument("message_id")
    disconnect = sub.add_parser("disconnect", help="disconnect a user (through the queue)")
    disconnect.add_argument("room")
    disconnect.add_argument("user")
    for cmd in (delete, disconnect):
        cmd.add_argument("--reason")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.endpoint:
        print("chatmod mod: --endpoint (or CHATMOD_MODERATION_API) is required", file=sys.stderr)
        return 2
    try:
        client = ModerationClient(args.endpoint, region=args.region)
        if args.command in ("timeout", "ban"):
            result = client.impose(
                args.room,
                args.user,
                duration_s=args.duration if args.command == "timeout" else None,
                reason=args.reason,
                account=args.account,
            )
        elif args.command == "unban":
            result = client.lift(args.room, args.user, account=args.account)
        elif args.command == "held":
            result = client.held(args.room)
        elif args.command == "user":
            result = client.user(args.room, args.user)
        elif args.command == "delete":
            result = client.delete_message(args.room, args.message_id, args.reason)
        elif args.command == "disconnect":
            result = client.disconnect(args.room, args.user, args.reason)
        elif args.command in ("approve", "reject"):
            result = client.decide_held(args.room, args.message_id, args.command)
        else:
            result = client.in_force(args.room)
    except ModerationApiError as exc:
        print(f"chatmod mod: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0
