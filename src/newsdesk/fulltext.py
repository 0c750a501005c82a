"""Full text for thin stories: the article's main text where the feed gave only a line.

For each shortlisted story whose text in the digest would be thinner than
`fulltext.min_chars`, the lead item's article is fetched (through the one HTTP client,
and through the address guard: the link came from fetched content) and its main text
extracted with trafilatura. Texts are cached in the store by URL, so a day is fetched
once; a failure is cached too and retried after `fulltext.retry_hours`. Without a
client (`daily --no-collect`, the demo) only cached texts are used.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from newsdesk.config import Settings
from newsdesk.extract import extract_article, without_title
from newsdesk.http import FetchError, HttpClient
from newsdesk.models import Story, display_item
from newsdesk.store import Store
from newsdesk.terms import summary_text

logger = logging.getLogger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml", "")


@dataclass(slots=True)
class FullTextResult:
    cached: int = 0
    fetched: int = 0
    failures: list[str] = field(default_factory=list)  # "url: reason", this run's only

    def summary(self) -> str:
        first = self.failures[0] if self.failures else ""
        attempted = self.fetched + len(self.failures)
        return (
            f"full text: {len(self.failures)} of {attempted} articles could not be read ({first})"
        )


def thin(story: Story, settings: Settings, lang: str) -> bool:
    """Whether the story's own text is short: a Hacker News stub or a title repeated is
    no text at all (`summary_text`)."""
    item = display_item(story, lang)
    return len(summary_text(item.title, item.summary)) < settings.fulltext.min_chars


def fill(
    stories: Sequence[Story],
    *,
    store: Store,
    settings: Settings,
    lang: str,
    now: dt.datetime,
    client: HttpClient | None = None,
) -> FullTextResult:
    """Set `story.text` on the thin stories, from the cache or fetched; return what happened."""
    result = FullTextResult()
    if not settings.fulltext.enabled:
        return result
    wanted = [s for s in stories if thin(s, settings, lang)][: settings.fulltext.max_articles]
    cache = store.articles(s.lead.url for s in wanted)
    due: list[Story] = []
    for story in wanted:
        text, reason, fetched = cache.get(story.lead.url, ("", "", None))
        if text:
            story.text = without_title(text, story.lead.title)
            result.cached += 1
        elif fetched is None or now - fetched >= dt.timedelta(hours=settings.fulltext.retry_hours):
            due.append(story)
    if not due or client is None:
        return result
    workers = min(settings.fetch.concurrency, len(due))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        read = pool.map(lambda s: _read(client, s.lead.url), due)
        for story, (text, reason) in zip(due, read, strict=True):
            store.set_article(story.lead.url, text, reason, now)
            if text:
                story.text = without_title(text, story.lead.title)
                result.fetched += 1
            else:
                result.failures.append(f"{story.lead.url}: {reason}")
    return result


def _read(client: HttpClient, url: str) -> tuple[str, str]:
    """The main text of the article at `url`, or "" and why not."""
    try:
        response = client.get(url, discovered=True)
    except FetchError as exc:
        return "", exc.reason
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in HTML_TYPES:
        return "", f"not an HTML page ({kind})"
    article = extract_article(response.content, response.url)
    if article is None or not article.text:
        return "", "no main text found in the page"
    return article.text, ""
