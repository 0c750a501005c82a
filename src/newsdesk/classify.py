"""Classify each story into one category of the configured bilingual table.

Each category's `keywords` say what kind of news a story is. A keyword is

- a word or phrase: Latin-script keywords match whole words (a phrase matches its words
  in a row, whatever separates them), other keywords (Chinese) match anywhere;
- a word prefix ending in `*`: "regulat*" matches regulator, regulation, regulatory;
  "power plant*" matches "power plants";
- a regular expression after `re:`, matched against the lower-cased text, for shapes a
  word list cannot say: a model family with a version ("gpt-5.2", "qwen3"), a parameter
  count ("8b"), "raises" not followed by "prices", "发布…模型";

- a site after `site:`, matched against each item's link: "site:arxiv.org" (the host or
  a host under it), "site:huggingface.co/papers" (and a path under it). A link says what
  kind of page it is however the title reads ("Large Language Model Reasoning Failures"
  on arXiv is a paper), and it counts like a word of the title;

and may end in `^N`, its weight (1 without it): "lawsuit^4" says more than "court^3",
which says more than "legal^2" or "risk^1.5". A keyword of weight 0 counts for nothing
but hides the words inside it (below): "public safety^0" keeps "safety" from counting.

An item's score for a category sums the weights of the distinct keywords found in its
title (times `TITLE_WEIGHT`) and in the first `SUMMARY_CHARS` of its summary (feed
boilerplate such as Hacker News's "Points: N" lines left out), strongest first, each next
one counting `DECAY` times the one before: one strong word says what kind of news it is,
more words only corroborate it. A word inside a longer keyword that matched counts only
as part of it ("art" in "state of the art", "coding" in "coding agents", 模型 in 大模型).

A story's score is the sum of its items' scores. The highest score wins; a tie goes to
the category whose keyword comes first in the titles (the framing word, "论文：…",
"Paper: …", says what kind of news it is), then to the earlier category in the table. A
category needs `MIN_SCORE` from one item alone: one weak hint ("model", "users"), even in
every title of the story, never decides. A story no category reaches gets the default
category (`other` in the packaged table), not a guess.

With the packaged category table (the same keys), a small linear model trained on the
labelled development set (`learned.py`, `data/models/category.json`) makes the final
call. It reads the story's title and summary words, the kind of site it links to, and the
keyword scores above, so it corrects the keyword table where labelled news disagreed with
it (a launch post whose title names no product word, an accusation "found" in a study)
and keeps every decision the keywords make firmly. `learned_categories = false` in the
configuration turns it off; a customised table never uses it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsdesk.config import CategorySettings
from newsdesk.errors import ConfigError
from newsdesk.learned import LinearModel
from newsdesk.models import Story
from newsdesk.patterns import group_end, needs_digit, split_bars, top_level_bar
from newsdesk.relevance import host, standing
from newsdesk.terms import split_terms, summary_text

TITLE_WEIGHT = 2.0
SUMMARY_CHARS = 300
MIN_SCORE = 3.0
DECAY = 0.5
_WORD = re.compile(r"[a-z0-9]+")
_WEIGHT = re.compile(r"\^(\d+(?:\.\d+)?)$")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
# A leading \b or look-behind: without it a pattern can be searched for fast (the regex
# engine skips to the characters it can start with), and only a text that has such a
# place is searched with the whole pattern.
_LEADING_ASSERTION = re.compile(r"^(?:\\b|\(\?<[!=](?:\\.|\[(?:\\.|[^\]])*\]|[^()\\])*\))+")
_WORD_CACHE = 50_000  # words whose one-word keyword matches are remembered
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class _Keyword:
    id: int
    category: int
    weight: float


@dataclass(frozen=True, slots=True)
class _Pattern:
    gate: re.Pattern[str]  # the pattern without its leading assertions
    pattern: re.Pattern[str]
    keyword: _Keyword
    cjk: bool  # it needs Chinese (or Japanese, Korean) text to match
    digit: bool  # it needs a digit to match
    # It can only match at a word starting with one of these (empty when unknown), the
    # prefixes of its leading alternatives: r"\b(?:gpt|claude)-?\d" → ("gpt", "claude").
    starts: tuple[str, ...]


def parse_keyword(raw: str) -> tuple[str, float]:
    """A keyword without its `^N` weight suffix, and that weight (1 without one)."""
    text = raw.strip()
    found = _WEIGHT.search(text)
    if not found:
        return text, 1.0
    return text[: found.start()].rstrip(), float(found.group(1))


_NOWHERE = 1 << 30  # `Scores.first` of a category with no keyword in the titles


class Scores:
    """A story's score per category (in table order): `total` over its items, `single`
    the most one item reaches alone, `first` where the category's first title hit is in
    the story's titles, read in order (a large number without one)."""

    __slots__ = ("first", "single", "total")

    def __init__(self, size: int) -> None:
        self.total = [0.0] * size
        self.single = [0.0] * size
        self.first = [_NOWHERE] * size


