"""The Analyst seam: what is said about each story and about the day.

The offline analyst is extractive: it fills only what the stored text supports
(each story's lead sentence and a short extract, the day's headline from the
top story, a concept from the glossary we ship) and leaves the rest empty for
the templates to omit. The model analyst sits behind the same seam: it sends the day's shortlist
to an OpenAI-compatible endpoint (llm.py) in batches, checks every answer (schemas.py)
and falls back to the offline analyst section by section.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tomllib
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from pydantic import BaseModel

from newsdesk.axes import offline_axes
from newsdesk.clock import Clock, system_clock
from newsdesk.config import LlmSettings, Settings, WeeklySettings
from newsdesk.llm import Message, ModelClient, ModelError, Reply, estimate_tokens
from newsdesk.models import (
    Advice,
    Axis,
    Concept,
    DayAnalysis,
    Evidence,
    ModelUsage,
    Outlook,
    Point,
    RunReport,
    Signal,
    Story,
    StoryAnalysis,
    WeekAnalysis,
    display_item,
)
from newsdesk.normalize import sentences, shown_title
from newsdesk.schemas import (
    BriefNotes,
    Checked,
    DayAnswer,
    FutureAnswer,
    MatchesAnswer,
    StoriesAnswer,
    StoryNotes,
    WeekAnswer,
    check_day,
    check_future,
    check_matches,
    check_stories,
    check_week,
)
from newsdesk.screen import in_language, strip_urls, without_instructions
from newsdesk.signals import candidates, text_matches
from newsdesk.store import Store
from newsdesk.terms import headline_names, summary_text
from newsdesk.week import Week

logger = logging.getLogger(__name__)

BODY_CHARS = 280
HEADLINE_STORIES = 5  # the top stories an offline headline takes names from
HEADLINE_NAMES = 3
PICK_CHARS = 600
OUTLOOK_TRENDS = (4, 6)
SIGNAL_CANDIDATES = 40

# The concept terms a week's digests explained in a language, from its first day to its last.
ConceptsUsed = Callable[[dt.date, dt.date, str], set[str]]


class Analyst(Protocol):
    name: str

    def analyze_day(self, day: dt.date, stories: Sequence[Story], *, lang: str) -> DayAnalysis:
        """Analysis of the day's ranked stories (best first), in `lang`."""
        ...

    def analyze_week(self, week: Week, *, lang: str, weekly: WeeklySettings) -> WeekAnalysis:
        """The week's axes (and, from a model, advice, outlook and closing), in `lang`."""
        ...

    def match_signals(
        self,
        signals: Sequence[Signal],
        stories: Sequence[Story],
        *,
        lang: str,
        weekly: WeeklySettings,
    ) -> list[Evidence]:
        """The stories that bear on open signals."""
        ...


def story_text(story: Story, lang: str) -> str:
    """What is known of a story in `lang`: its item's summary, or the article's main text
    when that was fetched because the summary was thin; never boilerplate or the title
    again (a Hacker News stub is no text: `summary_text`), nor a sentence that addresses a
    model (screen.py), so no analyst reads one as an instruction or repeats it."""
    item = display_item(story, lang)
    summary = summary_text(item.title, item.summary)
    return without_instructions(story.text if len(story.text) > len(summary) else summary)


