"""Rank stories by the signals an editor uses, and pick the day's top story.

    score = recency × (authority + coverage + engagement + launch + buzz) + boosts

authority   the highest `weight` among the story's sources (default 1.0), plus
            `official_bonus` when an item links to an official site (a lab's own post,
            a government, a paper on arXiv) or comes from a `curated` source, or
            `press_bonus` when one links to the press (relevance.toml lists both)
coverage    source_bonus × log2(independent tellings): distinct sources, and distinct
            sites an aggregator linked to
engagement  engagement_weight × min(1, log10(1 + points + comments) / 3), from the
            feed where it gives them (Hacker News): 1,000 points and comments count fully;
            plus day_engagement_weight × (its points and comments / the day's most among
            its stories) ** day_engagement_power: the story readers lifted most that day
            stands out even past 1,000 (a $13B acquisition with 2,818 over a lab's post
            with 183), which the logarithm alone flattens
launch      launch_bonus when a title announces a release with a name ("introducing",
            "releases", "launches", "发布", "开源" …) and names a versioned thing or a
            named product, a named company bought or going public ("acquired by",
            "IPO", 收购), or names a sum of a billion or more ($20B, 20 亿美元)
buzz        mention_weight × log2(1 + other items of the day whose titles name the
            story's main name), counted even when they were not merged into it (a
            name: not a kind of news such as "Model", an amount or one letter)
recency     0.5 ** (hours from the story's newest item to the end of its day / half_life_hours)
boosts      the sum of `rank.boost` values whose term appears in a title or summary

Ties go to more sources, more engagement, then the title, never the feeds' order.
One source may fill at most `max_source_share` of the top `top` stories (a community
such as Hacker News cannot crowd out everything else); the stories over its share move
just below the top, their score lowered to just below the top's last.
A story a `curated` source told (a lab's own post) is never cut: below the top, it takes
the place of the top's lowest story no curated source told, up to half the top.
A digest shows at most `max_discussions` stories told only by discussion posts (a
Reddit text post: a thread, no article) that readers did not lift (`lift_points`), the
best placed; the others are held: below every other story, with a negative score, and
not shown even on a day of fewer than `top` stories (`shown`). Nothing but a forum's
chatter tells such a story; the news it carries, the press or a lab also tells.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Collection, Sequence

from newsdesk.config import RankSettings
from newsdesk.models import Item, Story
from newsdesk.normalize import is_thread
from newsdesk.relevance import (
    LAUNCH,
    announcing,
    engagement,
    host,
    lift_points,
    maker_site,
    standing,
)
from newsdesk.terms import name_tokens, naming_token

# A sum of a billion or more ($20B, $1.5 billion, 20 亿美元): an editor's kind of news.
_BIG_MONEY = re.compile(
    r"[$€£]\s?\d+(?:\.\d+)?\s?(?:B|bn|billion|T|trillion)\b|\d+(?:\.\d+)?\s?(?:billion|trillion)\b|"
    r"\d+(?:\.\d+)?\s?(?:亿|万亿)(?:美元|元|人民币)",
    re.I,
)
# A company bought or going public: "Continue has been acquired by Cursor", "StepFun IPO"
# (whether a "SpaceX IPO" is AI news is the relevance stage's call).
_DEAL = re.compile(
    r"\b(?:acquir(?:es|ed|ing)|to acquire|acquisition of|buys|merg(?:es|ing) with|"
    r"ipo|goes public)\b|收购|上市",
    re.I,
)
_VERSIONED = re.compile(r"[A-Za-z][\w\-]*[- ]?v?\d+(?:\.\d+)*\b|\d+(?:\.\d+)?[BbMm]\b")


def score(
    story: Story,
    *,
    weights: dict[str, float],
    settings: RankSettings,
    day_end: dt.datetime,
    curated: Collection[str] = (),
    buzz: int = 0,
    importance_weight: float = 0.0,
    points: int,
    most_points: int,
) -> float:
    """A story's score (the module's docstring): `points` are the most points and
    comments one of its items has (`_points`), `most_points` the most of any story that
    day."""
    weight = max((weights.get(name, 1.0) for name in story.sources), default=1.0)
    newest = max(item.published for item in story.items)
    age_hours = max(0.0, (day_end - newest).total_seconds() / 3600)
    recency: float = 0.5 ** (age_hours / settings.half_life_hours)
    authority = weight + _standing(story, curated, settings)
    tellings = len({*story.sources, *(host(i.url) for i in story.items)}) - 1
    coverage = settings.source_bonus * math.log2(max(1, tellings))
    heat = settings.engagement_weight * min(1.0, math.log10(1 + points) / 3)
    if most_points > 0:  # the day's feeds give engagement
        share = (points / most_points) ** settings.day_engagement_power
        heat += settings.day_engagement_weight * share
    launch = settings.launch_bonus if any(map(_launches, story.items)) else 0.0
    mentions = settings.mention_weight * math.log2(1 + buzz)
    text = " ".join(f"{item.title} {item.summary}" for item in story.items).casefold()
    boosts = sum((value for term, value in settings.boost.items() if term.casefold() in text), 0.0)
    base = recency * (authority + coverage + heat + launch + mentions) + boosts
    if story.importance:  # the model's triage judged it (1-5)
        base *= max(0.1, 1 + importance_weight * (story.importance - 3) / 2)
    return base


def _standing(story: Story, curated: Collection[str], settings: RankSettings) -> float:
    best = _best_tier(story, curated)
    return settings.official_bonus if best == 0 else settings.press_bonus if best == 1 else 0.0


def _tier(item: Item, curated: Collection[str]) -> int:
    """0 for a curated source's item or a link to an official site, 1 the press, 2 else."""
    return 0 if any(name in curated for name in item.sources) else standing(item.url)


