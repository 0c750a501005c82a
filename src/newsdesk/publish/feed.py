"""An Atom feed of the digests (`[feed]`), written with feedgen after every post.

One feed per language: `feed.xml` for the configured `language`, `feed-en.xml` (or
`feed-zh.xml`) for the other. It lists the last `feed.size` stored posts of that
language, daily and weekly, newest first, each with its full content as HTML (the
stored Markdown body rendered by markdown-it-py), a stable id, its published and updated
times, and its link under `site.base_url`. The file goes where the site generator
serves static files (`SiteFormat.static_path`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newsdesk.config import Settings
from newsdesk.errors import PublishError
from newsdesk.publish import SiteFormat
from newsdesk.publish.post import StoredPost
from newsdesk.store import Store

if TYPE_CHECKING:
    from newsdesk.run import Run


class Feed:
    """The `feed` publisher: after each post is stored, its language's feed is written
    again (`write_feed`)."""

    def publish(self, run: Run, post: StoredPost, *, fmt: SiteFormat, out: Path) -> Path | None:
        return write_feed(run.settings, run.store, fmt=fmt, out=out, lang=post.lang, now=run.now())


def feed_name(lang: str, settings: Settings) -> str:
    return "feed.xml" if lang == settings.language else f"feed-{lang}.xml"


def entry_id(post: StoredPost, settings: Settings) -> str:
    """A stable id (RFC 4151 tag URI): the same post keeps it when rewritten."""
    host = urlsplit(settings.site.base_url).hostname or "newsdesk.invalid"
    return f"tag:{host},{post.day.year}:{post.key}/{post.style}/{post.lang}"


def markdown_html(body: str) -> str:
    """A stored Markdown body as HTML (CommonMark and tables; raw HTML left escaped)."""
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": False}).enable("table").render(body))


def write_feed(
    settings: Settings, store: Store, *, fmt: SiteFormat, out: Path, lang: str, now: dt.datetime
) -> Path | None:
    """Write the language's feed; None when `[feed]` is off."""
    if not settings.feed.enabled:
        return None
    from feedgen.feed import FeedGenerator

    posts = store.posts(lang=lang, limit=settings.feed.size, fmt=fmt.name)
    name = feed_name(lang, settings)
    base = settings.site.base_url.rstrip("/")
    self_url = f"{base}{fmt.static_url(name)}" if base else fmt.static_url(name)
    feed = FeedGenerator()
    feed.id(f"tag:{urlsplit(base).hostname or 'newsdesk.invalid'},2026:feed/{lang}")
    feed.title(settings.feed.title or ("AI 日报与周报" if lang == "zh" else "AI daily and weekly"))
    feed.author({"name": settings.site.author})
    feed.link(href=self_url, rel="self")
    if base:
        feed.link(href=base + "/", rel="alternate")
    feed.language(lang)
    feed.updated(max((p.updated for p in posts), default=now))
    for post in reversed(posts):  # feedgen lists the last added first
        entry = feed.add_entry()
        entry.id(entry_id(post, settings))
        entry.title(post.title)
        if post.url:
            entry.link(href=post.url, rel="alternate")
        entry.published(post.published)
        entry.updated(post.updated)
        if post.description:
            entry.summary(post.description)
        entry.content(markdown_html(post.body), type="html")
    path = fmt.static_path(out, name)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        feed.atom_file(str(temporary), pretty=True)
        temporary.replace(path)
    except OSError as exc:
        raise PublishError(f"cannot write the feed {path}: {exc.strerror or exc}") from None
    return path
