"""Canonical URLs, plain text and clean titles from feed HTML, language, sentences,
content hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

TRACKING_PARAMS = frozenset(
    """
    fbclid gclid dclid gbraid wbraid msclkid yclid igshid twclid mc_cid mc_eid _hsenc _hsmi
    mkt_tok spm scm ref ref_src ref_url cmpid share_source from_source
    """.split()
)
TRACKING_PREFIXES = ("utm_", "__twitter", "pk_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}

_DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "math")
_BLOCK_TAGS = frozenset(
    """
    p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article header footer blockquote
    pre figure figcaption dd dt hr
    """.split()
)
_TAG = re.compile(r"</?[a-zA-Z!][^<>]*>")
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\ufeff]"
)
# Hyphens other than the ASCII one: "GPT‑5.4" written with a non-breaking hyphen (U+2011)
# is the same name as "GPT-5.4", for merging, the category table and the reader alike.
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-"})
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,6});")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# A sentence ends after 。！？ (unless more closing punctuation follows), after ! or ?
# followed by a space or Chinese (never inside a word or an address: "item?id=5"), and
# after . ; ； followed by a space and what can start a sentence.
_SENTENCE_END = re.compile(
    r"(?<=[。！？])(?![。！？!?」』”’）)\]])|(?<=[。！？][」』”’）)])(?![」』”’）)])"
    r"|(?<=[!?])(?=\s|[\u3400-\u9fff])"
    r"|(?<=[.;；])\s+(?=[\"'“A-Z0-9\u4e00-\u9fff])"
)
_URL_SPAN = re.compile(r"(?i)\b(?:https?://|www\.)[^\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
# List markers: "1、" "（2）" "③" "一、", and "1." / "2)" at the start or after a colon.
_LIST_MARKER = re.compile(
    r"\s*(?:\d{1,2}[、．]|[（(]\d{1,2}[）)]|[\u2460-\u2473]|[一二三四五六七八九十]{1,2}、|\d{1,2}[.)]\s)"
)
_HAS_LIST_MARKER = re.compile(
    r"(?<![\d.])\d{1,2}[、．]|[（(]\d{1,2}[）)]|[\u2460-\u2473]"
    r"|(?:^|[：:；;。])\s*(?:[一二三四五六七八九十]{1,2}、|\d{1,2}[.)]\s)"
)
_ENDS_WITH_MARKER = re.compile(r"(?:^|[：:；;]|[.!?]\s)\s*\d{1,2}[.)]$")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:e\.g|i\.e|vs|Mr|Mrs|Ms|Dr|Prof|St|No|Fig)\.)$"
)


# Fragments that name a part of any page rather than an entry of its own: dropped even
# where fragments are kept, so "post#comments" and "post" stay one item.
PAGE_FRAGMENTS = frozenset(
    """
    comments comment respond reply replies discussion main main-content maincontent content
    site-content primary article body top page post-heading skip google_vignette m
    disqus_thread
    """.split()
)


def canonical_url(url: str, base: str | None = None, *, fragment: bool = False) -> str | None:
    """The URL in canonical form, or None if it is not an absolute http(s) URL.

    With `fragment`, an item's link keeps its `#fragment`, which tells apart entries that
    share one page (a changelog's `#1.13.9`, a daily post's sections), unless the fragment
    only names a part of any page (`#comments`, `#main`, a `#:~:text=` highlight) or is
    tracking (`#utm_source=…`)."""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)]
    anchor = _entry_fragment(parts.fragment) if fragment else ""
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(sorted(query)), anchor))


def is_thread(url: str) -> bool:
    """Whether a link is a discussion thread on Reddit (a post's comments page)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    on_reddit = host == "reddit.com" or host.endswith(".reddit.com")
    return host == "redd.it" or (on_reddit and ("/comments/" in parts.path or "/s/" in parts.path))


def _entry_fragment(value: str) -> str:
    """The fragment when it names an entry of a page, else ""."""
    value = value.strip()
    if not value or value.startswith(":~:") or value.lower() in PAGE_FRAGMENTS:
        return ""
    if "=" in value and all(
        _tracking(k) for k, _ in parse_qsl(value.replace("#", "&"), keep_blank_values=True)
    ):
        return ""
    return value


def without_fragment(url: str) -> str:
    """The page an item's URL points into: its URL without the `#fragment`. Two items
    whose URLs differ only there come from one page (one feed's changelog entries, or one
    article linked with and without an anchor); whether they tell one story is for
    merging to decide."""
    return url.partition("#")[0]


def _tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def clean_text(value: str, *, markup: bool = True) -> str:
    """Plain, single-spaced text from a feed field that may hold HTML and entities.

    With markup=False the value is declared plain text: a lone "<" stays, but anything
    shaped like a tag is still removed, because plain-text fields carry hostile markup too.
    """
    if not value:
        return ""
    if not markup:
        value = _TAG.sub(" ", _SCRIPT.sub(" ", value))
    elif "<" in value or "&" in value:
        value = _strip_markup(value)
        if _ENTITY.search(value):
            value = html.unescape(value)  # feeds that escaped their entities twice
            if "<" in value:
                value = _strip_markup(value)
    value = _CONTROL.sub("", unicodedata.normalize("NFC", value))
    if "\u2010" in value or "\u2011" in value:
        value = value.translate(_HYPHENS)
    return " ".join(value.split())  # str.split's whitespace is the regex \s; 3x as fast


def _strip_markup(value: str) -> str:
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return html.unescape(re.sub(r"<[^>]*>?", " ", value))
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            element.tail = " " + (element.tail or "")
    text: str = root.text_content()
    # Markup that survived as text (an escaped "<script>" inside a title) is still markup.
    if "<" in text and _TAG.search(text):
        text = _SCRIPT.sub(" ", text)
        text = _TAG.sub(" ", text)
    return text


# Scraper debris around a title: a date glued to it, or set off by a separator, at either
# end; a section label glued between a leading date and the title; a reading time; a
# "Read more". A date only counts in full (month, day and year), so "2025 in review" and
# "January 2026 update" stay as they are.
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    rf"|\d{{1,2}}\s+{_MONTH},?\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d-\d\d-\d\d|(?:19|20)\d\d年\d{1,2}月\d{1,2}日)"
)
_TITLE_SEPARATOR = r"\s*[-–—|·•:：]\s*"
# Glued means followed at once by a capital: Chinese has no spaces to miss, and a date
# running into a Chinese title ("2026年1月15日发布会回顾") is part of it.
_LEADING_DATE = re.compile(rf"^{_DATE}(?:(?P<separated>{_TITLE_SEPARATOR})|(?=[A-Z“\"‘']))")
# Section labels that blogs print between the date and the title (Anthropic's research
# index: "Jan 15, 2026Economic ResearchAnthropic Economic Index report…"); only removed
# when glued to both.
SECTION_LABELS = (
    "Economic Research", "Societal Impacts", "Interpretability", "Announcements",
    "Announcement", "Alignment", "Science", "Policy", "Product", "Research", "Safety",
    "Security", "Engineering", "Company", "News", "Events", "Education", "Customers",
    "Customer Stories", "Case Study", "Case Studies", "Guides", "Tutorials", "Updates",
    "Releases", "Press", "Insights", "Developers", "Business", "Enterprise", "Partnerships",
    "Culture", "Stories", "Podcast", "Video", "Webinar", "Global Affairs", "Open Source",
    "Infrastructure", "Platform", "Community", "Opinion", "Analysis", "Technology",
)  # fmt: skip
_GLUED_LABEL = re.compile(
    rf"^(?:{'|'.join(sorted(map(re.escape, SECTION_LABELS), key=len, reverse=True))})"
    r"(?=[A-Z0-9“\"‘'])"
)
_TRAILING_DEBRIS = re.compile(
    # a date glued to the title or set off by a separator
    rf"(?:{_TITLE_SEPARATOR}|(?<=[a-z.!?)”\"’])){_DATE}\s*$"
    # a reading time
    r"|(?:[-–—|·•]\s*|(?<!\ba)(?<!\ban)\s+|(?<=[a-z.!?)”\"’]))\d{1,3}\s*(?:min|mins|minute|minutes)"
    r"\.?\s+read\s*$"
    r"|\s*[-–—|·•]\s*(?:(?:阅读时间|预计阅读)[：:]?\s*\d{1,3}\s*分钟|\d{1,3}\s*分钟阅读)\s*$"
    # "Read more" and its kin: after a separator, an ellipsis or glued; or with an arrow;
    # in sentence case ("Read more") after a plain space
    r"|(?:[-–—|·•…]\s*|\.\.\.\s*|(?<=[^\s]))(?:Read [Mm]ore|Continue [Rr]eading|Learn [Mm]ore)"
    r"\s*[»›→>]*\s*$"
    r"|\s+(?:Read [Mm]ore|Continue [Rr]eading|Learn [Mm]ore)\s*[»›→>]+\s*$"
    r"|\s+(?:Read more|Continue reading)\s*$"
    r"|(?:\s+|[-–—|·•…]\s*)(?:阅读全文|阅读更多|查看全文|查看详情)\s*[»›→>]*\s*$"
)

