"""Collect: read every enabled source, normalise its entries into items, store them.

Reading waits on the network, so sources are fetched by a pool of threads. Parsing
and indexing use the CPU, so once a run has fetched more than a few megabytes they
move to worker processes, one per CPU (`fetch.parse_workers`); small runs never pay
for starting them. Each source's items are stored as soon as they are ready.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import multiprocessing
import os
import queue
import select
import signal
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from newsdesk.config import Settings, SourceSettings
from newsdesk.errors import ConfigError, Interrupted
from newsdesk.health import HISTORY, assess, skip_dead
from newsdesk.http import HttpClient, Response, Validators
from newsdesk.models import Item, OutcomeStatus, RunReport, SourceOutcome
from newsdesk.normalize import (
    canonical_url,
    clean_text,
    clean_title,
    content_hash,
    detect_language,
)
from newsdesk.relevance import feed_discussion
from newsdesk.run import pid_alive
from newsdesk.sources import Entry, FetchContext, SourceError, SourceKind, registry
from newsdesk.store import Store
from newsdesk.terms import item_terms, terms_version

if TYPE_CHECKING:
    from newsdesk.run import Run

logger = logging.getLogger(__name__)
EARLIEST = dt.datetime(1995, 1, 1, tzinfo=dt.UTC)
MAX_TITLE = 300
MAX_SUMMARY = 2000
# Bytes fetched in one run after which parsing moves to worker processes; a run of
# this many sources or more starts them at once.
PARALLEL_AFTER_BYTES = 4_000_000
PARALLEL_AFTER_SOURCES = 64
# How far back the links a source already gave are remembered, for the kinds that
# fetch each entry and skip those already stored (`remembers_links`, like `page`).
SEEN_DAYS = dt.timedelta(days=30)
Progress = Callable[[SourceOutcome], None]
# What a parse worker is given: the kind, what was fetched, the source, the run's time.
Job = tuple[SourceKind, Response, SourceSettings, dt.datetime]


@dataclass(slots=True)
class Parsed:
    """One source's entries, normalised into items (what a parse worker sends back)."""

    items: list[Item]
    skipped: int
    bytes: int
    notes: list[str] = field(default_factory=list)


def run_collect(
    run: Run, *, progress: Progress | None = None, retry_dead: bool = False
) -> list[SourceOutcome]:
    """Read every enabled source through the run's client; items are stored as they come.

    The CLI imports this module, not pipeline.py, to collect: collecting needs none of
    the later stages' libraries."""
    settings = run.settings
    if not any(s.enabled for s in settings.sources):
        raise ConfigError("no enabled [[sources]] in the configuration; add at least one feed")
    return collect(
        settings,
        run.store,
        client=run.client,
        report=run.report,
        now=run.now(),
        progress=progress,
        retry_dead=retry_dead,
    )


