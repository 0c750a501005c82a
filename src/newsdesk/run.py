"""One run: settings, store, report, one clock, one HTTP client, the analyst.

The CLI opens a Run for each command that reads or writes the store; a scheduler or
the web UI will open theirs alike. Everything a run does asks `run.now()` for the
time, so a test (or a replay) sets the clock once, as httpx takes a transport.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import ExitStack
from functools import cached_property
from typing import TYPE_CHECKING, Any

from newsdesk.clock import Clock, system_clock
from newsdesk.config import Settings
from newsdesk.errors import Interrupted
from newsdesk.models import RunReport
from newsdesk.store import Store

if TYPE_CHECKING:
    import httpx

    from newsdesk.analyze import Analyst
    from newsdesk.http import HttpClient

__all__ = ["Clock", "Interrupted", "Run", "finish_run", "pid_alive", "start_run", "system_clock"]


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_run(store: Store, command: str, now: dt.datetime) -> RunReport:
    store.settle_runs(pid_alive)
    return RunReport(id=store.start_run(command, now, os.getpid()), command=command, started=now)


def finish_run(store: Store, report: RunReport, *, now: dt.datetime, status: str = "ok") -> None:
    """Record how the run ended: ok (or partial, with failures or warnings), failed or
    interrupted."""
    if status == "ok" and (report.failed or report.warnings):
        status = "partial"
    for outcome in report.failed:
        report.warn(f"source {outcome.source}: {outcome.reason}")
    if report.usage is not None:
        store.record_usage(report.id, report.usage)
    store.finish_run(report, status, now)


class Run:
    """A context manager: opens the store and records the run on entry; on exit records
    how it ended and closes the client, the analyst and the store. `delivers`: the run
    delivers the posts it stores to the channels (`daily` and `weekly` without
    `--no-deliver`, `approve`, the desk's runs), so each is marked pending with the post."""

    def __init__(
        self,
        settings: Settings,
        command: str,
        *,
        clock: Clock = system_clock,
        transport: httpx.BaseTransport | None = None,
        offline: bool = False,
        delivers: bool = False,
    ) -> None:
        self.settings = settings
        self.command = command
        self.clock = clock
        self.transport = transport
        self.offline = offline
        self.delivers = delivers
        self._stack = ExitStack()

    def now(self) -> dt.datetime:
        return self.clock()

    def __enter__(self) -> Run:
        self.store = self._stack.enter_context(Store(self.settings.path(self.settings.database)))
        try:
            self.report = start_run(self.store, self.command, self.now())
        except BaseException:
            self._stack.close()
            raise
        return self

    @cached_property
    def client(self) -> HttpClient:
        """The run's one HTTP client, made on first use."""
        from newsdesk.http import HttpClient

        return self._stack.enter_context(HttpClient(self.settings.fetch, self.transport))

    @cached_property
    def analyst(self) -> Analyst:
        """The model analyst when `[llm]` is configured (and the run is not offline), else
        the offline one; made on first use, so an offline run never imports a model client."""
        if self.offline or not self.settings.llm.enabled:
            from newsdesk.analyze import OfflineAnalyst

            return OfflineAnalyst(concepts_used=self.store.concepts_between)
        from newsdesk.analyze import analyst_for

        return self._stack.enter_context(
            analyst_for(self.settings, store=self.store, report=self.report, clock=self.clock)
        )

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: Any
    ) -> None:
        if kind is None:
            status = "ok"
        elif issubclass(kind, KeyboardInterrupt):
            status = "interrupted"
        else:
            status = "failed"
        try:
            finish_run(self.store, self.report, now=self.now(), status=status)
        finally:
            self._stack.close()
