"""`newsdesk weekly` on a synthetic week: its time offline against collecting the week's
feeds, and its prompt tokens with a model against re-sending the week's stories.

    python bench/bench_weekly.py [--items-per-day 300]

A synthetic ISO week (bench/corpus.py: 7 x 300 items over 60 feeds, 2026-W41) is served
from a local HTTP server and collected once (timed). Then, in the same run:

1. offline, end to end, from the collected store (every day still to merge): `weekly`;
2. offline after the daily runs (stories and daily analyses stored): `weekly`;
3. with the scripted OpenAI-compatible endpoint of the tests: a daily-deep run per day
   (zh), then `weekly`; its prompt tokens are counted by the endpoint (our estimator,
   as in bench_llm.py), against one call that sends every story of the week with its
   capped excerpt, as a weekly analysis would that did not reuse the daily analyses.

Targets (issue 5): (1) and (2) faster than collecting; (3) at most 15,000 prompt tokens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

from newsdesk.analyze import (  # noqa: E402
    cap_tokens,
    data_block,
    prompt_environment,
    prompt_messages,
    story_text,
)
from newsdesk.collect import collect  # noqa: E402
from newsdesk.config import Settings, load_settings  # noqa: E402
from newsdesk.http import HttpClient  # noqa: E402
from newsdesk.llm import ModelClient  # noqa: E402
from newsdesk.models import ModelUsage, RunReport  # noqa: E402
from newsdesk.pipeline import (  # noqa: E402
    DailyRequest,
    WeeklyRequest,
    gather_week,
    prepare_days,
    write_day,
    write_week,
)
from newsdesk.run import Run  # noqa: E402
from newsdesk.schemas import WeekAnswer  # noqa: E402
from newsdesk.store import Store  # noqa: E402
from newsdesk.week import week_days  # noqa: E402
from tests.model_server import ModelServer  # noqa: E402

WEEK = "2026-W41"
MONDAY = dt.datetime(2026, 10, 5, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 10, 12, tzinfo=dt.UTC)


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def settings_for(folder: Path, port: int, db: Path, endpoint: ModelServer | None) -> Settings:
    llm = {}
    if endpoint is not None:
        llm = {
            "base_url": endpoint.base_url,
            "model": "test-model",
            "response_format": "json_object",
            "max_tokens_per_run": 10_000_000,
        }
    return load_settings(
        None,
        sources=[
            {"name": p.stem, "url": f"http://127.0.0.1:{port}/{p.name}"}
            for p in sorted(folder.glob("feed-*.xml"))
        ],
        database=str(db),
        timezone="UTC",
        fulltext={"enabled": False},
        fetch={"allow_private": True},
        llm=llm,
    )


def run_report(store: Store) -> RunReport:
    return RunReport(id=store.start_run("bench", NOW), command="bench", started=NOW)


def timed_weekly(
    settings: Settings, store: Store, out: Path, *, model: bool
) -> tuple[float, RunReport]:
    started = time.perf_counter()
    with Run(settings, "bench", clock=lambda: NOW, offline=not model) as run:
        write_week(run, WeeklyRequest(WEEK, "weekly-axes", "zh", "markdown", out))
    return time.perf_counter() - started, run.report


def dailies(settings: Settings, store: Store, out: Path, *, model: bool) -> None:
    days = week_days(WEEK)
    prepared = prepare_days(settings, store, days)
    for day in days:
        with Run(settings, "bench", clock=lambda: NOW, offline=not model) as run:
            request = DailyRequest(day, "daily-deep", "zh", "markdown", out)
            write_day(run, request, outcomes=[], stories=prepared[day], fetch=False)


def resend_baseline(settings: Settings, store: Store) -> ModelUsage:
    """One weekly call that sends every story of the week with its capped excerpt."""
    week = gather_week(settings, store, WEEK, "zh")
    records = [
        {
            "id": t.id,
            "date": t.story.day.isoformat(),
            "title": t.story.lead.title,
            "sources": len({i.source for i in t.items}),
            "text": cap_tokens(story_text(t.story, "zh"), settings.llm.excerpt_tokens),
        }
        for t in week.threads
    ]
    usage = ModelUsage()
    client = ModelClient(settings.llm, usage=usage, store=None)
    messages = prompt_messages(
        prompt_environment(),
        "week.zh.md",
        week=WEEK,
        count=len(records),
        min_axes=4,
        max_axes=6,
        days=data_block([]),
        data=data_block(records),
    )
    client.complete(messages, schema=WeekAnswer, name="week")
    client.close()
    return usage


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items-per-day", type=int, default=300)
    args = parser.parse_args()
    endpoint = ModelServer().start()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        corpus.generate(args.items_per_day * 7, folder, feeds=60, days=7, start=MONDAY)
        http = serve(folder)
        port = http.server_address[1]
        stores = {}
        for name in ("offline", "model"):
            settings = settings_for(
                folder, port, Path(tmp) / f"{name}.db", endpoint if name == "model" else None
            )
            store = Store(settings.path(settings.database))
            started = time.perf_counter()
            with HttpClient(settings.fetch) as client:
                collect(settings, store, client=client, report=run_report(store), now=NOW)
            stores[name] = (settings, store, time.perf_counter() - started)
        http.shutdown()
        items = stores["offline"][1].count_items()

        settings, store, collect_s = stores["offline"]
        cold_s, _ = timed_weekly(settings, store, Path(tmp) / "site", model=False)
        dailies(settings, store, Path(tmp) / "site", model=False)
        warm_s, _ = timed_weekly(settings, store, Path(tmp) / "site", model=False)
        week = gather_week(settings, store, WEEK, "zh")
        threads = len(week.threads)

        settings, store, _ = stores["model"]
        dailies(settings, store, Path(tmp) / "site-model", model=True)
        model_s, report = timed_weekly(settings, store, Path(tmp) / "site-model", model=True)
        assert report.usage is not None
        ours = report.usage
        baseline = resend_baseline(settings, store)
        for _, s, _ in stores.values():
            s.close()
    endpoint.stop()
    print(f"week {WEEK}: {items} items collected, {threads} stories (a continuing one once)")
    print(f"collect the week's 60 feeds over local HTTP:      {collect_s:6.2f} s")
    print(
        f"weekly offline, end to end (days not yet merged): {cold_s:6.2f} s  "
        f"({collect_s / cold_s:.1f}x faster than collecting)"
    )
    print(
        f"weekly offline after the daily runs:              {warm_s:6.2f} s  "
        f"({collect_s / warm_s:.1f}x faster than collecting)"
    )
    print(
        f"weekly with the model: {ours.calls} calls, {ours.prompt_tokens:,} prompt + "
        f"{ours.completion_tokens:,} completion tokens in {model_s:.2f} s (target <= 15,000 prompt)"
    )
    print(
        f"re-sending the week's {threads} stories in one call: {baseline.prompt_tokens:,} prompt tokens "
        f"({baseline.prompt_tokens / ours.prompt_tokens:.1f}x ours)"
    )


if __name__ == "__main__":
    main()