def collect(
    settings: Settings,
    store: Store,
    *,
    client: HttpClient,
    report: RunReport,
    now: dt.datetime,
    progress: Progress | None = None,
    retry_dead: bool = False,
) -> list[SourceOutcome]:
    """Read all enabled sources concurrently; each source's items are stored as it finishes.

    At most `fetch.per_host` sources of one host are fetched at once, so a slow or
    rate-limiting site holds back only its own sources, never the fetch threads of others.
    A dead source (health.py) is skipped and reported, unless `retry_dead` or its periodic
    retry is due.
    """
    enabled = [s for s in settings.sources if s.enabled]
    store.sync_sources(
        [(s.name, s.url, s.kind, s.weight) for s in settings.sources],
        now=now,
        curated={s.name for s in settings.sources if s.curated},
    )
    store.check_terms(terms_version())
    outcomes: list[SourceOutcome] = []
    newest = store.newest_items()
    sources = []
    for source in enabled:
        history = store.source_history(source.name, HISTORY)
        health = assess(settings, source, history, newest.get(source.name), now)
        paused = None if retry_dead else skip_dead(health, settings, now)
        if paused is None:
            sources.append(source)
            continue
        outcomes.append(paused)
        report.warn(f"source {source.name} is paused: {paused.reason}")
        if progress:
            progress(paused)
    known = store.validators()
    remembering = [s.name for s in sources if registry[s.kind].remembers_links]
    seen = store.seen_links(remembering, now - SEEN_DAYS)
    queues = _by_host(sources)
    kinds = [registry[kind] for kind in {s.kind for s in sources}]
    parsers = Parsers(settings.fetch.parse_workers, len(sources), kinds=kinds)
    if sum(s.name not in known for s in sources) >= PARALLEL_AFTER_SOURCES:
        parsers.start()  # sources never read cannot answer 304: the workers will be needed
    workers = min(settings.fetch.concurrency, max(1, len(sources)))
    fetchers = ThreadPoolExecutor(max_workers=workers)
    finished_cleanly = False
    try:
        outcomes += _gather(
            sources, queues, fetchers, parsers, client, settings, store, known, seen, now,
            progress, report,
        )  # fmt: skip
        finished_cleanly = True
    finally:
        # Interrupted (Ctrl-C, SIGTERM): stop at once, never wait for slow sources.
        fetchers.shutdown(wait=finished_cleanly, cancel_futures=True)
        parsers.close(wait=finished_cleanly)
        order = {s.name: i for i, s in enumerate(enabled)}
        outcomes.sort(key=lambda o: order[o.source])
        report.outcomes.extend(outcomes)
        store.record_outcomes(report.id, outcomes)
    return outcomes


def _gather(
    sources: list[SourceSettings],
    queues: dict[str, list[SourceSettings]],
    fetchers: ThreadPoolExecutor,
    parsers: Parsers,
    client: HttpClient,
    settings: Settings,
    store: Store,
    known: dict[str, tuple[str | None, str | None]],
    seen: dict[str, frozenset[str]],
    now: dt.datetime,
    progress: Progress | None,
    report: RunReport,
) -> list[SourceOutcome]:
    """Fetch and parse every source; store each one's items as they come (those that come
    together, in one transaction)."""
    outcomes: list[SourceOutcome] = []
    pending: dict[Future[Any], tuple[SourceSettings, float, Response | None]] = {}
    # Finished futures arrive here in order of completion: O(1) per source, where
    # waiting on all pending futures again after each one would cost O(pending).
    finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
    fetching = dict.fromkeys(queues, 0)

    def track(
        future: Future[Any], source: SourceSettings, started: float, fetched: Response | None
    ) -> None:
        pending[future] = (source, started, fetched)
        future.add_done_callback(finished.put)

    def start_fetches(host: str) -> None:
        waiting = queues[host]
        while waiting and fetching[host] < settings.fetch.per_host:
            source = waiting.pop(0)
            cached = Validators(*known[source.name]) if source.name in known else None
            links = seen.get(source.name, frozenset())
            future = fetchers.submit(_fetch, source, client, settings, now, cached, links)
            track(future, source, time.monotonic(), None)
            fetching[host] += 1

    for host in queues:
        start_fetches(host)
    while pending:
        done: list[tuple[SourceSettings, float, Response | None, Any]] = []
        for future in _take(finished):
            source, started, fetched = pending.pop(future)
            if fetched is None:
                fetching[_host(source)] -= 1
                start_fetches(_host(source))
            result = _result(future, source)
            if fetched is not None and isinstance(result, BrokenProcessPool):
                parsers.stop()
                again = parsers.submit(registry[source.kind], fetched, source, now)
                result = _result(again, source)
            if isinstance(result, Response) and not result.not_modified:
                parsing = parsers.submit(registry[source.kind], result, source, now)
                track(parsing, source, started, result)
            else:
                done.append((source, started, fetched, result))
        for outcome in _finish(done, store, report):
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return outcomes


