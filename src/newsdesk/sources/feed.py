"""RSS 0.9x/1.0/2.0, Atom and JSON Feed, parsed by feedparser from bytes we fetched."""

from __future__ import annotations

import calendar
import datetime as dt
import html
import json
import logging
import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import feedparser
import lxml.html
from lxml import etree

from newsdesk.http import FetchError, Response
from newsdesk.normalize import canonical_url, is_thread, iso_date
from newsdesk.sources import Entry, SourceError, SourceResult, read_location

if TYPE_CHECKING:
    from newsdesk.config import SourceSettings
    from newsdesk.sources import FetchContext

logger = logging.getLogger(__name__)
_PLAIN = {"text/plain"}
# Content types no feed is served as. Others (text/html, text/plain, octet-stream) are
# tried anyway: many servers label their feeds wrongly.
NOT_FEEDS = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")
_EMPTY_HREF = re.compile(rb"href\s*=\s*(?:\"\s*\"|'\s*')")
_DATE_KEYS = ("published_parsed", "updated_parsed", "created_parsed")
# Reddit's feeds link every entry to its comment thread and give the post's own link in
# the summary: "submitted by /u/x <a href="…">[link]</a> <a href="…">[comments]</a>".
_POSTED_LINK = re.compile(r"<a\s[^>]*?href=[\"']([^\"']+)[\"'][^>]*>\s*\[link\]\s*</a>", re.I)


class FeedSource:
    """The `feed` kind: one feed URL or file."""

    remembers_links = False

    def fetch(self, source: SourceSettings, context: FetchContext) -> Response:
        response = read_location(source.url, context)
        if not response.url.startswith(("http://", "https://")) or not _looks_like_html(response):
            return response
        # A web page, not a feed: follow the feed it advertises, if any (autodiscovery).
        advertised = discover_feeds(response.content, response.url)
        if not advertised:
            return response  # parse reports that no feed was found
        try:
            found = context.client.get(advertised[0], discovered=True)
        except FetchError as exc:
            reason = f"the page advertises {advertised[0]}, which failed: {exc.reason}"
            raise SourceError.from_fetch(exc, reason) from None
        return replace(found, notes=(*found.notes, f"feed found at {found.url}"))

    def parse(self, response: Response, source: SourceSettings) -> SourceResult:
        headers = {k.lower(): v for k, v in response.headers.items()}
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind.startswith(NOT_FEEDS):
            raise SourceError(f"the server sent {kind}, not a feed; check the source's URL")
        if response.url.startswith(("http://", "https://")):
            headers["content-location"] = response.url
        result = parse_feed(response.content, headers=headers)
        result.bytes = response.size
        return result


def parse_feed(data: bytes, *, headers: dict[str, str] | None = None) -> SourceResult:
    """Entries from feed bytes; raise SourceError when nothing in them is a feed."""
    headers = headers or {}
    if _looks_like_json(data, headers.get("content-type", "")):
        return parse_json_feed(data, base=headers.get("content-location"))
    # No HTML from a feed survives as HTML: `clean_text` turns every field into plain text
    # (scripts and styles dropped first), so feedparser's own sanitising and link
    # rewriting inside HTML would be work done twice. Nor does feedparser get the feed's
    # address unless the feed needs it there (`_needs_address`): it would join the address
    # with the base of every element it reads, a third of its time, and `_link` resolves
    # links against the address itself.
    given = headers
    if not _needs_address(data):
        given = {k: v for k, v in headers.items() if k != "content-location"}
    parsed = feedparser.parse(
        data, response_headers=given, sanitize_html=False, resolve_relative_uris=False
    )
    problem = _problem(parsed)
    if not parsed.entries:
        if problem:
            raise SourceError(f"not a readable feed: {problem}")
        if not parsed.get("version"):
            raise SourceError("no feed found in the response (an HTML page or another format?)")
        return SourceResult(entries=[], notes=["the feed has no entries"])
    base = headers.get("content-location") or parsed.feed.get("link")
    lang = parsed.feed.get("language")
    result = SourceResult(entries=[])
    for raw in parsed.entries:
        entry = _entry(raw, base=base, lang=lang)
        if entry is None:
            result.skipped += 1
        else:
            result.entries.append(entry)
    if problem:
        result.notes.append(f"malformed feed, read what could be read: {problem}")
    if result.skipped:
        result.notes.append(f"{result.skipped} entries without a usable link or text were skipped")
    return result


