"""A web page without a feed (a blog index, a newsroom): its article links, then each article.

`fetch` reads the page (conditionally, like a feed), picks the links that look like
articles, and reads up to `max_items` of those not stored before. Article links are
found inside fetched content, so each goes through the address guard. `parse` takes
each article's title, date and text with trafilatura.

Which links are articles: those matching `link_pattern` when it is set; otherwise
links on the page's own site whose anchor text reads like a headline (three words or
more, or six CJK characters) and whose path is longer than the page's own, leaving
out tag, category, author, login and paging links and files.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from newsdesk.extract import extract_article
from newsdesk.http import FetchError, Response
from newsdesk.normalize import canonical_url, clean_text
from newsdesk.sources import Entry, SourceError, SourceResult, read_location

if TYPE_CHECKING:
    from newsdesk.config import SourceSettings
    from newsdesk.sources import FetchContext

NOT_ARTICLES = re.compile(
    r"/(tags?|category|categories|topics?|authors?|page|login|signin|signup|register|search|"
    r"about|contact|privacy|terms|careers|jobs|feed|rss)(/|$)"
    r"|\.(jpe?g|png|gif|svg|webp|pdf|zip|mp[34]|css|js|xml)$",
    re.IGNORECASE,
)
CJK = re.compile(r"[\u3400-\u9fff]")
ENOUGH_TEXT = 200  # the default fulltext.min_chars


class PageSource:
    """The `page` kind."""

    remembers_links = True

    def fetch(self, source: SourceSettings, context: FetchContext) -> Response:
        page = read_location(source.url, context)
        if page.not_modified:
            return page
        links = article_links(page.content, page.url, source.link_pattern)
        if not links:
            raise SourceError(
                "no article links found on the page; set `link_pattern` to the pattern of its "
                "article URLs",
                "parse_error",
            )
        fresh = [link for link in links if link not in context.seen][: source.max_items]
        articles: list[Response] = []
        failed: list[str] = []
        for link in fresh:
            try:
                # Kept under the link the page gives, so that the next run knows it
                # even when the article redirects elsewhere.
                articles.append(replace(context.client.get(link, discovered=True), url=link))
            except FetchError as exc:
                failed.append(f"{link}: {exc.reason}")
        if fresh and not articles:
            raise SourceError(
                f"none of {len(fresh)} articles could be read; the first: {failed[0]}"
            )
        notes = (
            [f"{len(failed)} of {len(fresh)} articles failed: {'; '.join(failed[:3])}"]
            if failed
            else []
        )
        return replace(page, parts=tuple(articles), notes=(*page.notes, *notes))

    def parse(self, response: Response, source: SourceSettings) -> SourceResult:
        result = SourceResult(entries=[], bytes=response.size)
        for article in response.parts:
            found = extract_article(article.content, article.url)
            link = canonical_url(article.url)
            if found is None or link is None or not found.title:
                result.skipped += 1
                continue
            result.entries.append(
                Entry(
                    link=link,
                    title=found.title,
                    # The page's own description when it says enough; else the article's
                    # opening, so that full text need not fetch the article again.
                    summary=found.description
                    if len(found.description) >= ENOUGH_TEXT
                    else found.text[:1500],
                    published=found.published,
                    markup=False,
                )
            )
        if result.skipped:
            result.notes.append(f"{result.skipped} pages had no readable article")
        return result


def article_links(page: bytes, url: str, pattern: str | None = None) -> list[str]:
    """The article links of a page, in the page's order, without repeats."""
    try:
        document = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    base = str(next(iter(document.xpath("//base/@href")), None) or url)
    home = urlsplit(url)
    site = _site(home.hostname or "")
    wanted = re.compile(pattern) if pattern else None
    found: list[str] = []
    for anchor in document.xpath("//body//a[@href]"):
        if anchor.xpath("ancestor::nav|ancestor::footer|ancestor::header"):
            continue
        link = canonical_url(anchor.get("href", ""), base)
        if link is None or link in found:
            continue
        parts = urlsplit(link)
        if wanted is not None:
            if wanted.search(link):
                found.append(link)
            continue
        text = clean_text(anchor.text_content())
        headline = len(text.split()) >= 3 or len(CJK.findall(text)) >= 6
        if (
            headline
            and _site(parts.hostname or "") == site
            and len(parts.path.rstrip("/")) > len(home.path.rstrip("/"))
            and not NOT_ARTICLES.search(parts.path)
        ):
            found.append(link)
    return found


def _site(host: str) -> str:
    return host.lower().removeprefix("www.")
