"""The week: ISO weeks in the configured time zone, and the week's stories gathered from
the store with each continuing story counted once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsdesk.errors import ConfigError
from newsdesk.models import DayNote, Story, StoryAnalysis, Thread

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


# The days a digest can be asked for: wide enough for any archive, narrow enough that a
# day's bounds in any time zone (and a week's look-back) stay valid dates.
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


def parse_week(text: str) -> str:
    """`2026-W06` (or 2026W6) as the canonical label; a ConfigError names the format."""
    match = _WEEK.match(text)
    if match:
        year, number = int(match.group(1)), int(match.group(2))
        if not FIRST_DAY.year < year <= LAST_DAY.year:
            raise ConfigError(
                f"--week {text!r} is out of range: give a week of the years "
                f"{FIRST_DAY.year + 1} to {LAST_DAY.year}"
            )
        try:
            dt.date.fromisocalendar(year, number, 1)
        except ValueError:
            pass
        else:
            return f"{year}-W{number:02d}"
    raise ConfigError(f"--week {text!r}: use an ISO week such as 2026-W06 (year, W, week 01-53)")


def week_of(day: dt.date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def week_days(label: str) -> list[dt.date]:
    """Monday to Sunday of an ISO week."""
    year, number = int(label[:4]), int(label[6:])
    monday = dt.date.fromisocalendar(year, number, 1)
    return [monday + dt.timedelta(days=n) for n in range(7)]


def threads(stories: Sequence[Story]) -> list[Thread]:
    """The week's stories with each continuation joined to the story it continues, so a
    story covered on several days is one thread; in the order of their first day, best
    first within a day."""
    ordered = sorted(stories, key=lambda s: (s.day, -s.score, s.id))
    found: dict[int, Thread] = {}
    result: list[Thread] = []
    for story in ordered:
        earlier = found.get(story.continues.story_id) if story.continues else None
        if earlier is not None:
            earlier.later.append(story)
            found[story.id] = earlier
            continue
        thread = Thread(
            story,
            first_day=story.continues.day if story.continues else None,
            first_title=story.continues.title if story.continues else "",
        )
        found[story.id] = thread
        result.append(thread)
    return result


def best(all_threads: Sequence[Thread], count: int) -> list[Thread]:
    """The week's leading threads: those covered on more days and by more sources rise.
    A thread no daily digest could show (every story of it held as a forum's chatter,
    `rank.max_discussions`: a negative score) is not among them."""

    def weight(thread: Thread) -> tuple[float, int]:
        days = len({s.day for s in thread.stories})
        sources = len({name for i in thread.items for name in i.sources})
        return (thread.score + 0.5 * (days - 1) + 0.25 * (sources - 1), -thread.id)

    shown = [thread for thread in all_threads if thread.score >= 0]
    return sorted(shown, key=weight, reverse=True)[:count]


@dataclass(frozen=True, slots=True)
class Week:
    """What the weekly posts are written from: every thread of the week, the shortlist
    the axes are drawn from, and what the daily runs wrote about them."""

    label: str
    days: list[dt.date]
    threads: list[Thread]
    shortlist: list[Thread]
    analyses: dict[int, StoryAnalysis] = field(default_factory=dict)  # by thread id
    notes: dict[dt.date, DayNote] = field(default_factory=dict)
    # category key → its (zh, en) names, for naming the week's axes
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def first(self) -> dt.date:
        return self.days[0]

    @property
    def last(self) -> dt.date:
        return self.days[-1]

    @property
    def item_count(self) -> int:
        return sum(len(t.items) for t in self.threads)

    @property
    def source_count(self) -> int:
        return len({name for t in self.threads for i in t.items for name in i.sources})