def week_before(day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days of `day`'s ISO week before it (first, last), None on a Monday."""
    if day.weekday() == 0:
        return None
    return day - dt.timedelta(days=day.weekday()), day - dt.timedelta(days=1)


class OfflineAnalyst:
    """Extractive analysis from the stored text only; invents nothing.

    `concepts_used` tells which concepts the digests of earlier days of the week
    explained (the store's `concepts_between`), so that none is explained twice in a week.
    """

    name = "offline"

    def __init__(self, *, concepts_used: ConceptsUsed | None = None) -> None:
        self.concepts_used = concepts_used

    def analyze_day(self, day: dt.date, stories: Sequence[Story], *, lang: str) -> DayAnalysis:
        analyses = {story.id: self.analyze_story(story, lang=lang) for story in stories}
        top = stories[0] if stories else None
        return DayAnalysis(
            headline=offline_headline(stories, lang),
            lede="",
            stories=analyses,
            pick_id=top.id if top else None,
            pick_text=_extract(story_text(top, lang), PICK_CHARS) if top else "",
            concept=find_concept(stories, lang=lang, used=self.used_concepts(day, lang)),
        )

    def used_concepts(self, day: dt.date, lang: str) -> set[str]:
        """The concept terms already explained earlier in `day`'s week, in `lang`."""
        days = week_before(day)
        if self.concepts_used is None or days is None:
            return set()
        return self.concepts_used(*days, lang)

    def analyze_week(self, week: Week, *, lang: str, weekly: WeeklySettings) -> WeekAnalysis:
        """Axes by clustering; no advice, outlook or closing (those need a model, and
        are left out rather than filled with canned text)."""
        axes = offline_axes(
            week.shortlist,
            lang=lang,
            max_axes=weekly.max_axes,
            categories=week.categories,
        )
        return WeekAnalysis(headline="", lede="", axes=axes)

    def match_signals(
        self,
        signals: Sequence[Signal],
        stories: Sequence[Story],
        *,
        lang: str,
        weekly: WeeklySettings,
    ) -> list[Evidence]:
        return text_matches(signals, stories, share=weekly.signal_match)

    def analyze_story(self, story: Story, *, lang: str) -> StoryAnalysis:
        """The first sentence as the lead and an extract as the body; nothing at all for
        a story with no text beyond its title (the templates then show the title alone)."""
        parts = sentences(story_text(story, lang))
        title = _plain_key(display_item(story, lang).title)
        while parts and _plain_key(parts[0]) == title:
            parts = parts[1:]  # a summary that opens by repeating the title
        if not parts:
            return StoryAnalysis(lead="", body="")
        body = _extract(" ".join(parts[1:]), BODY_CHARS)
        return StoryAnalysis(lead=parts[0], body=body, what=f"{parts[0]} {body}".strip())


def offline_headline(stories: Sequence[Story], lang: str) -> str:
    """The day's headline without a model: the top story's title when it is in `lang`,
    else a headline in `lang` built from the names the top stories are about, names the
    lexicon knows or that recur first (`terms.headline_names`; no translation is
    invented)."""
    if not stories:
        return ""
    top = display_item(stories[0], lang)
    if top.lang == lang:
        return shown_title(top.title)
    titles = [shown_title(display_item(s, lang).title) for s in stories[:HEADLINE_STORIES]]
    names = headline_names(titles, HEADLINE_NAMES)
    count = len(stories)
    if lang == "zh":
        return f"{'、'.join(names)} 等 {count} 条 AI 要闻" if names else f"今日 {count} 条 AI 要闻"
    if not names:
        return f"{count} AI stories today"
    return f"{', '.join(names)} and more: {count} AI stories today"


def translated_top(analysis: DayAnalysis, stories: Sequence[Story], lang: str) -> DayAnalysis:
    """The offline frame of a day whose synthesis failed, in `lang` where the model
    translated the top story: its headline is the day's and its lead the pick's text
    (the offline frame would show them as published). With no lead in `lang` (a brief's
    lead in the wrong language is dropped), the offline extract when it is in `lang`,
    else no text: the pick is shown by its headline and link."""
    if not stories or display_item(stories[0], lang).lang == lang:
        return analysis
    text = analysis.stories.get(stories[0].id)
    if text is None or not text.headline:
        return analysis
    pick = _extract(text.what or text.lead, PICK_CHARS)
    if not pick and in_language(analysis.pick_text, lang):
        pick = analysis.pick_text
    return replace(analysis, headline=text.headline, pick_text=pick)


def _plain_key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _extract(text: str, limit: int) -> str:
    """Whole sentences from the start of `text`, within `limit` characters (at least one)."""
    chosen: list[str] = []
    used = 0
    for sentence in sentences(text):
        if chosen and used + len(sentence) > limit:
            break
        chosen.append(sentence)
        used += len(sentence)
    joined = " ".join(chosen)
    return joined if len(joined) <= limit * 1.5 else joined[: int(limit * 1.5)].rstrip() + "…"


@cache
def _glossary() -> tuple[dict[str, object], ...]:
    text = resources.files("newsdesk").joinpath("data/glossary.toml").read_text(encoding="utf-8")
    return tuple(tomllib.loads(text)["concept"])


def find_concept(
    stories: Sequence[Story], *, lang: str, used: Collection[str] = ()
) -> Concept | None:
    """The glossary concept named by the highest-ranked story that names one, leaving out
    the terms in `used` (explained earlier in the week)."""
    seen = {term.casefold() for term in used}
    for story in stories:
        text = " ".join(f"{i.title} {summary_text(i.title, i.summary)}" for i in story.items)
        text = text.casefold()
        for entry in _glossary():
            term = str(entry[f"{lang}_term"])
            forms = entry["match"]
            assert isinstance(forms, list)
            if term.casefold() not in seen and any(_mentions(text, form) for form in forms):
                return Concept(term=term, explanation=str(entry[lang]))
    return None


def _mentions(text: str, form: str) -> bool:
    start = text.find(form)
    while start >= 0:
        end = start + len(form)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not form.isascii() or not (before.isalnum() or after.isalnum()):
            return True
        start = text.find(form, start + 1)
    return False


# -- the model analyst --------------------------------------------------------


@contextmanager
def analyst_for(
    settings: Settings,
    *,
    store: Store,
    report: RunReport,
    offline: bool = False,
    clock: Clock = system_clock,
) -> Iterator[Analyst]:
    """The model analyst when `[llm]` names an endpoint (its usage counted on the run),
    else the offline analyst."""
    concepts_used = store.concepts_between
    if offline or not settings.llm.enabled:
        yield OfflineAnalyst(concepts_used=concepts_used)
        return
    if report.usage is None:
        report.usage = ModelUsage()
    client = ModelClient(
        settings.llm,
        usage=report.usage,
        store=store,
        warn=report.warn,
        clock=clock,
    )
    try:
        yield ModelAnalyst(
            settings.llm,
            client,
            prompts=prompt_environment(settings.base_dir / "prompts"),
            concepts_used=concepts_used,
        )
    finally:
        client.close()


def prompt_environment(user_prompts: Path | None = None) -> Environment:
    """Prompt files: the user's `prompts` folder first, then the packaged ones."""
    loaders: list[Any] = []
    if user_prompts and user_prompts.is_dir():
        loaders.append(FileSystemLoader(user_prompts))
    loaders.append(PackageLoader("newsdesk", "prompts"))
    return Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def prompt_text(env: Environment, name: str, **values: Any) -> str:
    return env.get_template(name).render(**values).strip()


def prompt_messages(env: Environment, name: str, **values: Any) -> list[Message]:
    """A prompt file rendered into a system message and, after `=== user ===`, a user one."""
    system, _, user = prompt_text(env, name, **values).partition("=== user ===")
    messages = [{"role": "system", "content": system.strip()}]
    if user.strip():
        messages.append({"role": "user", "content": user.strip()})
    return messages


def data_block(records: Sequence[dict[str, Any]]) -> str:
    """Records as JSON, one per line, in which no fetched text can close the data block:
    angle brackets are JSON-escaped."""
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    return f"[\n{lines}\n]".replace("<", "\\u003c").replace(">", "\\u003e")


def cap_tokens(text: str, limit: int) -> str:
    """Whole sentences of `text` within about `limit` tokens; a first sentence that is
    longer is cut."""
    chosen: list[str] = []
    used = 0
    for part in sentences(text):
        cost = estimate_tokens(part) + 1
        if used + cost > limit:
            if not chosen:
                chosen.append(_cut(part, limit))
            break
        chosen.append(part)
        used += cost
    return " ".join(chosen)


def _cut(text: str, limit: int) -> str:
    while estimate_tokens(text) > limit and len(text) > 1:
        text = text[: max(1, int(len(text) * limit / estimate_tokens(text)) - 1)]
    return text.rstrip() + "…"


# Stories per briefs call, and each one's text sent, in tokens.
BRIEF_BATCH = 20
BRIEF_TOKENS = 60


class ModelAnalyst:
    """Analysis by an OpenAI-compatible model: the day's shortlist in batches of
    compact facts, then one call for the day; any section whose answer stays unusable
    after one re-ask is written by the offline analyst, and the run says so."""

    name = "model"

    def __init__(
        self,
        settings: LlmSettings,
        client: ModelClient,
        *,
        prompts: Environment,
        concepts_used: ConceptsUsed | None = None,
    ):
        self.settings = settings
        self.client = client
        self.prompts = prompts
        self.offline = OfflineAnalyst(concepts_used=concepts_used)

    @property
    def usage(self) -> ModelUsage:
        return self.client.usage

    def analyze_day(self, day: dt.date, stories: Sequence[Story], *, lang: str) -> DayAnalysis:
        base = self.offline.analyze_day(day, stories, lang=lang)
        shortlist = list(stories[: self.settings.shortlist])
        size = self.settings.batch_size
        batches = [shortlist[n : n + size] for n in range(0, len(shortlist), size)]
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            results = list(pool.map(lambda batch: self._stories(batch, lang), batches))
        analyses = dict(base.stories)
        failed: list[tuple[list[int], str]] = []
        for batch, checked in zip(batches, results, strict=True):
            self._count(checked)
            for ident, notes in checked.stories.items():
                analyses[ident] = _story_analysis(notes)
            missing = [s.id for s in batch if s.id not in checked.stories]
            if missing:
                failed.append((missing, checked.errors[0] if checked.errors else "no answer"))
        fallbacks = sum(len(ids) for ids, _ in failed)
        for ids, reason in failed:
            self.client.warn(
                f"llm: {day} ({lang}): stories {', '.join(map(str, ids))} analysed offline: {reason}"
            )
        self._brief(stories, analyses, lang)
        checked = self._day(shortlist, analyses, lang)
        self._count(checked)
        used = checked.day is not None or any(a.by_model for a in analyses.values())
        result = replace(base, stories=analyses, model=self.client.model if used else "")
        if checked.day is None:
            reason = checked.errors[0] if checked.errors else "no answer"
            self.client.warn(f"llm: {day} ({lang}): the day's synthesis written offline: {reason}")
            fallbacks += 1
            result = translated_top(result, stories, lang)
        else:
            result = _with_day(result, checked.day)
            if result.concept and _used(result.concept, self.offline.used_concepts(day, lang)):
                result = replace(result, concept=base.concept)  # explained earlier this week
        self.usage.fallbacks += fallbacks
        return replace(result, fallbacks=fallbacks, unavailable=self.client.unavailable)

    def analyze_week(self, week: Week, *, lang: str, weekly: WeeklySettings) -> WeekAnalysis:
        """Two calls: the axes from the week's shortlist and the daily analyses already
        stored (no story is read again), then advice, outlook and closing from the axes.
        Unusable axes fall back to the offline clustering; unusable advice and outlook
        are left out. Either way the run says so."""
        fallbacks = 0
        checked = self._week(week, lang, weekly)
        self._count(checked)
        if isinstance(checked.answer, WeekAnswer):
            answer = checked.answer
            result = WeekAnalysis(
                headline=answer.headline,
                lede=answer.lede,
                axes=[
                    Axis(a.title, a.story_ids, a.evidence, a.summary, list(a.impacts))
                    for a in answer.axes
                ],
                model=self.client.model,
            )
        else:
            reason = checked.errors[0] if checked.errors else "no answer"
            self.client.warn(
                f"llm: {week.label} ({lang}): the axes were clustered offline: {reason}"
            )
            fallbacks += 1
            result = self.offline.analyze_week(week, lang=lang, weekly=weekly)
        if not result.axes:
            self.usage.fallbacks += fallbacks
            return replace(result, fallbacks=fallbacks)
        result = replace(result, stories=self._week_headlines(week, result.axes, lang))
        checked = self._future(week, result.axes, lang, weekly)
        self._count(checked)
        if isinstance(checked.answer, FutureAnswer):
            future = checked.answer
            result = replace(
                result,
                advice=[Advice(a.audience, a.text) for a in future.advice],
                outlook=[
                    Outlook(o.title, o.detail, o.signal, o.horizon_weeks) for o in future.outlook
                ],
                closing=future.closing,
                model=self.client.model,
            )
        else:
            reason = checked.errors[0] if checked.errors else "no answer"
            self.client.warn(
                f"llm: {week.label} ({lang}): advice, outlook and closing left out: {reason}"
            )
            fallbacks += 1
        self.usage.fallbacks += fallbacks
        return replace(result, fallbacks=fallbacks)

    def match_signals(
        self,
        signals: Sequence[Signal],
        stories: Sequence[Story],
        *,
        lang: str,
        weekly: WeeklySettings,
    ) -> list[Evidence]:
        """The model judges the stories that share words with a signal; when its answer
        is unusable the text match decides."""
        chosen = candidates(signals, stories, limit=SIGNAL_CANDIDATES)
        if not chosen:
            return []
        by_id = {story.id: story for story in chosen}
        records = [
            {
                "id": s.id,
                "date": s.day.isoformat(),
                "title": _title(s, lang),
                "text": cap_tokens(story_text(s, lang), 40),
            }
            for s in chosen
        ]
        wanted = [{"id": s.id, "trend": s.title, "signal": s.signal} for s in signals]
        messages = prompt_messages(
            self.prompts,
            f"signals.{lang}.md",
            signals=data_block(wanted),
            data=data_block(records),
        )
        ids = {s.id for s in signals}

        def check(text: str, _: list[int]) -> Checked:
            return check_matches(text, signals=ids, stories=set(by_id), lang=lang)

        checked = self._section(messages, MatchesAnswer, "signals", check, [], lang)
        self._count(checked)
        if not isinstance(checked.answer, MatchesAnswer):
            reason = checked.errors[0] if checked.errors else "no answer"
            self.client.warn(f"llm: signal follow-up ({lang}) matched by text instead: {reason}")
            self.usage.fallbacks += 1
            return self.offline.match_signals(signals, stories, lang=lang, weekly=weekly)
        return [
            Evidence(m.signal_id, m.story_id, by_id[m.story_id].day, m.note, by_model=True)
            for m in checked.answer.matches
        ]

    def _week(self, week: Week, lang: str, weekly: WeeklySettings) -> Checked:
        records = []
        for thread in week.shortlist:
            analysis = week.analyses.get(thread.id)
            record: dict[str, Any] = {
                "id": thread.id,
                "date": thread.story.day.isoformat(),
                "title": (analysis.headline if analysis else "") or _title(thread.story, lang),
                "category": thread.story.category,
                "sources": len({name for i in thread.items for name in i.sources}),
            }
            if thread.later:
                record["also"] = sorted({s.day.isoformat() for s in thread.later})
            lead = (analysis.lead or analysis.what) if analysis else ""
            lead = lead or story_text(thread.story, lang)
            record["lead"] = cap_tokens(lead, weekly.lead_tokens)
            records.append(record)
        days = [
            {
                "date": day.isoformat(),
                "headline": note.headline,
                "trends": [t.title for t in note.trends],
            }
            for day, note in sorted(week.notes.items())
        ]
        messages = prompt_messages(
            self.prompts,
            f"week.{lang}.md",
            week=week.label,
            count=len(records),
            min_axes=weekly.min_axes,
            max_axes=weekly.max_axes,
            days=data_block(days),
            data=data_block(records),
        )
        ids = {t.id for t in week.shortlist}

        def check(text: str, _: list[int]) -> Checked:
            return check_week(
                text, ids=ids, lang=lang, min_axes=weekly.min_axes, max_axes=weekly.max_axes
            )

        return self._section(messages, WeekAnswer, "week", check, [], lang)

    def _future(
        self, week: Week, axes: Sequence[Axis], lang: str, weekly: WeeklySettings
    ) -> Checked:
        records = [
            {"title": a.title, "summary": a.summary, "impacts": a.impacts}
            if a.summary
            else {"title": a.title, "stories": [_thread_title(week, i, lang) for i in a.story_ids]}
            for a in axes
        ]
        audiences = [
            {"key": a.key, "name": a.zh if lang == "zh" else a.en} for a in weekly.audiences
        ]
        low, high = OUTLOOK_TRENDS
        messages = prompt_messages(
            self.prompts,
            f"outlook.{lang}.md",
            week=week.label,
            min_trends=low,
            max_trends=high,
            data=data_block(records),
            audiences=data_block(audiences),
        )
        keys = [a.key for a in weekly.audiences]

        def check(text: str, _: list[int]) -> Checked:
            return check_future(text, audiences=keys, lang=lang, min_trends=low, max_trends=high)

        return self._section(messages, FutureAnswer, "outlook", check, [], lang)

    # -- sections -----------------------------------------------------------------

    def _brief(
        self, stories: Sequence[Story], analyses: dict[int, StoryAnalysis], lang: str
    ) -> None:
        """A headline and lead in `lang` for each story shown in another language that
        the model did not analyse (beyond the shortlist, or whose analysis failed);
        a story left without one keeps its extract."""
        foreign = [
            story
            for story in stories
            if display_item(story, lang).lang != lang
            and not (analyses.get(story.id) and analyses[story.id].by_model)
        ]
        for ident, brief in self._briefs(foreign, lang).items():
            analyses[ident] = StoryAnalysis(
                lead=brief.lead, body="", what=brief.lead, headline=brief.headline
            )

    def _briefs(self, stories: Sequence[Story], lang: str) -> dict[int, BriefNotes]:
        """Briefs (a headline and a lead in `lang`) for `stories`, `BRIEF_BATCH` (or
        `llm.batch_size` when larger) a call, so that one answer cut off at the token
        limit loses only its batch; each answer cached when most of it was usable.
        After a failed call, no more."""
        from newsdesk.schemas import BriefsAnswer, check_briefs

        size = max(self.settings.batch_size, BRIEF_BATCH)
        found: dict[int, BriefNotes] = {}
        for start in range(0, len(stories), size):
            batch = stories[start : start + size]
            records = [
                {
                    "id": story.id,
                    "title": _title(story, lang),
                    "text": cap_tokens(story_text(story, lang), BRIEF_TOKENS),
                }
                for story in batch
            ]
            messages = prompt_messages(
                self.prompts,
                f"briefs.{lang}.md",
                count=len(records),
                ids=", ".join(str(r["id"]) for r in records),
                data=data_block(records),
            )
            try:
                reply = self.client.complete(messages, schema=BriefsAnswer, name="briefs")
            except ModelError as exc:
                self.client.warn(f"llm: briefs ({lang}): {exc}; titles shown as published")
                break
            usable = check_briefs(reply.text, ids={s.id for s in batch}, lang=lang)
            if len(usable) * 2 >= len(batch):
                self.client.keep([reply])
            found.update(usable)
        return found

    def _week_headlines(
        self, week: Week, axes: Sequence[Axis], lang: str
    ) -> dict[int, StoryAnalysis]:
        """A headline in `lang` for each story an axis cites that has none (its source
        wrote in another language and no daily run in `lang` translated it), from briefs
        calls batched as the day's are; the daily analysis's lead stands where a model
        wrote it."""
        by_id = {thread.id: thread for thread in week.shortlist}
        cited = dict.fromkeys(i for axis in axes for i in axis.story_ids if i in by_id)
        missing = [
            by_id[i].story
            for i in cited
            if display_item(by_id[i].story, lang).lang != lang
            and not (week.analyses.get(i) and week.analyses[i].headline)
        ]
        written: dict[int, StoryAnalysis] = {}
        for ident, brief in self._briefs(missing, lang).items():
            known = week.analyses.get(ident)
            lead = known.lead if known and known.by_model else brief.lead
            written[ident] = (
                replace(known, headline=brief.headline, lead=lead)
                if known
                else StoryAnalysis(lead=lead, body="", what=lead, headline=brief.headline)
            )
        return written

    def _stories(self, batch: list[Story], lang: str) -> Checked:
        facts = [self._facts(story, lang) for story in batch]
        wanted = {int(f["id"]): bool(f.get("translate")) for f in facts}
        messages = prompt_messages(
            self.prompts,
            f"stories.{lang}.md",
            count=len(facts),
            ids=", ".join(map(str, wanted)),
            data=data_block(facts),
        )

        def check(text: str, ids: list[int]) -> Checked:
            return check_stories(text, wanted={i: wanted[i] for i in ids}, lang=lang)

        return self._section(messages, StoriesAnswer, "stories", check, list(wanted), lang)

    def _day(
        self, shortlist: list[Story], analyses: dict[int, StoryAnalysis], lang: str
    ) -> Checked:
        records = []
        for story in shortlist:
            analysis = analyses.get(story.id)
            title = (analysis.headline if analysis else "") or _title(story, lang)
            records.append(
                {
                    "id": story.id,
                    "title": title,
                    "category": story.category,
                    "sources": len(story.sources),
                    "lead": analysis.lead if analysis else "",
                }
            )
        messages = prompt_messages(
            self.prompts, f"day.{lang}.md", count=len(records), data=data_block(records)
        )
        ids = {story.id for story in shortlist}

        def check(text: str, _: list[int]) -> Checked:
            return check_day(text, ids=ids, lang=lang)

        return self._section(messages, DayAnswer, "day", check, [], lang)

    def _section(
        self,
        messages: list[Message],
        schema: type[BaseModel],
        name: str,
        check: Callable[[str, list[int]], Checked],
        ids: list[int],
        lang: str,
    ) -> Checked:
        """Ask; when the answer cannot be used, ask once more with what was wrong; keep
        the answers in the cache only when the section came out whole."""
        replies: list[Reply] = []
        try:
            reply = self.client.complete(messages, schema=schema, name=name)
        except ModelError as exc:
            return Checked(errors=[str(exc)])
        replies.append(reply)
        checked = check(reply.text, ids)
        if checked.errors:
            remaining = [i for i in ids if i not in checked.stories]
            errors = list(checked.errors)
            if reply.finish_reason == "length":
                errors.append("the answer was cut off at the token limit: write less")
            reask = prompt_text(
                self.prompts,
                f"reask.{lang}.md",
                errors=errors,
                ids=", ".join(map(str, remaining)) if ids else "",
            )
            again = [
                *messages,
                {"role": "assistant", "content": reply.text[:8000]},
                {"role": "user", "content": reask},
            ]
            checked.counts.reasked += 1
            try:
                second = self.client.complete(again, schema=schema, name=name)
            except ModelError as exc:
                checked.errors = [f"{errors[0]}; asked again: {exc}"]
                return checked
            replies.append(second)
            retry = check(second.text, remaining)
            checked.stories.update(retry.stories)
            checked.day = checked.day or retry.day
            checked.answer = checked.answer or retry.answer
            checked.counts.add(retry.counts)
            checked.errors = [f"{errors[0]}; asked again: {e}" for e in retry.errors[:1]]
        if not checked.errors:
            self.client.keep(replies)
        return checked

    def _facts(self, story: Story, lang: str) -> dict[str, Any]:
        """A story as the model sees it: ids and fetched text, capped, screened."""
        item = display_item(story, lang)
        facts: dict[str, Any] = {
            "id": story.id,
            "title": _title(story, lang),
            "sources": story.sources[:6],
            "date": item.published.date().isoformat(),
        }
        if item.lang != lang:
            facts["translate"] = True
        facts["text"] = cap_tokens(story_text(story, lang), self.settings.excerpt_tokens)
        return facts

    def _count(self, checked: Checked) -> None:
        usage, counts = self.usage, checked.counts
        usage.repaired += counts.repaired
        usage.reasked += counts.reasked
        usage.urls_removed += counts.urls_removed
        usage.ids_dropped += counts.ids_dropped


def _title(story: Story, lang: str) -> str:
    """A story's title as the model reads it: screened, with no address in it."""
    title = strip_urls(without_instructions(shown_title(display_item(story, lang).title)))[0]
    return title or "(title withheld)"


def _thread_title(week: Week, ident: int, lang: str) -> str:
    thread = next((t for t in week.shortlist if t.id == ident), None)
    return _title(thread.story, lang) if thread else ""


def _story_analysis(notes: StoryNotes) -> StoryAnalysis:
    return StoryAnalysis(
        lead=notes.lead,
        body=notes.what,
        what=notes.what,
        why=notes.why,
        impact=notes.impact,
        advice=notes.advice,
        headline=notes.headline,
        by_model=True,
    )


def _used(concept: Concept, used: Collection[str]) -> bool:
    return concept.term.casefold() in {term.casefold() for term in used}


def _with_day(analysis: DayAnalysis, day: DayAnswer) -> DayAnalysis:
    picked = day.pick_id >= 0
    return replace(
        analysis,
        headline=day.headline,
        lede=day.lede,
        trends=[Point(p.title, p.detail) for p in day.trends],
        watch=[Point(p.title, p.detail) for p in day.watch],
        concept=Concept(day.concept.term, day.concept.explanation),
        pick_id=day.pick_id if picked else analysis.pick_id,
        pick_text=day.pick_reason if picked else analysis.pick_text,
    )
