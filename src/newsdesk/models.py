"""Plain data that the pipeline stages hand each other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

OutcomeStatus = Literal["ok", "empty", "not_modified", "error", "skipped"]


@dataclass(frozen=True, slots=True)
class Item:
    """One entry from one source, normalised."""

    url: str
    title: str
    summary: str
    published: dt.datetime
    first_seen: dt.datetime
    source: str
    lang: str
    content_hash: str
    dated: bool = True
    id: int | None = None
    terms: str = ""  # the tokens same-story merging compares, computed once at collection
    # Other sources whose feeds carried the same link (stored once, under the first source
    # that brought it: a lab's post that Hacker News and a subreddit also linked).
    also: tuple[str, ...] = ()
    # The most points and comments one of those sources gave it (a Hacker News feed's
    # "Points: N" for a lab's post stored under the lab).
    seen: tuple[int, int] = (0, 0)
    # Where the source's readers discuss the item when that is another page than `url`
    # (a Hacker News item page, a Reddit link post's comment thread); "" when none.
    discussion: str = ""
    # The same for each source in `also` that gave one: (source, page).
    discussions: tuple[tuple[str, str], ...] = ()

    def discussed_at(self, source: str) -> str:
        """The page where `source` discusses the item, "" when it gave none."""
        if source == self.source:
            return self.discussion
        return next((page for name, page in self.discussions if name == source), "")

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source that carried the item, the one that stored it first."""
        return (self.source, *self.also)


@dataclass(slots=True)
class SourceOutcome:
    """What happened to one source in one run."""

    source: str
    status: OutcomeStatus
    reason: str = ""
    items: int = 0
    new_items: int = 0
    bytes: int = 0
    elapsed_ms: int = 0
    skipped_entries: int = 0
    # For errors the failure (timeout, rate_limited, http_error, unreachable, parse_error …);
    # otherwise the passing fault that was retried, if any.
    fault: str = ""
    retries: int = 0
    waited_ms: int = 0  # time spent backing off before retrying


@dataclass(frozen=True, slots=True)
class Continuation:
    """A story that was already covered on an earlier day."""

    story_id: int
    day: dt.date
    title: str


@dataclass(slots=True)
class Story:
    """Items from one or more sources that tell the same news."""

    id: int
    day: dt.date
    items: list[Item]
    category: str = ""
    score: float = 0.0
    continues: Continuation | None = None
    text: str = ""  # the lead article's main text, fetched when the feed's was thin
    # The model's triage (triage.py), when one ran: importance 1-5 (0: not judged) and
    # the story's headline per digest language.
    importance: int = 0
    headlines: dict[str, str] = field(default_factory=dict)

    @property
    def lead(self) -> Item:
        return self.items[0]

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(name for item in self.items for name in item.sources))


def display_item(story: Story, lang: str) -> Item:
    """The item a digest in `lang` shows for a story: the best one in that language, else the lead."""
    return next((item for item in story.items if item.lang == lang), story.lead)


@dataclass(frozen=True, slots=True)
class StoryAnalysis:
    """Text about one story. Never holds a URL or a title: those come from the store.

    `lead` and `body` are what a brief shows; `what`, `why`, `impact` and `advice` are the
    deep report's four points (the offline analyst fills `what` only). `headline` is the
    title translated into the digest's language when no source wrote in it.
    """

    lead: str
    body: str
    what: str = ""
    why: str = ""
    impact: str = ""
    advice: str = ""
    headline: str = ""
    by_model: bool = False


@dataclass(frozen=True, slots=True)
class Concept:
    term: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Point:
    """A trend or a thing to watch: a short bold title and a sentence or two."""

    title: str
    detail: str


@dataclass(frozen=True, slots=True)
class DayAnalysis:
    headline: str
    lede: str
    stories: dict[int, StoryAnalysis]
    pick_id: int | None
    pick_text: str
    concept: Concept | None = None
    trends: list[Point] = field(default_factory=list)
    watch: list[Point] = field(default_factory=list)
    model: str = ""  # the model that wrote it, "" for the offline analyst alone
    fallbacks: int = 0  # sections the offline analyst wrote because the model's were unusable
    unavailable: bool = False  # a configured model gave no answer (llm.ModelClient.unavailable)