class Classifier:
    """Weighted keyword scoring over a story's titles and summaries (see the module)."""

    def __init__(
        self,
        categories: Sequence[CategorySettings],
        default: str,
        *,
        model: LinearModel | None = None,
    ) -> None:
        self.keys = [c.key for c in categories]
        self.default = default
        # The learned model decides only for the table it was trained on.
        self.model = model if model is not None and list(model.classes) == self.keys else None
        self.words: dict[str, list[_Keyword]] = {}  # one-word keyword → its entries
        self.prefixes: dict[str, list[_Keyword]] = {}  # "regulat*" → its entries
        # by first word; the flag: the last word is a prefix ("power plant*")
        self.phrases: dict[str, list[tuple[tuple[str, ...], bool, _Keyword]]] = {}
        self.others: dict[str, list[_Keyword]] = {}  # matched anywhere (Chinese)
        # host → (path prefix, keyword): "site:huggingface.co/papers" → ("/papers", …)
        self.sites: dict[str, list[tuple[str, _Keyword]]] = {}
        self.patterns: list[_Pattern] = []
        seen: set[tuple[str, int]] = set()
        for number, category in enumerate(categories):
            for raw in category.keywords:
                text, weight = parse_keyword(raw)
                if not text.startswith("re:"):
                    text = text.casefold()
                if not text or (text, number) in seen:
                    continue
                keyword = _Keyword(len(seen), number, weight)
                seen.add((text, number))
                words = tuple(_WORD.findall(text))
                if text.startswith("re:"):
                    self.patterns.append(_compile(text[3:], keyword, category.key))
                elif text.startswith("site:"):
                    name, _, path = text[5:].strip().removeprefix("www.").partition("/")
                    if "." not in name:
                        raise ConfigError(
                            f"categories: {category.key}: keyword '{raw}' names no site "
                            '(write it as "site:arxiv.org" or "site:huggingface.co/papers")'
                        )
                    folder = "/" + path.strip("/") if path else ""
                    self.sites.setdefault(name, []).append((folder, keyword))
                elif not text.isascii():
                    self.others.setdefault(text, []).append(keyword)
                elif len(words) == 1 and text.endswith("*"):
                    self.prefixes.setdefault(words[0], []).append(keyword)
                elif len(words) == 1:
                    self.words.setdefault(words[0], []).append(keyword)
                elif words:
                    entry = (words, text.endswith("*"), keyword)
                    self.phrases.setdefault(words[0], []).append(entry)
        self.prefix_lengths = sorted({len(p) for p in self.prefixes})
        # One pass finds the other-script keywords, the longest first where several start.
        terms = sorted(self.others, key=len, reverse=True)
        self.other_terms = re.compile("|".join(map(re.escape, terms)) or r"(?!)")
        # word → (its one-word keywords, a bit for each pattern it can start)
        self._single: dict[str, tuple[tuple[_Keyword, ...], int]] = {}
        self._started = [(1 << n, p.starts) for n, p in enumerate(self.patterns) if p.starts]
        self._unstarted = sum(1 << n for n, p in enumerate(self.patterns) if not p.starts)

    def classify(self, stories: Sequence[Story]) -> dict[int, float]:
        """Set each story's category; return how sure the learned model was of each
        (0 without one)."""
        sure: dict[int, float] = {}
        for story in stories:
            story.category, sure[story.id] = self.decide(story)
        return sure

    def category(self, story: Story) -> str:
        return self.decide(story)[0]

    def decide(self, story: Story) -> tuple[str, float]:
        """The story's category and the learned model's probability for it (0 when the
        keywords alone decide)."""
        scores = self.scores(story)
        chosen = self.by_keywords(scores)
        if self.model is None:
            return chosen, 0.0
        return self.model.best(features(story, scores, self.keys, chosen))

    def by_keywords(self, scores: Scores) -> str:
        """The category the keyword table alone gives."""
        best: tuple[float, int] | None = None
        chosen = self.default
        for number, key in enumerate(self.keys):
            rank = (scores.total[number], -scores.first[number])
            if scores.single[number] >= MIN_SCORE and (best is None or rank > best):
                best, chosen = rank, key
        return chosen

    def scores(self, story: Story) -> Scores:
        scores = Scores(len(self.keys))
        offset = 0
        for item in story.items:
            title = item.title.casefold()
            # What the summary says: feed boilerplate (a Hacker News stub) is no text.
            summary = summary_text(item.title, item.summary[: SUMMARY_CHARS + 200])
            summary = summary[:SUMMARY_CHARS].casefold()
            if summary.startswith(title):  # a title-only item repeats its title
                summary = summary[len(title) :]
            weights: dict[int, list[float]] = {}  # category → the weights of its hits
            for keyword, at in self._hits(title).items():
                weights.setdefault(keyword.category, []).append(TITLE_WEIGHT * keyword.weight)
                scores.first[keyword.category] = min(scores.first[keyword.category], offset + at)
            for keyword in self._hits(summary):
                weights.setdefault(keyword.category, []).append(keyword.weight)
            if self.sites:
                for keyword in self._site_hits(item.url):
                    weights.setdefault(keyword.category, []).append(TITLE_WEIGHT * keyword.weight)
            for number, found in weights.items():
                found.sort(reverse=True)
                score = sum(weight * DECAY**n for n, weight in enumerate(found))
                scores.total[number] += score
                scores.single[number] = max(scores.single[number], score)
            offset += len(title) + 1
        return scores

    def _site_hits(self, url: str) -> list[_Keyword]:
        """The `site:` keywords a link is on: its host or a host it is under, with the
        keyword's path, if any, a prefix of the link's path at a folder's end."""
        parts = host(url).split(".")
        found: list[_Keyword] = []
        for n in range(len(parts) - 1):
            for path, keyword in self.sites.get(".".join(parts[n:]), ()):
                if path:
                    folder = urlsplit(url).path
                    if not (folder == path or folder.startswith(path + "/")):
                        continue
                found.append(keyword)
        return found

    def _hits(self, text: str) -> dict[_Keyword, int]:
        """The distinct keywords found in a text, each with where it first starts.

        A word or phrase inside a longer one does not count: "coding" inside "coding
        agents", 模型 inside 大模型, "art" inside "state of the art", "fine" inside
        "fine-tune". A piece of text says once what it says.
        """
        if not text:
            return {}
        spans: list[tuple[int, int, int, _Keyword]] = []  # (start, -end, id, keyword)
        # Places are word numbers in a Latin-only text (cheaper), else character offsets.
        latin = text.isascii()
        starts: Sequence[int]
        ends: Sequence[int]
        if latin:
            words = _WORD.findall(text)
            starts, ends = range(len(words)), range(1, len(words) + 1)
        else:
            matches = list(_WORD.finditer(text))
            words = [m.group() for m in matches]
            starts, ends = [m.start() for m in matches], [m.end() for m in matches]
        possible = self._unstarted  # the patterns worth searching for
        for index, word in enumerate(words):
            cached = self._single.get(word)
            single, started = cached if cached is not None else self._single_keywords(word)
            possible |= started
            for keyword in single:
                spans.append((starts[index], -ends[index], keyword.id, keyword))
            for phrase, prefix, keyword in self.phrases.get(word, ()):
                last = index + len(phrase) - 1
                if last < len(words) and words[index:last] == list(phrase[:-1]):
                    tail = words[last]
                    if tail == phrase[-1] or (prefix and tail.startswith(phrase[-1])):
                        spans.append((starts[index], -ends[last], keyword.id, keyword))
        if not latin:
            for term in self.other_terms.finditer(text):
                for keyword in self.others[term.group()]:
                    spans.append((term.start(), -term.end(), keyword.id, keyword))
        # A pattern's match (a shape: "releases … model", "blocks … H200 chips") hides the
        # words of other categories inside it; it is not hidden itself.
        shapes: list[tuple[int, int, _Keyword]] = []
        digit = _DIGIT.search(text) is not None
        for number, entry in enumerate(self.patterns):
            if not possible >> number & 1 or (latin and entry.cjk) or (entry.digit and not digit):
                continue
            shape = entry.pattern.search(text) if entry.gate.search(text) else None
            if shape:
                at, end = shape.span()
                if latin:  # in word numbers
                    at, end = len(_WORD.findall(text, 0, at)), len(_WORD.findall(text, 0, end))
                shapes.append((at, end, entry.keyword))
        # Sorted by start, the longest first: a span lies inside a longer one exactly when
        # an earlier span of another extent reaches as far.
        spans.sort()
        found: dict[_Keyword, int] = {}
        reach, extent, inside = -1, (-1, 0), False
        for at, negative_end, _, keyword in spans:
            end = -negative_end
            if (at, end) != extent:
                inside = reach >= end
                reach, extent = max(reach, end), (at, end)
            if not inside and not any(
                a <= at and end <= e and other.category != keyword.category
                for a, e, other in shapes
            ):
                found.setdefault(keyword, at)
        for at, _, keyword in shapes:
            if keyword not in found or at < found[keyword]:
                found[keyword] = at
        return found

    def _single_keywords(self, word: str) -> tuple[tuple[_Keyword, ...], int]:
        """The one-word keywords and prefixes a word matches, and the patterns that can
        start at it (remembered per word)."""
        found = list(self.words.get(word, ()))
        for length in self.prefix_lengths:
            if length > len(word):
                break
            found.extend(self.prefixes.get(word[:length], ()))
        started = sum(bit for bit, starts in self._started if word.startswith(starts))
        if len(self._single) >= _WORD_CACHE:
            self._single.clear()
        self._single[word] = entry = (tuple(found), started)
        return entry


