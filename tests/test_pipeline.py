"""The story stage over several days: one pass equals day by day; stored tokens stay valid."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from newsdesk.collect import collect
from newsdesk.config import Settings, load_settings
from newsdesk.dedupe import terms_version
from newsdesk.demo import demo_settings
from newsdesk.http import HttpClient
from newsdesk.models import RunReport, Story
from newsdesk.pipeline import prepare_day, prepare_days, sample_days
from newsdesk.store import Store

NOW = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)


def collected_demo(folder: Path) -> tuple[Store, Settings]:
    settings = demo_settings(load_settings(None), folder)
    store = Store(settings.path(settings.database))
    report = RunReport(id=store.start_run("test", NOW), command="test", started=NOW)
    with HttpClient(settings.fetch) as client:
        collect(settings, store, client=client, report=report, now=NOW)
    return store, settings


def shape(stories: list[Story]) -> list[tuple[object, ...]]:
    return [
        (
            s.id,
            [i.id for i in s.items],
            s.category,
            round(s.score, 9),
            s.continues.story_id if s.continues else None,
        )
        for s in stories
    ]


def test_one_pass_over_the_week_equals_preparing_day_by_day(tmp_path: Path) -> None:
    store, settings = collected_demo(tmp_path / "a")
    store.close()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    one = Store(tmp_path / "a" / "newsdesk.db")
    days = sample_days(one, settings)
    together = prepare_days(settings, one, days)
    other = Store(tmp_path / "b" / "newsdesk.db")
    apart = {day: prepare_day(settings, other, day) for day in days}
    assert len(days) == 7
    assert any(s.continues for stories in together.values() for s in stories)
    assert {d: shape(s) for d, s in together.items()} == {d: shape(s) for d, s in apart.items()}


def test_tokens_of_another_tokeniser_version_are_recomputed(tmp_path: Path) -> None:
    store, settings = collected_demo(tmp_path)
    days = sample_days(store, settings)
    expected = shape(prepare_days(settings, store, days)[days[-1]])
    stored = dict(store.db.execute("SELECT id, terms FROM items").fetchall())
    assert all(stored.values())
    store.db.execute("UPDATE items SET terms = 'stale\tstale'")
    store.db.execute("UPDATE meta SET value = 'old' WHERE key = 'terms_version'")
    assert shape(prepare_days(settings, store, days)[days[-1]]) == expected
    again = dict(store.db.execute("SELECT id, terms FROM items").fetchall())
    recomputed = {k for k, v in again.items() if v}  # items of the prepared days
    assert len(recomputed) >= len(stored) - 3
    assert all(again[k] == stored[k] for k in recomputed)
    assert not any(v == "stale\tstale" for v in again.values())
    version = store.db.execute("SELECT value FROM meta WHERE key = 'terms_version'").fetchone()
    assert version == (terms_version(),)