# A code host's or a model hub's own page title, pasted as a post's title: "GitHub - owner/
# repo: what it is", "Title · owner/repo · Discussion #16578", "org/Model · Hugging Face".
_PAGE_TITLE = re.compile(
    r"^GitHub\s+-\s+(?=[\w.-]+/[\w.-]+)"
    r"|\s+·\s+(?:Issue|Pull Request|PR|Discussion|Merge Request)\s+#\d+(?=\s+·|\s*$)"
    r"|\s+·\s+(?:GitHub|Hugging\s?Face|GitLab)\s*$",
    re.I,
)
_MAYBE_DEBRIS = re.compile(r"(?i)(?:\d|read|more|reading|[»›→>]|全文|更多|详情|分钟|阅读)\s*$")


def clean_title(title: str) -> str:
    """A plain-text title without the debris scrapers leave around it: a leading date and
    a section label glued to it ("Jan 15, 2026Economic ResearchAnthropic Economic Index
    report: …"), a trailing date, a reading time ("· 5 min read"), "Read more", a code
    host's or a model hub's page title ("GitHub - ", "· Discussion #16578", "· Hugging
    Face"). A title that would be left empty, or nearly, is returned as it was."""
    cleaned = _PAGE_TITLE.sub("", title) if "·" in title or title.startswith("GitHub") else title
    lead = _LEADING_DATE.match(cleaned)
    if lead:
        cleaned = cleaned[lead.end() :]
        if lead.group("separated") is None:
            cleaned = _GLUED_LABEL.sub("", cleaned, count=1)
    for _ in range(3):
        if not _MAYBE_DEBRIS.search(cleaned[-12:]):  # most titles: no regex over the whole
            break
        trimmed = _TRAILING_DEBRIS.sub("", cleaned)
        if trimmed == cleaned:
            break
        cleaned = trimmed
    if cleaned == title:
        return title
    cleaned = cleaned.strip(" -–—|·•:：")
    return cleaned if len(cleaned) >= 3 else title


