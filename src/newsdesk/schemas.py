"""What the model may return, and the checks an answer passes before anything uses it.

The model returns text and our story ids, nothing else: every URL in its text is
removed and counted, every id we did not send is dropped and counted, text that reads
as an instruction or is in the wrong language is an error the model is told about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

import json_repair
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from newsdesk.screen import in_language, instruction_kinds, strip_urls

_M = TypeVar("_M", bound=BaseModel)
LANGUAGE_NAMES = {"zh": ("中文", "Chinese"), "en": ("英文", "English")}


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class StoryNotes(_Answer):
    id: int
    lead: str = Field(min_length=2, description="one-sentence lead")
    what: str = Field(min_length=2, description="what happened")
    why: str = Field(min_length=2, description="why it matters")
    impact: str = Field(min_length=2, description="who is affected and how")
    advice: str = Field(min_length=2, description="a concrete action for readers")
    headline: str = Field("", description="translated headline, when asked for")


class StoriesAnswer(_Answer):
    stories: list[StoryNotes]


class PointAnswer(_Answer):
    title: str = Field(min_length=1)
    detail: str = Field(min_length=1)


class ConceptAnswer(_Answer):
    term: str = Field(min_length=1)
    explanation: str = Field(min_length=2)


class DayAnswer(_Answer):
    headline: str = Field(min_length=2)
    lede: str = Field(min_length=2)
    trends: list[PointAnswer] = Field(min_length=3)
    watch: list[PointAnswer] = Field(min_length=3)
    concept: ConceptAnswer
    pick_id: int
    pick_reason: str = Field(min_length=2)

    @field_validator("trends")
    @classmethod
    def _at_most_six(cls, value: list[PointAnswer]) -> list[PointAnswer]:
        return value[:6]

    @field_validator("watch")
    @classmethod
    def _three(cls, value: list[PointAnswer]) -> list[PointAnswer]:
        return value[:3]


@dataclass(slots=True)
class Counts:
    """What cleaning an answer removed."""

    urls_removed: int = 0
    ids_dropped: int = 0
    repaired: int = 0
    reasked: int = 0

    def add(self, other: Counts) -> None:
        self.urls_removed += other.urls_removed
        self.ids_dropped += other.ids_dropped
        self.repaired += other.repaired
        self.reasked += other.reasked


@dataclass(slots=True)
class Checked:
    """The usable part of an answer and what was wrong with the rest."""

    stories: dict[int, StoryNotes] = field(default_factory=dict)
    day: DayAnswer | None = None
    errors: list[str] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


def parse_json(text: str, counts: Counts) -> Any:
    """The JSON value in `text`; json-repair mends what a model breaks (fences, trailing
    commas, a cut-off end). Raises ValueError when nothing usable is left."""
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except ValueError:
        pass
    value = json_repair.loads(stripped) if stripped else ""
    if not isinstance(value, dict | list) or not value:
        raise ValueError("the answer is not a JSON object")
    counts.repaired += 1
    return value


def check_stories(text: str, *, wanted: dict[int, bool], lang: str) -> Checked:
    """Per-story notes for the ids in `wanted` (id → whether a translated headline was
    asked for); others are dropped, missing or invalid ones are errors."""
    checked = Checked()
    try:
        value = parse_json(text, checked.counts)
    except ValueError as exc:
        checked.errors.append(str(exc))
        return checked
    entries = value.get("stories") if isinstance(value, dict) else value
    if not isinstance(entries, list):
        checked.errors.append('the answer has no "stories" list')
        return checked
    for entry in entries:
        _check_story(entry, wanted, lang, checked)
    missing = [i for i in wanted if i not in checked.stories]
    if missing and not checked.errors:
        checked.errors.append(f"stories missing from the answer: {', '.join(map(str, missing))}")
    return checked


def _check_story(entry: Any, wanted: dict[int, bool], lang: str, checked: Checked) -> None:
    ident = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(ident, str) and ident.strip().isdigit():
        ident = int(ident)
    if not isinstance(ident, int) or ident not in wanted or ident in checked.stories:
        checked.counts.ids_dropped += 1
        return
    try:
        notes = StoryNotes.model_validate(entry)
    except ValidationError as exc:
        checked.errors.append(f"story {ident}: {_first_error(exc)}")
        return
    cleaned = _clean(notes, ("lead", "what", "why", "impact", "advice", "headline"), checked)
    if not wanted[ident]:
        cleaned = cleaned.model_copy(update={"headline": ""})
    problem = _problem(cleaned, ("lead", "what", "why", "impact", "advice", "headline"), lang)
    if problem:
        checked.errors.append(f"story {ident}: {problem}")
    else:
        checked.stories[ident] = cleaned


def check_day(text: str, *, ids: set[int], lang: str) -> Checked:
    """The day's synthesis; a pick that is not one of `ids` is dropped (the top story
    is the pick then)."""
    checked = Checked()
    try:
        value = parse_json(text, checked.counts)
        day = DayAnswer.model_validate(value)
    except ValueError as exc:  # ValidationError is a ValueError
        message = _first_error(exc) if isinstance(exc, ValidationError) else str(exc)
        checked.errors.append(message)
        return checked
    day = _clean(day, ("headline", "lede", "pick_reason"), checked)
    points = [_clean(p, ("title", "detail"), checked) for p in (*day.trends, *day.watch)]
    concept = _clean(day.concept, ("term", "explanation"), checked)
    day = day.model_copy(
        update={
            "trends": points[: len(day.trends)],
            "watch": points[len(day.trends) :],
            "concept": concept,
        }
    )
    if day.pick_id not in ids:
        checked.counts.ids_dropped += 1
        day = day.model_copy(update={"pick_id": -1, "pick_reason": ""})
    texts = [day.headline, day.lede, day.pick_reason, concept.explanation]
    texts += [f"{p.title} {p.detail}" for p in points]
    problem = _text_problem(" ".join(texts), lang)
    if problem:
        checked.errors.append(problem)
    else:
        checked.day = day
    return checked


def _clean(model: _M, names: tuple[str, ...], checked: Checked) -> _M:
    update = {}
    for name in names:
        text, removed = strip_urls(getattr(model, name))
        if removed:
            checked.counts.urls_removed += removed
            update[name] = text
    return model.model_copy(update=update) if update else model


def _problem(model: BaseModel, names: tuple[str, ...], lang: str) -> str:
    empty = [n for n in names if n != "headline" and len(getattr(model, n)) < 2]
    if empty:
        return f"{', '.join(empty)} empty once links were removed"
    return _text_problem(" ".join(getattr(model, n) for n in names), lang)


def _text_problem(text: str, lang: str) -> str:
    kinds = instruction_kinds(text)
    if kinds:
        return f"the text reads as instructions to a model ({', '.join(kinds)}); analyse, do not instruct"
    if not in_language(text, lang):
        zh, en = LANGUAGE_NAMES[lang]
        return f"written in the wrong language: write in {en} ({zh})"
    return ""


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    parts = []
    for error in errors[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "answer"
        parts.append(f"{where}: {error['msg']}")
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more