def _take(finished: queue.SimpleQueue[Future[Any]]) -> list[Future[Any]]:
    """The futures that finished since the last call: waits for one (checking now and then
    for an interruption), then takes all the others that are there."""
    while True:
        try:
            ready = [finished.get(timeout=0.2)]
            break
        except queue.Empty:
            Interrupted.check()
    while True:
        try:
            ready.append(finished.get_nowait())
        except queue.Empty:
            return ready


def _finish(
    done: list[tuple[SourceSettings, float, Response | None, Any]], store: Store, report: RunReport
) -> list[SourceOutcome]:
    """The outcomes of the sources that finished together, whose items (and validators)
    are stored in one transaction: one commit for all of them rather than two for each."""
    if not done:
        return []
    with store.batch():
        outcomes = [_outcome(result, source, store, fetched) for source, _, fetched, result in done]
        # Counted before the commit: a signal that comes while SQLite commits is raised
        # only after, when the items are stored.
        report.stored += sum(outcome.new_items for outcome in outcomes)
    for outcome, (_, started, _, _) in zip(outcomes, done, strict=True):
        outcome.elapsed_ms = int((time.monotonic() - started) * 1000)
    return outcomes


def _host(source: SourceSettings) -> str:
    return (urlsplit(source.url).hostname or "").lower()


def _by_host(sources: list[SourceSettings]) -> dict[str, list[SourceSettings]]:
    queues: dict[str, list[SourceSettings]] = {}
    for source in sources:
        queues.setdefault(_host(source), []).append(source)
    return queues


def _fetch(
    source: SourceSettings,
    client: HttpClient,
    settings: Settings,
    now: dt.datetime,
    validators: Validators | None,
    seen: frozenset[str],
) -> Response:
    context = FetchContext(client, settings, now, validators, seen)
    return registry[source.kind].fetch(source, context)


def _outcome(
    result: Response | Parsed | SourceOutcome | BrokenProcessPool,
    source: SourceSettings,
    store: Store,
    fetched: Response | None,
) -> SourceOutcome:
    """The outcome of a finished source: stored items, a 304, or the failure."""
    if isinstance(result, SourceOutcome):
        return result
    if isinstance(result, BrokenProcessPool):  # only if parsing here failed alike
        return SourceOutcome(source.name, "error", "the parser processes failed", fault="crash")
    if isinstance(result, Response):  # 304: nothing changed since the last run
        outcome, fetched = SourceOutcome(source.name, "not_modified"), result
    else:
        outcome = _store(result, source, store)
    if fetched is not None:
        outcome.retries, outcome.waited_ms = fetched.retries, int(fetched.waited * 1000)
        outcome.fault = fetched.fault
        outcome.reason = "; ".join(filter(None, [*fetched.notes, outcome.reason]))
        etag, modified = fetched.headers.get("etag"), fetched.headers.get("last-modified")
        web = fetched.url.startswith(("http://", "https://"))
        if web and not fetched.not_modified and (etag or modified):
            store.set_validators(source.name, etag, modified)
    return outcome


def _result(
    future: Future[Any], source: SourceSettings
) -> Response | Parsed | SourceOutcome | BrokenProcessPool:
    """What a fetch or parse step gave, the failed outcome it ended in, or a broken pool."""
    try:
        value: Response | Parsed = future.result()
        return value
    except SourceError as exc:
        logger.info("source %s failed: %s", source.name, exc.reason)  # the report says it
        return SourceOutcome(
            source.name,
            "error",
            exc.reason,
            fault=exc.fault,
            retries=exc.retries,
            waited_ms=int(exc.waited * 1000),
        )
    except BrokenProcessPool as exc:
        return exc
    except Exception as exc:  # a bug in one source kind must not stop the others
        logger.exception("source %s crashed", source.name)
        return SourceOutcome(
            source.name, "error", f"internal error: {type(exc).__name__}: {exc}", fault="crash"
        )


