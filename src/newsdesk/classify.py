"""Classify each story into one category of the configured bilingual table.

Each category's `keywords` say what kind of news a story is. A keyword is

- a word or phrase: Latin-script keywords match whole words (a phrase matches its words
  in a row, whatever separates them), other keywords (Chinese) match anywhere;
- a word prefix ending in `*`: "regulat*" matches regulator, regulation, regulatory;
- a regular expression after `re:`, matched against the lower-cased text, for shapes a
  word list cannot say: a model family with a version ("gpt-5.2", "qwen3"), a parameter
  count ("8b"), "发布…模型";

and may end in `^N`, its weight (default 1): "lawsuit^3" says far more than "court".

A story's score for a category is the sum, over its items, of the weights of the distinct
keywords found in the title (times `TITLE_WEIGHT`) and in the first `SUMMARY_CHARS` of the
summary without feed boilerplate. The highest score wins; a tie goes to the category
whose keyword comes first in the titles (the framing word, "论文：…", "Paper: …", says what
kind of news it is), then to the earlier category in the table. A story whose best score
is below `MIN_SCORE` gets the default category (`other`): a weak hint ("model",
"users") alone never decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.config import CategorySettings
from newsdesk.models import Story
from newsdesk.relevance import story_text

TITLE_WEIGHT = 2.0
SUMMARY_CHARS = 300
MIN_SCORE = 3.0
DECAY = 0.5
_WORD = re.compile(r"[a-z0-9]+")
_WORD_CACHE = 50_000  # words whose one-word matches are remembered
_WEIGHT = re.compile(r"\^(-?\d+(?:\.\d+)?)$")


@dataclass(frozen=True, slots=True)
class _Keyword:
    id: int
    category: int
    weight: float


def parse_keyword(raw: str) -> tuple[str, float]:
    """A keyword without its `^N` weight suffix, and that weight (1 without one)."""
    text = raw.strip()
    found = _WEIGHT.search(text)
    if not found:
        return text, 1.0
    return text[: found.start()].rstrip(), float(found.group(1))


class Scores:
    """A story's score per category (in table order): `total` over its items, `single`
    the most one item reaches alone, `first` where the category's first title hit starts
    in the story's titles (joined by newlines; a large number without one)."""

    __slots__ = ("first", "single", "total")

    def __init__(self, size: int) -> None:
        self.total = [0.0] * size
        self.single = [0.0] * size
        self.first = [1 << 30] * size


