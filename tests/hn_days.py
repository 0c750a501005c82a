"""Hacker News days replayed through the pipeline and judged against an editor's labels.

A day's dump is the format of the archive the corpus's Hacker News part was built from
(Turi-Labs/Newsletter-Editor-Agents, `knowledgebase/<day>/hn_posts.md`: every story of
the day with 5 points or more):

    Title: ...
    Story URL: https://... (or "No URL")
    Hacker News Post URL: https://news.ycombinator.com/item?id=N
    Points: N
    Comments: N
    ----------------------------------------

The stories become the feed hnrss.org serves (the corpus's shape: "Points: N" and
"# Comments: M" in the description, a time estimated from the story's id between the
days' first ids), are stored in a fresh SQLite file with the packaged defaults (UTC
days) and prepared day by day (`prepare_days`), as `newsdesk daily` prepares a day.

Labels (tests/data/hn-weeks/README.md) are lines of three kinds:
`{"id", "junk", "kind", "category"}` for a story (`kind` for junk, `category` for news),
`{"day", "leads", "must"}` for a day's lead and must-show stories (each a list of the
ids of the submissions that tell it, leads best first), and `{"day", "split",
"repeats"}` for the merges a reader meets in a day's digest (items merged into an entry
that tell another event than its first, and pairs of entries that tell one event).

Used by the pinned gates in tests/test_hn_weeks.py and by bench/bench_hn_days.py.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsdesk.collect import to_item
from newsdesk.config import SourceSettings, load_settings
from newsdesk.models import Item, Story
from newsdesk.pipeline import prepare_days
from newsdesk.sources.feed import parse_feed
from newsdesk.store import Store
from tests import editorial

WEEKS = Path(__file__).resolve().parent / "data" / "hn-weeks"
# Weeks the learned category model never learns from (scripts/train_models.py), so that
# their category figures stay out of sample: one name a line, "#" starts a comment.
HELD_OUT = WEEKS / "held-out.txt"


def held_out_weeks() -> frozenset[str]:
    """The names of the weeks listed in `HELD_OUT`."""
    lines = HELD_OUT.read_text(encoding="utf-8").splitlines() if HELD_OUT.exists() else []
    return frozenset(n for n in (line.split("#", 1)[0].strip() for line in lines) if n)


NOW = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
SEPARATOR = "-" * 40
HN_ID = re.compile(r"item\?id=(\d+)")
FIELDS = ("Title", "Story URL", "Hacker News Post URL", "Points", "Comments")
SOURCE = SourceSettings(name="Hacker News", url="https://news.ycombinator.com/", weight=1.0)


def parse_dump(text: str) -> list[dict[str, Any]]:
    """The stories of one day's dump."""
    rows = []
    for block in text.split(SEPARATOR):
        fields: dict[str, str] = {}
        for line in block.strip("\n").split("\n"):
            name, _, value = line.partition(": ")
            if name in FIELDS and name not in fields:
                fields[name] = value.strip()
        found = HN_ID.search(fields.get("Hacker News Post URL", ""))
        if "Title" not in fields or not found:
            continue
        url = fields.get("Story URL", "")
        rows.append(
            {
                "id": int(found.group(1)),
                "title": fields["Title"],
                "url": None if url in ("", "No URL", "None") else url,
                "hn": fields["Hacker News Post URL"],
                "points": int(fields.get("Points") or 0),
                "comments": int(fields.get("Comments") or 0),
            }
        )
    return rows


