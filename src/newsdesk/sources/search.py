"""News search APIs that supplement feeds: Brave Search, or a self-hosted SearXNG.

One request per configured query, at most `max_items` results each, limited to the
last day. Brave (`provider = "brave"`, `url` the news search endpoint,
https://api.search.brave.com/res/v1/news/search) takes its key from the environment
variable named by `api_key_env`, sent as X-Subscription-Token. SearXNG
(`provider = "searxng"`, `url` the instance's /search) needs its JSON format enabled
in the instance's settings.yml. A query that fails is noted; the source fails only
when every query does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from newsdesk.http import FetchError, Response
from newsdesk.normalize import canonical_url, iso_date
from newsdesk.sources import Entry, SourceError, SourceResult, api_key, load_json

if TYPE_CHECKING:
    from newsdesk.config import SourceSettings
    from newsdesk.sources import FetchContext

BRAVE_API = "https://api.search.brave.com/res/v1/news/search"


class SearchSource:
    """The `search` kind."""

    remembers_links = False

    def fetch(self, source: SourceSettings, context: FetchContext) -> Response:
        headers = {"Accept": "application/json"}
        if source.provider == "brave":
            headers["X-Subscription-Token"] = api_key(source)
        answers: list[Response] = []
        failures: list[FetchError] = []
        for query in source.queries:
            try:
                answers.append(context.client.get(_request(source, query), headers=headers))
            except FetchError as exc:
                failures.append(exc)
        if not answers:
            first = failures[0]
            first.retries = max(f.retries for f in failures)
            first.waited = sum(f.waited for f in failures)
            reason = f"all {len(failures)} queries failed; the first: {first.reason}"
            raise SourceError.from_fetch(first, reason)
        notes = tuple(note for answer in answers for note in answer.notes)
        notes += tuple(f"a query failed: {f.reason}" for f in failures)
        retried = [a for a in answers if a.retries]
        return replace(
            answers[0],
            content=b"",
            notes=notes,
            parts=tuple(answers),
            retries=max((a.retries for a in answers), default=0),
            waited=sum(a.waited for a in answers),
            fault=retried[0].fault if retried else (failures[0].fault if failures else ""),
        )

    def parse(self, response: Response, source: SourceSettings) -> SourceResult:
        result = SourceResult(entries=[], bytes=response.size)
        seen: set[str] = set()
        what = "Brave Search" if source.provider == "brave" else "SearXNG"
        unreadable: list[SourceError] = []
        for answer in response.parts:
            try:
                results = _results(load_json(answer, what), source.provider)
            except SourceError as exc:  # one bad answer does not lose the others
                unreadable.append(exc)
                continue
            for raw in results[: source.max_items]:
                entry = _entry(raw, source.provider) if isinstance(raw, dict) else None
                if entry is None:
                    result.skipped += 1
                elif entry.link not in seen:  # several queries may find one article
                    seen.add(entry.link)
                    result.entries.append(entry)
        if unreadable and len(unreadable) == len(response.parts):
            raise unreadable[0]
        result.notes += [f"a query's answer was unusable: {exc.reason}" for exc in unreadable]
        return result


def _request(source: SourceSettings, query: str) -> str:
    if source.provider == "brave":
        params = {"q": query, "count": min(source.max_items, 50), "freshness": "pd"}
        if source.lang:
            params["search_lang"] = "zh-hans" if source.lang == "zh" else source.lang
    else:
        params = {"q": query, "format": "json", "categories": "news", "time_range": "day"}
        if source.lang:
            params["language"] = source.lang
    return f"{source.url}?{urlencode(params)}"


def _results(data: Any, provider: str) -> list[Any]:
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        service = "Brave Search" if provider == "brave" else "SearXNG"
        raise SourceError(f"the {service} answer has no `results` list")
    return results


def _entry(raw: dict[str, Any], provider: str) -> Entry | None:
    link = raw.get("url")
    url = canonical_url(link) if isinstance(link, str) else None
    title = raw.get("title")
    summary = raw.get("description" if provider == "brave" else "content")
    if url is None or not isinstance(title, str) or not title.strip():
        return None
    if provider == "brave":
        published = iso_date(raw.get("page_age"))
    else:
        published = iso_date(raw.get("publishedDate"))
    return Entry(
        link=url,
        title=title,
        summary=summary if isinstance(summary, str) else "",
        published=published.astimezone(dt.UTC) if published else None,
    )