class Classifier:
    """Weighted keyword scoring over a story's titles and summaries (see the module)."""

    def __init__(self, categories: Sequence[CategorySettings], default: str) -> None:
        self.keys = [c.key for c in categories]
        self.default = default
        self.words: dict[str, list[_Keyword]] = {}  # one-word keyword → its entries
        self.prefixes: dict[str, list[_Keyword]] = {}  # "regulat*" → its entries
        # by first word; the flag: the last word is a prefix ("power plant*")
        self.phrases: dict[str, list[tuple[tuple[str, ...], bool, _Keyword]]] = {}
        self.others: list[tuple[str, _Keyword]] = []  # matched anywhere (Chinese)
        self.patterns: list[tuple[re.Pattern[str], _Keyword]] = []
        seen: set[tuple[str, int]] = set()
        for number, category in enumerate(categories):
            for raw in category.keywords:
                text, weight = parse_keyword(raw)
                if text.startswith("re:"):
                    keyword = _Keyword(len(seen), number, weight)
                    seen.add((text, number))
                    self.patterns.append((re.compile(text[3:]), keyword))
                    continue
                text = text.casefold()
                if not text or (text, number) in seen:
                    continue
                keyword = _Keyword(len(seen), number, weight)
                seen.add((text, number))
                words = tuple(_WORD.findall(text))
                if not text.isascii():
                    self.others.append((text, keyword))
                elif len(words) == 1 and text.endswith("*"):
                    self.prefixes.setdefault(words[0], []).append(keyword)
                elif len(words) == 1:
                    self.words.setdefault(words[0], []).append(keyword)
                elif words:
                    entry = (words, text.endswith("*"), keyword)
                    self.phrases.setdefault(words[0], []).append(entry)
        self.prefix_lengths = sorted({len(p) for p in self.prefixes})
        # Patterns with Chinese (or other non-Latin) text cannot match a Latin-only text.
        self.ascii_patterns = [(p, k) for p, k in self.patterns if p.pattern.isascii()]
        self._single: dict[str, tuple[_Keyword, ...]] = {}

    def scores(self, story: Story) -> Scores:
        scores = Scores(len(self.keys))
        offset = 0
        for item in story.items:
            title = item.title.casefold()
            summary = story_text(item.summary)[:SUMMARY_CHARS].casefold()
            if summary.startswith(title):
                summary = summary[len(title) :]
            weights: list[list[float]] = [[] for _ in self.keys]
            for keyword, at in self._hits(title).items():
                weights[keyword.category].append(TITLE_WEIGHT * keyword.weight)
                scores.first[keyword.category] = min(scores.first[keyword.category], offset + at)
            for keyword in self._hits(summary):
                weights[keyword.category].append(keyword.weight)
            for number, found in enumerate(weights):
                found.sort(reverse=True)
                score = sum(weight * DECAY**n for n, weight in enumerate(found))
                scores.total[number] += score
                scores.single[number] = max(scores.single[number], score)
            offset += len(title) + 1
        return scores

    def category(self, story: Story) -> str:
        scores = self.scores(story)
        best: tuple[float, int] | None = None
        chosen = self.default
        for number, key in enumerate(self.keys):
            rank = (scores.total[number], -scores.first[number])
            if scores.single[number] >= MIN_SCORE and (best is None or rank > best):
                best, chosen = rank, key
        return chosen

    def _hits(self, text: str) -> dict[_Keyword, int]:
        """The distinct keywords found in a text, each with where it first starts.

        A word or phrase inside a longer one does not count: "coding" inside "coding
        agents", 模型 inside 大模型, "art" inside "state of the art", "fine" inside
        "fine-tune". A piece of text says once what it says.
        """
        spans: list[tuple[int, int, _Keyword]] = []  # (start, end, keyword)
        if not text:
            return {}
        matches = list(_WORD.finditer(text))
        words = [m.group() for m in matches]
        for index, word in enumerate(words):
            at, end = matches[index].span()
            single = self._single.get(word)
            if single is None:
                single = self._single_keywords(word)
            for keyword in single:
                spans.append((at, end, keyword))
            for phrase, prefix, keyword in self.phrases.get(word, ()):
                last = index + len(phrase) - 1
                if last < len(words) and words[index:last] == list(phrase[:-1]):
                    tail = words[last]
                    if tail == phrase[-1] or (prefix and tail.startswith(phrase[-1])):
                        spans.append((at, matches[last].end(), keyword))
        if not text.isascii():
            for term, keyword in self.others:
                at = text.find(term)
                while at >= 0:
                    spans.append((at, at + len(term), keyword))
                    at = text.find(term, at + 1)
        found: dict[_Keyword, int] = {}
        for at, end, keyword in sorted(spans, key=lambda s: (s[0], -s[1])):
            inside = any(a <= at and end <= e and e - a > end - at for a, e, _ in spans)
            if not inside:
                found.setdefault(keyword, at)
        # A pattern's match (a shape, "releases … model") neither hides nor is hidden.
        for pattern, keyword in self.patterns if not text.isascii() else self.ascii_patterns:
            match = pattern.search(text)
            if match:
                found.setdefault(keyword, match.start())
        return found

    def _single_keywords(self, word: str) -> tuple[_Keyword, ...]:
        """The one-word keywords and prefixes a word matches (remembered per word)."""
        found = list(self.words.get(word, ()))
        for length in self.prefix_lengths:
            if length > len(word):
                break
            found.extend(self.prefixes.get(word[:length], ()))
        if len(self._single) >= _WORD_CACHE:
            self._single.clear()
        self._single[word] = single = tuple(found)
        return single

    def classify(self, stories: Sequence[Story]) -> None:
        for story in stories:
            story.category = self.category(story)