class Parsers:
    """Runs `parse_source` in this process until the run has fetched PARALLEL_AFTER_BYTES,
    then in worker processes. A run of PARALLEL_AFTER_SOURCES sources or more uses the
    workers from its first changed source on, and one with that many sources never read
    before (none of which can answer 304) starts them before its first fetch; a run in
    which every source answers 304 never starts them.

    The workers start in the background: the collecting thread goes on fetching while the
    fork server imports the parsers (this module and the run's kinds that ship with
    newsdesk) once for all workers, and what it hands over meanwhile waits in a backlog.

    When the processes cannot start or die (a script that starts a run without an
    `if __name__ == "__main__":` guard, a worker killed by the system), the rest of the
    run, and the sources whose parsing was lost, are parsed here instead.
    """

    def __init__(
        self, workers: int | None, sources: int = 0, *, kinds: Iterable[SourceKind] = ()
    ) -> None:
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.fetched = 0
        self.pool: ProcessPoolExecutor | None = None
        self.early = sources >= PARALLEL_AFTER_SOURCES
        modules = {type(kind).__module__ for kind in kinds}
        self.preload = [__name__, *sorted(m for m in modules if m.startswith("newsdesk."))]
        self._lock = threading.Lock()
        self._backlog: list[tuple[Future[Parsed], Job]] | None = None  # a list while starting
        self._starter: threading.Thread | None = None

    def __enter__(self) -> Parsers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(wait=kind is None)

    def start(self) -> None:
        """Start the workers in the background, unless they were started before."""
        with self._lock:
            if self._starter is not None or not self.workers:
                return
            self._backlog = []
            self._starter = threading.Thread(target=self._start, name="newsdesk-parsers")
            self._starter.daemon = True
            self._starter.start()

    def _start(self) -> None:
        """The starter thread: start the pool, hand it the backlog until that stays empty."""
        pool = self._new_pool()
        while True:
            with self._lock:
                jobs, self._backlog = self._backlog or [], []
                if not jobs:
                    self._backlog = None
                    if pool is None or not self.workers:  # failed, or stopped meanwhile
                        self.workers, unused = 0, pool
                    else:
                        self.pool, unused = pool, None
                    break
            for future, job in jobs:
                _relay(pool, future, job)
        if unused is not None:
            unused.shutdown(wait=False)

    def _new_pool(self) -> ProcessPoolExecutor | None:
        try:
            # The fork server imports the parsers once; each worker forked from it shares them.
            pool = process_pool(self.workers, preload=self.preload)
            for _ in range(self.workers):  # each submission starts a process until all run
                pool.submit(_ready)
        except (OSError, ValueError, RuntimeError) as exc:  # BrokenProcessPool among them
            logger.warning("cannot start parser processes (%s); parsing here", exc)
            return None
        return pool

    def close(self, *, wait: bool = True) -> None:
        """Shut the workers down: after their work, or (interrupted) at once."""
        if wait and self._starter is not None:
            self._starter.join()  # it hands the backlog over before the pool can stop
        with self._lock:
            pool, self.pool, self.workers = self.pool, None, 0
        if pool is None:
            return
        if not wait:
            # The pool keeps its processes in a private mapping; ending them here means an
            # interrupted run leaves nothing behind even before the watchdogs notice.
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=wait, cancel_futures=True)

    def stop(self) -> None:
        """Parse in this process from now on."""
        with self._lock:
            pool, self.pool, self.workers = self.pool, None, 0
        if pool is not None:
            logger.warning("parser processes stopped; parsing the rest of the run here")
            pool.shutdown(wait=False, cancel_futures=True)

    def submit(
        self, kind: SourceKind, response: Response, source: SourceSettings, now: dt.datetime
    ) -> Future[Parsed]:
        self.fetched += response.size
        if self.early or self.fetched > PARALLEL_AFTER_BYTES:
            self.start()
        job: Job = (kind, response, source, now)
        with self._lock:
            if self._backlog is not None:  # the workers are starting
                future: Future[Parsed] = Future()
                self._backlog.append((future, job))
                return future
            pool = self.pool
        if pool is not None:
            try:
                return pool.submit(parse_source, *job)
            except (BrokenProcessPool, RuntimeError):
                self.stop()
        future = Future()
        _parse_into(future, job)
        return future


