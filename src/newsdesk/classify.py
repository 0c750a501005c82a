"""Classify each story into one category of the configured bilingual table."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsdesk.config import CategorySettings
from newsdesk.models import Story

TITLE_HITS = 3
SUMMARY_CHARS = 400
_WORD = re.compile(r"[a-z0-9]+")


class Classifier:
    """Keyword scoring: a hit in a title counts three times a hit in a summary.

    A tie goes to the category whose keyword comes first in the titles (a title's
    framing word, "论文：…" or "Paper: …", says what kind of news it is), then to
    the earlier category in the table.

    Latin-script keywords match whole words (a keyword of several words matches them
    in a row, whatever separates them); other keywords match anywhere in the text.
    """

    def __init__(self, categories: Sequence[CategorySettings], default: str) -> None:
        self.keys = [c.key for c in categories]
        self.default = default
        self.words: dict[str, list[int]] = {}  # one-word keyword → categories
        self.phrases: dict[str, list[tuple[tuple[str, ...], int]]] = {}  # by first word
        self.others: list[tuple[str, int]] = []
        for number, category in enumerate(categories):
            for keyword in {k.casefold().strip() for k in category.keywords if k.strip()}:
                if not keyword.isascii():
                    self.others.append((keyword, number))
                elif len(words := tuple(_WORD.findall(keyword))) == 1:
                    self.words.setdefault(words[0], []).append(number)
                elif words:
                    self.phrases.setdefault(words[0], []).append((words, number))

    def category(self, story: Story) -> str:
        titles = " ".join(item.title for item in story.items).casefold()
        summaries = " ".join(item.summary[:SUMMARY_CHARS] for item in story.items).casefold()
        title_hits, first = self._hits(titles)
        summary_hits, _ = self._hits(summaries)
        best, best_rank = self.default, (0, 0)
        for number, key in enumerate(self.keys):
            score = TITLE_HITS * title_hits[number] + summary_hits[number]
            rank = (score, -first.get(number, len(titles)))
            if score and rank > best_rank:
                best, best_rank = key, rank
        return best

    def _hits(self, text: str) -> tuple[list[int], dict[int, int]]:
        """Keyword hits per category, and where each category's first hit starts."""
        hits = [0] * len(self.keys)
        first: dict[int, int] = {}
        matches = list(_WORD.finditer(text))
        words = [m.group() for m in matches]
        for index, word in enumerate(words):
            found = list(self.words.get(word, ()))
            for phrase, number in self.phrases.get(word, ()):
                if tuple(words[index : index + len(phrase)]) == phrase:
                    found.append(number)
            for number in found:
                hits[number] += 1
                first.setdefault(number, matches[index].start())
        for keyword, number in self.others if not text.isascii() else ():
            at = text.find(keyword)
            if at >= 0:
                hits[number] += text.count(keyword)
                first[number] = min(first.get(number, at), at)
        return hits, first

    def classify(self, stories: Sequence[Story]) -> None:
        for story in stories:
            story.category = self.category(story)
