"""Pipeline throughput: newsdesk collect → normalise → store → dedupe → classify → rank,
against feedparser alone parsing the same files, at 10k and 100k items, in one run.

    python bench/bench_pipeline.py [--sizes 10000 100000] [--repeat N]

Each measurement runs in its own process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
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
    one day's), so recall has a ceiling below 1. Tellings the relevance stage set aside
    (synthetic titles that name no AI term) are not counted: merging never sees them.
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
    kept = {i.url for stories in days for story in stories for i in story.items}
    planted = {
        p
        for urls in members.values()
        for p in itertools.combinations(sorted(u for u in urls if u in kept), 2)
    }
    hits = len(merged & planted)
    return hits / (len(merged) or 1), hits / (len(planted) or 1)


class TreeMemory(threading.Thread):
    """Samples the summed resident memory of this process and all its descendants
    (parse workers included) twice a second; `peak_mb` is the largest sum seen. The
    workers' memory is steady while they parse; this process's own peak is max RSS."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak_mb = max(self.peak_mb, _tree_rss_kb(os.getpid()) / 1024)

    def stop(self) -> float:
        self.done.set()
        self.join()
        return self.peak_mb


def _tree_rss_kb(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields.get("PPid", "0").strip() or 0)
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(rss.get(pid, 0) for pid in tree)


def child(mode: str, folder: Path) -> None:
    sampler = TreeMemory()
    sampler.start()
    result = feedparser_only(folder) if mode == "feedparser" else newsdesk_pipeline(folder)
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["tree_rss_mb"] = sampler.stop()
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
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the fastest counts")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    from corpus import ensure

    rows = []
    for size in args.sizes:
        folder = ensure(size, HERE / "out")
        # Alternate the two, and keep each one's fastest run: the machine is noisy.
        runs = [
            (measure("feedparser", folder), measure("newsdesk", folder)) for _ in range(args.repeat)
        ]
        fp = min((r[0] for r in runs), key=lambda r: r["seconds"])
        nd = min((r[1] for r in runs), key=lambda r: r["seconds"])
        rows.append((size, fp, nd))
        print(
            f"{size:>7} items: feedparser {fp['seconds']:.1f}s ({fp['max_rss_mb']:.0f} MB) | newsdesk "
            f"{nd['seconds']:.1f}s = collect {nd['collect_seconds']:.1f}s + stories "
            f"{nd['stories_seconds']:.1f}s (CPU {nd['cpu_seconds']:.1f}s in the main process), "
            f"{nd['items']:.0f} items -> {nd['stories']:.0f} stories, precision "
            f"{nd['precision']:.3f} recall {nd['recall']:.3f}, peak {nd['max_rss_mb']:.0f} MB, "
            f"{nd['tree_rss_mb']:.0f} MB with the parse workers "
            f"| ratio {nd['seconds'] / fp['seconds']:.2f}x",
            flush=True,
        )
    if len(rows) > 1:
        (small, _, a), (large, _, b) = rows[0], rows[-1]
        print(f"scaling {small} -> {large} items: {b['seconds'] / a['seconds']:.1f}x time")


if __name__ == "__main__":
    main()
