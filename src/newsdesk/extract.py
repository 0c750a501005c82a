"""An article's main text, title and date from its HTML page, by trafilatura.

Used by the `page` source kind for the articles it finds, and by the full-text stage
for stories whose feed text is thin. The page is data: nothing in it is followed or
executed, and the text is capped.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import trafilatura

from newsdesk.normalize import iso_date

logger = logging.getLogger(__name__)
MAX_TEXT = 20_000

# trafilatura logs every page it finds too short or undated at WARNING; those are
# ordinary outcomes here, reported on the run by the caller.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    text: str
    description: str
    published: dt.datetime | None


def extract_article(html: bytes, url: str) -> Article | None:
    """The article in a page, or None when trafilatura finds no main text."""
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_images=False
        )
    except Exception as exc:  # a hostile page must not stop the run
        logger.info("extraction failed for %s: %s", url, exc)
        return None
    if document is None:
        return None
    text = (getattr(document, "text", None) or "").strip()
    title = (getattr(document, "title", None) or "").strip()
    if not text and not title:
        return None
    return Article(
        title=title,
        text=without_title(text, title)[:MAX_TEXT],
        description=(getattr(document, "description", None) or "").strip(),
        published=iso_date(getattr(document, "date", None)),
    )


def without_title(text: str, title: str) -> str:
    """The text without a first line that repeats the title (pages put it in the body)."""
    first, _, rest = text.partition("\n")
    same = first.strip().casefold() == title.strip().casefold()
    return rest.strip() if same and rest.strip() else text
