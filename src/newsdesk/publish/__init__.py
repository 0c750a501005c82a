"""Publishers: where a digest goes once rendered, each registered like a third-party one.

- Site formats (`registry`: hugo, jekyll, eleventy, markdown): the post's file, its
  front matter and place in the site folder. A post is written by its format first; the
  file's path is stored with the post.
- Publishers of the stored post (`publishers`: `feed`, the Atom feed of the digests):
  each is called with every post just stored (`publish_stored`), reads what it needs
  from the post and the store, and writes beside the site's files. One that fails is
  reported on the run; the others and the delivery go on.
- Channels (`newsdesk.publish.channels`): mail, chat groups, webhooks; sent by the
  delivery stage (deliver.py), which keeps the ledger.

A third party registers its own alike:

    from newsdesk import publish
    publish.register_publisher("sitemap", MySitemap())
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from newsdesk.errors import NewsdeskError, PublishError, StoreError
from newsdesk.registry import Registry

if TYPE_CHECKING:
    from newsdesk.publish.post import StoredPost
    from newsdesk.run import Run

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PostMeta:
    title: str
    day: dt.date
    date: dt.datetime
    slug: str
    author: str
    tags: list[str]
    categories: list[str]
    description: str
    draft: bool
    source_url: str


class SiteFormat(Protocol):
    name: str

    def front_matter(self, meta: PostMeta) -> str: ...

    def escape(self, text: str) -> str:
        """A title or text from the store or the model, as Markdown that shows it as
        written in this output (`newsdesk.write.escape_markdown` for site generators,
        `escape_plain_markdown` for files read raw)."""
        ...

    def path(self, out: Path, meta: PostMeta) -> Path:
        """Where the post goes under the site folder, as the generator expects."""
        ...

    def url(self, meta: PostMeta) -> str:
        """The post's address under the generator's default permalinks."""
        ...

    def draft_path(self, out: Path, meta: PostMeta) -> Path:
        """Where a post awaiting review goes: a place the generator does not build
        (`[review] required`; review.py)."""
        ...

    def page_path(self, out: Path, name: str) -> Path:
        """Where a page that is not a dated post (`name` like weekly_news/ai_news_2026-W06)
        goes: in the generator's content folder."""
        ...

    def page_url(self, name: str) -> str:
        """That page's address."""
        ...

    def static_path(self, out: Path, name: str) -> Path:
        """Where a static file (the feed) goes: where the generator serves files as
        they are."""
        ...

    def static_url(self, name: str) -> str:
        """That file's address."""
        ...


registry: Registry[SiteFormat] = Registry()


def register(fmt: SiteFormat) -> None:
    registry.register(fmt.name, fmt)


def meta_values(meta: PostMeta, out: Path) -> dict[str, object]:
    """A post's front matter values (and its site folder) as JSON values, for the store."""
    values = dataclasses.asdict(meta)
    values["day"] = meta.day.isoformat()
    values["date"] = meta.date.isoformat()
    values["out"] = str(out.resolve())  # a timer's `approve` may run from elsewhere
    return values


def meta_from_values(values: dict[str, Any]) -> tuple[PostMeta, Path]:
    """The front matter values and site folder `meta_values` stored."""
    fields = {k: v for k, v in values.items() if k != "out"}
    fields["day"] = dt.date.fromisoformat(values["day"])
    fields["date"] = dt.datetime.fromisoformat(values["date"])
    return PostMeta(**fields), Path(values["out"])


def write_post(
    body: str, meta: PostMeta, *, fmt: SiteFormat, out: Path, path: Path | None = None
) -> Path:
    """Write front matter and body atomically (to the post's place, or `path`), the body's
    text values escaped for the format; raise PublishError naming the folder."""
    from newsdesk.write import finish

    path = path or fmt.path(out, meta)
    return write_file(path, fmt.front_matter(meta) + finish(body, fmt.escape))


def write_file(path: Path, text: str) -> Path:
    """Write a post's file atomically; raise PublishError naming the folder."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        raise PublishError(
            f"cannot write {path}: {exc.strerror or exc}; check site.out or --out points to a "
            "writable folder"
        ) from None
    return path


class Publisher(Protocol):
    """Publishes a post once it is stored (not a draft): the feed of the digests, or a
    third party's sitemap, archive or search index."""

    def publish(self, run: Run, post: StoredPost, *, fmt: SiteFormat, out: Path) -> Path | None:
        """Publish `post`, written in the site format `fmt` under the site folder `out`;
        the file written, or None when there was nothing to write (turned off). Raise
        PublishError naming the file when it cannot be written."""
        ...


publishers: Registry[Publisher] = Registry()


def register_publisher(name: str, publisher: Publisher) -> None:
    publishers.register(name, publisher)


def publish_stored(run: Run, post: StoredPost, *, fmt: SiteFormat, out: Path) -> list[Path]:
    """Call every registered publisher, in name order, with a post just stored; the
    files they wrote. A publisher that fails (a full disk, a bug in a third party's) is
    reported on the run, and the others go on: the post stays stored and is delivered."""
    written = [_publish_one(run, name, post, fmt=fmt, out=out) for name in publishers]
    return [path for path in written if path is not None]


def _publish_one(
    run: Run, name: str, post: StoredPost, *, fmt: SiteFormat, out: Path
) -> Path | None:
    try:
        return publishers[name].publish(run, post, fmt=fmt, out=out)
    except StoreError:
        raise  # the store itself: the run cannot go on
    except Exception as exc:
        detail = str(exc) if isinstance(exc, NewsdeskError) else f"{type(exc).__name__}: {exc}"
        what = f"{post.key} {post.style} ({post.lang})"
        run.report.warn(
            f"publisher {name}: {what} not published ({detail}); the post is stored and "
            "delivered all the same"
        )
        logger.warning("publisher %s: %s not published (%s)", name, what, detail)
        return None


def deliver_to(run: Run, post: StoredPost) -> list[str]:
    """The channels a post about to be stored is to be delivered to: those that take it,
    when the run delivers (`Run.delivers`; not with `--no-deliver`, nor `backfill`). The
    store marks each delivery pending with the post (`Store.record_post`)."""
    if not run.delivers:
        return []
    return [c.name for c in run.settings.channels if c.takes(post.style, post.lang)]


def _register_builtins() -> None:
    for name, factory in (
        ("hugo", "hugo:Hugo"),
        ("jekyll", "jekyll:Jekyll"),
        ("eleventy", "eleventy:Eleventy"),
        ("markdown", "markdown:Markdown"),
    ):
        registry.register_lazy(name, f"newsdesk.publish.{factory}")
    publishers.register_lazy("feed", "newsdesk.publish.feed:Feed")


_register_builtins()
