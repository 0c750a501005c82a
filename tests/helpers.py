"""Helpers the test files share: the CLI driven in-process with a fixed clock."""

from __future__ import annotations

import datetime as dt
import hashlib

import httpx
from click.testing import CliRunner

from newsdesk.cli import Context, main
from newsdesk.models import Item
from newsdesk.normalize import detect_language

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


def news_item(
    title: str,
    summary: str = "",
    *,
    at: dt.datetime,
    source: str = "Lab",
    url: str = "",
    lang: str | None = None,
    ident: int | None = None,
) -> Item:
    """An item as the store holds it, for tests of the stages after collection. Without
    `ident`, items of different titles get different links and content hashes."""
    key = str(ident) if ident is not None else hashlib.sha1(title.encode()).hexdigest()[:12]
    return Item(
        url=url or f"https://{source.lower().replace(' ', '-')}.example/{key}",
        title=title,
        summary=summary,
        published=at,
        first_seen=at,
        source=source,
        lang=lang or detect_language(title),
        content_hash=f"h{key}",
        id=ident,
    )