# Items of a story read by the learned model, and the weight of a summary word against a
# title word (1).
MODEL_ITEMS = 5
# The first items whose site the model reads by name ("host:arxiv.org"): a site's habits
# (a preprint server's research, a policy outlet's governance) place its stories; leaving
# each labelled week out in turn, 0.700 → 0.702; the held-out weeks of 2025, 0.683 → 0.694
# (docs/benchmarks.md, "Session 28").
HOST_ITEMS = 3
SUMMARY_WEIGHT = 0.5
# A keyword score of this counts 1 as a feature (scores are capped at 4 times it).
SCORE_UNIT = 5.0


def features(story: Story, scores: Scores, keys: Sequence[str], chosen: str) -> dict[str, float]:
    """What the learned model reads of a story: its first items' title tokens ("t:") and
    the other tokens of their summaries ("s:"), both as collection stored them
    (`terms.item_terms`), the kind of site each links to ("site:0" official, 1 press, 2
    other) and the sites of the first three by name ("host:"), each category the keywords
    reach with its score ("kw:"), the most one item gives each category, a weak hint
    included ("one:"), the keywords' choice ("pick:"), and the category of the first
    keyword in the titles ("first:", the framing word)."""
    found: dict[str, float] = {}
    for number, item in enumerate(story.items[:MODEL_ITEMS]):
        # The tokens collection stored: the title's, and the other words of its summary.
        head, rest = split_terms(item)
        for word in head:
            found[f"t:{word}"] = 1.0
        for word in rest:
            found.setdefault(f"s:{word}", SUMMARY_WEIGHT)
        found[f"site:{standing(item.url)}"] = 1.0
        if number < HOST_ITEMS:
            found[f"host:{host(item.url)}"] = 1.0
    for number, key in enumerate(keys):
        if scores.single[number] >= MIN_SCORE:
            found[f"kw:{key}"] = min(scores.total[number], 4 * SCORE_UNIT) / SCORE_UNIT
        if scores.single[number] > 0:
            # The most one item says for it, a weak hint included.
            found[f"one:{key}"] = min(scores.single[number], 4 * SCORE_UNIT) / SCORE_UNIT
    found[f"pick:{chosen}"] = 1.0
    framing = min(range(len(keys)), key=lambda number: scores.first[number], default=-1)
    if framing >= 0 and scores.first[framing] < _NOWHERE:
        found[f"first:{keys[framing]}"] = 1.0  # the category of the titles' first keyword
    return found


