"""`python -m newsdesk` and the `newsdesk` command: the CLI inside signal handling.

Ctrl-C (SIGINT) and SIGTERM become `Interrupted` from the first instruction on; the
command stops, says what it kept and exits 130 (SIGINT) or 143 (SIGTERM), never with a
traceback, even when the signal comes while the CLI is still importing. Nothing is
imported before the handlers are in place but what the interpreter has already loaded
(the C `_signal` module rather than `signal`, which would import enum first, and the
built-in `_thread` and `time`).
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]
import _thread
import os
import sys
import time

SIGINT, SIGTERM = 2, 15


def _interrupt(signum: int, frame: object) -> None:
    if _importing(frame):
        # An exception raised inside the import machinery can leave the import lock held
        # (it lands in a weakref callback, where it is only printed): every later import
        # would then wait forever. Ask again in a moment, once the import is done.
        _thread.start_new_thread(_again, (signum,))
        return
    code = 143 if signum == SIGTERM else 130
    try:
        from newsdesk.errors import Interrupted  # a module with no imports of its own
    except ImportError:  # newsdesk.errors cannot be loaded (a broken install)
        early = KeyboardInterrupt("SIGTERM" if signum == SIGTERM else "SIGINT")
        early.exit_code = code  # type: ignore[attr-defined]
        raise early from None
    stop = Interrupted("SIGTERM", 143) if signum == SIGTERM else Interrupted("SIGINT", 130)
    Interrupted.pending = stop
    raise stop


def _importing(frame: object) -> bool:
    """Whether the main thread was stopped inside Python's import machinery."""
    while frame is not None:
        if getattr(getattr(frame, "f_code", None), "co_filename", "").startswith(
            "<frozen importlib"
        ):
            return True
        frame = getattr(frame, "f_back", None)
    return False


def _again(signum: int) -> None:
    time.sleep(0.02)
    _thread.interrupt_main(signum)  # type: ignore[arg-type]


def main() -> None:
    _signal.signal(SIGINT, _interrupt)
    _signal.signal(SIGTERM, _interrupt)
    try:
        from newsdesk.cli import run_cli

        code = run_cli(sys.argv[1:])
    except KeyboardInterrupt as exc:  # while starting up, before a command ran
        _say("interrupted before anything was stored")
        _leave(getattr(exc, "exit_code", 130))
    except SystemExit as exc:
        if exc.code in (130, 143):  # a command stopped by a signal: leave at once
            _leave(exc.code)
        raise
    sys.exit(code)


def _say(message: str) -> None:
    try:  # noqa: SIM105  (contextlib is not imported yet when this may run)
        sys.stderr.write(message + "\n")
    except OSError:
        pass


def _leave(code: int) -> None:
    """Exit now: threads still waiting on the network are not waited for."""
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    main()
