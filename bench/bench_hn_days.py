"""Hacker News days the development set has never seen, replayed and judged.

    python bench/bench_hn_days.py DUMPS/ --export ITEMS.jsonl [--aside N] [--seed S]
    python bench/bench_hn_days.py DUMPS/ --labels LABELS.jsonl [...] [--misses]

DUMPS/ holds one file per UTC day, `YYYY-MM-DD.md`, in the format of the archive the
corpus's Hacker News part was built from (Turi-Labs/Newsletter-Editor-Agents,
`knowledgebase/<day>/hn_posts.md`: every story of the day with 5 points or more):

    Title: ...
    Story URL: https://... (or "No URL")
    Hacker News Post URL: https://news.ycombinator.com/item?id=N
    Points: N
    Comments: N
    ----------------------------------------

The stories become the feed hnrss.org serves (the corpus's shape: "Points: N" and
"# Comments: M" in the description, a time estimated from the story's id between the
days' first ids), are stored in a fresh SQLite file with the packaged defaults (UTC
days) and prepared day by day (`prepare_days`).

`--export` writes what an editor should label, one story a line: every item of the
stories the digests show (the first `rank.top` stories not held) and a seeded sample
of `--aside` set-aside items, in a seeded random order and without newsdesk's decisions
(`id`, `day`, `title`, `link`, `hn`, `points`, `comments`), for labelling blind by
guide-junk.md and guide-categories-leads.md. Labels are lines of
`{"id": N, "junk": bool, "kind": "...", "category": "..."}` (`kind` for junk,
`category` for news). `--labels` prints the figures of the issue's targets that such a
sample can measure: junk among the entries shown, category accuracy of the news shown,
and news among the sampled set-aside items.

The days newsdesk was measured on (docs/benchmarks.md, "Session 22") are third parties'
and are not in the repository: bring your own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.collect import to_item
from newsdesk.config import SourceSettings, load_settings
from newsdesk.models import Item, Story
from newsdesk.pipeline import prepare_days
from newsdesk.sources.feed import parse_feed
from newsdesk.store import Store
from tests import editorial

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


def replay(
    folder: Path,
) -> tuple[dict[dt.date, list[Story]], dict[str, str], dict[str, dict[str, Any]], int]:
    """Prepare every day of the dumps: the days' stories, the set-aside links with their
    reasons, the stories by the link they were stored under, and `rank.top`."""
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
    return prepared, aside, by_link, config.rank.top


def shown(stories: list[Story], top: int) -> list[Story]:
    return [story for story in stories if story.score >= 0][:top]


def export(args: argparse.Namespace) -> int:
    prepared, aside, by_link, top = replay(args.dumps)
    chosen: dict[int, dict[str, Any]] = {}
    for stories in prepared.values():
        for story in shown(stories, top):
            for item in story.items:
                if item.url in by_link:
                    row = by_link[item.url]
                    chosen[row["id"]] = row
    rng = random.Random(args.seed)
    pool = sorted(by_link[url]["id"] for url in aside if url in by_link)
    sample = set(rng.sample(pool, min(args.aside, len(pool))))
    for row in by_link.values():
        if row["id"] in sample:
            chosen[row["id"]] = row
    lines = [
        {
            "id": r["id"],
            "day": r["day"].isoformat(),
            "title": r["title"],
            "link": r["url"] or r["hn"],
            "hn": r["hn"],
            "points": r["points"],
            "comments": r["comments"],
        }
        for r in chosen.values()
    ]
    rng.shuffle(lines)
    with args.export.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(
        f"{len(lines)} stories to label ({len(sample)} of {len(pool)} set aside) in {args.export}"
    )
    return 0


def judge(args: argparse.Namespace) -> int:
    prepared, aside, by_link, top = replay(args.dumps)
    labels: dict[int, dict[str, Any]] = {}
    for path in args.labels:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                labels[int(row["id"])] = row
    entries = told = junk_shown = right = judged = 0
    kinds: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    for _, stories in sorted(prepared.items()):
        for story in shown(stories, top):
            entries += 1
            found = [
                labels[by_link[i.url]["id"]]
                for i in story.items
                if i.url in by_link and by_link[i.url]["id"] in labels
            ]
            if not found:
                continue
            told += 1
            if all(f["junk"] for f in found):
                junk_shown += 1
                kinds[found[0].get("kind") or "?"] += 1
                misses.append(f"  junk shown: {found[0].get('kind')}: {story.items[0].title}")
                continue
            wanted = Counter(f["category"] for f in found if not f["junk"]).most_common(1)[0][0]
            judged += 1
            right += story.category == wanted
            if story.category != wanted:
                confusion[(story.category, wanted)] += 1
                misses.append(f"  category: {story.category} ≠ {wanted}: {story.items[0].title}")
    sampled = [
        ({**by_link[url], **labels[by_link[url]["id"]]}, reason)
        for url, reason in aside.items()
        if url in by_link and by_link[url]["id"] in labels
    ]
    lost = [(row, reason) for row, reason in sampled if not row["junk"]]
    days = len(prepared)
    print(f"{days} days, {entries} digest entries, {told} labelled")
    print(f"junk shown (of labelled shown)   {junk_shown / max(1, told):.3f} ({junk_shown})")
    print("junk shown by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print(f"category accuracy (news shown)   {right / max(1, judged):.3f} ({judged})")
    print(
        "categories, as X (is Y): "
        + ", ".join(f"{a} ({b}) {n}" for (a, b), n in confusion.most_common(12))
    )
    print(f"news among sampled set-aside      {len(lost)} of {len(sampled)}")
    if args.misses:
        print("\n".join(misses))
        for row, reason in lost:
            print(f"  news set aside: {reason}: {row.get('title', row['id'])}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dumps", type=Path)
    parser.add_argument("--export", type=Path)
    parser.add_argument("--aside", type=int, default=100)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--labels", type=Path, nargs="+")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    if args.export:
        return export(args)
    if args.labels:
        return judge(args)
    parser.error("give --export or --labels")
    return 2


if __name__ == "__main__":
    sys.exit(main())
