"""`python -m newsdesk` and the `newsdesk` command: the CLI inside signal handling.

Ctrl-C (SIGINT) and SIGTERM become `Interrupted` from the first instruction on; the
command stops, says what it kept and exits 130 (SIGINT) or 143 (SIGTERM), never with a
traceback, even when the signal comes while the CLI is still importing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType


def _interrupt(signum: int, frame: FrameType | None) -> None:
    from newsdesk.run import Interrupted

    if signum == signal.SIGTERM:
        raise Interrupted("SIGTERM", 143)
    raise Interrupted("SIGINT", 130)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from newsdesk.cli import run_cli

        code = run_cli(sys.argv[1:])
    except KeyboardInterrupt as exc:
        code = getattr(exc, "exit_code", 130)
        _say(f"interrupted ({getattr(exc, 'signal_name', 'SIGINT')}) before anything was stored")
        _leave(code)
    sys.exit(code)


def _say(message: str) -> None:
    with contextlib.suppress(OSError):
        sys.stderr.write(message + "\n")


def _leave(code: int) -> None:
    """Exit now: threads still waiting on the network are not waited for."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
