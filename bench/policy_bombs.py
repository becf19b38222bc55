"""Crafted policies (``tests/policy_bombs.py``) through every policy source and check-policy.

Each document is refused in a fresh process after a good policy is in use, through the path an
instance takes on a reload (``LivePolicy`` with the full check: parse, limits, compile) from a
file, moto's SSM and an AppConfig extension stand-in on localhost, and through
``python -m chatmod check-policy``. Prints the time the refusal took and how much the process's
peak memory grew (``ru_maxrss``, so libyaml's and RE2's own allocations count too).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SOURCES = ("file", "ssm", "appconfig", "check-policy")
GOOD = "version: 1\ndefaults:\n  rules:\n    - {id: r, category: c, action: deny, terms: [kiwi]}\n"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _serve(texts: list[str]) -> str:
    """An AppConfig extension stand-in answering with the last of ``texts``."""
    import http.server
    import threading

    class Extension(http.server.BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            """Quiet: the bench prints figures only."""

        def do_GET(self) -> None:
            body = texts[-1].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.HTTPServer(("127.0.0.1", 0), Extension)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def child(source_kind: str, bomb: str) -> dict[str, Any]:
    """One refusal in this process: the figures, and what the failure said."""
    from chatmod.policy.live import FilePolicySource, LivePolicy
    from chatmod.policy_check import checked_policy
    from tests.policy_bombs import BOMBS

    text = BOMBS[bomb]
    failures: list[str] = []
    if source_kind == "check-policy":
        from chatmod.cli import main

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "policy.yaml"
            path.write_text(text, "utf-8")
            main(["check-policy", str(Path(tmp) / "missing.yaml")])  # warm the imports
            before, started = _peak_mb(), time.perf_counter()
            code = main(["check-policy", str(path)])
            elapsed = time.perf_counter() - started
        return {"ms": elapsed * 1000, "mb": _peak_mb() - before, "refused": code == 2}

    texts = [GOOD]
    source: Any
    if source_kind == "file":
        tmp = tempfile.mkdtemp()
        path = Path(tmp) / "policy.yaml"
        path.write_text(GOOD, "utf-8")
        source = FilePolicySource(str(path))
    elif source_kind == "ssm":
        import boto3
        from moto import mock_aws

        mock_aws().start()
        client = boto3.client("ssm", region_name="us-east-1")
        client.put_parameter(Name="/chatmod/policy", Value=GOOD, Type="SecureString")
        from chatmod.aws.policy_sources import SsmPolicySource

        source = SsmPolicySource("/chatmod/policy", client, max_age_s=0)
    else:
        from chatmod.aws.policy_sources import AppConfigExtensionSource

        source = AppConfigExtensionSource("a", "e", "p", base_url=_serve(texts))
    live = LivePolicy(
        source,
        checked_policy,
        check_every_s=60,
        on_failure=lambda message, error: failures.append(f"{message}: {error}"),
        background=False,
    )
    live.start()
    if source_kind == "file":
        path.write_text(text, "utf-8")
    elif source_kind == "ssm":
        client.put_parameter(
            Name="/chatmod/policy", Value=text, Type="SecureString", Overwrite=True
        )
    else:
        texts.append(text)
    live.refresh()  # warms the fetch path; the bad text is rejected once and remembered
    live._rejected = None  # time a second, identical refusal on a warm process
    failures.clear()
    before, started = _peak_mb(), time.perf_counter()
    swapped = live.refresh()
    elapsed = time.perf_counter() - started
    return {
        "ms": elapsed * 1000,
        "mb": _peak_mb() - before,
        "refused": not swapped and len(failures) == 1,
        "error_chars": len(failures[0]) if failures else 0,
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
        return
    from tests.policy_bombs import BOMBS

    print("crafted policies: refusal time and growth of peak memory, fresh process each")
    print(f"{'document':24} {'bytes':>6} " + " ".join(f"{s:>22}" for s in SOURCES))
    for bomb, text in BOMBS.items():
        cells = []
        for source in SOURCES:
            out = subprocess.run(
                [sys.executable, "-m", "bench.policy_bombs", "--child", source, bomb],
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            mark = "" if result["refused"] else " NOT REFUSED"
            cells.append(f"{result['ms']:8.2f} ms {result['mb']:6.1f} MB{mark}")
        print(f"{bomb:24} {len(text.encode()):>6} " + " ".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