@dataclass(slots=True)
class ModelUsage:
    """What the model cost and how its answers fared in one run."""

    model: str = ""
    calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated_calls: int = 0  # calls whose endpoint gave no usage; our estimate was counted
    retries: int = 0
    waited_ms: int = 0
    repaired: int = 0  # answers that were not valid JSON until json-repair mended them
    reasked: int = 0  # sections asked for again with the validation error
    fallbacks: int = 0  # sections written by the offline analyst instead
    urls_removed: int = 0
    ids_dropped: int = 0
    budget_stops: int = 0  # calls not made because llm.max_tokens_per_run was reached

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(slots=True)
class RunReport:
    """Every run is recorded with its per-source outcome and its warnings."""

    id: int
    command: str
    started: dt.datetime
    outcomes: list[SourceOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    usage: ModelUsage | None = None
    stored: int = 0  # new items stored so far in this run

    @property
    def failed(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if o.status == "error"]

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


@dataclass(frozen=True, slots=True)
class Digest:
    """Everything a template needs to write one day's post."""

    day: dt.date
    lang: str
    style: str
    stories: list[Story]
    analysis: DayAnalysis
    failed_sources: list[SourceOutcome]
    generated: dt.datetime
    retried_sources: list[SourceOutcome] = field(default_factory=list)
    considered: int = 0  # the day's stories before the shortlist
    items: int = 0  # the reports they merge
    sources: int = 0  # the sources those reports came from


@dataclass(frozen=True, slots=True)
class DayNote:
    """What a daily run wrote about the day as a whole, kept for the weekly posts."""

    headline: str
    lede: str
    trends: list[Point]
    model: str


@dataclass(frozen=True, slots=True)
class Thread:
    """One story of the week counted once: its first report in the week and the days it
    continued on. `first_day` and `first_title` name where it was first covered when that
    was before the week."""

    story: Story  # the first story of the thread within the week
    later: list[Story] = field(default_factory=list)
    first_day: dt.date | None = None
    first_title: str = ""

    @property
    def id(self) -> int:
        return self.story.id

    @property
    def stories(self) -> list[Story]:
        return [self.story, *self.later]

    @property
    def score(self) -> float:
        return max(s.score for s in self.stories)

    @property
    def items(self) -> list[Item]:
        """Every report of the thread, each link once, in the order the days came."""
        seen: dict[str, Item] = {}
        for story in self.stories:
            for item in story.items:
                seen.setdefault(item.url, item)
        return list(seen.values())


@dataclass(frozen=True, slots=True)
class Axis:
    """A theme of the week and the stories (thread ids, in evidence order) behind it."""

    title: str
    story_ids: list[int]
    evidence: str = ""  # the model's evidence chain; offline the story list alone
    summary: str = ""
    impacts: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Advice:
    audience: str  # an audience key from [weekly]
    text: str


@dataclass(frozen=True, slots=True)
class Outlook:
    """A trend to watch with the observable signal that would confirm it, and how long
    to watch for it."""

    title: str
    detail: str
    signal: str
    horizon_weeks: int


@dataclass(frozen=True, slots=True)
class WeekAnalysis:
    headline: str
    lede: str
    axes: list[Axis]
    advice: list[Advice] = field(default_factory=list)
    outlook: list[Outlook] = field(default_factory=list)
    closing: str = ""
    model: str = ""
    fallbacks: int = 0
    # Headlines (with leads) the model wrote for the week's cited stories that had none
    # in the post's language, by thread id; over the daily analyses stored.
    stories: dict[int, StoryAnalysis] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Signal:
    """A stored outlook signal, open until `expires`."""

    id: int
    week: str  # the ISO week whose outlook named it, e.g. 2026-W06
    lang: str
    title: str
    signal: str
    horizon_weeks: int
    expires: dt.date


@dataclass(frozen=True, slots=True)
class Evidence:
    """A story that bears on a signal, found offline by text match or by the model."""

    signal_id: int
    story_id: int
    day: dt.date
    note: str = ""
    by_model: bool = False