# The flair a subreddit puts before a title: r/MachineLearning's "[R]" (research), "[N]"
# (news), "[P]" (project), "[D]" (discussion) and their long forms. The stored title keeps
# it (the relevance stage reads it); a digest shows the title without it.
_FLAIR = re.compile(
    r"^\s*[\[(](?:R|N|P|D|Research|News|Project|Discussion|Paper|Release|Releases)[\])]"
    r"\s*[:\-–—|]?\s*",
    re.IGNORECASE,
)


def shown_title(title: str) -> str:
    """The title as a digest shows it: without a subreddit's flair ("[R] Scaling laws…" →
    "Scaling laws…"); a title that would be left empty is returned as it was."""
    if title.lstrip()[:1] not in ("[", "("):
        return title
    shown = _FLAIR.sub("", title, count=1)
    return shown if shown.strip() else title


def detect_language(text: str, declared: str | None = None) -> str:
    """zh, ja, ko or en by script; a feed's declared language decides among Latin-script ones."""
    han = len(_HAN.findall(text))
    if _KANA.search(text):
        return "ja"
    if len(_HANGUL.findall(text)) > han:
        return "ko"
    if han and han * 4 >= len(_LATIN.findall(text)) * 0.5:
        return "zh"
    hint = (declared or "").split("-")[0].lower()
    if hint and hint not in {"zh", "ja", "ko"}:
        return hint
    return "en" if not hint or _LATIN.search(text) else hint


def content_hash(title: str, summary: str) -> str:
    key = f"{title.casefold()}\n{summary[:500].casefold()}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def sentences(text: str) -> list[str]:
    """Split plain text into sentences (Chinese and English punctuation).

    Never inside an address ("…/item?id=5"), after an abbreviation ("U.S.", "e.g.") or a
    bare list number ("1."), nor between the items of a list ("1、…；2、…")."""
    urls = [m.span() for m in _URL_SPAN.finditer(text)] if "://" in text or "www." in text else []
    parts: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        cut = end.start()
        if any(a < cut < b for a, b in urls):
            continue
        piece = text[start:cut]
        if _ENDS_WITH_MARKER.search(piece) or _ABBREVIATION.search(piece):
            continue
        if _LIST_MARKER.match(text, end.end()) and _HAS_LIST_MARKER.search(piece):
            continue
        parts.append(piece)
        start = end.end()
    parts.append(text[start:])
    return [part for part in (p.strip() for p in parts) if part]


def epoch(value: object) -> dt.datetime | None:
    """A UTC datetime from seconds since the epoch, None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def iso_date(value: object) -> dt.datetime | None:
    """A datetime from an ISO 8601 string (UTC when it names no zone), None otherwise."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
