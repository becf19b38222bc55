"""``python -m chatmod_local.room``: start the local IVS Chat room and print its URL."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from pathlib import Path

from chatmod_local.invoke import DEFAULT_TEMPLATE, parse_pairs
from chatmod_local.room.server import DEFAULT_ROOM_ID, RoomOptions, RoomServer


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m chatmod_local.room",
        description="A local IVS Chat room running the template's review and escalation functions.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700, help="0 picks a free port")
    parser.add_argument("-t", "--template", default=str(DEFAULT_TEMPLATE))
    parser.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE")
    parser.add_argument("--policy", help="policy file for both functions (CHATMOD_POLICY_FILE)")
    parser.add_argument("--room-id", default=DEFAULT_ROOM_ID, help="12 letters or digits")
    parser.add_argument("--max-length", type=int, help="the room's maximum message length (1-500)")
    parser.add_argument("--rate", type=int, help="the room's messages per second (1-100)")
    parser.add_argument("--fallback", choices=["ALLOW", "DENY"], help="the room's FallbackResult")
    parser.add_argument("--review-deadline-ms", type=float, default=200.0)
    parser.add_argument(
        "--visibility-timeout", type=float, help="seconds before a failed record is redelivered"
    )
    parser.add_argument(
        "--no-escalations", action="store_true", help="do not queue or run escalations"
    )
    parser.add_argument(
        "--session-minute-seconds",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long one minute of a token's sessionDurationInMinutes lasts (default 60, as "
        "in IVS; tests pass 1 to watch sessions end); token expiry stays one minute",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="be ready only once the review instance has finished its background start "
        "(model and language detector loaded), as a warm Lambda instance would be",
    )
    parser.add_argument(
        "--env", nargs="*", default=[], metavar="KEY=VALUE", help="extra function environment"
    )
    parser.add_argument(
        "--function-logs", help="write the functions' logs to this file instead of stderr"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the ready line as JSON (for scripts)"
    )
    return parser.parse_args(argv)


def options_from(args: argparse.Namespace) -> RoomOptions:
    if args.max_length is not None and not 1 <= args.max_length <= 500:
        raise SystemExit("--max-length must be 1..500")
    if args.rate is not None and not 1 <= args.rate <= 100:
        raise SystemExit("--rate must be 1..100")
    if not args.session_minute_seconds > 0:
        raise SystemExit("--session-minute-seconds must be positive")
    return RoomOptions(
        host=args.host,
        port=args.port,
        template=Path(args.template),
        parameter_overrides=parse_pairs(args.parameter_overrides),
        policy_file=args.policy,
        room_id=args.room_id,
        maximum_message_length=args.max_length,
        maximum_message_rate_per_second=args.rate,
        fallback_result=args.fallback,
        review_deadline_s=args.review_deadline_ms / 1000,
        escalations=not args.no_escalations,
        visibility_timeout_s=args.visibility_timeout,
        function_env=parse_pairs(args.env),
        session_minute_s=args.session_minute_seconds,
        warm=args.warm,
        function_logs=open(args.function_logs, "a", encoding="utf-8")
        if args.function_logs
        else None,
    )


async def serve(options: RoomOptions, as_json: bool) -> None:
    server = RoomServer(options)
    try:
        urls = await server.start()
    except BaseException:
        await server.stop()  # nothing left running keeps the process alive
        raise
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    if as_json:
        print(
            json.dumps({"ready": True, **urls.describe(), "functions": server.functions_ready()}),
            flush=True,
        )
    else:
        print(
            f"\nLocal IVS Chat room ready: {urls.page}\n"
            f"  messaging   {urls.messaging}\n"
            f"  ivschat API {urls.control_plane}  (boto3.client('ivschat', endpoint_url=...))\n"
            f"  room        {urls.room_arn}\n"
            f"  queue       {urls.queue}\n"
            "Open the URL, pick a name and chat. Ctrl-C stops the room.\n",
            flush=True,
        )
    await stop.wait()
    await server.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    try:
        asyncio.run(serve(options_from(args), args.json))
    except Exception as exc:  # one line a person can act on, not a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # interrupted while starting up
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
