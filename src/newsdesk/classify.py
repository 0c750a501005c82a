"""Classify each story into one category of the configured bilingual table."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsdesk.config import CategorySettings
from newsdesk.models import Story

TITLE_HITS = 3
SUMMARY_CHARS = 400


class Classifier:
    """Keyword scoring: a hit in a title counts three times a hit in a summary.

    A tie goes to the category whose keyword comes first in the titles (a title's
    framing word, "论文：…" or "Paper: …", says what kind of news it is), then to
    the earlier category in the table.
    """

    def __init__(self, categories: Sequence[CategorySettings], default: str) -> None:
        self.keys = [c.key for c in categories]
        self.patterns = [_pattern(c.keywords) for c in categories]
        self.default = default

    def category(self, story: Story) -> str:
        titles = " ".join(item.title for item in story.items).casefold()
        summaries = " ".join(item.summary[:SUMMARY_CHARS] for item in story.items).casefold()
        best, best_rank = self.default, (0, 0)
        for key, pattern in zip(self.keys, self.patterns, strict=True):
            if pattern is None:
                continue
            score = TITLE_HITS * len(pattern.findall(titles)) + len(pattern.findall(summaries))
            first = pattern.search(titles)
            rank = (score, -(first.start() if first else len(titles)))
            if score and rank > best_rank:
                best, best_rank = key, rank
        return best

    def classify(self, stories: Sequence[Story]) -> None:
        for story in stories:
            story.category = self.category(story)


def _pattern(keywords: Sequence[str]) -> re.Pattern[str] | None:
    words = sorted({k.casefold() for k in keywords if k.strip()}, key=len, reverse=True)
    if not words:
        return None
    latin = [re.escape(w) for w in words if w.isascii()]
    other = [re.escape(w) for w in words if not w.isascii()]
    parts = []
    if latin:
        parts.append(r"(?<![a-z0-9])(?:" + "|".join(latin) + r")(?![a-z0-9])")
    if other:
        parts.append("(?:" + "|".join(other) + ")")
    return re.compile("|".join(parts))
