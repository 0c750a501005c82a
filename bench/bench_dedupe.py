"""Same-story detection at 5,000 items: newsdesk's merging against the pairwise difflib
title comparison other digest tools use (SequenceMatcher(None, a, b).ratio() >= t over
every pair), in one run, scored on the planted duplicates.

    python bench/bench_dedupe.py [--items 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import itertools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import feedparser

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import ensure  # noqa: E402

from newsdesk.dedupe import cluster  # noqa: E402
from newsdesk.models import Item  # noqa: E402
from newsdesk.normalize import canonical_url, clean_text, content_hash, detect_language  # noqa: E402

DIFFLIB_THRESHOLDS = (0.5, 0.6, 0.7, 0.8)


def load(folder: Path) -> tuple[list[Item], list[int]]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    items, stories = [], []
    for path in sorted(folder.glob("feed-*.xml")):
        for entry in feedparser.parse(path.read_bytes()).entries:
            url = canonical_url(entry.link) or ""
            title, summary = clean_text(entry.title), clean_text(entry.summary)
            when = dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC)
            items.append(
                Item(
                    url=url,
                    title=title,
                    summary=summary,
                    published=when,
                    first_seen=when,
                    source=path.stem,
                    lang=detect_language(f"{title} {summary}"),
                    content_hash=content_hash(title, summary),
                    id=len(items) + 1,
                )
            )
            stories.append(truth[url.split("?")[0]])
    return items, stories


def score(predicted: set[tuple[int, int]], actual: set[tuple[int, int]]) -> tuple[float, float]:
    tp = len(predicted & actual)
    return tp / (len(predicted) or 1), tp / (len(actual) or 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    args = parser.parse_args()
    items, stories = load(ensure(args.items, HERE / "out"))
    members = defaultdict(list)
    for index, story in enumerate(stories):
        members[story].append(index)
    actual = {pair for group in members.values() for pair in itertools.combinations(group, 2)}

    started = time.perf_counter()
    groups = cluster(items, threshold=0.28, window_hours=72)
    ours_seconds = time.perf_counter() - started
    index_of = {item.id: n for n, item in enumerate(items)}
    ours = {
        tuple(sorted((index_of[a.id], index_of[b.id])))
        for g in groups
        for a, b in itertools.combinations(g, 2)
    }
    precision, recall = score(ours, actual)  # type: ignore[arg-type]
    print(f"{len(items)} items, {len(actual)} planted duplicate pairs")
    print(f"newsdesk merge: {ours_seconds:.2f}s  precision {precision:.3f}  recall {recall:.3f}")

    titles = [item.title.lower() for item in items]
    started = time.perf_counter()
    ratios = {}
    for i, j in itertools.combinations(range(len(titles)), 2):
        ratio = difflib.SequenceMatcher(None, titles[i], titles[j]).ratio()
        if ratio >= DIFFLIB_THRESHOLDS[0]:
            ratios[(i, j)] = ratio
    difflib_seconds = time.perf_counter() - started
    print(
        f"pairwise difflib: {difflib_seconds:.1f}s for {len(titles) * (len(titles) - 1) // 2} pairs"
    )
    for threshold in DIFFLIB_THRESHOLDS:
        p, r = score({pair for pair, ratio in ratios.items() if ratio >= threshold}, actual)
        print(f"  difflib ratio >= {threshold}: precision {p:.3f}  recall {r:.3f}")
    print(f"speed-up: {difflib_seconds / ours_seconds:.0f}x")


if __name__ == "__main__":
    main()
