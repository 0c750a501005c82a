"""Pipeline throughput: newsdesk collect → normalise → store → dedupe → classify → rank,
against feedparser alone parsing the same files, at 10k and 100k items, in one run.

    python bench/bench_pipeline.py [--sizes 10000 100000]

Each measurement runs in its own process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def feedparser_only(folder: Path) -> dict[str, float]:
    import feedparser

    started = time.perf_counter()
    entries = 0
    for path in sorted(folder.glob("feed-*.xml")):
        entries += len(feedparser.parse(path.read_bytes()).entries)
    return {"seconds": time.perf_counter() - started, "entries": entries}


def newsdesk_pipeline(folder: Path) -> dict[str, float]:
    from newsdesk.collect import collect
    from newsdesk.config import load_settings
    from newsdesk.http import HttpClient
    from newsdesk.models import RunReport
    from newsdesk.pipeline import prepare_days, sample_days
    from newsdesk.store import Store

    files = sorted(folder.glob("feed-*.xml"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        settings = load_settings(
            None,
            sources=[{"name": p.stem, "url": str(p)} for p in files],
            database=str(db),
            timezone="UTC",
        )
        now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
        started = time.perf_counter()
        store = Store(db)
        report = RunReport(id=store.start_run("bench", now), command="bench", started=now)
        with HttpClient(settings.fetch) as client:
            collect(settings, store, client=client, report=report, now=now)
        collected = time.perf_counter()
        prepared = prepare_days(settings, store, sample_days(store, settings))
        stories = sum(map(len, prepared.values()))
        finished = time.perf_counter()
        items = store.count_items()
        store.close()
        cpu = time.process_time()
        precision, recall = quality(folder, prepared.values())
    return {
        "seconds": finished - started,
        "collect_seconds": collected - started,
        "stories_seconds": finished - collected,
        "cpu_seconds": cpu,
        "items": items,
        "stories": stories,
        "precision": precision,
        "recall": recall,
    }


def quality(folder: Path, days: Any) -> tuple[float, float]:
    """Precision and recall of same-story merging on the planted duplicates (truth.json).

    Tellings of one planted story that fall on two days cannot be merged (a story is
    one day's), so recall has a ceiling below 1.
    """
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    merged = {
        pair
        for stories in days
        for story in stories
        for pair in itertools.combinations(sorted(i.url for i in story.items), 2)
    }
    members: dict[int, list[str]] = {}
    for url, story in truth.items():
        members.setdefault(story, []).append(url)
    planted = {p for urls in members.values() for p in itertools.combinations(sorted(urls), 2)}
    hits = len(merged & planted)
    return hits / (len(merged) or 1), hits / (len(planted) or 1)


def child(mode: str, folder: Path) -> None:
    result = feedparser_only(folder) if mode == "feedparser" else newsdesk_pipeline(folder)
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Parse workers are this process's children; the largest one's peak, for the total.
    result["worker_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(result))


def measure(mode: str, folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    from corpus import ensure

    rows = []
    for size in args.sizes:
        folder = ensure(size, HERE / "out")
        fp = measure("feedparser", folder)
        nd = measure("newsdesk", folder)
        rows.append((size, fp, nd))
        print(
            f"{size:>7} items: feedparser {fp['seconds']:.1f}s ({fp['max_rss_mb']:.0f} MB) | newsdesk "
            f"{nd['seconds']:.1f}s = collect {nd['collect_seconds']:.1f}s + stories "
            f"{nd['stories_seconds']:.1f}s (CPU {nd['cpu_seconds']:.1f}s in the main process), "
            f"{nd['items']:.0f} items -> {nd['stories']:.0f} stories, precision "
            f"{nd['precision']:.3f} recall {nd['recall']:.3f}, peak {nd['max_rss_mb']:.0f} MB "
            f"| ratio {nd['seconds'] / fp['seconds']:.2f}x",
            flush=True,
        )
    if len(rows) > 1:
        (small, _, a), (large, _, b) = rows[0], rows[-1]
        print(f"scaling {small} -> {large} items: {b['seconds'] / a['seconds']:.1f}x time")


if __name__ == "__main__":
    main()
