"""The relevance stage of a long run, judged a day ahead in a second process.

Preparing many days at once (a backfill, a month's rerun, the 100k-item benchmark)
spends about a third of its time judging relevance, which needs nothing of the days
before: only the day's stored items and which sources are curated. A run over
`AHEAD_ITEMS` stored items or more therefore has one worker process read and judge
each day from the same SQLite file (WAL mode lets it read while this process writes
stories) while this process merges, classifies and ranks the days before. The verdicts
come back by item id and are exactly those `relevance.sift` gives here.

A short run (a day, a week) never starts the process; `fetch.parse_workers = 0` turns
it off like the parse workers. When the process cannot start or dies, the days it has
not judged are judged here, and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from newsdesk.models import Item
from newsdesk.relevance import NAME_DAYS, Verdict, learned_names, name_evidence, sift
from newsdesk.store import Store

logger = logging.getLogger(__name__)
# Stored items in a run's days from which relevance is judged in a second process.
AHEAD_ITEMS = 20_000
# What the worker sends back for a day: how many items it read, and (item id, reason,
# detail) of each item it set aside.
Judged = tuple[int, list[tuple[int, str, str]]]
Bounds = tuple[dt.datetime, dt.datetime]


class Sifter:
    """`sift(day, items)`: the day's items kept, and those set aside with their verdicts."""

    def __init__(
        self,
        store: Store,
        days: Sequence[tuple[dt.date, Bounds]],
        curated: Collection[str],
        *,
        workers: int | None = None,
        after: int | None = None,
    ) -> None:
        self.curated = frozenset(curated)
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[dt.date, Future[Judged]] = {}
        if workers == 0 or len(days) < 2:
            return
        first, last = days[0][1][0], days[-1][1][1]
        if store.count_between(first, last) < (AHEAD_ITEMS if after is None else after):
            return
        self.pool = _start_pool()
        if self.pool is None:
            return
        try:
            for day, (start, end) in days:
                self.futures[day] = self.pool.submit(
                    _judge_stored, str(store.path.resolve()), start, end, self.curated
                )
        except RuntimeError as exc:  # the pool broke while being handed the days
            logger.warning("relevance worker stopped (%s); judging here", exc)
            self.close()

    def __enter__(self) -> Sifter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sift(
        self, day: dt.date, items: Sequence[Item], names: Callable[[], Collection[str]] = tuple
    ) -> tuple[list[Item], list[tuple[Item, Verdict]]]:
        """The day's verdicts: the worker's, or judged here with `names()` (the week's new
        model names, asked only then)."""
        future = self.futures.pop(day, None)
        judged = _result(future) if future is not None else None
        if judged is None or judged[0] != len(items):  # failed, or read other items
            return sift(items, self.curated, names())
        verdicts = {item_id: Verdict(reason, detail) for item_id, reason, detail in judged[1]}
        kept = [item for item in items if item.id not in verdicts]
        aside = [(item, verdicts[item.id]) for item in items if item.id in verdicts]
        return kept, aside

    def close(self) -> None:
        pool, self.pool = self.pool, None
        self.futures.clear()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _start_pool() -> ProcessPoolExecutor | None:
    from newsdesk.collect import process_pool

    try:
        return process_pool(1)
    except (OSError, ValueError, RuntimeError) as exc:
        logger.warning("cannot start the relevance worker (%s); judging here", exc)
        return None


def _result(future: Future[Judged]) -> Judged | None:
    """The worker's verdicts for a day; None (judge here) when it failed."""
    try:
        return future.result()
    except Exception as exc:  # a broken pool, a worker killed, a store it could not read
        logger.warning("relevance worker failed (%s: %s); judging here", type(exc).__name__, exc)
        return None


def _judge_stored(
    database: str, start: dt.datetime, end: dt.datetime, curated: frozenset[str]
) -> Judged:
    """In the worker: the verdicts of the items stored between `start` and `end`."""
    store = _store(database)
    items = store.items_between(start, end)
    _, aside = sift(items, curated, week_names(store, end))
    return len(items), [(item.id, v.reason, v.detail) for item, v in aside if item.id is not None]


def week_names(store: Store, end: dt.datetime) -> frozenset[str]:
    """The new model names (`relevance.learned_names`) that the titles of the `NAME_DAYS`
    days before `end`, and of the day it closes, give. Each 24 hours' evidence is read
    once per process and store, and again only when the store holds other items then."""
    evidence = []
    for back in range(NAME_DAYS + 1):
        high = end - dt.timedelta(days=back)
        low = high - dt.timedelta(days=1)
        key = (str(store.path), low, high, store.count_between(low, high))
        found = _evidence.get(key)
        if found is None:
            if len(_evidence) >= _EVIDENCE_DAYS:
                _evidence.clear()
            found = _evidence[key] = name_evidence(store.links_between(low, high))
        evidence.append(found)
    return learned_names(evidence)


# Each day's names (`week_names`), by store, bounds and the number of items then.
_evidence: dict[tuple[str, dt.datetime, dt.datetime, int], dict[str, int]] = {}
_EVIDENCE_DAYS = 1024


_open: dict[str, Store] = {}


def _store(database: str) -> Store:
    """The worker's one connection to the run's database, opened on its first day."""
    if database not in _open:
        _open[database] = Store(Path(database))
    return _open[database]
