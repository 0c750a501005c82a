"""The Analyst seam: what is said about each story and about the day.

The offline analyst is extractive: it fills only what the stored text supports
(each story's lead sentence and a short extract, the day's headline from the
top story, a concept from the glossary we ship) and leaves the rest empty for
the templates to omit. The LLM analyst (issue 4) sits behind the same seam.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Protocol

from newsdesk.models import Concept, DayAnalysis, Item, Story, StoryAnalysis
from newsdesk.normalize import sentences

BODY_CHARS = 280
PICK_CHARS = 600


class Analyst(Protocol):
    name: str

    def analyze_day(self, day: dt.date, stories: Sequence[Story], *, lang: str) -> DayAnalysis:
        """Analysis of the day's ranked stories (best first), in `lang`."""
        ...


def display_item(story: Story, lang: str) -> Item:
    """The item a digest in `lang` shows for a story: the best one in that language, else the lead."""
    return next((item for item in story.items if item.lang == lang), story.lead)


def story_text(story: Story, lang: str) -> str:
    """What is known of a story in `lang`: its item's summary, or the article's main text
    when that was fetched because the summary was thin."""
    summary = display_item(story, lang).summary
    return story.text if len(story.text) > len(summary) else summary


class OfflineAnalyst:
    """Extractive analysis from the stored text only; invents nothing."""

    name = "offline"

    def analyze_day(self, day: dt.date, stories: Sequence[Story], *, lang: str) -> DayAnalysis:
        analyses = {story.id: self.analyze_story(story, lang=lang) for story in stories}
        top = stories[0] if stories else None
        return DayAnalysis(
            headline=display_item(top, lang).title if top else "",
            lede="",
            stories=analyses,
            pick_id=top.id if top else None,
            pick_text=_extract(story_text(top, lang), PICK_CHARS) if top else "",
            concept=find_concept(stories, lang=lang),
        )

    def analyze_story(self, story: Story, *, lang: str) -> StoryAnalysis:
        parts = sentences(story_text(story, lang))
        if not parts:
            return StoryAnalysis(lead="", body="")
        return StoryAnalysis(lead=parts[0], body=_extract(" ".join(parts[1:]), BODY_CHARS))


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


def find_concept(stories: Sequence[Story], *, lang: str) -> Concept | None:
    """The glossary concept named by the highest-ranked story that names one."""
    for story in stories:
        text = " ".join(f"{i.title} {i.summary}" for i in story.items).casefold()
        for entry in _glossary():
            forms = entry["match"]
            assert isinstance(forms, list)
            if any(_mentions(text, form) for form in forms):
                return Concept(term=str(entry[f"{lang}_term"]), explanation=str(entry[lang]))
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
