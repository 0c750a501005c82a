"""Rank stories by a documented score and pick the day's top story.

    score = recency × (weight + source_bonus × log2(sources)) + boosts

weight       the highest `weight` among the story's sources (default 1.0)
sources      the number of distinct sources that told the story
recency      0.5 ** (hours from the story's newest item to the end of its day / half_life_hours)
boosts       the sum of `rank.boost` values whose term appears in a title or summary

Ties are broken by more sources, then the earlier story.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from newsdesk.config import RankSettings
from newsdesk.models import Story


def score(
    story: Story, *, weights: dict[str, float], settings: RankSettings, day_end: dt.datetime
) -> float:
    sources = story.sources
    weight = max((weights.get(name, 1.0) for name in sources), default=1.0)
    newest = max(item.published for item in story.items)
    age_hours = max(0.0, (day_end - newest).total_seconds() / 3600)
    recency: float = 0.5 ** (age_hours / settings.half_life_hours)
    text = " ".join(f"{item.title} {item.summary}" for item in story.items).casefold()
    boosts = sum((value for term, value in settings.boost.items() if term.casefold() in text), 0.0)
    return recency * (weight + settings.source_bonus * math.log2(len(sources))) + boosts


def rank(
    stories: Sequence[Story],
    *,
    weights: dict[str, float],
    settings: RankSettings,
    day_end: dt.datetime,
) -> list[Story]:
    """Set each story's score and return them best first."""
    for story in stories:
        story.score = round(score(story, weights=weights, settings=settings, day_end=day_end), 6)
    return sorted(stories, key=lambda s: (-s.score, -len(s.sources), s.id))
