"""SQLite: the only module that writes SQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsdesk.edits import APART, JOINED, Edit, StoryChanges
from newsdesk.errors import StoreBusy, StoreError, StoreFull
from newsdesk.migrations import migrate
from newsdesk.models import (
    Continuation,
    DayNote,
    Evidence,
    Item,
    ModelUsage,
    Point,
    RunReport,
    Signal,
    SourceOutcome,
    Story,
    StoryAnalysis,
)
from newsdesk.publish.post import Draft, Pending, StoredPost
from newsdesk.relevance import feed_engagement

logger = logging.getLogger(__name__)
UTC = dt.UTC

_ITEM_COLUMNS = (
    "i.id, i.url, i.title, i.summary, i.published, i.first_seen, i.dated, i.source, i.lang, "
    "i.content_hash, i.terms, "
    "(SELECT json_group_array(json_array(g.source, g.points, g.comments, g.discussion)) "
    "FROM item_sightings g WHERE g.item_id = i.id), i.discussion"
)


# Delivery ledger statuses whose parts that went through are kept: sending resumes after
# them, and attempts add up.
UNFINISHED = ("failed", "dropped")


# Links looked up at once when a batch's sources may take stored items over (well under
# SQLite's limit on bound values).
_TAKE_OVER_CHUNK = 400


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def to_db_time(value: dt.datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


class Store:
    """One SQLite file in WAL mode, schema kept by ordered migrations.

    Every write is one transaction. A write that waits on another process longer than
    BUSY_TIMEOUT_MS raises StoreBusy, naming the run that holds the database; a full
    disk raises StoreError. Either way what was committed before stays stored.
    """

    BUSY_TIMEOUT_MS = 5000

    def __init__(self, path: Path) -> None:
        self.path = path
        self._batched = False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(
                path,
                isolation_level=None,
                check_same_thread=False,
                timeout=self.BUSY_TIMEOUT_MS / 1000,
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"database {path}: cannot be opened ({_why(exc)}); check `database` in "
                "newsdesk.toml and that its folder is writable"
            ) from None
        try:
            with self._translated():
                self._prepare()
        except StoreError:
            self.db.close()
            raise
        except (sqlite3.Error, RuntimeError) as exc:
            self.db.close()
            raise StoreError(
                f"database {path}: cannot be opened ({_why(exc)}); check `database` in "
                "newsdesk.toml"
            ) from None

    def _prepare(self) -> None:
        """WAL mode and the schema. SQLite answers "locked" at once, without waiting, to
        some of these steps on a database that another process is creating at the same
        moment (switching to WAL, a first read of a new WAL): such steps are tried
        again until the busy timeout has passed."""
        deadline = time.monotonic() + self.BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self.db.execute(f"PRAGMA busy_timeout = {self.BUSY_TIMEOUT_MS}")
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA foreign_keys = ON")
                self.db.execute("PRAGMA synchronous = NORMAL")
                migrate(self.db)
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for all the writes inside: each write's own joins it, so many
        small writes (the items of each source as collect stores them) commit once."""
        if self._batched:
            yield
            return
        with self.transaction():
            self._batched = True
            try:
                yield
            finally:
                self._batched = False

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if self._batched:  # inside batch(): its transaction is this one
            yield self.db
            return
        with self._translated():
            try:  # BEGIN inside: an interruption right after it still rolls back
                self.db.execute("BEGIN IMMEDIATE")
                yield self.db
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """SQLite's "locked" and "full" as errors that say what to do."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if _busy(exc):
                raise StoreBusy(
                    f"database {self.path} is locked by another process{self._holder()}; "
                    f"waited {self.BUSY_TIMEOUT_MS / 1000:.0f} s. Wait for it to finish (or "
                    "stop it) and run again"
                ) from None
            if "full" in text:
                raise StoreFull(
                    f"database {self.path}: the disk is full; free some space and run again "
                    "(everything stored before this point is kept)"
                ) from None
            raise

    def _holder(self) -> str:
        """The run that most likely holds the database, as a phrase (or "")."""
        try:
            row = self.db.execute(
                "SELECT id, command, pid, started FROM runs WHERE status = 'running' "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
        except sqlite3.Error:
            return ""
        if row is None:
            return ""
        pid = f", pid {row[2]}" if row[2] else ""
        return f" (probably `newsdesk {row[1]}`, run {row[0]}{pid}, started {row[3]})"

    # sources -------------------------------------------------------------

    def sync_sources(
        self,
        sources: Iterable[tuple[str, str, str, float]],
        *,
        now: dt.datetime,
        curated: Collection[str] = (),
    ) -> None:
        """Store the configured sources (name, url, kind, weight; those named in `curated`
        are marked so). A source whose URL changed starts afresh at `now`: its earlier
        outcomes no longer count towards its health (`source_history`), and the old
        address's validators are dropped."""
        changed = to_db_time(now)
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO sources (name, url, kind, weight, curated) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, "
                "weight = excluded.weight, curated = excluded.curated, "
                "url_changed = iif(url = excluded.url, url_changed, ?), "
                "etag = iif(url = excluded.url, etag, NULL), "
                "last_modified = iif(url = excluded.url, last_modified, NULL), "
                "url = excluded.url",
                [(*source, int(source[0] in curated), changed) for source in sources],
            )

    def validators(self) -> dict[str, tuple[str | None, str | None]]:
        """Per source, the ETag and Last-Modified its server sent with the last body we read."""
        rows = self.db.execute("SELECT name, etag, last_modified FROM sources")
        return {name: (etag, modified) for name, etag, modified in rows if etag or modified}

    def set_validators(self, name: str, etag: str | None, last_modified: str | None) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE sources SET etag = ?, last_modified = ? WHERE name = ?",
                (etag, last_modified, name),
            )

    # items ---------------------------------------------------------------

    def add_items(self, items: Sequence[Item]) -> int:
        """Insert items whose canonical URL is new; return how many were new. An item
        whose link another source stored first is recorded as carried by this one too, and
        this source becomes its owner (its title and text are the item's) when it is
        curated and the owner is not, or as much curated and heavier (`sync_sources`)."""
        rows = [
            (
                item.url,
                item.title,
                item.summary,
                to_db_time(item.published),
                to_db_time(item.first_seen),
                int(item.dated),
                item.source,
                item.lang,
                item.content_hash,
                item.terms,
                item.discussion,
            )
            for item in items
        ]
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO items (url, title, summary, published, first_seen, dated, "
                "source, lang, content_hash, terms, discussion) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            added = db.total_changes - before
            # An item stored before its source gave a discussion page (a store older than
            # schema step 15) gets it when the source carries the item again.
            db.executemany(
                "UPDATE items SET discussion = ? WHERE url = ? AND source = ? AND discussion = ''",
                [(row[10], row[0], row[6]) for row in rows if row[10]],
            )
            db.executemany(
                "INSERT INTO item_sightings (item_id, source, first_seen, points, comments, "
                "discussion) SELECT id, ?, ?, ?, ?, ? FROM items WHERE url = ? AND source != ? "
                "ON CONFLICT (item_id, source) DO UPDATE SET "
                "points = max(points, excluded.points), comments = max(comments, excluded.comments), "
                "discussion = CASE excluded.discussion WHEN '' THEN discussion "
                "ELSE excluded.discussion END",
                [
                    (row[6], row[4], *feed_engagement(row[2]), row[10], row[0], row[6])
                    for row in rows
                ],
            )
            self._lift(db, rows)
            self._take_over(db, rows)
            return added

    def _lift(self, db: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Keep the most engagement a source gave its own item: Hacker News carries one
        link again as it climbs (and when it is submitted again), each time with more
        points; the item keeps its first text, and the later counts are a sighting of its
        own source (`Item.seen`)."""
        counted = [(row, counts) for row in rows if any(counts := feed_engagement(row[2]))]
        for start in range(0, len(counted), _TAKE_OVER_CHUNK):
            chunk = counted[start : start + _TAKE_OVER_CHUNK]
            owned = {
                (url, source): (ident, summary)
                for ident, url, source, summary in db.execute(
                    "SELECT id, url, source, summary FROM items "
                    f"WHERE url IN ({', '.join('?' * len(chunk))})",
                    [row[0] for row, _ in chunk],
                )
            }
            lifted = []
            for row, (points, comments) in chunk:
                ident, summary = owned.get((row[0], row[6]), (None, ""))
                had = feed_engagement(summary)
                if ident is not None and (points > had[0] or comments > had[1]):
                    lifted.append((ident, row[6], row[4], points, comments, row[10]))
            db.executemany(
                "INSERT INTO item_sightings (item_id, source, first_seen, points, comments, "
                "discussion) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (item_id, source) DO UPDATE SET "
                "points = max(points, excluded.points), comments = max(comments, excluded.comments)",
                lifted,
            )

    def _take_over(self, db: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Give the links this batch carried to its sources where they outrank the owner:
        the owner becomes a sighting, the newcomer's title and text the item's."""
        found = []
        for start in range(0, len(rows), _TAKE_OVER_CHUNK):
            urls = [row[0] for row in rows[start : start + _TAKE_OVER_CHUNK]]
            found += db.execute(
                "SELECT i.id, i.url, i.source, i.summary, i.first_seen, g.source, i.discussion "
                "FROM item_sightings g JOIN items i ON i.id = g.item_id "
                "JOIN sources a ON a.name = g.source JOIN sources b ON b.name = i.source "
                f"WHERE i.url IN ({', '.join('?' * len(urls))}) "
                "AND (a.curated > b.curated OR (a.curated = b.curated AND a.weight > b.weight))",
                urls,
            ).fetchall()
        batch = {(row[0], row[6]): row for row in rows}
        for ident, url, owner, summary, seen, newcomer, discussion in found:
            row = batch.get((url, newcomer))
            if row is None:
                continue
            db.execute(
                "UPDATE items SET source = ?, title = ?, summary = ?, lang = ?, "
                "content_hash = ?, terms = ?, discussion = ? WHERE id = ?",
                (newcomer, row[1], row[2], row[7], row[8], row[9], row[10], ident),
            )
            db.execute(
                "DELETE FROM item_sightings WHERE item_id = ? AND source = ?", (ident, newcomer)
            )
            db.execute(  # the old owner's own later counts (`_lift`) stay where higher
                "INSERT INTO item_sightings (item_id, source, first_seen, points, "
                "comments, discussion) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (item_id, source) DO UPDATE SET first_seen = excluded.first_seen, "
                "points = max(points, excluded.points), comments = max(comments, excluded.comments), "
                "discussion = excluded.discussion",
                (ident, owner, seen, *feed_engagement(summary), discussion),
            )

    def check_terms(self, version: str) -> None:
        """Forget stored item terms written by another version of the tokeniser."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'terms_version'").fetchone()
        if row and row[0] == str(version):
            return
        with self.transaction() as db:
            db.execute("UPDATE items SET terms = '' WHERE terms != ''")
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('terms_version', ?)",
                (str(version),),
            )

    def set_terms(self, terms: Iterable[tuple[int, str]]) -> None:
        with self.transaction() as db:
            db.executemany("UPDATE items SET terms = ? WHERE id = ?", [(t, i) for i, t in terms])

    def items_between(self, start: dt.datetime, end: dt.datetime) -> list[Item]:
        rows = self.db.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items i WHERE i.published >= ? AND i.published < ? "
            "ORDER BY i.published, i.id",
            (to_db_time(start), to_db_time(end)),
        )
        return [_item(row) for row in rows]

    def time_span(self) -> tuple[dt.datetime, dt.datetime] | None:
        """First and last publication time among items that carried a date."""
        low, high = self.db.execute(
            "SELECT min(published), max(published) FROM items WHERE dated = 1"
        ).fetchone()
        return (from_db_time(low), from_db_time(high)) if low else None

    def count_items(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM items").fetchone()[0])

    def links_between(self, start: dt.datetime, end: dt.datetime) -> list[tuple[str, str]]:
        """The titles and links of the items published in [start, end)."""
        rows = self.db.execute(
            "SELECT title, url FROM items WHERE published >= ? AND published < ?",
            (to_db_time(start), to_db_time(end)),
        )
        return [(row[0], row[1]) for row in rows]

    def count_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Items published in [start, end), as `items_between` would give them."""
        row = self.db.execute(
            "SELECT count(*) FROM items WHERE published >= ? AND published < ?",
            (to_db_time(start), to_db_time(end)),
        ).fetchone()
        return int(row[0])

    # stories -------------------------------------------------------------

    def replace_stories(
        self,
        day: dt.date,
        stories: Sequence[Story],
        aside: Sequence[tuple[Item, str, str]] = (),
    ) -> None:
        """Write a day's stories, and the items the relevance stage set aside (item,
        reason, detail), in one transaction, replacing that day's earlier ones."""
        with self.transaction() as db:
            db.execute("DELETE FROM set_aside WHERE day = ?", (day.isoformat(),))
            db.executemany(
                "INSERT OR REPLACE INTO set_aside (day, item_id, reason, detail) "
                "VALUES (?, ?, ?, ?)",
                [(day.isoformat(), item.id, reason, detail) for item, reason, detail in aside],
            )
            db.execute("DELETE FROM stories WHERE day = ?", (day.isoformat(),))
            db.executemany(
                "INSERT INTO stories (id, day, category, score, continues_id, continues_day, "
                "continues_title) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [_story_row(story) for story in stories],
            )
            db.executemany(
                "INSERT OR REPLACE INTO story_items (story_id, item_id, position) VALUES (?, ?, ?)",
                [(s.id, item.id, pos) for s in stories for pos, item in enumerate(s.items)],
            )

    def set_aside(self, day: dt.date) -> list[tuple[Item, str, str]]:
        """The items the relevance stage set aside on `day`, with reason and detail."""
        rows = self.db.execute(
            f"SELECT {_ITEM_COLUMNS}, a.reason, a.detail FROM set_aside a "
            "JOIN items i ON i.id = a.item_id WHERE a.day = ? ORDER BY a.reason, i.published, i.id",
            (day.isoformat(),),
        )
        return [(_item(row), row[-2], row[-1]) for row in rows]

    def prepared_days(self, limit: int) -> list[dt.date]:
        """The latest days that have stories, newest first."""
        rows = self.db.execute(
            "SELECT DISTINCT day FROM stories ORDER BY day DESC LIMIT ?", (limit,)
        ).fetchall()
        return [dt.date.fromisoformat(r[0]) for r in rows]

    def stories_between(self, first: dt.date, last: dt.date) -> list[Story]:
        """Stories of the days first..last inclusive, highest score first within each day."""
        rows = self.db.execute(
            f"SELECT s.id, s.day, s.category, s.score, s.continues_id, s.continues_day, "
            f"s.continues_title, {_ITEM_COLUMNS} FROM stories s "
            "JOIN story_items si ON si.story_id = s.id JOIN items i ON i.id = si.item_id "
            "WHERE s.day BETWEEN ? AND ? ORDER BY s.day, s.score DESC, s.id, si.position",
            (first.isoformat(), last.isoformat()),
        )
        stories: dict[int, Story] = {}
        for row in rows:
            story = stories.get(row[0])
            if story is None:
                story = stories[row[0]] = _story(row)
            story.items.append(_item(row[7:]))
        return list(stories.values())

    # runs ----------------------------------------------------------------

    def start_run(self, command: str, started: dt.datetime, pid: int | None = None) -> int:
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (command, started, pid) VALUES (?, ?, ?)",
                (command, to_db_time(started), pid),
            )
            return int(cursor.lastrowid or 0)

    def settle_runs(self, alive: Callable[[int], bool]) -> list[int]:
        """Mark as interrupted the runs left `running` by a process that is gone (killed,
        or out of memory); return their ids."""
        with self.transaction() as db:
            rows = db.execute("SELECT id, pid FROM runs WHERE status = 'running'").fetchall()
            gone = [run_id for run_id, pid in rows if pid is None or not alive(pid)]
            db.executemany(
                "UPDATE runs SET status = 'interrupted' WHERE id = ?", [(g,) for g in gone]
            )
        return gone

    def record_outcomes(self, run_id: int, outcomes: Sequence[SourceOutcome]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO run_sources (run_id, source, status, reason, items, new_items, bytes, "
                "elapsed_ms, skipped_entries, fault, retries, waited_ms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        o.source,
                        o.status,
                        o.reason,
                        o.items,
                        o.new_items,
                        o.bytes,
                        o.elapsed_ms,
                        o.skipped_entries,
                        o.fault,
                        o.retries,
                        o.waited_ms,
                    )
                    for o in outcomes
                ],
            )

    def finish_run(self, report: RunReport, status: str, finished: dt.datetime) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished = ?, status = ?, warnings = ? WHERE id = ?",
                (
                    to_db_time(finished),
                    status,
                    json.dumps(report.warnings, ensure_ascii=False),
                    report.id,
                ),
            )

    def run_outcomes(self, run_id: int) -> list[SourceOutcome]:
        rows = self.db.execute(
            "SELECT source, status, reason, items, new_items, bytes, elapsed_ms, skipped_entries, "
            "fault, retries, waited_ms FROM run_sources WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        )
        return [SourceOutcome(*row) for row in rows]

    def run_info(self, run_id: int | None = None) -> dict[str, Any] | None:
        """A run's command, times, status and warnings (the latest run without `run_id`)."""
        query = "SELECT id, command, started, finished, status, warnings, pid FROM runs "
        row = self.db.execute(
            query + ("WHERE id = ?" if run_id is not None else "ORDER BY id DESC LIMIT 1"),
            (run_id,) if run_id is not None else (),
        ).fetchone()
        if row is None:
            return None
        return {
            "id": row[0],
            "command": row[1],
            "started": row[2],
            "finished": row[3],
            "status": row[4],
            "warnings": json.loads(row[5]),
            "pid": row[6],
        }

    def last_collect_outcomes(self, before: dt.datetime) -> list[SourceOutcome]:
        """Source outcomes of the latest run that collected at or before `before`."""
        row = self.db.execute(
            "SELECT max(r.id) FROM runs r WHERE r.started <= ? AND EXISTS "
            "(SELECT 1 FROM run_sources rs WHERE rs.run_id = r.id)",
            (to_db_time(before),),
        ).fetchone()
        if not row or row[0] is None:
            return []
        return self.run_outcomes(int(row[0]))

    def source_history(self, name: str, limit: int = 20) -> list[tuple[str, SourceOutcome]]:
        """A source's latest outcomes, newest first, each with its run's start time; if its
        URL was changed, only those from the run that changed it (the latest run started by
        then, whose collect read the new URL) on."""
        rows = self.db.execute(
            "SELECT r.started, rs.source, rs.status, rs.reason, rs.items, rs.new_items, "
            "rs.bytes, rs.elapsed_ms, rs.skipped_entries, rs.fault, rs.retries, rs.waited_ms "
            "FROM run_sources rs JOIN runs r ON r.id = rs.run_id WHERE rs.source = ? "
            "AND rs.run_id >= (SELECT coalesce(max(c.id), 0) FROM runs c JOIN sources s "
            "ON s.name = ? AND c.started <= s.url_changed) "
            "ORDER BY rs.run_id DESC, rs.rowid DESC LIMIT ?",
            (name, name, limit),
        )
        return [(row[0], SourceOutcome(*row[1:])) for row in rows]

    def newest_items(self) -> dict[str, dt.datetime]:
        """Per source, the publication time of the newest stored item it carried (stored
        under it, or under a source that carried the link first)."""
        rows = self.db.execute(
            "SELECT source, max(published) FROM (SELECT source, published FROM items "
            "UNION ALL SELECT g.source, i.published FROM item_sightings g "
            "JOIN items i ON i.id = g.item_id) GROUP BY source"
        )
        return {name: from_db_time(value) for name, value in rows if value}

    def seen_links(self, names: Iterable[str], since: dt.datetime) -> dict[str, frozenset[str]]:
        """For each named source, the links of the items it gave since `since`."""
        return {
            name: frozenset(
                url
                for (url,) in self.db.execute(
                    "SELECT url FROM items WHERE source = ? AND first_seen >= ? "
                    "UNION SELECT i.url FROM item_sightings g JOIN items i ON i.id = g.item_id "
                    "WHERE g.source = ? AND g.first_seen >= ?",
                    (name, to_db_time(since), name, to_db_time(since)),
                )
            )
            for name in names
        }

    # articles ------------------------------------------------------------

    def articles(self, urls: Iterable[str]) -> dict[str, tuple[str, str, dt.datetime]]:
        """Cached full text per URL: (text, reason it failed, when it was fetched)."""
        found: dict[str, tuple[str, str, dt.datetime]] = {}
        wanted = list(dict.fromkeys(urls))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.db.execute(
                "SELECT url, text, reason, fetched FROM articles WHERE url IN "
                f"({', '.join('?' * len(chunk))})",
                chunk,
            )
            for url, text, reason, fetched in rows:
                found[url] = (text, reason, from_db_time(fetched))
        return found

    def set_article(self, url: str, text: str, reason: str, fetched: dt.datetime) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO articles (url, text, reason, fetched) VALUES (?, ?, ?, ?)",
                (url, text, reason, to_db_time(fetched)),
            )

    # model ---------------------------------------------------------------

    def answer(self, key: str) -> str | None:
        row = self.db.execute("SELECT text FROM answers WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def put_answer(
        self,
        key: str,
        *,
        model: str,
        text: str,
        prompt_tokens: int,
        completion_tokens: int,
        created: dt.datetime,
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO answers (key, model, text, prompt_tokens, "
                "completion_tokens, created) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    key,
                    model,
                    text,
                    prompt_tokens,
                    completion_tokens,
                    to_db_time(created),
                ),
            )

    def record_usage(self, run_id: int, usage: ModelUsage) -> None:
        counts = {k: v for k, v in dataclasses.asdict(usage).items() if k != "model"}
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO run_usage (run_id, model, counts) VALUES (?, ?, ?)",
                (run_id, usage.model, json.dumps(counts)),
            )

    def run_usage(self, run_id: int) -> ModelUsage | None:
        row = self.db.execute(
            "SELECT model, counts FROM run_usage WHERE run_id = ?", (run_id,)
        ).fetchone()
        if row is None:
            return None
        known = {f.name for f in dataclasses.fields(ModelUsage)}
        counts = {k: v for k, v in json.loads(row[1]).items() if k in known}
        return ModelUsage(model=row[0], **counts)

    def record_flags(
        self, day: dt.date, flags: Iterable[tuple[int, list[str], list[str]]], run_id: int
    ) -> None:
        """Per story, the kinds of instruction its text carries and the sentences."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO story_flags (story_id, day, kinds, spans, run_id) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (story_id, day.isoformat(), ",".join(kinds), json.dumps(spans), run_id)
                    for story_id, kinds, spans in flags
                ],
            )

    def flagged_stories(self, run_id: int) -> list[tuple[int, str, str]]:
        """(story id, day, kinds) of the stories a run flagged."""
        rows = self.db.execute(
            "SELECT story_id, day, kinds FROM story_flags WHERE run_id = ? ORDER BY day, story_id",
            (run_id,),
        )
        return [(int(a), str(b), str(c)) for a, b, c in rows]

    # what the daily runs wrote -------------------------------------------------

    def save_analyses(
        self,
        day: dt.date,
        lang: str,
        analyses: dict[int, StoryAnalysis],
        *,
        headline: str,
        lede: str,
        trends: Sequence[Point],
        model: str,
        concept: str = "",
    ) -> None:
        """Keep a day's analysis for the weekly posts: each story's, then the day's (with
        the term of the concept it explained). What a model wrote is not replaced by an
        offline rerun's extracts."""
        fields = ("lead", "body", "what", "why", "impact", "advice", "headline")
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO analyses (story_id, lang, day, lead, body, what, why, impact, "
                "advice, headline, by_model) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (story_id, lang) DO UPDATE SET day = excluded.day, "
                "lead = excluded.lead, body = excluded.body, what = excluded.what, "
                "why = excluded.why, impact = excluded.impact, advice = excluded.advice, "
                "headline = excluded.headline, by_model = excluded.by_model "
                "WHERE excluded.by_model >= analyses.by_model",
                [
                    (ident, lang, day.isoformat(), *(getattr(a, f) for f in fields), a.by_model)
                    for ident, a in analyses.items()
                ],
            )
            db.execute(
                "INSERT INTO day_notes (day, lang, headline, lede, trends, model, concept) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, lang) DO UPDATE SET "
                "headline = excluded.headline, lede = excluded.lede, trends = excluded.trends, "
                "model = excluded.model, concept = excluded.concept "
                "WHERE excluded.model != '' OR day_notes.model = ''",
                (
                    day.isoformat(),
                    lang,
                    headline,
                    lede,
                    json.dumps([[t.title, t.detail] for t in trends], ensure_ascii=False),
                    model,
                    concept,
                ),
            )

    def analyses(self, story_ids: Iterable[int], lang: str) -> dict[int, StoryAnalysis]:
        found: dict[int, StoryAnalysis] = {}
        wanted = list(dict.fromkeys(story_ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.db.execute(
                "SELECT story_id, lead, body, what, why, impact, advice, headline, by_model "
                f"FROM analyses WHERE lang = ? AND story_id IN ({', '.join('?' * len(chunk))})",
                [lang, *chunk],
            )
            for row in rows:
                found[int(row[0])] = StoryAnalysis(
                    lead=row[1],
                    body=row[2],
                    what=row[3],
                    why=row[4],
                    impact=row[5],
                    advice=row[6],
                    headline=row[7],
                    by_model=bool(row[8]),
                )
        return found

    def day_notes(self, first: dt.date, last: dt.date, lang: str) -> dict[dt.date, DayNote]:
        rows = self.db.execute(
            "SELECT day, headline, lede, trends, model FROM day_notes "
            "WHERE lang = ? AND day BETWEEN ? AND ? ORDER BY day",
            (lang, first.isoformat(), last.isoformat()),
        )
        return {
            dt.date.fromisoformat(day): DayNote(
                headline, lede, [Point(t, d) for t, d in json.loads(trends)], model
            )
            for day, headline, lede, trends, model in rows
        }

    def concepts_between(self, first: dt.date, last: dt.date, lang: str) -> set[str]:
        """The concept terms the digests of days first..last explained in `lang`."""
        rows = self.db.execute(
            "SELECT concept FROM day_notes WHERE lang = ? AND day BETWEEN ? AND ? "
            "AND concept != ''",
            (lang, first.isoformat(), last.isoformat()),
        )
        return {term for (term,) in rows}

    # signals ----------------------------------------------------------------

    def replace_signals(
        self, week: str, lang: str, signals: Sequence[tuple[str, str, int, dt.date]], run_id: int
    ) -> None:
        """Store the signals a week's outlook named in `lang`, replacing that outlook's
        earlier ones (and what was found for them)."""
        with self.transaction() as db:
            db.execute("DELETE FROM signals WHERE week = ? AND lang = ?", (week, lang))
            db.executemany(
                "INSERT INTO signals (week, lang, title, signal, horizon_weeks, expires, run_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(week, lang, t, s, h, e.isoformat(), run_id) for t, s, h, e in signals],
            )

    def signals(self, lang: str, *, open_on: dt.date | None = None) -> list[Signal]:
        """A language's signals, oldest first; with `open_on`, only those not expired then."""
        query = (
            "SELECT id, week, lang, title, signal, horizon_weeks, expires FROM signals "
            "WHERE lang = ?"
        )
        params: list[Any] = [lang]
        if open_on is not None:
            query += " AND expires >= ?"
            params.append(open_on.isoformat())
        rows = self.db.execute(query + " ORDER BY week, id", params)
        return [
            Signal(r[0], r[1], r[2], r[3], r[4], r[5], dt.date.fromisoformat(r[6])) for r in rows
        ]

    def add_evidence(self, evidence: Iterable[Evidence], run_id: int) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO signal_evidence (signal_id, story_id, day, note, "
                "by_model, run_id) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (e.signal_id, e.story_id, e.day.isoformat(), e.note, e.by_model, run_id)
                    for e in evidence
                ],
            )

    def evidence(self, lang: str, first: dt.date, last: dt.date) -> list[Evidence]:
        """Evidence found in the stories of days first..last for a language's signals."""
        rows = self.db.execute(
            "SELECT e.signal_id, e.story_id, e.day, e.note, e.by_model FROM signal_evidence e "
            "JOIN signals s ON s.id = e.signal_id WHERE s.lang = ? AND e.day BETWEEN ? AND ? "
            "ORDER BY e.signal_id, e.day, e.story_id",
            (lang, first.isoformat(), last.isoformat()),
        )
        return [Evidence(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], bool(r[4])) for r in rows]

    # posts ---------------------------------------------------------------

    def post_url(self, day: dt.date, lang: str, fmt: str) -> str | None:
        """The address of a daily post written for `day`, the brief before other styles."""
        row = self.db.execute(
            "SELECT url FROM posts WHERE day = ? AND lang = ? AND format = ? "
            "AND style NOT LIKE 'weekly-%' ORDER BY style != 'daily-brief', style LIMIT 1",
            (day.isoformat(), lang, fmt),
        ).fetchone()
        return str(row[0]) if row else None

    def post_path(self, key: str, style: str, lang: str, fmt: str) -> str:
        """The file a published post was written to ("" when none was)."""
        row = self.db.execute(
            "SELECT path FROM posts WHERE key = ? AND style = ? AND lang = ? AND format = ?",
            (key, style, lang, fmt),
        ).fetchone()
        return str(row[0]) if row else ""

    def record_post(
        self,
        post: StoredPost,
        *,
        fmt: str,
        path: Path,
        run_id: int,
        deliver_to: Sequence[str] = (),
    ) -> None:
        """Record a written post (its file's absolute path: a later run may work from
        another folder) and what every publisher reads of it; a weekly post written again
        on a later day replaces the earlier day's row. Each channel of `deliver_to` gets a
        `pending` ledger row for it, in the same transaction, unless it has one: a run that
        ends before it delivers leaves the delivery to the next (deliver.py)."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM posts WHERE key = ? AND style = ? AND lang = ? AND format = ? "
                "AND day != ?",
                (post.key, post.style, post.lang, fmt, post.day.isoformat()),
            )
            stored = to_db_time(post.updated)
            db.executemany(
                "INSERT OR IGNORE INTO deliveries (channel, key, style, lang, hash, status, "
                "attempts, parts, first_attempt, last_attempt, answer, message_ids, run_id) "
                "VALUES (?, ?, ?, ?, ?, 'pending', 0, 0, ?, ?, 'stored; not delivered yet', "
                "'[]', ?)",
                [
                    (c, post.key, post.style, post.lang, post.digest_hash, stored, stored, run_id)
                    for c in dict.fromkeys(deliver_to)
                ],
            )
            db.execute(
                "INSERT OR REPLACE INTO posts (day, style, lang, format, path, url, run_id, key, "
                "title, description, body, digest, published, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    post.day.isoformat(),
                    post.style,
                    post.lang,
                    fmt,
                    str(path.resolve()),
                    post.url,
                    run_id,
                    post.key,
                    post.title,
                    post.description,
                    post.body,
                    json.dumps(post.data, ensure_ascii=False),
                    to_db_time(post.published),
                    to_db_time(post.updated),
                ),
            )

    def posts(
        self,
        *,
        key: str | None = None,
        lang: str | None = None,
        limit: int | None = None,
        fmt: str = "",
    ) -> list[StoredPost]:
        """Stored digests, one per key, style and language (the row of site format `fmt`
        when it was written in several, else the latest), newest first; only those
        written with their content (not before schema step 10)."""
        clauses, params = [], []
        if key is not None:
            clauses.append("key = ?")
            params.append(key)
        if lang is not None:
            clauses.append("lang = ?")
            params.append(lang)
        rows = self.db.execute(
            f"SELECT {_POST_COLUMNS} FROM ({_chosen_posts(*clauses)}) "
            "ORDER BY published DESC, key DESC, style, lang",
            [fmt, *params],
        ).fetchall()
        posts = [_stored_post(r) for r in rows]
        return posts[:limit] if limit is not None else posts

    def record_draft(self, draft: Draft) -> None:
        """Record a post written as a draft (replacing the key's earlier draft)."""
        post = draft.post
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO drafts (key, style, lang, format, day, path, url, meta, "
                "file_hash, title, description, body, digest, written, edits_seen, run_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    post.key,
                    post.style,
                    post.lang,
                    draft.fmt,
                    post.day.isoformat(),
                    str(draft.path),
                    post.url,
                    json.dumps(draft.meta, ensure_ascii=False),
                    draft.file_hash,
                    post.title,
                    post.description,
                    post.body,
                    json.dumps(post.data, ensure_ascii=False),
                    to_db_time(post.updated),
                    draft.edits_seen,
                    draft.run_id,
                ),
            )

    def drafts(
        self, *, key: str | None = None, lang: str | None = None, style: str | None = None
    ) -> list[Draft]:
        """Posts awaiting approval, oldest first."""
        clauses, params = ["1"], []
        for column, value in (("key", key), ("lang", lang), ("style", style)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        rows = self.db.execute(
            # The post's columns first, in the order `_stored_post` reads them.
            "SELECT key, day, style, lang, title, description, url, body, written, written, "
            "digest, format, path, meta, file_hash, run_id, edits_seen FROM drafts "
            f"WHERE {' AND '.join(clauses)} "
            "ORDER BY written, key, style, lang, format",
            params,
        ).fetchall()
        return [
            Draft(
                post=_stored_post(r),
                fmt=r[11],
                path=Path(r[12]),
                meta=json.loads(r[13]),
                file_hash=r[14],
                run_id=r[15],
                edits_seen=r[16],
            )
            for r in rows
        ]

    def publish_draft(
        self,
        draft: Draft,
        post: StoredPost,
        *,
        path: Path,
        run_id: int,
        deliver_to: Sequence[str] = (),
    ) -> bool:
        """Record an approved draft's post (`record_post`) and forget the draft, in one
        transaction; False (and nothing recorded) when the draft was approved or replaced
        meanwhile."""
        with self.batch():
            gone = self.db.execute(
                "DELETE FROM drafts WHERE key = ? AND style = ? AND lang = ? AND format = ? "
                "AND written = ?",
                (post.key, post.style, post.lang, draft.fmt, to_db_time(draft.post.updated)),
            )
            if gone.rowcount != 1:
                return False
            self.record_post(post, fmt=draft.fmt, path=path, run_id=run_id, deliver_to=deliver_to)
        return True

    def remove_draft(self, key: str, style: str, lang: str, fmt: str) -> None:
        with self.transaction() as db:
            db.execute(
                "DELETE FROM drafts WHERE key = ? AND style = ? AND lang = ? AND format = ?",
                (key, style, lang, fmt),
            )

    def edit_mark(self, day: dt.date, lang: str) -> int:
        """The latest change to the day's edits in a language (or every language), as an
        ever-growing number: a later mark means the day was edited since."""
        row = self.db.execute(
            "SELECT MAX(rowid) FROM edit_log WHERE day = ? AND lang IN (?, '')",
            (day.isoformat(), lang),
        ).fetchone()
        return int(row[0]) if row and row[0] else 0

    def set_edit(self, day: dt.date, lang: str, edit: Edit, now: dt.datetime) -> None:
        """Store an editor's change (the current value of a story's or the day's field)
        and log it."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO edits (day, lang, story_id, field, value, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (day.isoformat(), lang, edit.story_id, edit.field, edit.value, to_db_time(now)),
            )
            db.execute(
                "INSERT INTO edit_log (day, lang, story_id, field, value, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (day.isoformat(), lang, edit.story_id, edit.field, edit.value, to_db_time(now)),
            )

    def edits(self, day: dt.date, lang: str) -> list[Edit]:
        """The day's current edits in a language, in the order they were made."""
        rows = self.db.execute(
            "SELECT story_id, field, value FROM edits WHERE day = ? AND lang = ? "
            "ORDER BY updated, story_id, field",
            (day.isoformat(), lang),
        ).fetchall()
        return [Edit(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    def restored_items(self, day: dt.date) -> set[int]:
        """The ids of the items an editor brought back from those set aside on `day`."""
        row = self.db.execute(
            "SELECT value FROM edits WHERE day = ? AND lang = '' AND story_id = 0 "
            "AND field = 'restored'",
            (day.isoformat(),),
        ).fetchone()
        return set(json.loads(row[0])) if row else set()

    def story_changes(self, day: dt.date) -> StoryChanges:
        """The editor's word on what is one story on `day` (every language)."""
        rows = self.db.execute(
            "SELECT field, value FROM edits WHERE day = ? AND lang = '' AND story_id = 0 "
            "AND field IN (?, ?)",
            (day.isoformat(), JOINED, APART),
        ).fetchall()
        state = {str(r[0]): json.loads(r[1]) for r in rows}
        return StoryChanges(
            tuple((int(a), int(b)) for a, b in state.get(JOINED, [])),
            frozenset(int(i) for i in state.get(APART, [])),
        )

    def stories_regrouped(self, day: dt.date) -> bool:
        """Whether an editor ever changed what is one story on `day`."""
        row = self.db.execute(
            "SELECT 1 FROM edit_log WHERE day = ? AND lang = '' AND story_id = 0 "
            "AND field IN (?, ?) LIMIT 1",
            (day.isoformat(), JOINED, APART),
        ).fetchone()
        return row is not None

    def move_story(self, day: dt.date, old: int, new: int) -> None:
        """A story's edits (every language) and stored analyses, now those of story `new`
        (its items were regrouped), where `new` has none of its own; what is left of `old`
        is removed, so it cannot be read as another story's."""
        with self.transaction() as db:
            db.execute(
                "UPDATE OR IGNORE edits SET story_id = ? WHERE day = ? AND story_id = ?",
                (new, day.isoformat(), old),
            )
            db.execute("DELETE FROM edits WHERE day = ? AND story_id = ?", (day.isoformat(), old))
            db.execute("UPDATE OR IGNORE analyses SET story_id = ? WHERE story_id = ?", (new, old))
            db.execute("DELETE FROM analyses WHERE story_id = ?", (old,))

    def edit_log(self, day: dt.date) -> list[tuple[str, str, int, str, str]]:
        """Every change made to a day: (time, language, story id, field, value)."""
        rows = self.db.execute(
            "SELECT created, lang, story_id, field, value FROM edit_log WHERE day = ? "
            "ORDER BY created, rowid",
            (day.isoformat(),),
        ).fetchall()
        return [(str(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4])) for r in rows]

    def last_scheduled(self, kind: str) -> dt.datetime | None:
        """The latest scheduled moment of a kind the desk has run."""
        row = self.db.execute("SELECT MAX(at) FROM scheduled WHERE kind = ?", (kind,)).fetchone()
        return from_db_time(row[0]) if row and row[0] else None

    def record_scheduled(
        self, kind: str, key: str, at: dt.datetime, status: str, finished: dt.datetime
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO scheduled (kind, key, at, status, finished) "
                "VALUES (?, ?, ?, ?, ?)",
                (kind, key, to_db_time(at), status[:500], to_db_time(finished)),
            )

    def scheduled(self, limit: int = 10) -> list[tuple[str, str, str, str, str]]:
        """The desk's latest scheduled runs: (kind, key, scheduled at, status, finished)."""
        rows = self.db.execute(
            "SELECT kind, key, at, status, finished FROM scheduled ORDER BY at DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]

    def delivery(self, channel: str, post: StoredPost) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT hash, status, attempts, parts, first_attempt, last_attempt, answer, "
            "message_ids FROM deliveries WHERE channel = ? AND key = ? AND style = ? AND lang = ?",
            (channel, post.key, post.style, post.lang),
        ).fetchone()
        if row is None:
            return None
        keys = ("hash", "status", "attempts", "parts", "first_attempt", "last_attempt")
        found: dict[str, Any] = dict(zip(keys, row[:6], strict=True))
        found["answer"] = row[6]
        found["message_ids"] = json.loads(row[7] or "[]")
        return found

    def record_delivery(
        self,
        channel: str,
        post: StoredPost,
        *,
        status: str,
        attempts: int,
        parts: int,
        answer: str,
        message_ids: Sequence[str],
        now: dt.datetime,
        run_id: int,
    ) -> None:
        """Record one delivery of a post to a channel (sent, failed or skipped; a pending
        mark counts as no earlier delivery); attempts add up over runs until it is sent."""
        earlier = self.delivery(channel, post)
        tried = earlier is not None and earlier["status"] != "pending"  # a mark: not tried
        first = earlier["first_attempt"] if earlier and tried else to_db_time(now)
        unfinished = earlier is not None and earlier["status"] in UNFINISHED
        total = attempts + (earlier["attempts"] if earlier and unfinished else 0)
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO deliveries (channel, key, style, lang, hash, status, "
                "attempts, parts, first_attempt, last_attempt, answer, message_ids, run_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    channel,
                    post.key,
                    post.style,
                    post.lang,
                    post.digest_hash,
                    status,
                    total,
                    parts,
                    first,
                    to_db_time(now),
                    answer[:2000],
                    json.dumps(list(message_ids)),
                    run_id,
                ),
            )

    def pending_deliveries(self, *, since: dt.date, fmt: str = "") -> list[Pending]:
        """The deliveries that did not go through (failed, skipped, pending since the post
        was stored, or dropped) of posts of `since` or later that are still stored, oldest
        post first: a post no longer in `posts` is never among them. Only the posts of the
        window are read and ranked (`_chosen_posts`)."""
        cursor = self.db.cursor()
        cursor.row_factory = sqlite3.Row
        rows = cursor.execute(
            "SELECT d.channel, d.status, d.hash, d.attempts, d.answer, p.path, "
            f"{', '.join(f'p.{c}' for c in _POST_FIELDS)} "
            f"FROM deliveries AS d JOIN ({_chosen_posts('day >= ?')}) AS p "
            "ON p.key = d.key AND p.style = d.style AND p.lang = d.lang "
            "WHERE d.status IN ('failed', 'skipped', 'pending', 'dropped') "
            "ORDER BY p.published, p.key, p.style, p.lang, d.channel",
            (fmt, since.isoformat()),
        ).fetchall()
        return [
            Pending(
                channel=r["channel"],
                post=_stored_post(tuple(r)[6:]),
                path=r["path"],
                status=r["status"],
                hash=r["hash"],
                attempts=r["attempts"],
                answer=r["answer"],
            )
            for r in rows
        ]

    def aged_deliveries(
        self, *, before: dt.date, channels: Sequence[str]
    ) -> list[tuple[str, str, str, str]]:
        """The deliveries to `channels` that did not go through (and were not dropped) of
        stored posts none of whose rows is of `before` or later: (channel, key, style,
        language)."""
        if not channels:
            return []
        marks = ", ".join("?" * len(channels))
        rows = self.db.execute(
            "SELECT channel, key, style, lang FROM deliveries AS d "
            f"WHERE channel IN ({marks}) AND status IN ('failed', 'skipped', 'pending') "
            "AND NOT EXISTS (SELECT 1 FROM posts AS p WHERE p.day >= ? AND p.key = d.key "
            "AND p.style = d.style AND p.lang = d.lang) AND EXISTS (SELECT 1 FROM posts AS p "
            "WHERE p.key = d.key AND p.style = d.style AND p.lang = d.lang) "
            "ORDER BY key, style, lang, channel",
            (*channels, before.isoformat()),
        ).fetchall()
        return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]

    def drop_delivery(self, channel: str, key: str, style: str, lang: str, *, reason: str) -> None:
        """Record that a delivery is not tried again, and why (the parts sent are kept)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET status = 'dropped', answer = ? "
                "WHERE channel = ? AND key = ? AND style = ? AND lang = ?",
                (reason[:2000], channel, key, style, lang),
            )

    def deliveries(self, *, run_id: int | None = None) -> list[dict[str, Any]]:
        """The delivery ledger (of one run, or all), newest first."""
        where, params = ("WHERE run_id = ?", (run_id,)) if run_id is not None else ("", ())
        rows = self.db.execute(
            "SELECT channel, key, style, lang, status, attempts, parts, last_attempt, answer, "
            f"message_ids FROM deliveries {where} ORDER BY last_attempt DESC, channel, key",
            params,
        ).fetchall()
        keys = ("channel", "key", "style", "lang", "status", "attempts", "parts", "last", "answer")
        out = []
        for row in rows:
            found: dict[str, Any] = dict(zip(keys, row[:9], strict=True))
            found["message_ids"] = json.loads(row[9] or "[]")
            out.append(found)
        return out


def _item(row: Sequence[Any]) -> Item:
    return Item(
        id=row[0],
        url=row[1],
        title=row[2],
        summary=row[3],
        published=from_db_time(row[4]),
        first_seen=from_db_time(row[5]),
        dated=bool(row[6]),
        source=row[7],
        lang=row[8],
        content_hash=row[9],
        terms=row[10],
        discussion=row[12],
        **_sightings(row[11], row[7]),
    )


def _sightings(packed: str | None, owner: str) -> dict[str, Any]:
    """An item's `also`, `seen` and `discussions` from its sightings, packed by
    `_ITEM_COLUMNS`. The owner's own sighting (its later counts, `Store._lift`) adds to
    `seen` only: the item's text and discussion page are already the owner's."""
    if not packed or packed == "[]":
        return {}
    rows = json.loads(packed)
    others = [row for row in rows if row[0] != owner]
    return {
        "also": tuple(sorted(source for source, *_ in others)),
        "seen": (max(int(row[1]) for row in rows), max(int(row[2]) for row in rows)),
        "discussions": tuple(sorted((row[0], row[3]) for row in others if row[3])),
    }


def _story(row: Sequence[Any]) -> Story:
    continues = None
    if row[4] is not None:
        continues = Continuation(story_id=row[4], day=dt.date.fromisoformat(row[5]), title=row[6])
    return Story(
        id=row[0],
        day=dt.date.fromisoformat(row[1]),
        items=[],
        category=row[2],
        score=row[3],
        continues=continues,
    )


def _story_row(story: Story) -> tuple[Any, ...]:
    c = story.continues
    return (
        story.id,
        story.day.isoformat(),
        story.category,
        story.score,
        c.story_id if c else None,
        c.day.isoformat() if c else None,
        c.title if c else None,
    )


# The columns `_stored_post` reads, in its order.
_POST_FIELDS = ("key", "day", "style", "lang", "title", "description", "url", "body",
                "published", "updated", "digest")  # fmt: skip
_POST_COLUMNS = ", ".join(_POST_FIELDS)


def _chosen_posts(*clauses: str) -> str:
    """The SQL of the stored posts that match `clauses` (and were written with their
    content, not before schema step 10), one per key, style and language: the row of the
    site format (the query's first parameter) when it was written in several, else the
    latest. The clauses filter before the rows are ranked."""
    where = " AND ".join(["key != ''", *clauses])
    return (
        "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY key, style, lang "
        f"ORDER BY format = ? DESC, updated DESC) AS choice FROM posts WHERE {where}) "
        "WHERE choice = 1"
    )


def _stored_post(row: Sequence[Any]) -> StoredPost:
    """A stored post from its columns: key, day, style, lang, title, description, url,
    body, published, updated, digest."""
    return StoredPost(
        key=row[0],
        day=dt.date.fromisoformat(row[1]),
        style=row[2],
        lang=row[3],
        title=row[4],
        description=row[5],
        url=row[6],
        body=row[7],
        published=from_db_time(row[8]),
        updated=from_db_time(row[9]),
        data=json.loads(row[10] or "{}"),
    )
