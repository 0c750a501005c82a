"""Outlook signals: stored when a weekly outlook names them, then checked against each
later run's new stories until their horizon passes.

Offline a story is evidence when it carries most of a signal's content words, one of
them in a title; with a model configured, the model judges the candidates and says how
each bears on the signal (analyze.py), and falls back to the text match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from newsdesk.axes import keywords
from newsdesk.models import Evidence, Outlook, Signal, Story
from newsdesk.store import Store
from newsdesk.terms import summary_text
from newsdesk.week import week_of


def candidates(signals: Sequence[Signal], stories: Sequence[Story], *, limit: int) -> list[Story]:
    """Stories that share at least two content words with some signal (and come after
    the week that named it), those sharing most first: what a model is asked to judge."""
    wanted = [(s, keywords(s.signal) | keywords(s.title)) for s in signals]
    scored = []
    for story in stories:
        words = _story_words(story)[1]
        week = week_of(story.day)
        best = max(
            (len(terms & words) for signal, terms in wanted if signal.week < week), default=0
        )
        if best >= 2:
            scored.append((-best, -story.score, story.id, story))
    return [entry[-1] for entry in sorted(scored, key=lambda e: e[:3])[:limit]]


def _story_words(story: Story) -> tuple[set[str], set[str]]:
    """A story's title words, and all its words (titles and the start of summaries)."""
    titles: set[str] = set()
    words: set[str] = set()
    for item in story.items:
        title = keywords(item.title)
        titles |= title
        words |= title | keywords(summary_text(item.title, item.summary)[:400])
    return titles, words


def text_matches(
    signals: Sequence[Signal], stories: Sequence[Story], *, share: float
) -> list[Evidence]:
    """Stories whose text carries at least `share` of a signal's content words (two at
    the least), one of them in a title."""
    wanted = {s.id: keywords(s.signal) for s in signals}
    found = []
    for story in stories:
        titles, words = _story_words(story)
        for signal in signals:
            terms = wanted[signal.id]
            shared = terms & words
            if (
                len(shared) >= 2
                and len(shared) >= share * len(terms)
                and shared & titles
                and signal.week < week_of(story.day)
            ):
                found.append(Evidence(signal.id, story.id, story.day))
    return found


def open_signals(store: Store, lang: str, day: dt.date) -> list[Signal]:
    """Signals named before `day`'s week that have not expired by `day`."""
    week = week_of(day)
    return [s for s in store.signals(lang, open_on=day) if s.week < week]


def expiry(week_end: dt.date, outlook: Outlook) -> dt.date:
    return week_end + dt.timedelta(weeks=outlook.horizon_weeks)
