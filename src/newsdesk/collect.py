"""Collect: read every enabled source, normalise its entries into items, store them."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

from newsdesk.config import Settings, SourceSettings
from newsdesk.http import HttpClient
from newsdesk.models import Item, OutcomeStatus, RunReport, SourceOutcome
from newsdesk.normalize import clean_text, content_hash, detect_language
from newsdesk.sources import Entry, SourceError, SourceResult, registry
from newsdesk.store import Store

logger = logging.getLogger(__name__)
EARLIEST = dt.datetime(1995, 1, 1, tzinfo=dt.UTC)
MAX_TITLE = 300
MAX_SUMMARY = 2000
Progress = Callable[[SourceOutcome], None]


def collect(
    settings: Settings,
    store: Store,
    *,
    client: HttpClient,
    report: RunReport,
    now: dt.datetime,
    progress: Progress | None = None,
) -> list[SourceOutcome]:
    """Read all enabled sources concurrently; each source's items are stored as it finishes."""
    sources = [s for s in settings.sources if s.enabled]
    store.sync_sources((s.name, s.url, s.kind, s.weight) for s in settings.sources)
    outcomes: list[SourceOutcome] = []
    with ThreadPoolExecutor(
        max_workers=min(settings.fetch.concurrency, max(1, len(sources)))
    ) as pool:
        futures: dict[Future[SourceResult], tuple[SourceSettings, float]] = {
            pool.submit(_read, source, client, settings): (source, time.monotonic())
            for source in sources
        }
        for future in as_completed(futures):
            source, started = futures[future]
            outcome = _store_result(future, source, store, now=now)
            outcome.elapsed_ms = int((time.monotonic() - started) * 1000)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    order = {s.name: i for i, s in enumerate(sources)}
    outcomes.sort(key=lambda o: order[o.source])
    report.outcomes.extend(outcomes)
    store.record_outcomes(report.id, outcomes)
    return outcomes


def _read(source: SourceSettings, client: HttpClient, settings: Settings) -> SourceResult:
    return registry[source.kind].collect(source, client=client, settings=settings)


def _store_result(
    future: Future[SourceResult], source: SourceSettings, store: Store, *, now: dt.datetime
) -> SourceOutcome:
    try:
        result = future.result()
    except SourceError as exc:
        logger.warning("source %s failed: %s", source.name, exc.reason)
        return SourceOutcome(source.name, "error", exc.reason)
    except Exception as exc:  # a bug in one source kind must not stop the others
        logger.exception("source %s crashed", source.name)
        return SourceOutcome(source.name, "error", f"internal error: {type(exc).__name__}: {exc}")
    items = [item for entry in result.entries if (item := to_item(entry, source, now=now))]
    skipped = result.skipped + len(result.entries) - len(items)
    new = store.add_items(items)
    status: OutcomeStatus = "ok" if items else "empty"
    notes = list(result.notes)
    if skipped and not any("skipped" in n for n in notes):
        notes.append(f"{skipped} entries without a usable link or text were skipped")
    return SourceOutcome(
        source.name,
        status,
        "; ".join(notes),
        len(items),
        new,
        result.bytes,
        skipped_entries=skipped,
    )


def to_item(entry: Entry, source: SourceSettings, *, now: dt.datetime) -> Item | None:
    """An Item from a raw entry: plain text, a sane date, a language; None when nothing is left."""
    title = clean_text(entry.title, markup=entry.markup)[:MAX_TITLE]
    summary = clean_text(entry.summary)[:MAX_SUMMARY]
    if not title:
        title = summary[:80]
    if not title:
        return None
    published = entry.published
    dated = published is not None and EARLIEST <= published <= now + dt.timedelta(days=1)
    lang = source.lang or detect_language(f"{title} {summary[:200]}", entry.lang)
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
    )
