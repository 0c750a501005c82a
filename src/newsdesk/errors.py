"""The few exceptions newsdesk raises; each message says what to do.

    NewsdeskError            misuse or bad configuration; the CLI prints it, exits 2
    ├── ConfigError          a wrong key, value, option or template (file and line)
    ├── StoreError           the database cannot be opened or migrated
    │   ├── StoreBusy        another process held it past the busy timeout (exit 1)
    │   └── StoreFull        the disk is full; what was stored stays (exit 1)
    ├── PublishError         a post could not be written where asked (exit 1)
    └── NothingToDo          nothing to write: no items, every source failed (exit 1)
    KeyboardInterrupt
    └── Interrupted          Ctrl-C or SIGTERM: the run stops and says what it kept
                             (exit 130 or 143)

Bad data from one source or one model answer is not an exception here: it is recorded
on the run report and the run goes on.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class: misuse or bad configuration. The CLI prints the message and exits 2."""

    exit_code = 2


class ConfigError(NewsdeskError):
    """The configuration file or a value in it is wrong."""


class StoreError(NewsdeskError):
    """The SQLite store cannot be opened or migrated."""


class StoreBusy(StoreError):
    """Another process holds the database longer than the busy timeout."""

    exit_code = 1


class StoreFull(StoreError):
    """The disk holding the database is full."""

    exit_code = 1


class PublishError(NewsdeskError):
    """A digest could not be written where it was asked to go."""

    exit_code = 1


class NothingToDo(NewsdeskError):
    """The run could not produce anything (no items, every source failed)."""

    exit_code = 1


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM: the run stops, keeping what it stored. A
    KeyboardInterrupt, so every `finally` runs; the command exits 130 or 143.

    The signal handler also leaves it in `Interrupted.pending`: a signal that lands in a
    finalizer or a callback has its exception swallowed by Python, so long waits check
    `Interrupted.check()` too."""

    pending: Interrupted | None = None

    @classmethod
    def check(cls) -> None:
        """Raise the pending interruption, if a signal asked for one."""
        if cls.pending is not None:
            raise cls.pending

    def __init__(self, signal_name: str = "SIGINT", exit_code: int = 130) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name
        self.exit_code = exit_code
