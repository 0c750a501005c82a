"""The story stage over several days: one pass equals day by day; stored tokens stay valid."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsdesk import ahead, pipeline
from newsdesk.collect import collect
from newsdesk.config import Settings, load_settings
from newsdesk.dedupe import terms_version
from newsdesk.demo import demo_settings
from newsdesk.http import HttpClient
from newsdesk.models import RunReport, Story
from newsdesk.pipeline import day_bounds, prepare_day, prepare_days, sample_days
from newsdesk.relevance import sift
from newsdesk.store import Store
from tests.helpers import news_item

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


JUNK = (
    "Ask HN: Which laptop should I buy for running local LLMs?",
    "Bankruptcies increase 11.9 percent in the third quarter",
    "Get 50% off our prompt engineering course this week only",
)


def add_junk(store: Store, settings: Settings) -> None:
    """Junk an editor would set aside, on each of the demo's days."""
    source = settings.sources[0].name
    store.add_items(
        [
            news_item(
                f"{title} ({n})",
                at=day_bounds(day, settings)[0] + dt.timedelta(hours=6 + n),
                source=source,
            )
            for day in sample_days(store, settings)
            for n, title in enumerate(JUNK)
        ]
    )


NEW_NAME = "Lyric 6 passes the bar exam on its first try"


def add_new_name(store: Store, settings: Settings) -> None:
    """A lab's launch of a model the word lists cannot know, on the first of the demo's
    days, and a story that names only the model, on the last."""
    days = sample_days(store, settings)
    source = settings.sources[0].name
    store.add_items(
        [
            news_item(
                "Introducing Claude Lyric 6",
                at=day_bounds(days[0], settings)[0] + dt.timedelta(hours=5),
                source=source,
                url="https://www.anthropic.com/news/claude-lyric-6",
            ),
            news_item(
                NEW_NAME,
                at=day_bounds(days[-1], settings)[0] + dt.timedelta(hours=5),
                source=source,
            ),
        ]
    )


def aside_of(store: Store, days: list[dt.date]) -> dict[dt.date, list[tuple[object, ...]]]:
    return {day: [(i.id, why, detail) for i, why, detail in store.set_aside(day)] for day in days}


def test_relevance_judged_ahead_in_a_worker_equals_judging_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings = collected_demo(tmp_path / "a")
    add_junk(store, settings)
    add_new_name(store, settings)
    # The demo's sources are labs' blogs, marked curated; judged here as any feed.
    settings = settings.model_copy(
        update={"sources": [s.model_copy(update={"curated": False}) for s in settings.sources]}
    )
    store.close()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    here, ahead_ = Store(tmp_path / "a" / "newsdesk.db"), Store(tmp_path / "b" / "newsdesk.db")
    days = sample_days(here, settings)
    inline = settings.model_copy(
        update={"fetch": settings.fetch.model_copy(update={"parse_workers": 0})}
    )
    expected = prepare_days(inline, here, days)
    started: list[bool] = []
    real_sifter = ahead.Sifter

    def watched(*args: Any, **kwargs: Any) -> ahead.Sifter:
        sifter = real_sifter(*args, **kwargs)
        started.append(sifter.pool is not None)
        return sifter

    monkeypatch.setattr(ahead, "AHEAD_ITEMS", 1)  # the demo's week counts as a long run
    monkeypatch.setattr(pipeline, "Sifter", watched)
    got = prepare_days(settings, ahead_, days)
    assert started == [True]
    assert {d: shape(s) for d, s in got.items()} == {d: shape(s) for d, s in expected.items()}
    assert aside_of(ahead_, days) == aside_of(here, days)
    assert any(aside_of(here, days).values())  # the demo has junk to set aside
    # The worker learns the week's new model names as this process does.
    assert NEW_NAME in [i.title for s in got[days[-1]] for i in s.items]


@pytest.mark.parametrize("database", ["garbage", "empty"])
def test_a_relevance_worker_that_fails_or_reads_other_items_leaves_the_day_to_this_process(
    tmp_path: Path, database: str, caplog: pytest.LogCaptureFixture
) -> None:
    store, settings = collected_demo(tmp_path / "a")
    days = sample_days(store, settings)
    bounds = [(day, day_bounds(day, settings)) for day in days]
    other = tmp_path / "other.db"
    if database == "garbage":
        other.write_bytes(b"not a database" * 100)
    else:
        Store(other).close()

    class Elsewhere:  # the run's store, as the worker would find it at another path
        path = other

        def count_between(self, start: dt.datetime, end: dt.datetime) -> int:
            return store.count_between(start, end)

    curated = {s.name for s in settings.sources if s.curated}
    with ahead.Sifter(Elsewhere(), bounds, curated, after=1) as sifter:  # type: ignore[arg-type]
        assert sifter.pool is not None
        for day, (start, end) in bounds:
            items = store.items_between(start, end)
            assert sifter.sift(day, items) == sift(items, curated)
    failed = "relevance worker failed" in caplog.text
    assert failed == (database == "garbage")
