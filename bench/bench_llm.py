"""Tokens a day's analysis costs: newsdesk against two baselines, in one run.

    python bench/bench_llm.py [--items-per-day 300] [--days 7]

A synthetic week (bench/corpus.py, 300 items a day) is collected and merged into
stories; each day's daily-deep digest (zh) is then analysed through the scripted
OpenAI-compatible endpoint of the tests (tests/model_server.py), which answers every
prompt well-formed and reports usage with newsdesk's token estimator (it has no
tokenizer of its own). In the same run, the same endpoint counts

- per item: one call per item of the day, each with the same system prompt and that
  item's title and capped excerpt (as per-item scoring tools do);
- all titles: one call with every title of the day and the day-synthesis prompt.

Then the week is analysed again: every answer should come from the cache (0 calls).
Targets (issue 4): a day at most 25,000 prompt tokens; at least 5x fewer tokens than
one call per item; a rerun 0 calls.

Then a real day (issue 14, when ../shared/corpora/real-2026-01/ is there): the busiest
UTC day of the real corpus topped up to 400 items with the next day's, restamped onto
one day, run through `daily` (daily-deep, zh) with the model's triage: the triage's
prompt tokens (target <= 12,000), the whole day's (triage, analysis, briefs; target <=
25,000), a rerun (target 0 calls), and the triage prompt sent once per item instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

from newsdesk.analyze import (  # noqa: E402
    cap_tokens,
    data_block,
    prompt_environment,
    prompt_messages,
)
from newsdesk.collect import collect  # noqa: E402
from newsdesk.config import Settings, load_settings  # noqa: E402
from newsdesk.http import HttpClient  # noqa: E402
from newsdesk.llm import ModelClient  # noqa: E402
from newsdesk.models import ModelUsage, RunReport  # noqa: E402
from newsdesk.pipeline import DailyRequest, day_bounds, prepare_days, sample_days, write_day  # noqa: E402
from newsdesk.run import Run  # noqa: E402
from newsdesk.schemas import DayAnswer, StoriesAnswer  # noqa: E402
from newsdesk.store import Store  # noqa: E402
from tests.model_server import ModelServer  # noqa: E402

NOW = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


def week_settings(folder: Path, db: Path, endpoint: ModelServer) -> Settings:
    files = sorted(folder.glob("feed-*.xml"))
    return load_settings(
        None,
        sources=[{"name": p.stem, "url": str(p)} for p in files],
        database=str(db),
        timezone="UTC",
        fulltext={"enabled": False},
        llm={
            "base_url": endpoint.base_url,
            "model": "test-model",
            "response_format": "json_object",
            "concurrency": 4,
            "max_tokens_per_run": 10_000_000,
        },
    )


def analyse_week(
    settings: Settings, store: Store, days: list[dt.date], out: Path
) -> list[ModelUsage]:
    """One run per day, as `newsdesk daily` makes; the usage of each."""
    per_day = []
    prepared = prepare_days(settings, store, days)
    for day in days:
        with Run(settings, "bench", clock=lambda: NOW) as run:
            request = DailyRequest(day, "daily-deep", "zh", "markdown", out)
            write_day(run, request, outcomes=[], stories=prepared[day], fetch=False)
        assert run.report.usage is not None
        per_day.append(run.report.usage)
    return per_day


def baselines(settings: Settings, store: Store, day: dt.date) -> tuple[ModelUsage, ModelUsage, int]:
    """Usage of one call per item and of one call with all titles, for one day."""
    start, end = day_bounds(day, settings)
    items = store.items_between(start, end)
    prompts = prompt_environment()
    per_item, all_titles = ModelUsage(), ModelUsage()
    client = ModelClient(settings.llm, usage=per_item, store=None)
    for item in items:
        facts = {
            "id": item.id,
            "title": item.title,
            "sources": [item.source],
            "date": item.published.date().isoformat(),
            "text": cap_tokens(item.summary, settings.llm.excerpt_tokens),
        }
        messages = prompt_messages(
            prompts, "stories.zh.md", count=1, ids=str(item.id), data=data_block([facts])
        )
        client.complete(messages, schema=StoriesAnswer, name="stories")
    client.close()
    client = ModelClient(settings.llm, usage=all_titles, store=None)
    records = [{"id": item.id, "title": item.title} for item in items]
    messages = prompt_messages(prompts, "day.zh.md", count=len(records), data=data_block(records))
    client.complete(messages, schema=DayAnswer, name="day")
    client.close()
    return per_item, all_titles, len(items)


def real_day(endpoint: ModelServer, size: int = 400) -> dict[str, Any] | None:
    """The real-day measurement (see the module); None without the corpus."""
    from collections import Counter
    from dataclasses import replace

    from newsdesk.llm import estimate_messages
    from newsdesk.models import Story
    from newsdesk.schemas import TriageAnswer
    from newsdesk.triage import facts
    from tests import editorial

    if not editorial.available():
        return None
    items = editorial.corpus_items("validate")
    days = Counter(i.published.date() for i in items)
    busiest = max(days, key=lambda d: (days[d], d))
    chosen = [i for i in items if i.published.date() == busiest]
    following = [i for i in items if i.published.date() == busiest + dt.timedelta(days=1)]
    for item in following[: max(0, size - len(chosen))]:
        moved = dt.datetime.combine(busiest, item.published.timetz())
        chosen.append(replace(item, published=moved))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = editorial.settings(folder)
        config = config.model_copy(
            update={
                "llm": config.llm.model_copy(
                    update={
                        "base_url": endpoint.base_url,
                        "model": "test-model",
                        "response_format": "json_object",
                        "max_tokens_per_run": 10_000_000,
                    }
                ),
                "fulltext": config.fulltext.model_copy(update={"enabled": False}),
            }
        )
        store = Store(config.path(config.database))
        store.sync_sources(
            [(s.name, s.url, s.kind, s.weight) for s in config.sources],
            now=NOW,
            curated={s.name for s in config.sources if s.curated},
        )
        store.add_items(chosen)
        store.close()
        runs = []
        for _ in range(2):  # the day, then its rerun
            endpoint.calls.clear()
            with Run(config, "bench", clock=lambda: NOW) as run:
                request = DailyRequest(busiest, "daily-deep", "zh", "markdown", folder / "site")
                write_day(run, request, outcomes=[], fetch=False)
            tasks = Counter()
            prompts: Counter[str] = Counter()
            for call in endpoint.calls:
                tasks[call.task] += 1
                prompts[call.task] += estimate_messages(call.messages)
            runs.append((tasks, prompts, run.report.usage))
        # The triage prompt once per item: what one call per item would send.
        prompts_env = prompt_environment()
        per_item = 0
        for item in chosen:
            record = facts(Story(id=1, day=busiest, items=[item]), config.triage.excerpt_tokens)
            messages = prompt_messages(
                prompts_env,
                "triage.zh.md",
                count=1,
                ids="1",
                data=data_block([record]),
                pairs="",
                langs=["zh"],
                categories=[{"key": c.key, "name": c.zh} for c in config.categories],
            )
            per_item += estimate_messages(messages)
    (tasks, prompts, usage), (rerun_tasks, _, _) = runs
    assert usage is not None
    return {
        "day": busiest.isoformat(),
        "items": len(chosen),
        "calls": dict(tasks),
        "prompt_by_task": dict(prompts),
        "triage_prompt": prompts["triage"],
        "day_prompt": usage.prompt_tokens,
        "day_completion": usage.completion_tokens,
        "rerun_calls": sum(rerun_tasks.values()),
        "per_item_triage_prompt": per_item,
        "schema": TriageAnswer.__name__,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items-per-day", type=int, default=300)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args()
    endpoint = ModelServer().start()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        # corpus days are 24 h windows from its START; cut to whole UTC days below
        corpus.generate(args.items_per_day * args.days, folder, feeds=60, days=args.days)
        settings = week_settings(folder, Path(tmp) / "bench.db", endpoint)
        store = Store(settings.path(settings.database))
        report = RunReport(id=store.start_run("bench", NOW), command="bench", started=NOW)
        with HttpClient(settings.fetch) as client:
            collect(settings, store, client=client, report=report, now=NOW)
        days = sample_days(store, settings)[: args.days]
        started = time.perf_counter()
        first = analyse_week(settings, store, days, Path(tmp) / "site")
        seconds = time.perf_counter() - started
        rerun = analyse_week(settings, store, days, Path(tmp) / "site")
        rows = []
        for day, usage in zip(days, first, strict=True):
            per_item, all_titles, items = baselines(settings, store, day)
            rows.append(
                {
                    "day": day.isoformat(),
                    "items": items,
                    "calls": usage.calls,
                    "prompt": usage.prompt_tokens,
                    "completion": usage.completion_tokens,
                    "per_item_calls": per_item.calls,
                    "per_item_prompt": per_item.prompt_tokens,
                    "per_item_completion": per_item.completion_tokens,
                    "titles_prompt": all_titles.prompt_tokens,
                    "titles_completion": all_titles.completion_tokens,
                }
            )
        store.close()
    real = real_day(endpoint)
    endpoint.stop()
    report_results(rows, rerun, seconds, args.json)
    if real:
        print(f"\nreal day {real['day']} ({real['items']} items, triage + daily-deep zh):")
        print(f"  calls by task: {real['calls']}")
        print(f"  prompt tokens by task: {real['prompt_by_task']}")
        print(f"  triage: {real['triage_prompt']:,} prompt tokens (target <= 12,000)")
        print(
            f"  whole day: {real['day_prompt']:,} prompt + {real['day_completion']:,} "
            "completion tokens (target <= 25,000 prompt)"
        )
        print(f"  rerun: {real['rerun_calls']} calls (target 0)")
        print(
            f"  the triage prompt once per item: {real['per_item_triage_prompt']:,} prompt "
            f"tokens, {real['per_item_triage_prompt'] / max(1, real['triage_prompt']):.1f}x ours"
        )


def ratio(row: dict[str, Any]) -> float:
    """All tokens of one call per item over all tokens of newsdesk's calls."""
    theirs = row["per_item_prompt"] + row["per_item_completion"]
    return float(theirs / (row["prompt"] + row["completion"]))


