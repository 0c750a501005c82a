"""Editorial judgement on real news: the labelled development set replayed day by day
through `newsdesk daily --offline`.

    python bench/bench_editorial.py [--split tune|validate|both] [--misses N]

Every corpus item of a split (`../shared/corpora/real-2026-01/`, read with newsdesk's
own feed parser) is stored in a fresh SQLite file; then `newsdesk daily --offline
--no-collect --date D` writes every UTC day of the split, as a user's cron job would.
The labels in tests/data/editorial/ are checked against what the digests showed and
what the store holds (set-aside items, stories, categories, ranks), and the figures are
printed with the time `daily` took per day, and the joins the review desk would offer
(`review.join_hint`) against the labelled repeats. The pinned gates in tests/test_editorial.py
check the same figures without the CLI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.cli import Context, main
from tests import editorial

CONFIG = """\
timezone = "UTC"
language = "{lang}"
database = "editorial.db"

[site]
out = "site"

[fulltext]
enabled = false
"""


def replay(split: str, folder: Path, lang: str) -> tuple[editorial.Scores, list[float], int]:
    from click.testing import CliRunner

    from newsdesk.config import load_settings
    from newsdesk.store import Store

    config_path = folder / "newsdesk.toml"
    sources = "".join(
        f'\n[[sources]]\nname = "{s.name}"\nurl = "{s.url}"\nweight = {s.weight}\n'
        f"curated = {'true' if s.curated else 'false'}\n"
        for s in editorial.corpus_sources()
    )
    config_path.write_text(CONFIG.format(lang=lang) + sources, encoding="utf-8")
    settings = load_settings(config_path)
    days = editorial.fill_store(split, settings)
    runner = CliRunner()
    timings = []
    context = Context(clock=lambda: editorial.NOW)
    for day in days:
        started = time.perf_counter()
        result = runner.invoke(
            main,
            [
                "--config",
                str(config_path),
                "daily",
                "--offline",
                "--no-collect",
                "--date",
                day.isoformat(),
            ],
            obj=context,
            catch_exceptions=False,
        )
        timings.append(time.perf_counter() - started)
        if result.exit_code not in (0, 1):
            raise SystemExit(f"daily {day} failed: {result.stderr}")
    store = Store(settings.path(settings.database))
    try:
        prepared: dict[dt.date, list] = {day: [] for day in days}
        for story in store.stories_between(days[0], days[-1]):
            prepared[story.day].append(story)
        outcome = editorial.outcome(store, prepared, settings.rank.top)
    finally:
        store.close()
    per_day = max(
        len([i for i in editorial.corpus_items(split) if i.published.date() == d]) for d in days
    )
    scores = editorial.score(split, outcome)
    # The review desk's offers to join two shown stories (review.join_hint).
    floor = settings.review.join_hint * settings.dedupe.threshold
    hints = editorial.join_hints(split, outcome, floor, settings.dedupe.window_hours)
    scores.counts.update(hints)
    return scores, timings, per_day


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["tune", "validate", "both"], default="both")
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--misses", type=int, default=0, help="print up to N misses of each kind")
    args = parser.parse_args()
    if not editorial.available():
        raise SystemExit(f"no corpus at {editorial.CORPUS}")
    for split in ["tune", "validate"] if args.split == "both" else [args.split]:
        with tempfile.TemporaryDirectory() as folder:
            scores, timings, busiest = replay(split, Path(folder), args.lang)
        for line in scores.lines():
            print(line)
        print(
            f"{split:9} daily --offline per day        median {statistics.median(timings):.2f} s, "
            f"max {max(timings):.2f} s ({len(timings)} days, busiest {busiest} items)"
        )
        for kind, misses in scores.misses.items():
            for miss in misses[: args.misses]:
                print(f"  {kind}: {miss}")


if __name__ == "__main__":
    main_()
