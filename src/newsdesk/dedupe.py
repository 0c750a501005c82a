"""Near-duplicate merging of items into stories, and continuity with earlier days.

Each item becomes a sparse vector of tokens: English words (lightly stemmed),
Chinese character bigrams, model names and numbers in a compact form, and
concept tokens from a bilingual lexicon, so that a Chinese and an English
telling of one story meet on the names and concepts they share. Title tokens
weigh more than summary tokens; every token is weighted by its inverse
document frequency in the batch. Two items tell the same story when the
cosine of their vectors reaches `dedupe.threshold` and they were published
within `dedupe.window_hours` of each other.

Pairs are found by score accumulation over posting lists in time order (see
`scored_pairs`), so only items that share a discriminating token within the
window are ever compared, and the work grows with the number of items rather
than with its square.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from newsdesk.models import Continuation, Item, Story

TITLE_WEIGHT = 1.0
SUMMARY_WEIGHT = 0.35
SUMMARY_CHARS = 240
# A token expected in more than this many items of one window is too common to pair on.
MAX_POSTING = 300
# The same for continuity, where a week of earlier items is searched for every new one.
CONTINUITY_POSTING = 60
# Share of a Chinese item's bigram mass kept in its norm when compared with a
# non-Chinese item: bigrams cannot match across languages, but a long Chinese
# text that shares only one name with an English title is not the same story.
CROSS_BIGRAM_SHARE = 0.1
# Factor applied when both items name an event type and the types differ.
EVENT_CONFLICT = 0.6
# Factor applied when both titles carry numbers or versioned names (an amount, "Lumen-3")
# and share none of them: $198M and $248M rounds are two stories.
NUMBER_CONFLICT = 0.5
EVENTS = frozenset(
    """
    @release @acquire @funding @outage @security @lawsuit @cut @hire @partnership @ipo
    @regulation @law @layoff @ban @expand @fine
    """.split()
)

_WORD = re.compile(r"[a-z0-9]+(?:[.\-+][a-z0-9]+)*")
_POSSESSIVE = re.compile(r"['’]s\b")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_SEPARATORS = re.compile(r"[.\-+]")
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(
    r"(?<![a-z0-9.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    r"(trillion|billion|million|thousand|bn|[kmbt](?![a-z])|万亿|亿|百万|万|千|percent|%|x(?![a-z])|倍)?"
)
_MULTIPLIERS = {
    "trillion": 1e12,
    "t": 1e12,
    "万亿": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "亿": 1e8,
    "million": 1e6,
    "m": 1e6,
    "百万": 1e6,
    "万": 1e4,
    "thousand": 1e3,
    "k": 1e3,
    "千": 1e3,
}
_EN_STOP = frozenset(
    """
    a an the and or but of to in on at for from by with as is are was were be been being it its
    this that these those into over after before about than then new says said say will would
    can could may might has have had not no more most up out via amid how why what who when
    where which while our your their his her they them we you i he she us my just also now get
    gets got make makes made one two first last week today year years day per all any some other
    such only own same so very vs
    """.split()
)
_ZH_STOP = frozenset("的了在是和与及等将对为把被也都就而并这那一个其中已于以之或从向到由让使")


@dataclass(frozen=True, slots=True)
class Vector:
    """Token weights (already scaled by IDF) and the masses similarity divides by."""

    weights: dict[str, float]
    mass: float
    neutral: float
    chinese: bool
    events: frozenset[str]
    figures: frozenset[str]


@cache
def _lexicon() -> tuple[dict[str, str], dict[str, str], int]:
    """English word → concept, Chinese term → concept, and the longest Chinese term's length."""
    text = resources.files("newsdesk").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
    english: dict[str, str] = {}
    chinese: dict[str, str] = {}
    for concept, forms in tomllib.loads(text)["concepts"].items():
        for form in forms:
            form = unicodedata.normalize("NFKC", form).casefold()
            if _HAN_RUN.fullmatch(form):
                chinese[form] = f"@{concept}"
            else:
                english[_stem(form)] = f"@{concept}"
    return english, chinese, max(map(len, chinese), default=0)


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _numbers(text: str, found: set[str]) -> str:
    """Add one token per number, scaled by its unit ($2B and 20 亿 meet); return the rest."""

    def token(match: re.Match[str]) -> str:
        value = float(match.group(1).replace(",", ""))
        unit = match.group(2)
        if unit in _MULTIPLIERS:
            found.add(f"#{value * _MULTIPLIERS[unit]:g}")
        elif unit in ("percent", "%"):
            found.add(f"#{value:g}%")
        elif unit in ("x", "倍"):
            found.add(f"#{value:g}x")
        elif value >= 2 or "." in match.group(1):
            found.add(f"#{value:g}")
        return " "

    return _NUMBER.sub(token, text)


