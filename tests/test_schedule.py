"""The desk's schedule (schedule.py) with an injected clock: no sleeping."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsdesk.config import load_settings
from newsdesk.schedule import Due, Scheduler, due, occurrences, parse
from newsdesk.store import Store
from newsdesk.web import Desk, scheduler
from tests.conftest import demo_site

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def at(text: str, zone: ZoneInfo = SHANGHAI) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


def test_times_are_parsed_with_a_message_for_each_mistake() -> None:
    assert parse("daily", "07:30").at == dt.time(7, 30)
    weekly = parse("weekly", "Fri 18:00")
    assert weekly.weekday == 4 and weekly.at == dt.time(18, 0)
    for kind, text, message in [
        ("daily", "7.30", "not a time"),
        ("daily", "25:00", "not a time"),
        ("weekly", "18:00", "needs a weekday"),
        ("daily", "mon 07:30", "every day"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse(kind, text)


def test_missed_days_are_caught_up_once_oldest_first() -> None:
    slots = [parse("daily", "07:30")]
    last = {"daily": at("2026-11-10 07:30")}
    # The machine slept from the 10th to the 13th at 09:00.
    found = due(slots, last, at("2026-11-13 09:00"), SHANGHAI)
    assert [d.key for d in found] == ["2026-11-11", "2026-11-12", "2026-11-13"]
    # Before 07:30 the day is not due yet.
    assert [d.key for d in due(slots, last, at("2026-11-11 07:29"), SHANGHAI)] == []
    # A desk that never ran starts with the latest occurrence alone.
    assert [d.key for d in due(slots, {"daily": None}, at("2026-11-13 09:00"), SHANGHAI)] == [
        "2026-11-13"
    ]


def test_weekly_runs_name_their_iso_week() -> None:
    slots = [parse("weekly", "fri 18:00")]
    found = due(slots, {"weekly": at("2026-11-06 18:00")}, at("2026-11-21 09:00"), SHANGHAI)
    assert [d.key for d in found] == ["2026-W46", "2026-W47"]  # Fridays 13 and 20 November


def test_a_daylight_saving_change_runs_each_day_once() -> None:
    # New York springs forward on 2026-03-08 (02:00 → 03:00) and falls back on 2026-11-01.
    skipped = occurrences(
        parse("daily", "02:30"),
        at("2026-03-07 00:00", NEW_YORK),
        at("2026-03-10 00:00", NEW_YORK),
        NEW_YORK,
    )
    assert [m.astimezone(NEW_YORK).date().day for m in skipped] == [7, 8, 9]
    assert skipped[1].astimezone(NEW_YORK).hour == 3  # the skipped 02:30 runs at 03:30
    repeated = occurrences(
        parse("daily", "01:30"),
        at("2026-10-31 00:00", NEW_YORK),
        at("2026-11-03 00:00", NEW_YORK),
        NEW_YORK,
    )
    assert [m.astimezone(NEW_YORK).date().day for m in repeated] == [31, 1, 2]


def test_two_due_runs_never_overlap() -> None:
    started = threading.Event()
    release = threading.Event()
    ran: list[str] = []
    memory: dict[str, dt.datetime] = {}

    def job(run: Due) -> None:
        started.set()
        release.wait(5)
        ran.append(run.key)

    jobs = Scheduler(
        [parse("daily", "07:30")],
        SHANGHAI,
        clock=lambda: at("2026-11-13 09:00"),
        last=lambda kind: memory.get(kind, at("2026-11-12 07:30")),
        record=lambda run, status: memory.__setitem__(run.kind, run.at),
        job=job,
    )
    first = threading.Thread(target=jobs.tick)
    first.start()
    assert started.wait(5)
    assert jobs.tick() == []  # a second tick while the first runs does nothing
    release.set()
    first.join(5)
    assert ran == ["2026-11-13"]
    assert jobs.tick() == []  # and the day is not run again


def test_the_desk_runs_a_missed_day_once_and_remembers_it(tmp_path: Path) -> None:
    site = demo_site(tmp_path, '\n[schedule]\ndaily = "07:30"\n')
    settings = load_settings(site / "newsdesk.toml")
    clock = [at("2026-11-12 09:00")]
    desk = Desk(settings, lambda: clock[0], "t")
    with Store(settings.path(settings.database)) as store:  # the desk last ran the 10th
        store.record_scheduled("daily", "2026-11-10", at("2026-11-10 07:30"), "ok", clock[0])
    jobs = scheduler(desk)
    ran = jobs.tick()
    assert [d.key for d in ran] == ["2026-11-11", "2026-11-12"]
    assert jobs.tick() == []
    written = sorted(p.name[:10] for p in (site / "site").glob("2026-11-1*-ai-daily-brief-zh.md"))
    assert written == ["2026-11-11", "2026-11-12"]
    with Store(settings.path(settings.database)) as store:
        assert [r[1] for r in store.scheduled()][:2] == ["2026-11-12", "2026-11-11"]
        assert all(r[3] == "ok" for r in store.scheduled())


def test_a_wrong_schedule_is_a_config_error(tmp_path: Path) -> None:
    from tests.helpers import invoke

    site = demo_site(tmp_path, '\n[schedule]\ndaily = "7h30"\n')
    code, _, stderr = invoke("--config", site / "newsdesk.toml", "sources", "list")
    assert code == 2 and "not a time" in stderr


def test_report_shows_the_next_and_the_last_scheduled_runs(tmp_path: Path) -> None:
    import json

    from tests.helpers import invoke

    site = demo_site(tmp_path, '\n[schedule]\ndaily = "07:30"\nweekly = "fri 18:00"\n')
    settings = load_settings(site / "newsdesk.toml")
    assert invoke("--config", site / "newsdesk.toml", "collect")[0] == 0
    with Store(settings.path(settings.database)) as store:
        store.record_scheduled(
            "daily", "2026-11-15", at("2026-11-15 07:30"), "ok", at("2026-11-15 07:31")
        )
    code, stdout, _ = invoke("--config", site / "newsdesk.toml", "report", "--json")
    assert code == 0
    schedule = json.loads(stdout)["schedule"]
    assert [n["kind"] for n in schedule["next"]] == ["daily", "weekly"]  # Mon 16 Nov 09:00 UTC
    assert schedule["last"][0]["key"] == "2026-11-15" and schedule["last"][0]["status"] == "ok"
