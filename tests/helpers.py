"""Helpers the test files share: the CLI driven in-process with a fixed clock."""

from __future__ import annotations

import datetime as dt

import httpx
from click.testing import CliRunner

from newsdesk.cli import Context, main

# The tests' "now": the Monday after the bundled sample week (2026-W46). No test reads
# the real clock; one that needs another moment passes `now`.
NOW = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)


def invoke(
    *args: str | object,
    now: dt.datetime = NOW,
    transport: httpx.BaseTransport | None = None,
) -> tuple[int, str, str]:
    """Run `newsdesk ARGS` as a user would (exit code, stdout, stderr), at `now`."""
    context = Context(clock=lambda: now, transport=transport)
    result = CliRunner().invoke(main, [str(a) for a in args], obj=context, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr
