"""Every feed in ../shared/fixtures/feeds goes through collection: no crash, no hang, no markup."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

from newsdesk.collect import collect
from newsdesk.config import load_settings
from newsdesk.http import HttpClient
from newsdesk.models import RunReport
from newsdesk.store import Store

NOW = dt.datetime(2026, 11, 12, tzinfo=dt.UTC)
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?>")
SKIP = {"LICENSE", "LICENSE-MIT", "SOURCE.txt"}


def test_every_fixture_feed_is_collected_or_recorded(shared_fixtures: Path, tmp_path: Path) -> None:
    files = sorted(
        p for p in (shared_fixtures / "feeds").rglob("*") if p.is_file() and p.name not in SKIP
    )
    assert len(files) > 3000
    sources = [{"name": str(p.relative_to(shared_fixtures)), "url": str(p)} for p in files]
    settings = load_settings(None, sources=sources, database=str(tmp_path / "f.db"))
    store = Store(tmp_path / "f.db")
    report = RunReport(id=store.start_run("fixtures", NOW), command="fixtures", started=NOW)
    started = time.monotonic()
    with HttpClient(settings.fetch) as client:
        outcomes = collect(settings, store, client=client, report=report, now=NOW)
    assert time.monotonic() - started < 240
    assert len(outcomes) == len(files)
    for outcome in outcomes:
        assert outcome.status in {"ok", "empty", "error"}
        if outcome.status == "error":
            assert outcome.reason, outcome.source
        assert not outcome.reason.startswith("internal error"), (outcome.source, outcome.reason)
    items = store.items_between(
        dt.datetime(1900, 1, 1, tzinfo=dt.UTC), dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
    )
    assert len(items) > 2000
    for item in items:
        text = f"{item.title} {item.summary}"
        assert not TAG.search(text), (item.source, text[:200])
        assert "javascript:" not in item.url.lower()
        assert item.url.startswith(("http://", "https://"))
        assert item.published.tzinfo is not None
    ok = sum(o.status == "ok" for o in outcomes)
    errors = sum(o.status == "error" for o in outcomes)
    print(
        f"fixtures: {len(files)} files, {ok} ok, {errors} recorded as unreadable, {len(items)} items"
    )


def test_gb2312_realworld_feed_reads_as_chinese(shared_fixtures: Path, tmp_path: Path) -> None:
    feed = (
        shared_fixtures / "feeds/rsparser-realworld-feeds/Tests/RSParserTests/Resources/kc0011.rss"
    )
    assert b"gb2312" in feed.read_bytes()[:200].lower()
    sources = [{"name": "kc0011", "url": str(feed)}]
    settings = load_settings(None, sources=sources, database=str(tmp_path / "g.db"))
    store = Store(tmp_path / "g.db")
    report = RunReport(id=store.start_run("t", NOW), command="t", started=NOW)
    with HttpClient(settings.fetch) as client:
        collect(settings, store, client=client, report=report, now=NOW)
    items = store.items_between(
        dt.datetime(1900, 1, 1, tzinfo=dt.UTC), dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
    )
    assert len(items) >= 5
    assert all(re.search(r"[\u4e00-\u9fff]", i.title) for i in items)
    assert not any("\ufffd" in f"{i.title}{i.summary}" for i in items)
    assert {i.lang for i in items} == {"zh"}