def _ready() -> None:
    """The first job of each parse worker: starting the process is all it is for."""


def _relay(pool: ProcessPoolExecutor | None, future: Future[Parsed], job: Job) -> None:
    """Hand a job that waited for the workers to them; parse it here if they did not start."""
    if pool is None:
        _parse_into(future, job)
        return
    try:
        parsing = pool.submit(parse_source, *job)
    except (BrokenProcessPool, RuntimeError) as exc:  # collect parses it here instead
        future.set_exception(BrokenProcessPool(str(exc)))
        return
    parsing.add_done_callback(functools.partial(_copy, future))


def _copy(target: Future[Parsed], done: Future[Parsed]) -> None:
    if done.cancelled():
        target.cancel()
    elif (error := done.exception()) is not None:
        target.set_exception(error)
    else:
        target.set_result(done.result())


def _parse_into(future: Future[Parsed], job: Job) -> None:
    try:
        future.set_result(parse_source(*job))
    except Exception as exc:
        future.set_exception(exc)


def process_pool(workers: int, *, preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """A pool of worker processes forked from a server that has imported `preload` once
    (spawned where there is no fork server); each worker ends with this process."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if preload and context.get_start_method() == "forkserver":
        context.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
    )


def _worker_start(parent: int) -> None:
    """In each worker process: leave Ctrl-C to the parent (which stops the workers itself),
    and exit as soon as the parent is gone, however it died (kill -9, the OOM killer)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=_exit_with, args=(parent,), name="newsdesk-parent-watch", daemon=True
    ).start()


def _exit_with(parent: int) -> None:
    """Block until process `parent` ends, then end this process."""
    try:
        handle = os.pidfd_open(parent)  # Linux ≥ 5.3: readable once the process has ended
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
    else:
        while pid_alive(parent):
            time.sleep(1.0)
    os._exit(0)


def parse_source(
    kind: SourceKind, response: Response, source: SourceSettings, now: dt.datetime
) -> Parsed:
    """Parse what was fetched and normalise every entry into an item, tokens included."""
    result = kind.parse(response, source)
    items = [item for entry in result.entries if (item := to_item(entry, source, now=now))]
    skipped = result.skipped + len(result.entries) - len(items)
    return Parsed(items, skipped, result.bytes, list(result.notes))


def _store(parsed: Parsed, source: SourceSettings, store: Store) -> SourceOutcome:
    new = store.add_items(parsed.items)
    status: OutcomeStatus = "ok" if parsed.items else "empty"
    notes = parsed.notes
    if parsed.skipped and not any("skipped" in n for n in notes):
        notes.append(f"{parsed.skipped} entries without a usable link or text were skipped")
    return SourceOutcome(
        source.name,
        status,
        "; ".join(notes),
        len(parsed.items),
        new,
        parsed.bytes,
        skipped_entries=parsed.skipped,
    )


def to_item(entry: Entry, source: SourceSettings, *, now: dt.datetime) -> Item | None:
    """An Item from a raw entry: plain text, a sane date, a language; None when nothing is left."""
    title = clean_title(clean_text(entry.title, markup=entry.markup))[:MAX_TITLE]
    text = clean_text(entry.summary)
    summary = text[:MAX_SUMMARY]
    if not title:
        title = summary[:80]
    if not title:
        return None
    published = entry.published
    dated = published is not None and EARLIEST <= published <= now + dt.timedelta(days=1)
    lang = source.lang or detect_language(f"{title} {summary[:200]}", entry.lang)
    # Where the source's readers discuss it: what the source said, else the Hacker News
    # item page its feed's text ends with (read before the text is cut).
    page = canonical_url(entry.discussion or feed_discussion(text)) or ""
    return Item(
        url=entry.link,
        title=title,
        summary=summary,
        published=published if dated and published else now,
        first_seen=now,
        source=source.name,
        lang=lang,
        content_hash=content_hash(title, summary),
        dated=dated,
        terms=item_terms(title, summary),
        discussion=page if page != entry.link else "",
    )
