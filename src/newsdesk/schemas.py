"""What the model may return, and the checks an answer passes before anything uses it.

The model returns text and our story ids, nothing else: every URL in its text is
removed and counted, every id we did not send is dropped and counted, text that reads
as an instruction or is in the wrong language is an error the model is told about. Each
field (a headline, a lead, a trend's title) is checked on its own against the digest's
language: a Chinese lead does not carry an English headline through.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
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


class AxisAnswer(_Answer):
    title: str = Field(min_length=2, description="the theme, as a claim")
    story_ids: list[int] = Field(min_length=2, description="the stories, in evidence order")
    evidence: str = Field(min_length=2, description="how the stories build the case")
    summary: str = Field(min_length=2, description="an overview paragraph")
    impacts: list[str] = Field(min_length=2, description="2-4 impact judgments")

    @field_validator("impacts")
    @classmethod
    def _at_most_four(cls, value: list[str]) -> list[str]:
        return value[:4]


class WeekAnswer(_Answer):
    headline: str = Field(min_length=2)
    lede: str = Field(min_length=2)
    axes: list[AxisAnswer] = Field(min_length=2)


class AdviceAnswer(_Answer):
    audience: str = Field(min_length=1)
    text: str = Field(min_length=2)


class OutlookAnswer(_Answer):
    title: str = Field(min_length=1)
    detail: str = Field(min_length=2)
    signal: str = Field(min_length=2, description="what would be observed if the trend holds")
    horizon_weeks: int = Field(ge=1, le=104)


class FutureAnswer(_Answer):
    advice: list[AdviceAnswer] = Field(min_length=1)
    outlook: list[OutlookAnswer] = Field(min_length=1)
    closing: str = Field(min_length=2)


class MatchAnswer(_Answer):
    signal_id: int
    story_id: int
    note: str = Field(min_length=2, description="how the story bears on the signal")


class MatchesAnswer(_Answer):
    matches: list[MatchAnswer]


class BriefNotes(_Answer):
    id: int
    headline: str = Field(min_length=2, description="headline in the digest's language")
    lead: str = Field("", description="one-sentence lead")


class BriefsAnswer(_Answer):
    briefs: list[BriefNotes]


class TriageStory(_Answer):
    id: int
    keep: bool = True
    reason: str = Field("", description="why it is set aside, when keep is false")
    importance: int = Field(3, description="1 (minor) to 5 (major)")
    category: str = ""
    headlines: dict[str, str] = Field(default_factory=dict, description="language → headline")


class TriagePair(_Answer):
    a: int
    b: int
    same: bool


class TriageAnswer(_Answer):
    stories: list[TriageStory]
    pairs: list[TriagePair] = Field(default_factory=list)


# The text fields of an axis and of an outlook trend, each checked on its own.
AXIS_TEXTS = ("title", "evidence", "summary")
OUTLOOK_TEXTS = ("title", "detail", "signal")
# The longest headline kept, in characters (Chinese is denser).
HEADLINE_CHARS = {"zh": 60, "en": 140}


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
    answer: BaseModel | None = None  # the week's sections: WeekAnswer, FutureAnswer, MatchesAnswer
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


def story_entries(text: str, counts: Counts, errors: list[str]) -> tuple[Any, list[Any]]:
    """An answer's JSON value and its "stories" list (a bare list counts as one); an
    error is added, and the list empty, when there is none."""
    try:
        value = parse_json(text, counts)
    except ValueError as exc:
        errors.append(str(exc))
        return None, []
    entries = value.get("stories") if isinstance(value, dict) else value
    if not isinstance(entries, list):
        errors.append('the answer has no "stories" list')
        return value, []
    return value, entries


def check_stories(text: str, *, wanted: dict[int, bool], lang: str) -> Checked:
    """Per-story notes for the ids in `wanted` (id → whether a translated headline was
    asked for); others are dropped, missing or invalid ones are errors."""
    checked = Checked()
    _, entries = story_entries(text, checked.counts, checked.errors)
    if checked.errors:
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
    problem = _problem(cleaned, ("headline", "lead", "what", "why", "impact", "advice"), lang)
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
    fields = [("headline", day.headline), ("lede", day.lede), ("pick_reason", day.pick_reason)]
    fields.append(("concept.explanation", concept.explanation))
    for kind, chosen in (("trends", day.trends), ("watch", day.watch)):
        for n, point in enumerate(chosen, start=1):
            fields += [(f"{kind} {n} title", point.title), (f"{kind} {n} detail", point.detail)]
    problem = _fields_problem(fields, lang)
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
    return _fields_problem([(n, getattr(model, n)) for n in names], lang)


def _fields_problem(fields: Sequence[tuple[str, str]], lang: str) -> str:
    """The first field that instructs a model or is not in `lang`, named: each field is
    checked on its own (an English headline does not pass beside a long Chinese lead)."""
    for name, text in fields:
        problem = _text_problem(text, lang)
        if problem:
            return f"{name}: {problem}"
    return ""


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


def _validated(text: str, schema: type[_M], checked: Checked) -> _M | None:
    try:
        return schema.model_validate(parse_json(text, checked.counts))
    except ValueError as exc:  # ValidationError is a ValueError
        checked.errors.append(_first_error(exc) if isinstance(exc, ValidationError) else str(exc))
        return None


def check_week(text: str, *, ids: set[int], lang: str, min_axes: int, max_axes: int) -> Checked:
    """The week's axes: each cites at least two of `ids` (others dropped and counted);
    too few axes, or an axis left with fewer than two stories, is an error."""
    checked = Checked()
    week = _validated(text, WeekAnswer, checked)
    if week is None:
        return checked
    week = _clean(week, ("headline", "lede"), checked)
    axes = []
    for n, axis in enumerate(week.axes[:max_axes], start=1):
        axis = _clean(axis, AXIS_TEXTS, checked)
        known = list(dict.fromkeys(i for i in axis.story_ids if i in ids))
        checked.counts.ids_dropped += len(axis.story_ids) - len(known)
        impacts = [_clean_text(i, checked) for i in axis.impacts]
        if len(known) < 2:
            checked.errors.append(f"axis {n} cites fewer than two of the given story ids")
        if len([i for i in impacts if len(i) >= 2]) < 2:
            checked.errors.append(f"axis {n} needs 2-4 impact judgments")
        axes.append(axis.model_copy(update={"story_ids": known, "impacts": impacts}))
    if len(week.axes) < min_axes:
        checked.errors.append(f"write {min_axes}-{max_axes} axes, not {len(week.axes)}")
    fields = [("headline", week.headline), ("lede", week.lede)]
    for n, axis in enumerate(axes, start=1):
        fields += [(f"axis {n} {name}", getattr(axis, name)) for name in AXIS_TEXTS]
        fields += [(f"axis {n} impact", impact) for impact in axis.impacts]
    problem = _fields_problem(fields, lang)
    if problem:
        checked.errors.append(problem)
    if not checked.errors:
        checked.answer = week.model_copy(update={"axes": axes})
    return checked


def check_future(
    text: str, *, audiences: list[str], lang: str, min_trends: int, max_trends: int
) -> Checked:
    """Advice for each audience key exactly once (unknown ones dropped), 4-6 trends,
    a closing paragraph."""
    checked = Checked()
    future = _validated(text, FutureAnswer, checked)
    if future is None:
        return checked
    future = _clean(future, ("closing",), checked)
    advice: dict[str, AdviceAnswer] = {}
    for entry in future.advice:
        if entry.audience not in audiences or entry.audience in advice:
            checked.counts.ids_dropped += 1
            continue
        advice[entry.audience] = _clean(entry, ("text",), checked)
    missing = [a for a in audiences if a not in advice]
    if missing:
        checked.errors.append(f"advice missing for: {', '.join(missing)}")
    outlook = [_clean(o, OUTLOOK_TEXTS, checked) for o in future.outlook]
    if not min_trends <= len(outlook) <= max_trends:
        checked.errors.append(f"write {min_trends}-{max_trends} outlook trends, not {len(outlook)}")
    fields = [("closing", future.closing)]
    fields += [(f"advice for {a.audience}", a.text) for a in advice.values()]
    for n, o in enumerate(outlook, start=1):
        fields += [(f"outlook {n} {name}", getattr(o, name)) for name in OUTLOOK_TEXTS]
    problem = _fields_problem(fields, lang)
    if problem:
        checked.errors.append(problem)
    if not checked.errors:
        ordered = [advice[a] for a in audiences]
        checked.answer = future.model_copy(update={"advice": ordered, "outlook": outlook})
    return checked


def check_matches(text: str, *, signals: set[int], stories: set[int], lang: str) -> Checked:
    """Signal-story matches among the ids sent; any other pair is dropped and counted."""
    checked = Checked()
    answer = _validated(text, MatchesAnswer, checked)
    if answer is None:
        return checked
    kept = []
    for match in answer.matches:
        if match.signal_id not in signals or match.story_id not in stories:
            checked.counts.ids_dropped += 1
            continue
        kept.append(_clean(match, ("note",), checked))
    problem = _fields_problem(
        [(f"match {m.signal_id}-{m.story_id} note", m.note) for m in kept], lang
    )
    if problem:
        checked.errors.append(problem)
    else:
        checked.answer = answer.model_copy(update={"matches": kept})
    return checked


def _clean_text(text: str, checked: Checked) -> str:
    cleaned, removed = strip_urls(text)
    checked.counts.urls_removed += removed
    return cleaned


@dataclass(slots=True)
class TriageChecked:
    """The usable judgements of a triage answer, and what was wrong with the rest."""

    stories: dict[int, TriageStory] = field(default_factory=dict)
    pairs: dict[tuple[int, int], bool] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


def check_triage(
    text: str,
    *,
    ids: set[int],
    pairs: set[tuple[int, int]],
    langs: tuple[str, ...],
    categories: set[str],
    reasons: set[str],
) -> TriageChecked:
    """Each story's judgement, cleaned: ids we did not send and pairs we did not ask are
    dropped and counted; an unknown category is ignored; a set-aside with an unknown
    reason becomes `not_news`; importance is held to 1-5; a headline with a URL loses
    it, one that instructs a model, is in the wrong language or is too long is left out."""
    checked = TriageChecked()
    value, entries = story_entries(text, checked.counts, checked.errors)
    if checked.errors:
        return checked
    for entry in entries:
        story = _triage_story(entry, ids, langs, categories, reasons, checked)
        if story is not None:
            checked.stories[story.id] = story
    asked = value.get("pairs") if isinstance(value, dict) else None
    for entry in asked if isinstance(asked, list) else []:
        try:
            pair = TriagePair.model_validate(entry)
        except ValidationError:
            checked.counts.ids_dropped += 1
            continue
        key = (min(pair.a, pair.b), max(pair.a, pair.b))
        if key in pairs:
            checked.pairs[key] = pair.same
        else:
            checked.counts.ids_dropped += 1
    missing = len(ids) - len(checked.stories)
    if missing:
        checked.errors.append(f"{missing} of {len(ids)} stories missing or unusable")
    return checked


def _triage_story(
    entry: Any,
    ids: set[int],
    langs: tuple[str, ...],
    categories: set[str],
    reasons: set[str],
    checked: TriageChecked,
) -> TriageStory | None:
    ident = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(ident, str) and ident.strip().isdigit():
        ident = int(ident)
    if not isinstance(ident, int) or ident not in ids or ident in checked.stories:
        checked.counts.ids_dropped += 1
        return None
    try:
        story = TriageStory.model_validate({**entry, "id": ident})
    except ValidationError as exc:
        checked.errors.append(f"story {ident}: {_first_error(exc)}")
        return None
    reason = story.reason.strip().lower() if not story.keep else ""
    if not story.keep and reason not in reasons:
        reason = "not_news"
    headlines = {}
    for lang in langs:
        raw = story.headlines.get(lang, "")
        headline, removed = strip_urls(raw if isinstance(raw, str) else "")
        checked.counts.urls_removed += removed
        if (
            len(headline) >= 2
            and len(headline) <= HEADLINE_CHARS.get(lang, 140)
            and not instruction_kinds(headline)
            and in_language(headline, lang)
        ):
            headlines[lang] = headline
    return story.model_copy(
        update={
            "reason": reason,
            "importance": min(5, max(1, story.importance)),
            "category": story.category if story.category in categories else "",
            "headlines": headlines,
        }
    )


def check_briefs(text: str, *, ids: set[int], lang: str) -> dict[int, BriefNotes]:
    """The usable headline-and-lead briefs among `ids` (others dropped): URLs removed;
    a brief whose headline is too long, in the wrong language or instructs a model is
    left out; a lead in the wrong language or that instructs a model is dropped (the
    headline stands alone). Each field is checked on its own."""
    counts = Counts()
    try:
        value = parse_json(text, counts)
    except ValueError:
        return {}
    entries = value.get("briefs") if isinstance(value, dict) else value
    found: dict[int, BriefNotes] = {}
    for entry in entries if isinstance(entries, list) else []:
        try:
            brief = BriefNotes.model_validate(entry)
        except ValidationError:
            continue
        if brief.id not in ids or brief.id in found:
            continue
        headline, _ = strip_urls(brief.headline)
        lead, _ = strip_urls(brief.lead)
        if _text_problem(lead, lang):
            lead = ""
        if 2 <= len(headline) <= HEADLINE_CHARS.get(lang, 140) and not _text_problem(
            headline, lang
        ):
            found[brief.id] = brief.model_copy(update={"headline": headline, "lead": lead})
    return found
