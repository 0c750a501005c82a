"""When the desk's runs are due, and the days it missed (`[schedule]`).

`daily = "07:30"` runs the daily job every day at 07:30 in the configured time zone;
`weekly = "fri 18:00"` the weekly job every Friday at 18:00. Times are wall-clock times
in the zone: across a daylight-saving change a run still happens once on each day (a
time the clocks skip runs at the same instant one hour on; a time that happens twice
runs at the first).

What is due is worked out from the last occurrence already run (kept in the store) and
the clock, never from sleeping: a machine that slept through 07:30 runs the day when it
wakes, and on start the days missed since the last run are caught up, oldest first, each
once. A desk with no run yet starts with the latest due occurrence only (it does not
backfill history: `newsdesk backfill` does). The clock is injected, so tests need no
sleeping.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(?:(mon|tue|wed|thu|fri|sat|sun)\s+)?([01]?\d|2[0-3]):([0-5]\d)$")
# How far back catching up looks, at most (a desk off for a month catches up a month).
CATCH_UP_DAYS = 31


@dataclass(frozen=True, slots=True)
class Slot:
    kind: str  # daily or weekly
    at: dt.time
    weekday: int | None = None  # 0 = Monday, for a weekly slot


@dataclass(frozen=True, slots=True)
class Due:
    """A run that is due: its kind, what it writes (a day, or an ISO week), and the
    scheduled moment it stands for."""

    kind: str
    key: str
    at: dt.datetime


def parse(kind: str, text: str) -> Slot:
    """A slot from "07:30" (daily) or "fri 18:00" (weekly); ValueError says what is wrong."""
    found = _TIME.match(text.strip().lower())
    if not found:
        example = '"07:30"' if kind == "daily" else '"fri 18:00"'
        raise ValueError(f"schedule.{kind} {text!r} is not a time; write it like {example}")
    day, hour, minute = found.groups()
    if kind == "weekly" and day is None:
        raise ValueError(f'schedule.weekly {text!r} needs a weekday, like "fri 18:00"')
    if kind == "daily" and day is not None:
        raise ValueError(f'schedule.daily {text!r} is every day: write only the time, "07:30"')
    weekday = WEEKDAYS.index(day) if day else None
    return Slot(kind, dt.time(int(hour), int(minute)), weekday)


def occurrences(
    slot: Slot, after: dt.datetime, until: dt.datetime, zone: ZoneInfo
) -> list[dt.datetime]:
    """The slot's moments in (after, until], oldest first, one per local day."""
    found = []
    day = after.astimezone(zone).date()
    last = until.astimezone(zone).date()
    while day <= last:
        if slot.weekday is None or day.weekday() == slot.weekday:
            moment = _moment(day, slot.at, zone)
            if after < moment <= until:
                found.append(moment)
        day += dt.timedelta(days=1)
    return found


def _moment(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The instant of a wall-clock time on a day (the first fold): a time the clocks
    skip (spring forward) is the instant an hour later on the clock, a repeated one
    (fall back) its first occurrence."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def due(
    slots: Sequence[Slot],
    last: dict[str, dt.datetime | None],
    now: dt.datetime,
    zone: ZoneInfo,
) -> list[Due]:
    """The runs due now, oldest first: every occurrence of each slot after the last one
    run (at most CATCH_UP_DAYS back), or the latest one alone when none was run yet."""
    runs: list[Due] = []
    for slot in slots:
        since = last.get(slot.kind)
        start = since if since is not None else now - dt.timedelta(days=8)
        start = max(start, now - dt.timedelta(days=CATCH_UP_DAYS))
        moments = occurrences(slot, start, now, zone)
        if since is None:
            moments = moments[-1:]
        for moment in moments:
            local = moment.astimezone(zone).date()
            if slot.kind == "daily":
                key = local.isoformat()
            else:
                year, week, _ = local.isocalendar()
                key = f"{year}-W{week:02d}"
            runs.append(Due(slot.kind, key, moment))
    return sorted(runs, key=lambda d: (d.at, d.kind))


class Scheduler:
    """Runs what is due, one run at a time (never two at once, whoever asks), and
    remembers the last occurrence run of each kind through `record`."""

    def __init__(
        self,
        slots: Sequence[Slot],
        zone: ZoneInfo,
        *,
        clock: Callable[[], dt.datetime],
        last: Callable[[str], dt.datetime | None],
        record: Callable[[Due, str], None],
        job: Callable[[Due], None],
        after: Callable[[], None] | None = None,
    ) -> None:
        self.slots = list(slots)
        self.zone = zone
        self.clock = clock
        self.last = last
        self.record = record
        self.job = job
        self.after = after  # after the runs, under the same lock (auto-publishing drafts)
        self.lock = threading.Lock()

    def tick(self) -> list[Due]:
        """Run everything due now (catching up, oldest first); return what ran. A tick
        while another is running does nothing."""
        if not self.lock.acquire(blocking=False):
            return []
        try:
            ran = []
            pending = due(
                self.slots, {s.kind: self.last(s.kind) for s in self.slots}, self.clock(), self.zone
            )
            for run in pending:
                try:
                    self.job(run)
                except Exception as exc:
                    self.record(run, f"failed: {exc}")
                else:
                    self.record(run, "ok")
                ran.append(run)
            if self.after is not None:
                try:
                    self.after()
                except Exception as exc:  # the desk goes on; the next tick tries again
                    logging.getLogger(__name__).warning("after the scheduled runs: %s", exc)
            return ran
        finally:
            self.lock.release()

    def upcoming(self, count: int = 2) -> list[Due]:
        """The next runs of each slot after now."""
        return upcoming(self.slots, self.clock(), self.zone, count)


def upcoming(slots: Sequence[Slot], now: dt.datetime, zone: ZoneInfo, count: int = 1) -> list[Due]:
    """The next `count` moments of each slot after `now`, soonest first."""
    found = [
        Due(s.kind, "", m)
        for s in slots
        for m in occurrences(s, now, now + dt.timedelta(days=8), zone)[:count]
    ]
    return sorted(found, key=lambda d: d.at)
