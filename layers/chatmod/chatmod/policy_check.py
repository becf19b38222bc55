"""A policy is usable only once every room's matchers compile, terms included.

Parsing validates shape, limits and each pattern; compiling catches what only the whole room
shows (an alternation RE2 refuses as too large). ``check-policy`` and every reload run this
before a policy may replace the one in use.
"""

from __future__ import annotations

from chatmod.policy import PolicyError, PolicyFile, parse_policy
from chatmod.review.compile import CompiledRoom, SharedChecks, compile_room


def compile_policy(policy: PolicyFile, source: str = "<policy>") -> dict[str, CompiledRoom]:
    """Every room compiled (``""`` is the defaults), or PolicyError naming the room."""
    compiled: dict[str, CompiledRoom] = {}
    shared = SharedChecks()
    for key in ["", *policy.rooms]:
        where = f"rooms[{key!r}]" if key else "defaults"
        try:
            compiled[key] = compile_room(policy.for_room(key) if key else policy.defaults, shared)
        except Exception as exc:  # re2.error, ValueError: anything RE2 or a term refuses
            raise PolicyError(f"{source}: {where} does not compile: {exc}") from exc
    return compiled


def checked_policy(text: str, source: str = "<policy>") -> PolicyFile:
    """Parsed, within limits and compiled: safe to put in front of live messages."""
    policy = parse_policy(text, source)
    compile_policy(policy, source)
    return policy
