"""Hacker News days the development set has never seen, replayed and judged.

    python bench/bench_hn_days.py DUMPS/ --export ITEMS.jsonl [--aside N] [--seed S]
    python bench/bench_hn_days.py DUMPS/ --export-days DAYS/
    python bench/bench_hn_days.py DUMPS/ --export-entries ENTRIES.jsonl
    python bench/bench_hn_days.py DUMPS/ --labels LABELS.jsonl [...] [--misses]

DUMPS/ holds one file per UTC day, `YYYY-MM-DD.md`, in the format of the archive the
corpus's Hacker News part was built from; tests/hn_days.py says how the days become a
feed and are prepared, as `newsdesk daily` prepares a day.

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

The labelled weeks are in tests/data/hn-weeks/ (its README lists them and says how they
were labelled; tests/test_hn_weeks.py pins their figures):

    python bench/bench_hn_days.py tests/data/hn-weeks/2026-08-17/days \
        --labels tests/data/hn-weeks/2026-08-17/labels.jsonl [--misses]

The replay and the figures are tests/hn_days.py's.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hn_days import figures, read_labels, replay, shown


def export(args: argparse.Namespace) -> int:
    run = replay(args.dumps)
    prepared, aside, by_link, top = run.days, run.aside, run.by_link, run.top
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
    by_link = replay(args.dumps).by_link
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
    run = replay(args.dumps)
    prepared, by_link, top = run.days, run.by_link, run.top
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
    f = figures(replay(args.dumps), read_labels(args.labels))
    print(f"{f.days} days, {f.entries} digest entries, {f.labelled} labelled")
    print(f"junk shown (of labelled shown)   {f.junk_share:.3f} ({f.junk_shown})")
    print("junk shown by kind: " + ", ".join(f"{k} {n}" for k, n in f.junk_kinds.most_common()))
    print(f"category accuracy (news shown)   {f.category:.3f} ({f.judged})")
    print(
        "categories, as X (is Y): "
        + ", ".join(f"{a} ({b}) {n}" for (a, b), n in f.confusion.most_common(12))
    )
    print(f"news among sampled set-aside      {f.news_aside} of {f.sampled_aside}")
    if f.lead_days:
        print(f"leads in top 3 (days)            {f.top3:.3f} ({f.lead_days} days)")
        print(f"pick is a lead (days)            {f.pick:.3f}")
        print(f"must-show shown                  {f.must:.3f} ({f.must_all})")
        print(f"must-show shown, or the week before  {f.must_recent:.3f}")
    if f.merged or f.repeats:
        print(f"merge precision (as shown)       {f.merge_precision:.3f} ({f.merged} merged)")
        print(f"merge recall (as shown)          {f.merge_recall:.3f} ({f.repeats} repeats)")
    if args.misses:
        print("\n".join(f.misses))
    return 0


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
