"""Pipeline throughput: newsdesk collect → normalise → store → dedupe → classify → rank,
against feedparser alone parsing the same files, at 10k and 100k items, in one run.

    python bench/bench_pipeline.py [--sizes 10000 100000]

Each measurement runs in its own process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    return {
        "seconds": finished - started,
        "collect_seconds": collected - started,
        "stories_seconds": finished - collected,
        "items": items,
        "stories": stories,
    }


def child(mode: str, folder: Path) -> None:
    result = feedparser_only(folder) if mode == "feedparser" else newsdesk_pipeline(folder)
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
            f"{nd['stories_seconds']:.1f}s, {nd['items']:.0f} items -> {nd['stories']:.0f} stories, "
            f"peak {nd['max_rss_mb']:.0f} MB | ratio {nd['seconds'] / fp['seconds']:.2f}x",
            flush=True,
        )
    if len(rows) > 1:
        (small, _, a), (large, _, b) = rows[0], rows[-1]
        print(f"scaling {small} -> {large} items: {b['seconds'] / a['seconds']:.1f}x time")


if __name__ == "__main__":
    main()
