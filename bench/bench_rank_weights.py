"""The rank's weights measured: labelled days prepared once, re-ranked under other weights.

    python bench/bench_rank_weights.py --grid '{"engagement_weight": [1.5, 2.0, 2.5]}'
    python bench/bench_rank_weights.py --grid GRID --split none --days DUMPS/ LABELS.jsonl

Every labelled set is prepared once with the packaged defaults: January (`tune`) and March
(`validate`) of the development set (`--split`, "both" by default), and any days of Hacker
News that bench/bench_hn_days.py replays, each folder of dumps followed by the file of its
day labels (`--days DUMPS/ LABELS.jsonl`, as many pairs as wanted; a label line
`{"day": …, "leads": [[id, …], …], "must": [[id, …], …]}`, other lines are skipped). Then
each combination of the grid's values (keys of `[rank]`, each with a list of values; the
others stay at their defaults) re-ranks the same stories, and one line a combination
prints, for each set, the days whose leads are in the top 3, the days whose pick is a
lead, and the must-show stories shown that day. Merging, relevance and categories do not
depend on these weights, so the stories need not be prepared again: a combination costs a
second or two.

Session 23 chose `engagement_weight = 2.0` so (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.config import RankSettings, Settings, load_settings
from newsdesk.pipeline import day_bounds, prepare_days
from newsdesk.rank import rank
from newsdesk.store import Store
from tests import editorial, hn_days

Figures = tuple[float, float, float]


class DevSet:
    """A split of the development set, prepared; scored by the editorial gates' code."""

    def __init__(self, split: str, folder: Path) -> None:
        self.split = split
        self.config = editorial.settings(folder)
        days = editorial.fill_store(split, self.config)
        self.store = Store(self.config.path(self.config.database))
        self.prepared = prepare_days(self.config, self.store, days)

    def figures(self, settings: RankSettings) -> Figures:
        weights = {s.name: s.weight for s in self.config.sources}
        curated = {s.name for s in self.config.sources if s.curated}
        ranked = {
            day: rank(
                stories,
                weights=weights,
                settings=settings,
                day_end=day_bounds(day, self.config)[1],
                curated=curated,
            )
            for day, stories in self.prepared.items()
        }
        found = editorial.score(self.split, editorial.outcome(self.store, ranked, settings.top))
        f = found.figures
        return f["leads in top 3 (days)"], f["pick is a lead (days)"], f["must-show shown"]


class HackerNewsDays:
    """Days of Hacker News dumps, replayed as bench_hn_days.py does, with their leads."""

    def __init__(self, dumps: Path, labels: Path) -> None:
        self.run = hn_days.replay(dumps)
        self.config: Settings = load_settings(None, timezone="UTC")
        self.leads = hn_days.read_labels([labels]).leads

    def figures(self, settings: RankSettings) -> Figures:
        ranked = {
            day: rank(
                self.run.days.get(day, []),
                weights={},
                settings=settings,
                day_end=day_bounds(day, self.config)[1],
            )
            for day in self.leads
        }
        found = hn_days.Figures()
        again = hn_days.Replay(ranked, {}, self.run.by_link, settings.top)
        hn_days.judge_leads(again, self.leads, found)
        return found.top3, found.pick, found.must


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grid", required=True, help='JSON: {"rank key": [values, ...], ...}')
    parser.add_argument("--split", choices=["tune", "validate", "both", "none"], default="both")
    parser.add_argument("--days", nargs=2, action="append", default=[], metavar=("DUMPS", "LABELS"))
    args = parser.parse_args()
    grid: dict[str, list[Any]] = json.loads(args.grid)
    base = load_settings(None).rank
    unknown = sorted(set(grid) - set(type(base).model_fields))
    if unknown:
        parser.error(f"not keys of [rank]: {', '.join(unknown)}")
    sets: dict[str, DevSet | HackerNewsDays] = {}
    with tempfile.TemporaryDirectory() as name:
        splits = ["tune", "validate"] if args.split == "both" else [args.split]
        for split in splits if args.split != "none" else []:
            (Path(name) / split).mkdir()
            sets[split] = DevSet(split, Path(name) / split)
        for dumps, labels in args.days:
            # tests/data/hn-weeks/<week>/days: the week names the set
            folder = Path(dumps).resolve()
            key = folder.parent.name if folder.name == "days" else folder.name
            sets[key] = HackerNewsDays(Path(dumps), Path(labels))
        print("weights | " + " | ".join(f"{n}: top 3, pick, must-show" for n in sets))
        try:
            for values in itertools.product(*grid.values()):
                chosen = dict(zip(grid, values, strict=True))
                settings = base.model_copy(update=chosen)
                cells = (
                    ", ".join(f"{v:.3f}" for v in found.figures(settings))
                    for found in sets.values()
                )
                print(json.dumps(chosen) + " | " + " | ".join(cells), flush=True)
        finally:
            for found in sets.values():
                if isinstance(found, DevSet):
                    found.store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
