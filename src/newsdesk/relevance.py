"""The relevance and junk stage: which of a day's items may appear in an AI-news digest.

Every item is kept or set aside with a reason, between normalising and merging. Nothing
is deleted: set-aside items stay in the store and `newsdesk report` lists them with
their reasons. A source marked `curated = true` (a lab's own blog) skips the stage.

The decision follows the labelling guide of the editorial development set
(tests/data/editorial/guide-junk.md), in its order:

1. **About AI?** The item's title and text must name AI: one *strong* term (a lab, a
   model family, "LLM", "machine learning", "人工智能", "大模型" …) or two different
   *weak* ones ("agent", "model", "GPU", "robot", "inference" …, each ambiguous alone:
   ICE "agents", a "data model"). Otherwise `off_topic`. Terms are in
   `data/relevance.toml`, in English and Chinese.
2. **Its form.** AI items are set aside when their form says they are not news, first
   match wins: `question` (Ask HN, help requests, "when will X ship"), `meme`,
   `anecdote` (a personal story: "I …", "Tell HN", "我用…"), `promotion` (ads, discounts,
   courses, events, hiring, customer stories, a maker's Show HN with fewer than
   `show_points` points), `rant` (polemic and hot takes), `not_news` (tutorials, guides,
   explainers, year-in-review lists, podcasts, resurfaced "(2023)" items, changelog
   entries that carry no headline feature). The patterns are in `data/relevance.toml`.
3. **Traction** lifts a borderline maker launch: a Show HN with at least `show_points`
   points is kept. It never turns a question, a personal story or a tutorial into news.

Engagement comes from the feed where it gives it (Hacker News "Points: N" lines, as
hnrss.org and newsdesk's own Hacker News source write them).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from newsdesk.models import Item

REASONS = ("off_topic", "question", "meme", "anecdote", "promotion", "rant", "not_news")
# A source whose items of one day link to this many different sites is an aggregator.
AGGREGATOR_HOSTS = 4
# Characters of an item's text (after its title) read by the stage.
TEXT_CHARS = 400

_POINTS = re.compile(r"(?:^|\s)Points:\s*(\d+)")
_COMMENTS = re.compile(r"#\s*Comments:\s*(\d+)")
# Lines a Hacker News feed writes instead of a summary: they are not the story's text.
_BOILERPLATE = re.compile(
    r"(?:Article URL|Comments URL):\s*\S+|Points:\s*\d+|#\s*Comments:\s*\d+|"
    r"\bDiscussion\b\s*(?:\|\s*Link\b)?|\bComments\b\s*$",
    re.I,
)
_BARE_URL = re.compile(r"https?://\S+")
_NO_AI = re.compile(r"\b(?:no|without|not)\s+AI\b", re.I)
# "(2023)" or "[2023]" at the end of a title, or "… in 2025": a resurfaced story or a
# look back, when the year is before the item's own.
_OLD_YEAR = re.compile(r"[(\[]((?:19|20)\d\d)[)\]]\s*$|\bin ((?:19|20)\d\d)\s*$")


@dataclass(frozen=True, slots=True)
class Verdict:
    """`reason` is "" when the item is kept; `detail` names the rule that decided."""

    reason: str
    detail: str = ""

    @property
    def kept(self) -> bool:
        return not self.reason


KEPT = Verdict("")


def engagement(item: Item) -> tuple[int, int]:
    """(points, comments) where the feed gives them, else (0, 0)."""
    points = _POINTS.search(item.summary)
    comments = _COMMENTS.search(item.summary)
    return (int(points.group(1)) if points else 0, int(comments.group(1)) if comments else 0)


def story_text(summary: str) -> str:
    """An item's summary without feed boilerplate (HN's URL and points lines, bare URLs)."""
    if not summary:
        return ""
    text = _BOILERPLATE.sub(" ", summary)
    text = _BARE_URL.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class _Rules:
    strong: re.Pattern[str]
    sites: frozenset[str]
    weak: re.Pattern[str]
    forms: tuple[tuple[str, str, re.Pattern[str]], ...]  # (reason, where, pattern)
    show: re.Pattern[str]
    show_points: int
    press: frozenset[str]
    official: frozenset[str]
    news: re.Pattern[str]
    lift_points: int


def _pattern(terms: Sequence[str]) -> re.Pattern[str]:
    """Latin-script terms match as whole words; a term that is a regular expression
    (it starts with "re:") is used as it is; Chinese terms match anywhere."""
    parts = []
    for term in terms:
        if term.startswith("re:"):
            parts.append(f"(?:{term[3:]})")
        elif term.isascii():
            parts.append(rf"(?<![\w]){re.escape(term)}(?![\w])")
        else:
            parts.append(re.escape(term))
    return re.compile("|".join(parts) or r"(?!)", re.I)


@cache
def _rules() -> _Rules:
    text = resources.files("newsdesk").joinpath("data/relevance.toml").read_text("utf-8")
    data = tomllib.loads(text)
    forms = []
    for reason in REASONS[1:]:
        for where in ("title", "text"):
            terms = data["forms"].get(reason, {}).get(where, [])
            if terms:
                forms.append((reason, where, _pattern(terms)))
    return _Rules(
        strong=_pattern(data["ai"]["strong"]),
        sites=frozenset(data["ai"]["sites"]),
        weak=_pattern(data["ai"]["weak"]),
        forms=tuple(forms),
        show=_pattern(data["forms"]["show"]),
        show_points=int(data["forms"]["show_points"]),
        press=frozenset(data["news"]["press"]) | frozenset(data["news"]["official"]),
        official=frozenset(data["news"]["official"]),
        news=_pattern(data["news"]["title"]),
        lift_points=int(data["news"]["lift_points"]),
    )


def about_ai(text: str) -> str:
    """The term that makes a text about AI ("" when none does)."""
    rules = _rules()
    strong = rules.strong.search(text)
    if strong:
        return strong.group()
    weak = {m.group().casefold() for m in rules.weak.finditer(text)}
    if len({_root(w) for w in weak}) >= 2:
        return " + ".join(sorted(weak)[:2])
    return ""


def _root(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def official_hosts() -> frozenset[str]:
    """Sites whose own posts are primary sources: labs, companies, governments, arXiv."""
    return _rules().official


def press_hosts() -> frozenset[str]:
    """News outlets and official sites."""
    return _rules().press


def host(url: str) -> str:
    name = urlsplit(url).hostname or ""
    return name.removeprefix("www.")


def _press(name: str, press: frozenset[str]) -> bool:
    """Whether a host is, or is under, a press or official domain."""
    parts = name.split(".")
    return any(".".join(parts[n:]) in press for n in range(len(parts)))


def judge(item: Item, *, aggregator: bool = False) -> Verdict:
    """Keep the item, or set it aside with a reason. An item from an `aggregator` also
    needs a sign of news: a press or official link, an event in its title, or traction."""
    rules = _rules()
    title = unicodedata.normalize("NFKC", item.title).strip()
    body = story_text(item.summary)[:TEXT_CHARS]
    if body.casefold().startswith(title.casefold()):
        body = body[len(title) :]
    if not about_ai(_NO_AI.sub(" ", f"{title} \n {body}")) and not _press(
        host(item.url), rules.sites
    ):
        return Verdict("off_topic", "no AI term")
    points, _ = engagement(item)
    old = _OLD_YEAR.search(title)
    if old and int(old.group(1) or old.group(2)) < item.published.year:
        return Verdict("not_news", f"an older story resurfaced ({old.group().strip()})")
    for reason, where, pattern in rules.forms:
        found = pattern.search(title if where == "title" else f"{title} \n {body}")
        if found:
            return Verdict(reason, found.group().strip())
    shown = rules.show.search(title)
    if shown:
        if points < rules.show_points:
            return Verdict("promotion", f"{shown.group().strip()} under {rules.show_points} points")
        return KEPT
    if (
        aggregator
        and points < rules.lift_points
        and not _press(host(item.url), rules.press)
        and not rules.news.search(title)
    ):
        return Verdict("not_news", f"no event in the title of a post on {host(item.url)}")
    return KEPT


def aggregators(items: Sequence[Item]) -> set[str]:
    """Sources whose items link to at least `AGGREGATOR_HOSTS` different sites."""
    hosts: dict[str, set[str]] = {}
    for item in items:
        hosts.setdefault(item.source, set()).add(host(item.url))
    return {source for source, found in hosts.items() if len(found) >= AGGREGATOR_HOSTS}


def sift(
    items: Sequence[Item], curated: Collection[str]
) -> tuple[list[Item], list[tuple[Item, Verdict]]]:
    """The items kept (in order) and those set aside with their verdicts."""
    kept: list[Item] = []
    aside: list[tuple[Item, Verdict]] = []
    mixed = aggregators(items)
    for item in items:
        verdict = KEPT if item.source in curated else judge(item, aggregator=item.source in mixed)
        if verdict.kept:
            kept.append(item)
        else:
            aside.append((item, verdict))
    return kept, aside
