"""Near-duplicate merging of items into stories, and continuity with earlier days.

Each item becomes a sparse vector of its tokens (terms.py: English words, Chinese
character bigrams, model names and numbers in a compact form, and concept tokens
from a bilingual lexicon, so that a Chinese and an English telling of one story
meet on the names and concepts they share). Title tokens weigh more than summary
tokens; every token is weighted by its inverse
document frequency in the batch. Two items tell the same story when the
cosine of their vectors reaches `dedupe.threshold` and they were published
within `dedupe.window_hours` of each other.

Shared weights of all candidate pairs come from sparse matrix products (see
`Corpus` and `scored_pairs`), so only items that share a discriminating token
are ever compared, and the comparison runs in compiled code rather than in a
Python loop over pairs. Tokens are computed once per item at collection and
stored with it (`terms.item_terms`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from newsdesk.models import Continuation, Item, Story
from newsdesk.terms import HAN_RUN, amount, figure, generic, specific

# The tokeniser lived here before terms.py; its names are still importable from here.
from newsdesk.terms import SUMMARY_CHARS as SUMMARY_CHARS
from newsdesk.terms import chinese_terms as chinese_terms
from newsdesk.terms import item_terms as item_terms
from newsdesk.terms import split_terms as split_terms
from newsdesk.terms import terms_version as terms_version
from newsdesk.terms import tokens as tokens

TITLE_WEIGHT = 1.0
SUMMARY_WEIGHT = 0.35
# A token expected in more than this many items of one window is too common to pair on.
MAX_POSTING = 100
# The same for continuity, where a week of earlier items is searched for every new one.
CONTINUITY_POSTING = 60
# Frequent columns up to which their shared weight is taken from a dense block, and the
# number of cells of one chunk of that block.
DENSE_COLUMNS = 512
DENSE_CHUNK = 4_000_000
# Share of a Chinese item's bigram mass kept in its norm when compared with a
# non-Chinese item: bigrams cannot match across languages, but a long Chinese
# text that shares only one name with an English title is not the same story.
CROSS_BIGRAM_SHARE = 0.1
# Factor applied when both items name an event type and the types differ.
EVENT_CONFLICT = 0.6
# Factor applied when both titles carry numbers or versioned names (an amount, "Lumen-3")
# and share none of them: $198M and $248M rounds are two stories.
NUMBER_CONFLICT = 0.5
# Factor applied when both titles name the same sum or count of a million or more and the
# items share a name besides: "OpenAI reportedly completed a $7B employee tender offer"
# and "OpenAI wraps $7B share sale ahead of potential IPO". Every labelled pair that
# shares both (31 in tests/data/editorial/pairs.jsonl) tells one event.
AMOUNT_AGREES = 1.5
# Factor applied when two items share one token only and both titles say more than it:
# "Goodbye to Sora" and "PwC will say goodbye to staff …", "Claude for Government" and
# "Claude says it's DeepSeek …" share a word, not an event.
SINGLE_SHARE = 0.5
# Factor applied when two items share no token that can name a thing (`terms.specific`):
# only kinds of news and everyday words ("Model Collapse Ends AI Hype" and "Trump Will
# End Government Use of Anthropic's AI Models" share "end" and "model").
NO_NAME = 0.5
# ... unless they share at least this many such tokens (not counting "ai"): "export",
# "controls" and "chips" together are one event even without a name.
NAMELESS_SHARE = 3
# Radixes that pack three counts of shared tokens into one number (see `_conflicts`).
_NAMES = 1 << 12
_WORDS = 1 << 24
# The event types that conflict. A cut (`@cut`) is none: it names a price cut, job cuts
# and cutting off access alike ("Amazon to cut 16,000 positions" is a layoff). A change
# of price (`@price`) is one: a model's new prices are another event than its release or
# a review of it ("GPT-5.6 Sol Pricing Cut by 50%" and "… the best 'vision' model OpenAI
# ever released").
EVENTS = frozenset(
    """
    @release @acquire @funding @outage @security @lawsuit @hire @partnership @ipo
    @regulation @law @layoff @ban @expand @fine @approve @price
    """.split()
)
# Event types that never conflict: a company that "is joining" another is acquired ("Ona
# Is Joining OpenAI", "OpenAI to acquire Ona"), an acqui-hire told both ways.
_SAME_KIND: dict[str, str] = {"@hire": "@acquire"}
_BIT = {event: 1 << n for n, event in enumerate(sorted(EVENTS - _SAME_KIND.keys()))}
EVENT_BITS = {event: _BIT[_SAME_KIND.get(event, event)] for event in EVENTS}


# A small number alone ("#3", "#4.5"): a version names something only with its name, so
# "Mistral 3 family of models released" and "Amazon launches Trainium3" share no name.
_BARE_NUMBER = re.compile(r"#\d{1,2}(?:\.\d+)?")


def _naming(token: str) -> bool:
    """Whether a shared token can name what two items are about (`terms.specific`, but not
    a small number alone)."""
    return specific(token) and _BARE_NUMBER.fullmatch(token) is None


@dataclass(frozen=True, slots=True)
class Vector:
    """Token weights (already scaled by IDF) and the masses similarity divides by."""

    weights: dict[str, float]
    mass: float
    neutral: float
    chinese: bool
    events: frozenset[str]
    figures: frozenset[str]
    title_terms: int


def _bigram(token: str) -> bool:
    return len(token) == 2 and HAN_RUN.match(token) is not None


class Vocabulary:
    """Token ↔ column numbers shared by the corpora of one run, and each item's encoded row.

    A run that prepares several days encodes every item once, however many days look
    back at it.
    """

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}
        self.names: list[str] = []
        self._bigrams: list[bool] = []
        self._events: list[int] = []
        self._figures: list[bool] = []
        self._amounts: list[bool] = []
        self._specific: list[bool] = []
        self._generic: list[bool] = []
        self._arrays: dict[str, np.ndarray] = {}
        self._rows: dict[tuple[int, str], tuple[np.ndarray, int]] = {}

    def encode(self, item: Item) -> tuple[np.ndarray, int]:
        """The item's token columns, title tokens first, and how many are title tokens."""
        key = (item.id, item.content_hash) if item.id is not None else None
        if key is not None and (row := self._rows.get(key)) is not None:
            return row
        head, rest = split_terms(item)
        every = head + rest
        found = list(map(self.columns.get, every, itertools.repeat(-1)))
        if -1 in found:
            for position, token in enumerate(every):
                if found[position] == -1:
                    found[position] = self._add(token)
        row = (np.array(found, dtype=np.int32), len(head))
        if key is not None:
            self._rows[key] = row
        return row

    def _add(self, token: str) -> int:
        column = self.columns.get(token)
        if column is None:  # a token twice in one item is added once
            column = self.columns[token] = len(self.names)
            self.names.append(token)
            bigram = _bigram(token)
            self._bigrams.append(bigram)
            self._events.append(EVENT_BITS.get(token, 0))
            self._figures.append(not bigram and figure(token))
            self._amounts.append(amount(token))
            self._specific.append(_naming(token))
            self._generic.append(generic(token))
        return column

    def bigram_mask(self) -> np.ndarray:
        return self._array("bigrams", self._bigrams, bool)

    def event_bits(self) -> np.ndarray:
        return self._array("events", self._events, np.int64)

    def figure_mask(self) -> np.ndarray:
        """Columns that can be a title's figure: numbers and versioned names."""
        return self._array("figures", self._figures, bool)

    def amount_mask(self) -> np.ndarray:
        """Columns that are a sum or a count of a million or more (`terms.amount`)."""
        return self._array("amounts", self._amounts, bool)

    def specific_mask(self) -> np.ndarray:
        """Columns that can name a story's subject (`terms.specific`)."""
        return self._array("specific", self._specific, bool)

    def generic_mask(self) -> np.ndarray:
        """Columns every AI story may carry (`terms.generic`)."""
        return self._array("generic", self._generic, bool)

    def _array(self, name: str, values: list[Any], dtype: Any) -> np.ndarray:
        """`values` as an array, converting only what was added since the last call."""
        done = self._arrays.get(name)
        if done is None or len(done) < len(values):
            start = 0 if done is None else len(done)
            fresh = np.array(values[start:], dtype=dtype)
            done = self._arrays[name] = fresh if done is None else np.concatenate((done, fresh))
        return done