def timed(dumps: dict[dt.date, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each story with a time estimated from its id, between the ids that start its day
    and the next (ids are given in order), as the corpus's were."""
    start = {day: min(r["id"] for r in rows) for day, rows in dumps.items() if rows}
    stories = []
    for day, rows in sorted(dumps.items()):
        if not rows:
            continue
        first = start[day]
        following = start.get(day + dt.timedelta(days=1), max(r["id"] for r in rows))
        span = max(following - first, 1)
        midnight = dt.datetime.combine(day, dt.time(0), dt.UTC)
        for row in rows:
            share = min(max((row["id"] - first) / span, 0.0), 86399 / 86400)
            stories.append({**row, "day": day, "at": midnight + dt.timedelta(days=share)})
    return stories


def rss(stories: list[dict[str, Any]]) -> bytes:
    """The stories as hnrss.org writes a feed."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>']
    parts.append("<title>Hacker News</title><link>https://news.ycombinator.com/</link>")
    for s in stories:
        text = f'<p>Comments URL: <a href="{s["hn"]}">{s["hn"]}</a></p>'
        if s["url"]:
            text = f'<p>Article URL: <a href="{s["url"]}">{s["url"]}</a></p>' + text
        text += f"<p>Points: {s['points']}</p><p># Comments: {s['comments']}</p>"
        stamp = s["at"].strftime("%a, %d %b %Y %H:%M:%S +0000")
        parts.append(
            f"<item><title>{html.escape(s['title'])}</title>"
            f"<description>{html.escape(text)}</description><pubDate>{stamp}</pubDate>"
            f"<link>{html.escape(s['url'] or s['hn'])}</link>"
            f"<comments>{html.escape(s['hn'])}</comments>"
            f'<guid isPermaLink="false">{html.escape(s["hn"])}</guid></item>'
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


@dataclass
class Replay:
    """The prepared days: their stories, the set-aside links with their reasons, the
    dumps' stories by the link they were stored under, and `rank.top`."""

    days: dict[dt.date, list[Story]]
    aside: dict[str, str]
    by_link: dict[str, dict[str, Any]]
    top: int


def replay(folder: Path) -> Replay:
    """Prepare every day of the dumps in `folder` (`YYYY-MM-DD.md`)."""
    dumps = {
        dt.date.fromisoformat(path.stem): parse_dump(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("????-??-??.md"))
    }
    stories = timed(dumps)
    items: list[Item] = []
    for entry in parse_feed(rss(stories)).entries:
        item = to_item(entry, SOURCE, now=NOW)
        if item:
            items.append(item)
    by_hn = {s["hn"]: s for s in stories}
    by_link: dict[str, dict[str, Any]] = {}
    for item in items:
        found = by_hn.get(item.discussion) or by_hn.get(item.url)
        if found:
            by_link[item.url] = found
    with tempfile.TemporaryDirectory() as name:
        base = load_settings(None, timezone="UTC", database=str(Path(name) / "hn.db"))
        config = base.model_copy(update={"sources": [SOURCE], "base_dir": Path(name)})
        editorial.store_items(config, items)
        store = Store(config.path(config.database))
        try:
            days = sorted(dumps)
            prepared = prepare_days(config, store, days)
            aside = {i.url: reason for d in days for i, reason, _ in store.set_aside(d)}
        finally:
            store.close()
    return Replay(prepared, aside, by_link, config.rank.top)


def shown(stories: list[Story], top: int) -> list[Story]:
    return [story for story in stories if story.score >= 0][:top]


@dataclass
class Labels:
    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    leads: dict[dt.date, dict[str, Any]] = field(default_factory=dict)
    merges: dict[dt.date, dict[str, Any]] = field(default_factory=dict)


def read_labels(paths: Iterable[Path]) -> Labels:
    labels = Labels()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if "id" in row:
                labels.items[int(row["id"])] = row
            elif "leads" in row:
                labels.leads[dt.date.fromisoformat(row["day"])] = row
            elif "repeats" in row:
                labels.merges[dt.date.fromisoformat(row["day"])] = row
    return labels


@dataclass
class Figures:
    """What the labels can measure of the replayed digests, and the misses behind it."""

    days: int = 0
    entries: int = 0
    labelled: int = 0  # entries with a labelled item
    junk_shown: int = 0
    junk_kinds: Counter[str] = field(default_factory=Counter)
    judged: int = 0  # labelled news entries, whose category is judged
    right: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    sampled_aside: int = 0
    news_aside: int = 0
    lead_days: int = 0
    top3: float = 0.0
    pick: float = 0.0
    must: float = 0.0
    must_all: int = 0
    must_recent: float = 0.0
    merged: int = 0
    wrong_merges: int = 0
    repeats: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def junk_share(self) -> float:
        return self.junk_shown / max(1, self.labelled)

    @property
    def category(self) -> float:
        return self.right / max(1, self.judged)

    @property
    def merge_precision(self) -> float:
        return (self.merged - self.wrong_merges) / max(1, self.merged)

    @property
    def merge_recall(self) -> float:
        right = self.merged - self.wrong_merges
        return right / max(1, right + self.repeats)


def figures(run: Replay, labels: Labels) -> Figures:
    out = Figures(days=len(run.days))
    by_link, top = run.by_link, run.top
    for _, stories in sorted(run.days.items()):
        for story in shown(stories, top):
            out.entries += 1
            found = [
                labels.items[by_link[i.url]["id"]]
                for i in story.items
                if i.url in by_link and by_link[i.url]["id"] in labels.items
            ]
            if not found:
                continue
            out.labelled += 1
            if all(f["junk"] for f in found):
                out.junk_shown += 1
                out.junk_kinds[found[0].get("kind") or "?"] += 1
                out.misses.append(f"  junk shown: {found[0].get('kind')}: {story.items[0].title}")
                continue
            wanted = Counter(f["category"] for f in found if not f["junk"]).most_common(1)[0][0]
            out.judged += 1
            out.right += story.category == wanted
            if story.category != wanted:
                out.confusion[(story.category, wanted)] += 1
                out.misses.append(
                    f"  category: {story.category} ≠ {wanted}: {story.items[0].title}"
                )
    for url, reason in run.aside.items():
        row = by_link.get(url)
        label = labels.items.get(row["id"]) if row else None
        if row is None or label is None:
            continue
        out.sampled_aside += 1
        if not label["junk"]:
            out.news_aside += 1
            out.misses.append(f"  news set aside: {reason}: {row['title']}")
    if labels.leads:
        judge_leads(run, labels.leads, out)
    if labels.merges:
        _merges(run, labels.merges, out)
    return out


def _placed(stories: list[Story], top: int, by_link: dict[str, dict[str, Any]]) -> dict[int, int]:
    """Each shown item's id and its entry's place in the digest (0 = the pick)."""
    return {
        by_link[i.url]["id"]: n
        for n, story in enumerate(shown(stories, top))
        for i in story.items
        if i.url in by_link
    }


def judge_leads(run: Replay, leads: dict[dt.date, dict[str, Any]], out: Figures) -> None:
    """The days' leads in the top 3 and as the pick, and the must-show stories shown
    that day, or that day or the week before (a story told again, or the same link
    submitted again, is not shown twice)."""
    in_top = picked = must_shown = must_recent = must_all = 0
    top = run.top
    titles = {r["id"]: r["title"] for r in run.by_link.values()}
    placed = {day: _placed(stories, top, run.by_link) for day, stories in run.days.items()}
    for day, row in sorted(leads.items()):
        place = placed.get(day, {})
        best = [min((place[i] for i in story if i in place), default=top) for story in row["leads"]]
        in_top += any(b < 3 for b in best)
        picked += any(b == 0 for b in best)
        pick = next((i for i, n in place.items() if n == 0), None)
        if not any(b == 0 for b in best):
            out.misses.append(f"  pick not a lead: {day}: {titles.get(pick, '-')}; leads at {best}")
        if not any(b < 3 for b in best):
            out.misses.append(f"  leads not in the top 3: {day}: places {best}")
        week = [day - dt.timedelta(days=n) for n in range(8)]
        for story in row["must"]:
            must_all += 1
            must_shown += any(i in place for i in story)
            recent = any(i in placed.get(d, {}) for d in week for i in story)
            must_recent += recent
            if not recent:
                out.misses.append(f"  must show, cut: {day}: {titles.get(story[0], story[0])}")
    days = max(1, len(leads))
    out.lead_days = len(leads)
    out.top3, out.pick = in_top / days, picked / days
    out.must, out.must_all = must_shown / max(1, must_all), must_all
    out.must_recent = must_recent / max(1, must_all)


def _merges(run: Replay, merges: dict[dt.date, dict[str, Any]], out: Figures) -> None:
    """Merges a reader meets: items merged into an entry that a labeller split off, and
    labelled repeats left in two entries."""
    titles = {r["id"]: r["title"] for r in run.by_link.values()}
    for day, row in sorted(merges.items()):
        split = set(row["split"])
        for story in shown(run.days.get(day, []), run.top):
            ids = [run.by_link[i.url]["id"] for i in story.items if i.url in run.by_link]
            for other in ids[1:]:
                out.merged += 1
                if other in split:
                    out.wrong_merges += 1
                    out.misses.append(
                        f"  merged, different events: {titles[ids[0]]}  <>  {titles[other]}"
                    )
        entry = _placed(run.days.get(day, []), run.top, run.by_link)
        for a, b in row["repeats"]:
            if a in entry and b in entry and entry[a] != entry[b]:  # (one entry now: merged)
                out.repeats += 1
                out.misses.append(
                    f"  same event, two entries: {titles.get(a, a)}  <>  {titles.get(b, b)}"
                )
