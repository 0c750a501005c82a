"""The stored digest: what every publisher reads (the site files, the feed, the channels).

A post is rendered once, by the templates; its title, description, plain-Markdown body
and a structured copy of its content (`data`: sections of entries, each with the
store's title and link) are kept in the `posts` table, so that the feed and the
channels publish exactly what the site shows, from the store and never from files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The parts of a story's analysis a stored digest's entry can carry (`data`).
ANALYSIS_FIELDS = ("what", "why", "impact", "advice", "body")


@dataclass(frozen=True, slots=True)
class StoredPost:
    """One published digest: a daily (`key` its day) or a weekly post (`key` its ISO
    week), in one style and language."""

    key: str
    day: dt.date
    style: str
    lang: str
    title: str
    description: str
    url: str
    body: str  # Markdown, escaped for a plain Markdown reader, no front matter
    published: dt.datetime
    updated: dt.datetime
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "weekly" if self.style.startswith("weekly") else "daily"

    @property
    def digest_hash(self) -> str:
        """What a channel received: the same hash means nothing changed."""
        blob = json.dumps([self.title, self.body, self.data], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def entries(self) -> list[dict[str, Any]]:
        return [e for section in self.data.get("sections", []) for e in section["entries"]]

    def links(self) -> set[str]:
        """Every link of the post's content (all from the store)."""
        found = {self.url} if self.url else set()
        for entry in self.entries():
            found.add(entry["url"])
            found.update(o["url"] for o in entry.get("others", []))
        return found


@dataclass(frozen=True, slots=True)
class Pending:
    """A delivery of a stored post that did not go through (`Store.pending_deliveries`):
    the channel, the post as stored now, the file it was published to, and the ledger's
    status, content hash, attempts and answer (the last failure's reason)."""

    channel: str
    post: StoredPost
    path: str
    status: str
    hash: str
    attempts: int
    answer: str = ""


@dataclass(frozen=True, slots=True)
class Draft:
    """A post awaiting an editor's approval (`[review] required`): its content as
    rendered, the file written where the site does not build it, the file's hash when
    written (a different one: edited by hand) and its front matter values (`meta`)."""

    post: StoredPost
    fmt: str
    path: Path
    meta: dict[str, Any]
    file_hash: str
    run_id: int | None = None
    edits_seen: int = 0  # the day's edit mark when written (Store.edit_mark)

    @property
    def kind(self) -> str:
        return self.post.kind

    def edited_by_hand(self, text: str) -> bool:
        """Whether the draft file's text is no longer what newsdesk wrote."""
        return file_hash(text) != self.file_hash

    def file_text(self) -> str | None:
        """The draft file's text; None when it cannot be read (gone)."""
        try:
            return self.path.read_text(encoding="utf-8")
        except OSError:
            return None


def file_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sample_post(now: dt.datetime, lang: str) -> StoredPost:
    """A short post for `newsdesk channels test`: one section, one story, no real link."""
    zh = lang == "zh"
    title = "newsdesk 测试消息" if zh else "newsdesk test message"
    entry: dict[str, Any] = {
        "id": 0,
        "title": "这是一条测试消息" if zh else "This is a test message",
        "headline": "",
        "lead": "频道已配置好，日报会发到这里。"
        if zh
        else "The channel works; digests will arrive here.",
        "url": "https://example.com/newsdesk-test",
        "source": "newsdesk",
        "others": [],
    }
    section = {"name": "测试" if zh else "Test", "emoji": "", "entries": [entry]}
    return StoredPost(
        key=f"test-{now.date().isoformat()}",
        day=now.date(),
        style="daily-brief",
        lang=lang,
        title=title,
        description=title,
        url="",
        body=f"# {title}\n\n**{entry['title']}** {entry['lead']}\n",
        published=now,
        updated=now,
        data={"headline": title, "lede": "", "sections": [section]},
    )