def _needs_address(data: bytes) -> bool:
    """Whether feedparser resolves something against the feed's address that `_link` would
    not: an xml:base (relative bases nest), or an empty href, which stands for the address.
    Bytes in an encoding that is not ASCII-compatible (UTF-16, UTF-32) are not searched."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:2]
    if head[:1] != b"<" or head[1:] == b"\x00":
        return True
    return b"xml:base" in data or _EMPTY_HREF.search(data) is not None


def _problem(parsed: Any) -> str:
    if not parsed.get("bozo"):
        return ""
    exc = parsed.get("bozo_exception")
    text = str(exc).strip() or type(exc).__name__
    # feedparser flags a charset it had to correct; that is not a fault worth reporting.
    if type(exc).__name__ in {"CharacterEncodingOverride", "NonXMLContentType"}:
        return ""
    return text[:200]


def _entry(raw: Any, *, base: str | None, lang: str | None) -> Entry | None:
    link = _link(raw, base)
    title, markup = _title(raw)
    summary = _summary(raw)
    if link is None or not (title or summary):
        return None
    thread = link
    link = posted_link(link, summary)
    return Entry(
        link=link,
        title=title,
        summary=summary,
        published=_date(raw),
        markup=markup,
        lang=raw.get("language") or lang,
        discussion=thread if link != thread else "",
    )


def _link(raw: Any, base: str | None) -> str | None:
    candidates = [raw.get("link")]
    candidates += [
        link.get("href") for link in raw.get("links", []) if link.get("rel") == "alternate"
    ]
    candidates.append(raw.get("id"))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            url = canonical_url(candidate, base, fragment=True)
            if url:
                return url
    return None


def posted_link(link: str, summary: str) -> str:
    """The link a Reddit post shares (an article, a model card, an image) in place of the
    entry's link to its comment thread, as a Hacker News feed links the article: the
    news is what the post links to, and the same article posted elsewhere is found by its
    address. A text post, whose "[link]" is its own thread (or another thread, for a
    crosspost), keeps its thread."""
    if not is_thread(link) or "submitted by" not in summary:
        return link
    # Reddit's own footer comes last: a "[link]" the author wrote in a text post's body
    # is not the post's link.
    found = _POSTED_LINK.search(summary, summary.rfind("submitted by"))
    if found is None:
        return link
    target = canonical_url(html.unescape(found.group(1)), link, fragment=True)
    if target is None or is_thread(target):
        return link
    return target


def _title(raw: Any) -> tuple[str, bool]:
    title = raw.get("title") or ""
    detail = raw.get("title_detail") or {}
    return (title if isinstance(title, str) else ""), detail.get("type") not in _PLAIN


def _summary(raw: Any) -> str:
    for content in raw.get("content") or []:
        value = content.get("value")
        if isinstance(value, str) and value.strip():
            summary = raw.get("summary")
            # Prefer the short summary when the feed has both; full content is for extraction.
            if isinstance(summary, str) and summary.strip() and len(summary) < len(value):
                return summary
            return value
    summary = raw.get("summary") or raw.get("description") or ""
    return summary if isinstance(summary, str) else ""


def _date(raw: Any) -> dt.datetime | None:
    for key in _DATE_KEYS:
        value = dict.get(raw, key)  # plain lookup: feedparser's own fallback mapping warns
        if isinstance(value, time.struct_time):
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"}
)


def _looks_like_html(response: Response) -> bool:
    if "html" in response.headers.get("content-type", "").lower():
        return True
    head = response.content.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].lower()
    return head.startswith((b"<!doctype html", b"<html"))


def discover_feeds(page: bytes, url: str) -> list[str]:
    """Feed URLs a page advertises with <link rel="alternate" type="…rss+xml|atom+xml|…">,
    resolved against the page's URL (or its <base>), in the page's order."""
    try:
        document = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    base = next(iter(document.xpath("//base/@href")), None) or url
    found: list[str] = []
    for link in document.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES:
            href = canonical_url(link.get("href", ""), str(base))
            if href and href not in found:
                found.append(href)
    return found


def _looks_like_json(data: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(data: bytes, *, base: str | None = None) -> SourceResult:
    """JSON Feed 1.0 and 1.1 (https://jsonfeed.org), which feedparser 6.0 does not read."""
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"not a readable JSON Feed: {exc}") from None
    if not isinstance(feed, dict) or not isinstance(feed.get("items"), list):
        raise SourceError("not a JSON Feed: no `items` list")
    if not str(feed.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise SourceError("not a JSON Feed: missing or unknown `version`")
    base = base or _text(feed.get("home_page_url")) or _text(feed.get("feed_url")) or None
    lang = _text(feed.get("language")) or None
    result = SourceResult(entries=[])
    for raw in feed["items"]:
        entry = _json_entry(raw, base=base, lang=lang) if isinstance(raw, dict) else None
        if entry is None:
            result.skipped += 1
        else:
            result.entries.append(entry)
    if result.skipped:
        result.notes.append(f"{result.skipped} entries without a usable link or text were skipped")
    if not result.entries and not result.skipped:
        result.notes.append("the feed has no entries")
    return result


def _json_entry(raw: dict[str, Any], *, base: str | None, lang: str | None) -> Entry | None:
    link = None
    for key in ("url", "external_url", "id"):
        value = _text(raw.get(key))
        if value and (link := canonical_url(value, base, fragment=True)):
            break
    title = _text(raw.get("title"))
    html_body = _text(raw.get("summary")) or _text(raw.get("content_html"))
    summary = html_body or _text(raw.get("content_text"))
    if link is None or not (title or summary):
        return None
    published = iso_date(_text(raw.get("date_published")) or _text(raw.get("date_modified")))
    return Entry(
        link=link,
        title=title,
        summary=summary,
        published=published,
        markup=False,
        lang=_text(raw.get("language")) or lang,
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