@lru_cache(maxsize=1 << 17)
def tokens(text: str) -> frozenset[str]:
    """The token set of a text: words, numbers, compact names, Chinese bigrams and concepts.

    Cached: a day's items are tokenised again when later days look back at them.
    """
    english, chinese, longest = _lexicon()
    found: set[str] = set()
    text = _POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).casefold())
    words = _numbers(text, found) if _DIGIT.search(text) else text
    for word in _WORD.findall(words):
        if word in _EN_STOP:
            continue
        compact = _SEPARATORS.sub("", word) if _DIGIT.search(word) else _stem(word)
        found.add(english.get(compact, compact))
    for run in _HAN_RUN.findall(text):
        for start in range(len(run)):  # every lexicon term the run contains, overlaps included
            for end in range(start + 1, min(start + longest, len(run)) + 1):
                concept = chinese.get(run[start:end])
                if concept:
                    found.add(concept)
        run = "".join(ch for ch in run if ch not in _ZH_STOP)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(found)


def item_tokens(item: Item) -> dict[str, float]:
    """Token → weight for one item: title tokens count more than summary tokens."""
    weights = dict.fromkeys(tokens(item.summary[:SUMMARY_CHARS]), SUMMARY_WEIGHT)
    weights.update(dict.fromkeys(tokens(item.title), TITLE_WEIGHT))
    return weights


def _bigram(token: str) -> bool:
    return len(token) == 2 and _HAN_RUN.match(token) is not None