def report_results(
    rows: list[dict[str, Any]], rerun: list[ModelUsage], seconds: float, path: Path | None
) -> None:
    header = (
        f"{'day':<11}{'items':>6}{'calls':>6}{'prompt':>9}{'compl.':>8}"
        f"{'per-item prompt':>17}{'compl.':>9}{'ratio':>7}{'titles prompt':>15}{'compl.':>8}"
    )
    print(header)
    total: dict[str, Any] = {k: sum(r[k] for r in rows) for k in rows[0] if k != "day"}
    for r in [*rows, {**total, "day": "week"}]:
        print(
            f"{r['day']:<11}{r['items']:>6}{r['calls']:>6}{r['prompt']:>9,}{r['completion']:>8,}"
            f"{r['per_item_prompt']:>17,}{r['per_item_completion']:>9,}{ratio(r):>6.1f}x"
            f"{r['titles_prompt']:>15,}{r['titles_completion']:>8,}"
        )
    worst = max(r["prompt"] for r in rows)
    rerun_calls = sum(u.calls for u in rerun)
    rerun_hits = sum(u.cache_hits for u in rerun)
    print(f"\nanalysis of the week: {seconds:.1f} s for {total['calls']} calls")
    print(f"largest day: {worst:,} prompt tokens (target <= 25,000)")
    print(f"vs one call per item: {ratio(total):.1f}x fewer tokens (target >= 5x)")
    print(
        f"rerun of the week: {rerun_calls} calls, {rerun_hits} answers from the cache (target 0 calls)"
    )
    if path:
        path.write_text(
            json.dumps(
                {"days": rows, "rerun_calls": rerun_calls, "rerun_hits": rerun_hits}, indent=2
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
