"""Ordered, named schema steps. PRAGMA user_version counts the steps applied."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _001_initial() -> str:
    return """
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        kind TEXT NOT NULL,
        weight REAL NOT NULL,
        etag TEXT,
        last_modified TEXT
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        published TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        dated INTEGER NOT NULL,
        source TEXT NOT NULL,
        lang TEXT NOT NULL,
        content_hash TEXT NOT NULL
    );
    CREATE INDEX items_published ON items (published);
    CREATE INDEX items_hash ON items (content_hash);
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        day TEXT NOT NULL,
        category TEXT NOT NULL,
        score REAL NOT NULL,
        continues_id INTEGER,
        continues_day TEXT,
        continues_title TEXT
    );
    CREATE INDEX stories_day ON stories (day);
    CREATE TABLE story_items (
        story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        item_id INTEGER NOT NULL UNIQUE REFERENCES items (id),
        position INTEGER NOT NULL,
        PRIMARY KEY (story_id, item_id)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        warnings TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE run_sources (
        run_id INTEGER NOT NULL REFERENCES runs (id),
        source TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL,
        items INTEGER NOT NULL,
        new_items INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        elapsed_ms INTEGER NOT NULL,
        skipped_entries INTEGER NOT NULL
    );
    CREATE INDEX run_sources_run ON run_sources (run_id);
    CREATE TABLE posts (
        day TEXT NOT NULL,
        style TEXT NOT NULL,
        lang TEXT NOT NULL,
        format TEXT NOT NULL,
        path TEXT NOT NULL,
        url TEXT NOT NULL,
        run_id INTEGER REFERENCES runs (id),
        PRIMARY KEY (day, style, lang, format)
    );
    """


def _002_item_terms() -> str:
    # The tokens same-story merging compares, computed once at collection; `meta`
    # records which version of the tokeniser wrote them.
    return """
    ALTER TABLE items ADD COLUMN terms TEXT NOT NULL DEFAULT '';
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """


def _003_outcome_faults() -> str:
    return """
    ALTER TABLE run_sources ADD COLUMN fault TEXT NOT NULL DEFAULT '';
    ALTER TABLE run_sources ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE run_sources ADD COLUMN waited_ms INTEGER NOT NULL DEFAULT 0;
    """


def _004_health_and_articles() -> str:
    # Source health reads each source's outcomes newest first; `articles` caches the
    # full text fetched for thin stories (an empty text with a reason is a failure).
    return """
    CREATE INDEX run_sources_source ON run_sources (source, run_id);
    CREATE INDEX items_source ON items (source, published);
    CREATE TABLE articles (
        url TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        fetched TEXT NOT NULL
    );
    """


def _005_model() -> str:
    # Model answers keyed by the hash of model and prompt (a rerun makes no call), what
    # the model cost per run, and the stories whose text tried to instruct a model.
    return """
    CREATE TABLE answers (
        key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        text TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE run_usage (
        run_id INTEGER PRIMARY KEY REFERENCES runs (id),
        model TEXT NOT NULL,
        counts TEXT NOT NULL
    );
    CREATE TABLE story_flags (
        story_id INTEGER NOT NULL,
        day TEXT NOT NULL,
        kinds TEXT NOT NULL,
        spans TEXT NOT NULL,
        run_id INTEGER REFERENCES runs (id),
        PRIMARY KEY (story_id)
    );
    """


def _006_week() -> str:
    # What the daily runs wrote about each story and each day, which the weekly posts
    # reuse instead of reading every story again; the signals the weekly outlooks named
    # and the stories later found to bear on them.
    return """
    CREATE TABLE analyses (
        story_id INTEGER NOT NULL,
        lang TEXT NOT NULL,
        day TEXT NOT NULL,
        lead TEXT NOT NULL,
        body TEXT NOT NULL,
        what TEXT NOT NULL,
        why TEXT NOT NULL,
        impact TEXT NOT NULL,
        advice TEXT NOT NULL,
        headline TEXT NOT NULL,
        by_model INTEGER NOT NULL,
        PRIMARY KEY (story_id, lang)
    );
    CREATE INDEX analyses_day ON analyses (day, lang);
    CREATE TABLE day_notes (
        day TEXT NOT NULL,
        lang TEXT NOT NULL,
        headline TEXT NOT NULL,
        lede TEXT NOT NULL,
        trends TEXT NOT NULL,
        model TEXT NOT NULL,
        PRIMARY KEY (day, lang)
    );
    CREATE TABLE signals (
        id INTEGER PRIMARY KEY,
        week TEXT NOT NULL,
        lang TEXT NOT NULL,
        title TEXT NOT NULL,
        signal TEXT NOT NULL,
        horizon_weeks INTEGER NOT NULL,
        expires TEXT NOT NULL,
        run_id INTEGER REFERENCES runs (id)
    );
    CREATE INDEX signals_open ON signals (lang, expires);
    CREATE TABLE signal_evidence (
        signal_id INTEGER NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
        story_id INTEGER NOT NULL,
        day TEXT NOT NULL,
        note TEXT NOT NULL,
        by_model INTEGER NOT NULL,
        run_id INTEGER REFERENCES runs (id),
        PRIMARY KEY (signal_id, story_id)
    );
    """


def _007_hardening() -> str:
    return """
    ALTER TABLE runs ADD COLUMN pid INTEGER;
    ALTER TABLE sources ADD COLUMN url_changed TEXT;
    """


def _008_relevance() -> str:
    return """
    CREATE TABLE set_aside (
        day TEXT NOT NULL,
        item_id INTEGER NOT NULL REFERENCES items (id),
        reason TEXT NOT NULL,
        detail TEXT NOT NULL,
        PRIMARY KEY (day, item_id)
    );
    """


def _009_day_concept() -> str:
    # The concept a day's digest explained, so that no other day of its week explains it
    # again; '' for the days written before.
    return """
    ALTER TABLE day_notes ADD COLUMN concept TEXT NOT NULL DEFAULT '';
    """


def _010_publishing() -> str:
    # The stored digest every publisher reads (the files, the feed, the channels), and the
    # delivery ledger: each post goes to each channel once.
    return """
    ALTER TABLE posts ADD COLUMN key TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN title TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN description TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN body TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN digest TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE posts ADD COLUMN published TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN updated TEXT NOT NULL DEFAULT '';
    CREATE TABLE deliveries (
        channel TEXT NOT NULL,
        key TEXT NOT NULL,
        style TEXT NOT NULL,
        lang TEXT NOT NULL,
        hash TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        parts INTEGER NOT NULL,
        first_attempt TEXT NOT NULL,
        last_attempt TEXT NOT NULL,
        answer TEXT NOT NULL,
        message_ids TEXT NOT NULL,
        run_id INTEGER REFERENCES runs (id),
        PRIMARY KEY (channel, key, style, lang)
    );
    """


def _011_edits() -> str:
    # An editor's changes to a day's digest (edits.py): the state applied every time the
    # day is rendered again, and the log of every change with its time.
    return """
    CREATE TABLE edits (
        day TEXT NOT NULL,
        lang TEXT NOT NULL,
        story_id INTEGER NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (day, lang, story_id, field)
    );
    CREATE TABLE edit_log (
        day TEXT NOT NULL,
        lang TEXT NOT NULL,
        story_id INTEGER NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX edit_log_day ON edit_log (day, lang);
    """


def _012_schedule() -> str:
    # The desk's scheduled runs: which occurrence of each kind ran, when, and how.
    return """
    CREATE TABLE scheduled (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        at TEXT NOT NULL,
        status TEXT NOT NULL,
        finished TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    """


def _013_drafts() -> str:
    # Posts awaiting an editor's approval (`[review] required`, review.py): written where
    # the site does not build them, apart from the published posts the feed and the
    # channels read. `file_hash` tells a draft file edited by hand; `meta` is its front
    # matter, to publish it as it is; `edits_seen` the last edit_log row it includes (a
    # later one: the day was edited since).
    return """
    CREATE TABLE drafts (
        key TEXT NOT NULL,
        style TEXT NOT NULL,
        lang TEXT NOT NULL,
        format TEXT NOT NULL,
        day TEXT NOT NULL,
        path TEXT NOT NULL,
        url TEXT NOT NULL,
        meta TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        body TEXT NOT NULL,
        digest TEXT NOT NULL,
        written TEXT NOT NULL,
        edits_seen INTEGER NOT NULL,
        run_id INTEGER REFERENCES runs (id),
        PRIMARY KEY (key, style, lang, format)
    );
    """


def _014_item_sightings() -> str:
    # An item is stored once, under the source that brought its link first; the other
    # sources that carried the same link are recorded here, so that a story told by a
    # lab, Hacker News and a subreddit counts three sources (ranking), the lab's
    # standing (a curated source) holds whoever was read first, and the points Hacker
    # News gave the lab's post count as its engagement. A curated or heavier source that
    # carries a stored link becomes its owner (its title and text are the item's): a lab's
    # own words, not a repost's, whichever feed was read first.
    return """
    CREATE TABLE item_sightings (
        item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        points INTEGER NOT NULL DEFAULT 0,
        comments INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (item_id, source)
    ) WITHOUT ROWID;
    ALTER TABLE sources ADD COLUMN curated INTEGER NOT NULL DEFAULT 0;
    """


def _015_discussions() -> str:
    # Where a source's readers discuss an item when that is another page than its link
    # (a Hacker News item page, a Reddit link post's thread): a digest's "also reported
    # by" then links a source's discussion, not the shown article a second time.
    return """
    ALTER TABLE items ADD COLUMN discussion TEXT NOT NULL DEFAULT '';
    ALTER TABLE item_sightings ADD COLUMN discussion TEXT NOT NULL DEFAULT '';
    """


MIGRATIONS: list[Callable[[], str]] = [
    _001_initial,
    _002_item_terms,
    _003_outcome_faults,
    _004_health_and_articles,
    _005_model,
    _006_week,
    _007_hardening,
    _008_relevance,
    _009_day_concept,
    _010_publishing,
    _011_edits,
    _012_schedule,
    _013_drafts,
    _014_item_sightings,
    _015_discussions,
]


def migrate(db: sqlite3.Connection) -> int:
    """Apply the steps this database has not seen yet.

    The version is read and every missing step applied inside one `BEGIN IMMEDIATE`
    transaction, so two processes opening a new database at once never both create
    its tables: the second waits, then finds the schema current."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version == len(MIGRATIONS):
        return len(MIGRATIONS)
    db.execute("BEGIN IMMEDIATE")
    try:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version > len(MIGRATIONS):
            raise RuntimeError(
                f"database schema version {version} is newer than this newsdesk knows "
                f"({len(MIGRATIONS)}); upgrade newsdesk"
            )
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in statements(step()):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return len(MIGRATIONS)


def statements(script: str) -> list[str]:
    """The complete SQL statements of a script, in order (a trigger's body stays whole)."""
    found, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip():
        found.append(pending.strip())
    return found
