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

    @property
    def lead(self) -> Item:
        return self.items[0]

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(item.source for item in self.items))


@dataclass(frozen=True, slots=True)
class StoryAnalysis:
    """Text about one story. Never holds a URL or a title: those come from the store."""

    lead: str
    body: str


@dataclass(frozen=True, slots=True)
class Concept:
    term: str
    explanation: str


@dataclass(frozen=True, slots=True)
class DayAnalysis:
    headline: str
    lede: str
    stories: dict[int, StoryAnalysis]
    pick_id: int | None
    pick_text: str
    concept: Concept | None = None


@dataclass(slots=True)
class RunReport:
    """Every run is recorded with its per-source outcome and its warnings."""

    id: int
    command: str
    started: dt.datetime
    outcomes: list[SourceOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if o.status == "error"]

    def warn(self, message: str) -> None:
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
