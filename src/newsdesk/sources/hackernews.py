"""Hacker News stories through the public Algolia HN Search API (hn.algolia.com/api).

One request per run: the stories of the last `max_age_hours` with at least `min_points`
points, newest first. Stories whose title names none of `terms` are left out (no terms:
all are kept). A story's link is the article it points to, or its discussion page
when it has none (Ask HN).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from newsdesk.http import FetchError, Response
from newsdesk.normalize import canonical_url, epoch
from newsdesk.sources import Entry, SourceError, SourceResult, load_json

if TYPE_CHECKING:
    from newsdesk.config import SourceSettings
    from newsdesk.sources import FetchContext

ITEM_URL = "https://news.ycombinator.com/item?id={}"
DEFAULT_API = "https://hn.algolia.com/api/v1/search_by_date"


class HackerNewsSource:
    """The `hackernews` kind; `url` is the API's search_by_date endpoint."""

    remembers_links = False

    def fetch(self, source: SourceSettings, context: FetchContext) -> Response:
        since = context.now - dt.timedelta(hours=source.max_age_hours)
        query = urlencode(
            {
                "tags": "story",
                "numericFilters": f"points>={source.min_points},created_at_i>{int(since.timestamp())}",
                "hitsPerPage": 1000 if source.terms else source.max_items,
            }
        )
        try:
            return context.client.get(f"{source.url}?{query}")
        except FetchError as exc:
            raise SourceError.from_fetch(exc) from None

    def parse(self, response: Response, source: SourceSettings) -> SourceResult:
        data = load_json(response, "the Hacker News API")
        hits = data.get("hits") if isinstance(data, dict) else None
        if not isinstance(hits, list):
            raise SourceError("the Hacker News API answer has no `hits` list")
        wanted = terms_pattern(source.terms)
        result = SourceResult(entries=[], bytes=response.size)
        for hit in hits:
            entry = _entry(hit) if isinstance(hit, dict) else None
            if entry is None:
                result.skipped += 1
            elif (wanted is None or wanted.search(entry.title)) and _points(
                hit
            ) >= source.min_points:
                result.entries.append(entry)
            if len(result.entries) == source.max_items:
                break
        return result


def terms_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """A case-insensitive pattern matching any term as a whole word (None: match all).

    "AI" matches "AI" and "OpenAI's AI", not "said"; terms in Chinese match anywhere.
    """
    if not terms:
        return None
    parts = [_term(term.strip()) for term in terms if term.strip()]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _term(term: str) -> str:
    if term.isascii():
        return rf"(?<![^\W_]){re.escape(term)}(?![^\W_])"
    return re.escape(term)  # Chinese has no spaces between words


def _points(hit: dict[str, Any]) -> int:
    points = hit.get("points")
    return points if isinstance(points, int) and not isinstance(points, bool) else 0


def _entry(hit: dict[str, Any]) -> Entry | None:
    title = hit.get("title")
    story = hit.get("objectID") or hit.get("story_id")
    if not isinstance(title, str) or not title.strip() or not story:
        return None
    target = hit.get("url")
    link = (
        canonical_url(target, fragment=True) if isinstance(target, str) and target.strip() else None
    )
    page = canonical_url(ITEM_URL.format(story))
    link = link or page
    if link is None:
        return None
    text = hit.get("story_text")
    return Entry(
        link=link,
        title=title,
        summary=text if isinstance(text, str) else "",
        published=epoch(hit.get("created_at_i")),
        markup=False,
        discussion=page or "",  # an Ask HN post's page is its link: to_item drops it
    )