def _compile(source: str, keyword: _Keyword, category: str) -> _Pattern:
    try:
        pattern = re.compile(source)
    except re.error as error:
        raise ConfigError(
            f"categories: {category}: keyword 're:{source}' is not a regular expression: {error}"
        ) from None
    try:
        gate = re.compile(_LEADING_ASSERTION.sub("", source, count=1))
    except re.error:
        gate = pattern
    cjk = bool(_CJK.search(source))
    return _Pattern(gate, pattern, keyword, cjk, needs_digit(source), _starts(source))


def _starts(source: str) -> tuple[str, ...]:
    """The word prefixes a pattern that starts with \\b can only match at: the leading
    letters and digits of each alternative of its first group, or of the pattern itself;
    () when the pattern does not say (no \\b, a top-level `|`, an optional group)."""
    if not source.startswith("\\b") or top_level_bar(source):
        return ()
    rest = source[2:]
    if rest.startswith("(?:"):
        end = group_end(rest)
        if end < 0 or rest[end + 1 : end + 2] in ("?", "*") or rest.startswith("{0", end + 1):
            return ()
        alternatives = split_bars(rest[3:end])
    else:
        alternatives = [rest]
    starts = tuple(_literal(a) for a in alternatives)
    return starts if all(starts) else ()


def _literal(source: str) -> str:
    """The letters and digits every match of a pattern starts with: "exports?" → "export"."""
    head = re.match(r"[a-z0-9]*", source)
    literal = head.group() if head else ""
    if source[len(literal) : len(literal) + 1] in ("?", "*", "{"):
        literal = literal[:-1]
    return literal
