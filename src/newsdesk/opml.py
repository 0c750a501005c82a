"""OPML import and export, so feed lists move between newsdesk and feed readers.

Import reads every `<outline>` with an `xmlUrl` (nested folders included), without
resolving entities or reaching the network, and appends the new ones to newsdesk.toml
as `[[sources]]` tables written by a TOML library. Comments and everything else in the
file stay as they were. Export writes the `feed` sources as OPML 2.0.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tomli_w
from lxml import etree

from newsdesk.config import SourceSettings
from newsdesk.errors import ConfigError
from newsdesk.normalize import canonical_url


@dataclass(frozen=True, slots=True)
class OutlineFeed:
    name: str
    url: str
    folder: str = ""


def read_opml(data: bytes, origin: str = "OPML") -> list[OutlineFeed]:
    """The feeds an OPML document lists, in document order, without repeats."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(f"{origin}: not readable as OPML ({exc})") from None
    if root is None or root.tag != "opml":
        raise ConfigError(f"{origin}: not an OPML file (its root element is not <opml>)")
    feeds: list[OutlineFeed] = []
    urls: set[str] = set()
    for outline in root.iter("outline"):
        raw = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        url = canonical_url(raw) if raw else None
        if url is None or url in urls:
            continue
        urls.add(url)
        name = " ".join((outline.get("title") or outline.get("text") or "").split())
        parent = outline.getparent()
        folder = ""
        if parent is not None and parent.tag == "outline":
            folder = " ".join((parent.get("title") or parent.get("text") or "").split())
        feeds.append(OutlineFeed(name or url, raw, folder))
    return feeds


def new_sources(
    feeds: Iterable[OutlineFeed], existing: Iterable[SourceSettings]
) -> tuple[list[dict[str, object]], int]:
    """`[[sources]]` tables for the feeds not configured yet (same URL), with unique names;
    and how many were already there."""
    present = list(existing)
    known_urls = {canonical_url(s.url) or s.url for s in present}
    names = {s.name for s in present}
    tables: list[dict[str, object]] = []
    already = 0
    for feed in feeds:
        if (canonical_url(feed.url) or feed.url) in known_urls:
            already += 1
            continue
        known_urls.add(canonical_url(feed.url) or feed.url)
        name, n = feed.name, 2
        while name in names:
            name, n = f"{feed.name} ({n})", n + 1
        names.add(name)
        tables.append({"name": name, "url": feed.url, "kind": "feed", "weight": 1.0})
    return tables, already


def append_sources(
    config: Path, tables: list[dict[str, object]], origin: str, *, today: dt.date
) -> None:
    """Append `[[sources]]` tables to the config file, keeping all that is already in it."""
    if not tables:
        return
    block = f"\n# Imported from {origin} on {today.isoformat()}.\n" + _source_tables(tables)
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    config.write_text(text + block, encoding="utf-8")


def _source_tables(tables: list[dict[str, object]]) -> str:
    """Each table under its own `[[sources]]` header. Left to itself, tomli_w writes short
    tables as one inline `sources = [...]` array, which after an earlier `[[sources]]`
    table would become a key inside that table."""
    return "\n".join("[[sources]]\n" + tomli_w.dumps(table) for table in tables)


def write_opml(
    sources: Iterable[SourceSettings], title: str = "newsdesk sources", *, now: dt.datetime
) -> bytes:
    """OPML 2.0 listing the given feed sources, created at `now`."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = email.utils.format_datetime(now)
    body = etree.SubElement(root, "body")
    for source in sources:
        etree.SubElement(
            body, "outline", text=source.name, title=source.name, type="rss", xmlUrl=source.url
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