class Corpus:
    """Token statistics of a batch of items, kept as the entries of a sparse
    item × token matrix (`indices`, `indptr`, and `in_title` for each entry).

    An item's weight for token t is idf(t) × SUMMARY_WEIGHT, or idf(t) × TITLE_WEIGHT when
    t is in its title. Because the two weights are fixed, the weight two items share
    through t, idf(t) × min(their weights), is SUMMARY_WEIGHT × idf(t) plus, when both
    titles carry t, (TITLE_WEIGHT − SUMMARY_WEIGHT) × idf(t): the shared weight of every
    pair is two sparse matrix products (`_shared`, `_pair_shared`).
    """

    def __init__(self, items: Sequence[Item], vocabulary: Vocabulary | None = None) -> None:
        self.items = list(items)
        self.vocabulary = vocabulary = vocabulary or Vocabulary()
        rows = [vocabulary.encode(item) for item in self.items]
        n = len(rows)
        lengths = np.fromiter((len(columns) for columns, _ in rows), dtype=np.int64, count=n)
        heads = np.fromiter((head for _, head in rows), dtype=np.int64, count=n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.concatenate([columns for columns, _ in rows]) if n else np.zeros(0, np.int32)
        position = np.arange(len(indices)) - np.repeat(indptr[:-1], lengths)
        self.row_of = np.repeat(np.arange(n), lengths)
        self.n = n
        self.shape = (n, len(vocabulary.names))
        self.indices, self.indptr = indices, indptr
        self.in_title = position < np.repeat(heads, lengths)
        self.df = np.bincount(indices, minlength=self.shape[1])
        self.idf = np.log((n + 1) / (self.df + 0.5)) + 1.0
        self.chinese = np.array([item.lang == "zh" for item in self.items], dtype=bool)
        self.stamps = np.array([item.published.timestamp() for item in self.items], dtype=float)
        # Distinct tokens of one item carry distinct bits, so their sum is their union.
        self.events = self._row_sums(vocabulary.event_bits()[indices]).astype(np.int64)
        figures = vocabulary.figure_mask()[indices] & self.in_title
        self.figure_count = self._row_sums(figures.astype(float))
        amounts = vocabulary.amount_mask()[indices] & self.in_title
        self.amount_count = self._row_sums(amounts.astype(float))
        self._weigh()

    def drop_common(self, max_posting: int, window_hours: float | None) -> None:
        """Stop counting tokens expected in more than `max_posting` items of one window."""
        span = float(self.stamps.max() - self.stamps.min()) if self.n else 0.0
        window = window_hours * 3600 if window_hours else None
        share = min(1.0, window / span) if window and span else 1.0
        common = self.df * share > max_posting
        if common.any():
            self.idf = np.where(common, 0.0, self.idf)
            self._weigh()

    def _weigh(self) -> None:
        indices = self.indices
        raw = np.where(self.in_title, TITLE_WEIGHT, SUMMARY_WEIGHT)
        self.weights = raw * self.idf[indices]  # each stored entry's weight
        mass = self._row_sums(self.weights)
        bigrams = self._row_sums(
            np.where(self.vocabulary.bigram_mask()[indices], self.weights, 0.0)
        )
        neutral = np.where(self.chinese, mass - bigrams * (1 - CROSS_BIGRAM_SHARE), mass)
        # (A launch verb says nothing of its own: "Introducing gpt-oss" says only its name.)
        saying = self.in_title & (self.weights > 0) & (self.vocabulary.event_bits()[indices] == 0)
        self.title_terms = self._row_sums(saying.astype(float))
        self.mass = np.where(mass > 0, mass, 1.0)
        self.neutral = np.where(neutral > 0, neutral, 1.0)
        self._vectors: dict[int, Vector] = {}

    def _row_sums(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.row_of, weights=values, minlength=self.n)

    def matrix(self, column_weight: np.ndarray, *, title_only: bool = False) -> sparse.csr_matrix:
        """Items × tokens with each entry set to its column's weight (zeros dropped)."""
        data = column_weight[self.indices]
        if title_only:
            data = np.where(self.in_title, data, 0.0)
        keep = data != 0
        indptr = np.zeros_like(self.indptr)
        np.cumsum(np.bincount(self.row_of[keep], minlength=self.n), out=indptr[1:])
        return sparse.csr_matrix((data[keep], self.indices[keep], indptr), shape=self.shape)

    def vector(self, index: int) -> Vector:
        """Item `index` as a token → weight mapping, for exact pairwise similarity."""
        vector = self._vectors.get(index)
        if vector is None:
            start, end = self.indptr[index], self.indptr[index + 1]
            names = self.vocabulary.names
            columns = self.indices[start:end].tolist()
            weights = dict(
                zip((names[c] for c in columns), self.weights[start:end].tolist(), strict=True)
            )
            heads = [names[c] for c, t in zip(columns, self.in_title[start:end], strict=True) if t]
            vector = self._vectors[index] = Vector(
                weights,
                float(self.mass[index]),
                float(self.neutral[index]),
                bool(self.chinese[index]),
                frozenset(_SAME_KIND.get(t, t) for t in EVENTS.intersection(weights)),
                frozenset(t for t in heads if figure(t) and not _bigram(t)),
                int(self.title_terms[index]),
            )
        return vector

    @property
    def vectors(self) -> list[Vector]:
        return [self.vector(i) for i in range(self.n)]


def similarity(a: Vector, b: Vector) -> float:
    """Shared weight over the geometric mean of the two masses, in [0, 1].

    Across Chinese and another language a Chinese item's bigrams count only in
    part, and two different event types (a launch, a lawsuit) lower the score.
    """
    if len(a.weights) > len(b.weights):
        a, b = b, a
    other = b.weights
    common = [t for t, w in a.weights.items() if w and other.get(t)]
    shared = sum(min(a.weights[t], other[t]) for t in common)
    named = (
        a.chinese != b.chinese
        or any(map(_naming, common))
        or sum(not generic(t) for t in common) >= NAMELESS_SHARE
    )
    agrees = any(amount(t) for t in a.figures & b.figures) and any(
        specific(t) and not figure(t) for t in common
    )
    return _score(a, b, shared, len(common), named, agrees)


def _score(a: Vector, b: Vector, shared: float, count: int, named: bool, agrees: bool) -> float:
    if not shared:
        return 0.0
    score = shared / _denominator(a, b)
    return min(score * _conflict(a, b, count, named, agrees), 1.0)


def _conflict(a: Vector, b: Vector, count: int, named: bool, agrees: bool = False) -> float:
    factor = AMOUNT_AGREES if agrees else 1.0
    if count == 1 and a.title_terms > 1 and b.title_terms > 1:
        factor *= SINGLE_SHARE
    if not named:
        factor *= NO_NAME
    if a.events and b.events and not a.events & b.events:
        factor *= EVENT_CONFLICT
    if a.figures and b.figures and not a.figures & b.figures:
        factor *= NUMBER_CONFLICT
    return factor


def _denominator(a: Vector, b: Vector) -> float:
    cross = a.chinese != b.chinese
    return math.sqrt((a.neutral if cross else a.mass) * (b.neutral if cross else b.mass))


def scored_pairs(
    corpus: Corpus,
    *,
    threshold: float,
    window_hours: float | None,
    split: int = 0,
    max_posting: int = MAX_POSTING,
    title_candidates: bool = False,
) -> list[tuple[float, int, int]]:
    """Pairs (score, i, j), i < j, whose similarity reaches the threshold.

    Only pairs that share at least one discriminating token are candidates: tokens
    expected in more than `max_posting` items of one window are too common to pair on.
    The weight shared through discriminating tokens comes from sparse matrix products;
    what common tokens could add is at most the smaller of the two items' common weight,
    so only pairs whose bound reaches the threshold are finished exactly. With `split`,
    only pairs of one item before `split` and one from `split` on count. With
    `title_candidates`, candidates must share a discriminating token in their titles.
    """
    if corpus.n < 2 or (split and split >= corpus.n):
        return []
    stamps = corpus.stamps
    span = float(stamps.max() - stamps.min())
    window = window_hours * 3600 if window_hours else None
    share = min(1.0, window / span) if window and span else 1.0
    frequent = (corpus.df * share > max_posting) & (corpus.idf > 0)
    rare_idf = np.where(frequent, 0.0, corpus.idf)
    partial = _shared(corpus, rare_idf, split, titles=title_candidates)
    left, right, value = partial.row, partial.col, partial.data
    if split:
        left, right = right, left + split  # rows were the later items, columns the earlier
    else:
        upper = left < right
        left, right, value = left[upper], right[upper], value[upper]
    if title_candidates:  # the candidates' shared weight through all their rare tokens
        value = _pair_shared(corpus, rare_idf, left, right)
    if window:
        near = np.abs(stamps[left] - stamps[right]) <= window
        left, right, value = left[near], right[near], value[near]
    heavy = corpus._row_sums(np.where(frequent[corpus.indices], corpus.weights, 0.0))
    cross = corpus.chinese[left] != corpus.chinese[right]
    denominator = np.sqrt(
        np.where(
            cross,
            corpus.neutral[left] * corpus.neutral[right],
            corpus.mass[left] * corpus.mass[right],
        )
    )
    bound = (value + np.minimum(heavy[left], heavy[right])) / denominator
    # A pair whose titles both name an amount may still reach the threshold by agreeing
    # on it (AMOUNT_AGREES).
    amounts = corpus.amount_count
    floor = np.where(
        (amounts[left] > 0) & (amounts[right] > 0), threshold / AMOUNT_AGREES, threshold
    )
    hopeful = bound >= floor
    left, right, value = left[hopeful], right[hopeful], value[hopeful]
    denominator, floor = denominator[hopeful], floor[hopeful]
    if frequent.any() and len(left):
        value = value + _common_shared(corpus, frequent, left, right)
    score = value / denominator
    reached = score >= floor
    left, right, score = left[reached], right[reached], score[reached]
    score = np.minimum(score * _conflicts(corpus, left, right), 1.0)
    reached = score >= threshold
    low, high = np.minimum(left, right)[reached], np.maximum(left, right)[reached]
    return list(zip(score[reached].tolist(), low.tolist(), high.tolist(), strict=True))


def _common_shared(
    corpus: Corpus, frequent: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Weight each pair shares through the frequent columns."""
    columns = np.flatnonzero(frequent)
    if len(columns) > DENSE_COLUMNS:
        return _pair_shared(corpus, np.where(frequent, corpus.idf, 0.0), left, right)
    # Few enough columns for a dense block: min() of the two items' weights, in chunks.
    position = np.zeros(corpus.shape[1], dtype=np.int64)
    position[columns] = np.arange(len(columns))
    entries = frequent[corpus.indices]
    dense = np.zeros((corpus.n, len(columns)))
    dense[corpus.row_of[entries], position[corpus.indices[entries]]] = corpus.weights[entries]
    shared = np.empty(len(left))
    step = max(1, DENSE_CHUNK // len(columns))
    for start in range(0, len(left), step):
        part = slice(start, start + step)
        shared[part] = np.minimum(dense[left[part]], dense[right[part]]).sum(axis=1)
    return shared


def _conflicts(corpus: Corpus, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The factor `_conflict` gives each pair: one shared token, no shared name,
    different events, different figures, one amount and a name shared."""
    factor = np.ones(len(left))
    if not len(left):
        return factor
    # One product counts three kinds of shared tokens: a column weighs 1, plus _NAMES when
    # it is specific and _WORDS when it is not generic (each count stays below _NAMES).
    vocabulary, weighted = corpus.vocabulary, corpus.idf > 0
    code = weighted * (
        1.0 + _NAMES * vocabulary.specific_mask() + _WORDS * ~vocabulary.generic_mask()
    )
    coded = corpus.matrix(code)
    packed = np.rint(_row_dots(coded, coded.sign(), left, right)).astype(np.int64)
    count, names, words = packed % _NAMES, packed // _NAMES % _NAMES, packed // _WORDS
    terms = corpus.title_terms
    factor[(count == 1) & (terms[left] > 1) & (terms[right] > 1)] *= SINGLE_SHARE
    nameless = (
        (corpus.chinese[left] == corpus.chinese[right]) & (names == 0) & (words < NAMELESS_SHARE)
    )
    factor[nameless] *= NO_NAME
    events = corpus.events
    a, b = events[left], events[right]
    factor[(a != 0) & (b != 0) & ((a & b) == 0)] *= EVENT_CONFLICT
    has = corpus.figure_count
    both = (has[left] > 0) & (has[right] > 0)
    if both.any():
        figures = corpus.matrix(corpus.vocabulary.figure_mask().astype(float), title_only=True)
        shared = _row_dots(figures, figures, left[both], right[both])
        factor[np.flatnonzero(both)[shared == 0]] *= NUMBER_CONFLICT
    has = corpus.amount_count
    both = (has[left] > 0) & (has[right] > 0)
    if both.any():
        vocabulary = corpus.vocabulary
        sums = corpus.matrix(vocabulary.amount_mask().astype(float), title_only=True)
        pairs = np.flatnonzero(both)
        agreed = pairs[_row_dots(sums, sums, left[pairs], right[pairs]) > 0]
        if len(agreed):
            # ... and a name besides: a token that can name a thing and is no number
            naming = vocabulary.specific_mask() & ~vocabulary.figure_mask() & (corpus.idf > 0)
            names = corpus.matrix(naming.astype(float))
            named = _row_dots(names, names.sign(), left[agreed], right[agreed]) > 0
            factor[agreed[named]] *= AMOUNT_AGREES
    return factor


def _shared(
    corpus: Corpus, column_idf: np.ndarray, split: int, *, titles: bool = False
) -> sparse.coo_matrix:
    """Weight shared through the weighted columns, for every pair that shares one
    (with `titles`, through title tokens only, for every pair whose titles share one)."""
    # Rows are the later items, columns the earlier ones (all items both ways without split).
    later, earlier = (slice(split, None), slice(None, split)) if split else (slice(None),) * 2
    title = corpus.matrix(column_idf, title_only=True)
    product = (TITLE_WEIGHT - SUMMARY_WEIGHT) * (title[later] @ title.sign()[earlier].T)
    if not titles:
        every = corpus.matrix(column_idf)
        product = product + SUMMARY_WEIGHT * (every[later] @ every.sign()[earlier].T)
    return sparse.coo_matrix(product)


def _pair_shared(
    corpus: Corpus, column_idf: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """For each pair k, the weight items left[k] and right[k] share through the columns."""
    every = corpus.matrix(column_idf)
    title = corpus.matrix(column_idf, title_only=True)
    return SUMMARY_WEIGHT * _row_dots(every, every.sign(), left, right) + (
        TITLE_WEIGHT - SUMMARY_WEIGHT
    ) * _row_dots(title, title.sign(), left, right)


def _row_dots(
    weighted: sparse.csr_matrix, ones: sparse.csr_matrix, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """For each pair k, the dot product of row left[k] of `weighted` and row right[k] of `ones`."""
    return np.asarray(weighted[left].multiply(ones[right]).sum(axis=1)).ravel()


def cluster(
    items: Sequence[Item],
    *,
    threshold: float,
    window_hours: float,
    vocabulary: Vocabulary | None = None,
) -> list[list[Item]]:
    """Group items that tell the same story; each group keeps the order it was given in.

    Average linkage: candidate pairs are taken from the most similar down, and two
    groups merge only when the mean similarity between their members reaches the
    threshold, so one company's five different stories do not chain into one.
    """
    corpus = Corpus(items, vocabulary)
    corpus.drop_common(MAX_POSTING, window_hours)
    members: list[list[int]] = [[i] for i in range(len(items))]
    group = list(range(len(items)))
    for i, j in _exact_duplicates(items):
        _merge(members, group, group[i], group[j])
    pairs = scored_pairs(corpus, threshold=threshold, window_hours=window_hours)
    known = {(i, j): score for score, i, j in pairs}
    for _, i, j in sorted(pairs, reverse=True):
        a, b = group[i], group[j]
        if a != b and _mean_similarity(corpus, known, members[a], members[b]) >= threshold:
            _merge(members, group, a, b)
    return [[items[i] for i in sorted(m)] for m in members if m]


def _exact_duplicates(items: Sequence[Item]) -> list[tuple[int, int]]:
    first: dict[str, int] = {}
    return [
        (first[item.content_hash], i)
        for i, item in enumerate(items)
        if first.setdefault(item.content_hash, i) != i
    ]


def _merge(members: list[list[int]], group: list[int], a: int, b: int) -> None:
    if a == b:
        return
    if len(members[a]) < len(members[b]):
        a, b = b, a
    for index in members[b]:
        group[index] = a
    members[a].extend(members[b])
    members[b] = []


def _mean_similarity(
    corpus: Corpus, known: dict[tuple[int, int], float], left: list[int], right: list[int]
) -> float:
    """Mean similarity between two groups; pairs already scored are not scored again."""
    total = 0.0
    for i in left:
        for j in right:
            score = known.get((i, j) if i < j else (j, i))
            total += similarity(corpus.vector(i), corpus.vector(j)) if score is None else score
    return total / (len(left) * len(right))


def build_stories(
    day: dt.date,
    items: Sequence[Item],
    *,
    earlier: Sequence[Story],
    weights: dict[str, float],
    threshold: float,
    window_hours: float,
    continuity_threshold: float | None = None,
    vocabulary: Vocabulary | None = None,
    joined: Sequence[tuple[int, int]] = (),
    apart: Collection[int] = (),
) -> list[Story]:
    """The day's stories: merged items, lead item first, continuations of earlier stories
    marked. The editor's word stands over the merger's: each item id `apart` is a story of
    its own, then the stories of each `joined` pair of item ids are one."""
    vocabulary = vocabulary or Vocabulary()
    groups = cluster(items, threshold=threshold, window_hours=window_hours, vocabulary=vocabulary)
    if apart or joined:
        groups = regroup(groups, joined=joined, apart=apart)
    stories = [
        Story(id=min(i.id or 0 for i in group), day=day, items=_ordered(group, weights))
        for group in groups
    ]
    link_continuations(
        stories, earlier, threshold=continuity_threshold or threshold, vocabulary=vocabulary
    )
    return stories


def regroup(
    groups: Sequence[list[Item]],
    *,
    joined: Sequence[tuple[int, int]],
    apart: Collection[int],
) -> list[list[Item]]:
    """The merger's groups with the editor's changes: items `apart` taken out of their
    groups, each alone, then the groups of each `joined` pair made one (pairs naming an
    item not among the groups are passed over). Groups keep their order."""
    split: list[list[Item]] = []
    for group in groups:
        alone = [item for item in group if item.id in apart]
        rest = [item for item in group if item.id not in apart]
        split += ([rest] if rest else []) + [[item] for item in alone]
    where = {item.id: n for n, group in enumerate(split) for item in group if item.id is not None}
    pairs = [(where[a], where[b]) for a, b in joined if a in where and b in where]
    root = joined_ids(range(len(split)), pairs)
    merged: dict[int, list[Item]] = {}
    for n, group in enumerate(split):
        merged.setdefault(root(n), []).extend(group)
    return list(merged.values())


def near_pairs(
    stories: Sequence[Story],
    *,
    floor: float,
    window_hours: float,
    limit: int,
    vocabulary: Vocabulary | None = None,
) -> list[tuple[float, int, int]]:
    """The merger's borderline cases: pairs of different stories (score, id, id) whose
    most similar items score at least `floor` (below the threshold, or above it but kept
    apart by the groups' mean), most similar first, at most `limit`."""
    items = [item for story in stories for item in story.items]
    owner = [story.id for story in stories for _ in story.items]
    if limit <= 0 or len(stories) < 2:
        return []
    corpus = Corpus(items, vocabulary)
    corpus.drop_common(MAX_POSTING, window_hours)
    best: dict[tuple[int, int], float] = {}
    for score, i, j in scored_pairs(corpus, threshold=floor, window_hours=window_hours):
        a, b = sorted((owner[i], owner[j]))
        if a != b and score > best.get((a, b), 0.0):
            best[(a, b)] = score
    ranked = sorted(((score, a, b) for (a, b), score in best.items()), reverse=True)
    return ranked[:limit]


def join_offers(
    shown: Sequence[Story],
    *,
    floor: float,
    window_hours: float,
    vocabulary: Vocabulary | None = None,
) -> dict[int, int]:
    """For a story of a digest, the better-placed story (`shown` is in digest order) that
    may tell the same event: the closest of the merger's borderline pairs from `floor`
    (`near_pairs`), one per story, offered to the editor as a join (story id → story id)."""
    place = {story.id: n for n, story in enumerate(shown)}
    pairs = near_pairs(
        shown, floor=floor, window_hours=window_hours, limit=len(shown), vocabulary=vocabulary
    )
    offers: dict[int, int] = {}
    for _, a, b in pairs:  # the closest first
        first, later = sorted((a, b), key=place.__getitem__)
        offers.setdefault(later, first)
    return offers


def joined_ids(ids: Sequence[int], pairs: Sequence[tuple[int, int]]) -> Callable[[int], int]:
    """Union-find over `ids` joined by `pairs` (pairs naming an unknown id are passed
    over): each id → the lowest id of its group."""
    parent = {ident: ident for ident in ids}

    def root(ident: int) -> int:
        while parent[ident] != ident:
            parent[ident] = parent[parent[ident]]
            ident = parent[ident]
        return ident

    for a, b in pairs:
        if a in parent and b in parent:
            low, high = sorted((root(a), root(b)))
            parent[high] = low
    return root


def merge_stories(
    stories: Sequence[Story], pairs: Sequence[tuple[int, int]], weights: dict[str, float]
) -> list[Story]:
    """The stories with each pair of ids joined into one (the lower id), items in lead
    order; a story keeps its place (the first of a joined group's places)."""
    root = joined_ids([story.id for story in stories], pairs)
    joined: dict[int, Story] = {}
    for story in stories:
        head = root(story.id)
        if head not in joined:
            joined[head] = story
            continue
        target = joined[head]
        target.items = _ordered([*target.items, *story.items], weights)
        target.continues = target.continues or story.continues
        target.importance = max(target.importance, story.importance)
        for lang, headline in story.headlines.items():
            target.headlines.setdefault(lang, headline)
    for head, story in joined.items():
        story.id = head
    return list(joined.values())


def _ordered(group: list[Item], weights: dict[str, float]) -> list[Item]:
    return sorted(
        group,
        key=lambda i: (-max(weights.get(n, 1.0) for n in i.sources), i.published, i.id or 0),
    )


def link_continuations(
    stories: list[Story],
    earlier: Sequence[Story],
    *,
    threshold: float,
    vocabulary: Vocabulary | None = None,
) -> None:
    """Mark each story that continues an earlier day's story, pointing at its first coverage."""
    if not stories or not earlier:
        return
    old_items = [item for story in earlier for item in story.items]
    owner = [story for story in earlier for _ in story.items]
    story_of = [index for index, story in enumerate(stories) for _ in story.items]
    corpus = Corpus([*old_items, *(item for story in stories for item in story.items)], vocabulary)
    start = len(old_items)
    best: dict[int, tuple[float, Story]] = {}
    pairs = scored_pairs(
        corpus,
        threshold=threshold,
        window_hours=None,
        split=start,
        max_posting=CONTINUITY_POSTING,
        title_candidates=True,
    )
    for score, i, j in pairs:
        old, new = (i, j) if i < start else (j, i)
        index = story_of[new - start]
        if score > best.get(index, (0.0, owner[old]))[0]:
            best[index] = (score, owner[old])
    for index, (_, old_story) in best.items():
        origin = old_story.continues
        stories[index].continues = origin or Continuation(
            old_story.id, old_story.day, old_story.lead.title
        )