def _launches(item: Item) -> bool:
    """A launch in the title, or in the link of a maker's own post: a lab titles its post
    with the product's name alone ("Muse Image: Image Generation Built for Your World")
    and says "introducing" in its address (".../introducing-muse-image")."""
    return _launch(item.title) or (announcing(item.url) and standing(item.url) == 0)


def _launch(title: str) -> bool:
    """A named or versioned release, a named company bought or going public, or a deal of
    a billion or more."""
    if _BIG_MONEY.search(title):
        return True
    said = LAUNCH.search(title) or _DEAL.search(title)
    return bool(said) and bool(_VERSIONED.search(title) or name_tokens(title))


# A name in more than 1/BUZZ_SHARE of the day's items is too common to be a story's own.
BUZZ_SHARE = 5


def _buzz(stories: Sequence[Story]) -> list[int]:
    """For each story, how many items of other stories name its main name in their
    titles (the name of its lead title that most other items name, among those named
    by at most a fifth of the day's items: "AI" is no one's main name)."""
    titles = [
        [frozenset(filter(naming_token, name_tokens(item.title))) for item in story.items]
        for story in stories
    ]
    named: Counter[str] = Counter()
    for story_titles in titles:
        named.update(set().union(*story_titles) if story_titles else set())
    total = sum(len(t) for t in titles)
    limit = max(3, total // BUZZ_SHARE)
    counts = []
    for story_titles in titles:
        own = Counter(name for names in story_titles for name in names)
        lead = story_titles[0] if story_titles else frozenset()  # the lead item's
        best = 0
        for name in lead:
            elsewhere = named[name] - (1 if own[name] else 0)
            if named[name] <= limit:
                best = max(best, elsewhere)
        counts.append(best)
    return counts


def rank(
    stories: Sequence[Story],
    *,
    weights: dict[str, float],
    settings: RankSettings,
    day_end: dt.datetime,
    curated: Collection[str] = (),
    importance_weight: float = 0.0,
) -> list[Story]:
    """Set each story's score and return them best first; a story the model's triage
    judged has its score multiplied by 1 + `importance_weight` × (importance − 3) / 2."""
    points = {id(story): _points(story) for story in stories}  # each parsed once
    most_points = max(points.values(), default=0)
    for story, buzz in zip(stories, _buzz(stories), strict=True):
        story.items.sort(key=lambda i: _lead_order(i, weights, curated))
        story.score = round(
            score(
                story,
                weights=weights,
                settings=settings,
                day_end=day_end,
                curated=curated,
                buzz=buzz,
                importance_weight=importance_weight,
                points=points[id(story)],
                most_points=most_points,
            ),
            6,
        )
    ordered = sorted(
        stories,
        key=lambda s: (
            -s.score,
            -len(s.sources),
            -points[id(s)],
            s.lead.title.casefold(),
            s.id,
        ),
    )
    held = _hold_discussions(
        _keep_curated(_share(ordered, settings), settings, curated), settings, curated
    )
    picked = _official_pick(held, curated) if settings.official_pick else held
    return _readers_pick(picked, curated, settings.readers_pick)


# The stories among which a maker's own post readers lifted becomes the pick.
PICK_AMONG = 3


def _official_pick(ordered: list[Story], curated: Collection[str]) -> list[Story]:
    """The day's pick is a maker's own post (a curated source's or a link to an official
    site) that readers lifted (`lift_points`), and lifted more than the first story, when
    one is among the first `PICK_AMONG` and the first is not one: an editor leads with
    the lab's launch, not the story most outlets retold ("Advancing the price-performance
    frontier with GPT-5.6", 541 points, over a hedge fund's losses told by four sites).
    Its score becomes just above the first's, so the stored order is the shown order. A
    story the model's triage judged less important than the first stays where it is."""
    first = ordered[0] if ordered else None
    if first is None or first.score < 0 or _made(first, curated):
        return ordered
    above = _points(first)
    for n, story in enumerate(ordered[1:PICK_AMONG], 1):
        if story.score < 0:
            break
        points = _points(story)
        lifted = points >= lift_points() and points > above
        weaker = bool(story.importance) and story.importance < first.importance
        if _made(story, curated) and lifted and not weaker:
            story.score = round(first.score + 0.001, 6)
            return [story, *ordered[:n], *ordered[n + 1 :]]
    return ordered


def _readers_pick(ordered: list[Story], curated: Collection[str], times: float) -> list[Story]:
    """The second story is the pick when readers lifted it past `lift_points` and `times`
    as much as the first, a story whose items give points: what everyone came to read
    that day beats a story the score placed first by its sources ("Nvidia agrees to
    acquire Hugging Face for $13B", 2,818 points, over a maker's standards preview, 183).
    A curated source's story (a lab's own post) keeps the first place; so does a first
    story the model's triage judged more important."""
    if times <= 0 or len(ordered) < 2:
        return ordered
    first, second = ordered[0], ordered[1]
    above = _points(first)
    if first.score < 0 or second.score < 0 or above <= 0 or _is_curated(first, curated):
        return ordered
    points = _points(second)
    weaker = bool(second.importance) and second.importance < first.importance
    if points >= max(lift_points(), times * above) and not weaker:
        second.score = round(first.score + 0.001, 6)
        return [second, first, *ordered[2:]]
    return ordered


def _points(story: Story) -> int:
    """The most points and comments the feeds gave one of the story's items."""
    return max((sum(engagement(item)) for item in story.items), default=0)


def _made(story: Story, curated: Collection[str]) -> bool:
    """Whether a maker told the story itself: a curated source's item or a link to an AI
    maker's own page (a government's press release is official, but no launch)."""
    return _is_curated(story, curated) or any(maker_site(item.url) for item in story.items)


def _best_tier(story: Story, curated: Collection[str]) -> int:
    """The story's best `_tier`: 0 when a curated source or an official site told it."""
    return min(_tier(item, curated) for item in story.items)


def shown(stories: Sequence[Story], top: int) -> list[Story]:
    """The stories a digest shows of a day's ranked stories: the first `top` that are not
    held (a held story's score is negative)."""
    return [story for story in stories if story.score >= 0][:top]


def _hold_discussions(
    ordered: list[Story], settings: RankSettings, curated: Collection[str]
) -> list[Story]:
    """Keep the first `max_discussions` stories told only by discussion posts that
    readers did not lift where they are; hold the others (see the module's text)."""
    kept: list[Story] = []
    held: list[Story] = []
    found = 0
    for story in ordered:
        if _discussion(story, curated):
            found += 1
            if found > settings.max_discussions:
                held.append(story)
                continue
        kept.append(story)
    for step, story in enumerate(held, start=1):
        story.score = -round(step * 1e-6, 6)
    return kept + held


def _discussion(story: Story, curated: Collection[str]) -> bool:
    """Told only by discussion posts (forum threads) of sources that are not curated, and
    not lifted by readers."""
    return (
        all(is_thread(item.url) for item in story.items)
        and not _is_curated(story, curated)
        and max(engagement(item)[0] for item in story.items) < lift_points()
    )


def _lead_order(
    item: Item, weights: dict[str, float], curated: Collection[str]
) -> tuple[object, ...]:
    """The story's lead item (its link): a curated or official source first, then the
    press, then by source weight; the lab's own post beats its reposts."""
    weight = max(weights.get(name, 1.0) for name in item.sources)
    return (_tier(item, curated), -weight, item.published, item.id or 0)


def _keep_curated(
    ordered: list[Story], settings: RankSettings, curated: Collection[str]
) -> list[Story]:
    """A story a curated source told (a lab's own post) is never cut on a busy day: it
    takes the place of the lowest non-curated story of the top, up to half the top."""
    top = settings.top
    if len(ordered) <= top or not curated:
        return ordered
    cut = [s for s in ordered[top:] if _is_curated(s, curated)]
    room = [n for n in range(top - 1, -1, -1) if not _is_curated(ordered[n], curated)]
    count = min(len(cut), len(room), max(0, top // 2 - (top - len(room))))
    if not count:
        return ordered
    lifted = {id(s) for s in cut[:count]}
    dropped = set(room[:count])
    shown = [s for n, s in enumerate(ordered[:top]) if n not in dropped] + cut[:count]
    after = [ordered[n] for n in sorted(dropped)] + [
        s for s in ordered[top:] if id(s) not in lifted
    ]
    _below(shown, after)
    return shown + after


def _is_curated(story: Story, curated: Collection[str]) -> bool:
    return any(name in curated for item in story.items for name in item.sources)


def _below(top: list[Story], held: list[Story]) -> None:
    """Lower the scores of the stories held below the top to just under its last, in
    their order, so the stored order (by score) is the order shown."""
    floor = min(story.score for story in top)
    for step, story in enumerate(held, start=1):
        story.score = min(story.score, round(floor - step * 1e-6, 6))


def _share(ordered: list[Story], settings: RankSettings) -> list[Story]:
    """Move the stories of a source past its share of the top below the top."""
    if settings.max_source_share >= 1 or len(ordered) <= settings.top:
        return ordered
    cap = max(1, math.floor(settings.top * settings.max_source_share))
    top: list[Story] = []
    over: list[Story] = []
    used: Counter[str] = Counter()
    rest = iter(ordered)
    for story in rest:
        source = story.lead.source
        if used[source] < cap:
            used[source] += 1
            top.append(story)
        else:
            over.append(story)
        if len(top) == settings.top:
            break
    remaining = list(rest)
    if len(top) < settings.top:  # nothing else to show: fill from what was held back
        fill = settings.top - len(top)
        top += over[:fill]
        over = over[fill:]
    _below(top, over)
    return top + over + remaining