class Corpus:
    """Token statistics of a batch of items, and their vectors."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = list(items)
        self.raw = [item_tokens(item) for item in self.items]
        df: dict[str, int] = defaultdict(int)
        for weights in self.raw:
            for token in weights:
                df[token] += 1
        n = len(self.items)
        self.df = df
        self.idf = {t: math.log((n + 1) / (d + 0.5)) + 1.0 for t, d in df.items()}
        self.vectors = [
            self.vector(w, item.lang == "zh") for w, item in zip(self.raw, self.items, strict=True)
        ]

    def vector(self, weights: dict[str, float], chinese: bool) -> Vector:
        idf = self.idf
        scaled = {t: w * idf[t] for t, w in weights.items()}
        mass = sum(scaled.values())
        bigrams = sum(v for t, v in scaled.items() if _bigram(t)) if chinese else 0.0
        events = frozenset(t for t in weights if t in EVENTS)
        figures = frozenset(
            t
            for t, w in weights.items()
            if w >= TITLE_WEIGHT and _DIGIT.search(t) and not _bigram(t)
        )
        neutral = (mass - bigrams * (1 - CROSS_BIGRAM_SHARE)) or 1.0
        return Vector(scaled, mass or 1.0, neutral, chinese, events, figures)


def similarity(a: Vector, b: Vector) -> float:
    """Shared weight over the geometric mean of the two masses, in [0, 1].

    Across Chinese and another language a Chinese item's bigrams count only in
    part, and two different event types (a launch, a lawsuit) lower the score.
    """
    if len(a.weights) > len(b.weights):
        a, b = b, a
    other = b.weights
    return _score(a, b, sum(min(w, other[t]) for t, w in a.weights.items() if t in other))


def _score(a: Vector, b: Vector, shared: float) -> float:
    if not shared:
        return 0.0
    score = shared / _denominator(a, b)
    if a.events and b.events and not a.events & b.events:
        score *= EVENT_CONFLICT
    if a.figures and b.figures and not a.figures & b.figures:
        score *= NUMBER_CONFLICT
    return min(score, 1.0)


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
) -> list[tuple[float, int, int]]:
    """Pairs (score, i, j), i < j, whose similarity reaches the threshold.

    Items are visited in time order; each accumulates the weight it shares with
    earlier items (within the window) through posting lists of its tokens. Tokens
    too frequent to discriminate are skipped, their weight kept as an upper bound,
    and only pairs whose bound reaches the threshold are scored exactly. With
    `split`, only pairs of one item before `split` and one from `split` on count.
    """
    items, vectors = corpus.items, corpus.vectors
    stamps = [item.published.timestamp() for item in items]
    span = (max(stamps) - min(stamps)) if stamps else 0.0
    window = window_hours * 3600 if window_hours else None
    share = min(1.0, window / span) if window and span else 1.0
    frequent = {t for t, d in corpus.df.items() if d * share > max_posting}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    found: list[tuple[float, int, int]] = []
    heavy = [_frequent_mass(v, frequent) for v in vectors]
    order = sorted(range(len(items)), key=stamps.__getitem__) if window else range(len(items))
    for k in order:
        earlier = split and k < split  # earlier items are indexed, never compared among themselves
        if not earlier:
            found.extend(_matches(k, vectors, heavy, postings, frequent, stamps, window, threshold))
        if earlier or not split:
            for token, weight in vectors[k].weights.items():
                if token not in frequent:
                    postings[token].append((k, weight))
    return found


def _matches(
    k: int,
    vectors: list[Vector],
    heavy: list[float],
    postings: dict[str, list[tuple[int, float]]],
    frequent: set[str],
    stamps: list[float],
    window: float | None,
    threshold: float,
) -> list[tuple[float, int, int]]:
    """Indexed items that reach the threshold with item k.

    The weight shared through indexed tokens is exact; what frequent tokens could add
    is at most the smaller of the two items' frequent weight, so only pairs whose
    bound reaches the threshold are finished, by adding the frequent tokens they share.
    """
    vector = vectors[k]
    oldest = stamps[k] - window if window else -math.inf
    shared: dict[int, float] = defaultdict(float)
    common = [(t, w) for t, w in vector.weights.items() if t in frequent]
    for token, weight in vector.weights.items():
        if token in frequent:
            continue
        for j, other in reversed(postings.get(token, ())):
            if stamps[j] < oldest:
                break
            shared[j] += weight if weight < other else other
    missing = sum(w for _, w in common)
    found = []
    for j, partial in shared.items():
        match = vectors[j]
        bound = partial + min(missing, heavy[j])
        if bound / _denominator(vector, match) < threshold:
            continue
        weights = match.weights
        exact = partial + sum(min(w, weights[t]) for t, w in common if t in weights)
        score = _score(vector, match, exact)
        if score >= threshold:
            found.append((score, min(j, k), max(j, k)))
    return found


def _frequent_mass(vector: Vector, frequent: set[str]) -> float:
    return sum(w for t, w in vector.weights.items() if t in frequent) if frequent else 0.0


def cluster(items: Sequence[Item], *, threshold: float, window_hours: float) -> list[list[Item]]:
    """Group items that tell the same story; each group keeps the order it was given in.

    Average linkage: candidate pairs are taken from the most similar down, and two
    groups merge only when the mean similarity between their members reaches the
    threshold, so one company's five different stories do not chain into one.
    """
    corpus = Corpus(items)
    members: list[list[int]] = [[i] for i in range(len(items))]
    group = list(range(len(items)))
    for i, j in _exact_duplicates(items):
        _merge(members, group, group[i], group[j])
    vectors = corpus.vectors
    for _, i, j in sorted(
        scored_pairs(corpus, threshold=threshold, window_hours=window_hours), reverse=True
    ):
        a, b = group[i], group[j]
        if a != b and _mean_similarity(vectors, members[a], members[b]) >= threshold:
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


def _mean_similarity(vectors: list[Vector], left: list[int], right: list[int]) -> float:
    total = sum(similarity(vectors[i], vectors[j]) for i in left for j in right)
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
) -> list[Story]:
    """The day's stories: merged items, lead item first, continuations of earlier stories marked."""
    groups = cluster(items, threshold=threshold, window_hours=window_hours)
    stories = [
        Story(id=min(i.id or 0 for i in group), day=day, items=_ordered(group, weights))
        for group in groups
    ]
    link_continuations(stories, earlier, threshold=continuity_threshold or threshold)
    return stories


def _ordered(group: list[Item], weights: dict[str, float]) -> list[Item]:
    return sorted(group, key=lambda i: (-weights.get(i.source, 1.0), i.published, i.id or 0))


def link_continuations(stories: list[Story], earlier: Sequence[Story], *, threshold: float) -> None:
    """Mark each story that continues an earlier day's story, pointing at its first coverage."""
    if not stories or not earlier:
        return
    old_items = [item for story in earlier for item in story.items]
    owner = [story for story in earlier for _ in story.items]
    story_of = [index for index, story in enumerate(stories) for _ in story.items]
    corpus = Corpus([*old_items, *(item for story in stories for item in story.items)])
    start = len(old_items)
    best: dict[int, tuple[float, Story]] = {}
    pairs = scored_pairs(
        corpus, threshold=threshold, window_hours=None, split=start, max_posting=CONTINUITY_POSTING
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
