"""Hacker News days the development set has never seen, replayed and judged.

    python bench/bench_hn_days.py DUMPS/ --export ITEMS.jsonl [--aside N] [--seed S]
    python bench/bench_hn_days.py DUMPS/ --export-days DAYS/
    python bench/bench_hn_days.py DUMPS/ --export-entries ENTRIES.jsonl
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

`--export-days` writes every story of each day (`DAYS/<day>.jsonl`) for choosing the
day's leads and must-show stories as guide-categories-leads.md says; a label line
`{"day": "YYYY-MM-DD", "leads": [[id, ...], ...], "must": [[id, ...], ...]}` lists each
story as the ids of the submissions that tell it, leads best first. `--export-entries`
writes each day's digest entries (the items merged into each, the entries shuffled) for
judging the merges a reader meets; a label line `{"day": "YYYY-MM-DD", "split": [id, ...],
"repeats": [[id, id], ...]}` names the items that tell another event than the first item
of their entry and the pairs of entries (an item of each) that tell one event. With such
lines among `--labels`, the figures also count the days' leads in the top 3, the pick,
the must-show stories shown, and merge precision and recall as a reader meets them.

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


def export_days(args: argparse.Namespace) -> int:
    _, _, by_link, _ = replay(args.dumps)
    args.export_days.mkdir(parents=True, exist_ok=True)
    days: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(by_link.values(), key=lambda r: (r["day"], -r["points"])):
        days.setdefault(row["day"].isoformat(), []).append(
            {k: row[k] for k in ("id", "title", "points", "comments")}
            | {"link": row["url"] or row["hn"]}
        )
    for day, rows in days.items():
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (args.export_days / f"{day}.jsonl").write_text(text, encoding="utf-8")
    print(f"{len(days)} days of stories in {args.export_days}")
    return 0


def export_entries(args: argparse.Namespace) -> int:
    prepared, _, by_link, top = replay(args.dumps)
    rng = random.Random(args.seed)
    with args.export_entries.open("w", encoding="utf-8") as out:
        for day, stories in sorted(prepared.items()):
            entries = [
                [
                    {k: by_link[i.url][k] for k in ("id", "title", "points")} | {"link": i.url}
                    for i in story.items
                    if i.url in by_link
                ]
                for story in shown(stories, top)
            ]
            rng.shuffle(entries)
            line = {"day": day.isoformat(), "entries": [e for e in entries if e]}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(prepared)} days of digest entries in {args.export_entries}")
    return 0


def judge(args: argparse.Namespace) -> int:
    prepared, aside, by_link, top = replay(args.dumps)
    labels: dict[int, dict[str, Any]] = {}
    leads: dict[dt.date, dict[str, Any]] = {}
    merges: dict[dt.date, dict[str, Any]] = {}
    for path in args.labels:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if "id" in row:
                    labels[int(row["id"])] = row
                elif "leads" in row:
                    leads[dt.date.fromisoformat(row["day"])] = row
                elif "repeats" in row:
                    merges[dt.date.fromisoformat(row["day"])] = row
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
    if leads:
        misses += judge_leads(prepared, by_link, top, leads)
    if merges:
        misses += judge_merges(prepared, by_link, top, merges)
    if args.misses:
        print("\n".join(misses))
        for row, reason in lost:
            print(f"  news set aside: {reason}: {row.get('title', row['id'])}")
    return 0


def _placed(stories: list[Story], top: int, by_link: dict[str, dict[str, Any]]) -> dict[int, int]:
    """Each shown item's id and its entry's place in the digest (0 = the pick)."""
    return {
        by_link[i.url]["id"]: n
        for n, story in enumerate(shown(stories, top))
        for i in story.items
        if i.url in by_link
    }


def lead_figures(
    prepared: dict[dt.date, list[Story]],
    by_link: dict[str, dict[str, Any]],
    top: int,
    leads: dict[dt.date, dict[str, Any]],
) -> tuple[dict[str, float], list[str]]:
    """The days' leads in the top 3 and as the pick, and the must-show stories shown
    that day, or that day or the week before (a story told again, or the same link
    submitted again, is not shown twice); with the misses."""
    in_top = picked = must_shown = must_recent = must_all = 0
    misses = []
    titles = {r["id"]: r["title"] for r in by_link.values()}
    placed = {day: _placed(stories, top, by_link) for day, stories in prepared.items()}
    for day, row in sorted(leads.items()):
        place = placed.get(day, {})
        best = [min((place[i] for i in story if i in place), default=top) for story in row["leads"]]
        in_top += any(b < 3 for b in best)
        picked += any(b == 0 for b in best)
        pick = next((i for i, n in place.items() if n == 0), None)
        if not any(b == 0 for b in best):
            misses.append(f"  pick not a lead: {day}: {titles.get(pick, '-')}; leads at {best}")
        if not any(b < 3 for b in best):
            misses.append(f"  leads not in the top 3: {day}: places {best}")
        week = [day - dt.timedelta(days=n) for n in range(8)]
        for story in row["must"]:
            must_all += 1
            must_shown += any(i in place for i in story)
            recent = any(i in placed.get(d, {}) for d in week for i in story)
            must_recent += recent
            if not recent:
                misses.append(f"  must show, cut: {day}: {titles.get(story[0], story[0])}")
    days = max(1, len(leads))
    figures = {
        "days": len(leads),
        "top3": in_top / days,
        "pick": picked / days,
        "must": must_shown / max(1, must_all),
        "must_all": must_all,
        "must_recent": must_recent / max(1, must_all),
    }
    return figures, misses


def judge_leads(
    prepared: dict[dt.date, list[Story]],
    by_link: dict[str, dict[str, Any]],
    top: int,
    leads: dict[dt.date, dict[str, Any]],
) -> list[str]:
    """Print `lead_figures`; return its misses."""
    f, misses = lead_figures(prepared, by_link, top, leads)
    print(f"leads in top 3 (days)            {f['top3']:.3f} ({f['days']} days)")
    print(f"pick is a lead (days)            {f['pick']:.3f}")
    print(f"must-show shown                  {f['must']:.3f} ({f['must_all']})")
    print(f"must-show shown, or the week before  {f['must_recent']:.3f}")
    return misses


def judge_merges(
    prepared: dict[dt.date, list[Story]],
    by_link: dict[str, dict[str, Any]],
    top: int,
    merges: dict[dt.date, dict[str, Any]],
) -> list[str]:
    merged = wrong = missed = 0
    misses = []
    titles = {r["id"]: r["title"] for r in by_link.values()}
    for day, row in sorted(merges.items()):
        split = set(row["split"])
        for story in shown(prepared.get(day, []), top):
            ids = [by_link[i.url]["id"] for i in story.items if i.url in by_link]
            for other in ids[1:]:
                merged += 1
                if other in split:
                    wrong += 1
                    misses.append(
                        f"  merged, different events: {titles[ids[0]]}  <>  {titles[other]}"
                    )
        entry = _placed(prepared.get(day, []), top, by_link)
        for a, b in row["repeats"]:
            if a in entry and b in entry and entry[a] != entry[b]:  # (one entry now: merged)
                missed += 1
                misses.append(
                    f"  same event, two entries: {titles.get(a, a)}  <>  {titles.get(b, b)}"
                )
    right = merged - wrong
    print(f"merge precision (as shown)       {right / max(1, merged):.3f} ({merged} merged)")
    print(
        f"merge recall (as shown)          {right / max(1, right + missed):.3f} ({missed} repeats)"
    )
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dumps", type=Path)
    parser.add_argument("--export", type=Path)
    parser.add_argument("--aside", type=int, default=100)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--export-days", type=Path)
    parser.add_argument("--export-entries", type=Path)
    parser.add_argument("--labels", type=Path, nargs="+")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    if args.export:
        return export(args)
    if args.export_days:
        return export_days(args)
    if args.export_entries:
        return export_entries(args)
    if args.labels:
        return judge(args)
    parser.error("give --export or --labels")
    return 2


if __name__ == "__main__":
    sys.exit(main())
