"""The daily job: collect → store → dedupe → classify → rank → analyse → write → publish."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from newsdesk import edits, fulltext, learned, publish
from newsdesk.ahead import Sifter, week_names
from newsdesk.analyze import Analyst, OfflineAnalyst
from newsdesk.classify import Classifier
from newsdesk.collect import run_collect as run_collect  # its home was here
from newsdesk.config import Settings
from newsdesk.dedupe import (
    Vocabulary,
    build_stories,
    item_terms,
    merge_stories,
    near_pairs,
    terms_version,
)
from newsdesk.errors import ConfigError, NothingToDo
from newsdesk.models import (
    DayAnalysis,
    Digest,
    Evidence,
    Item,
    RunReport,
    Signal,
    SourceOutcome,
    Story,
    StoryAnalysis,
    WeekAnalysis,
    display_item,
)
from newsdesk.publish.post import Draft, StoredPost, file_hash
from newsdesk.rank import rank
from newsdesk.relevance import lift_points
from newsdesk.run import Run
from newsdesk.screen import screen_stories
from newsdesk.signals import expiry, open_signals
from newsdesk.store import Store
from newsdesk.styles import DAILY_STYLES, WEEKLY_STYLES
from newsdesk.triage import ModelTriage
from newsdesk.triage import apply as apply_triage
from newsdesk.week import Week, best, threads, week_days
from newsdesk.write import (
    Rendered,
    WeekPost,
    environment,
    escape_plain_markdown,
    finish,
    render,
    render_week,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DailyRequest:
    day: dt.date
    style: str
    lang: str
    fmt: str
    out: Path


def day_bounds(day: dt.date, settings: Settings) -> tuple[dt.datetime, dt.datetime]:
    """The day's start and end in the configured time zone."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=settings.tz)
    return start, start + dt.timedelta(days=1)


def prepare_day(
    settings: Settings,
    store: Store,
    day: dt.date,
    *,
    triage: Triage | None = None,
) -> list[Story]:
    """Merge the day's items into stories, classify and rank them, and store the result."""
    return prepare_days(settings, store, [day], triage=triage)[day]


@dataclass(frozen=True, slots=True)
class Triage:
    """The model's triage for the days being prepared: who asks, in which languages."""

    judge: ModelTriage
    langs: tuple[str, ...]
    warn: Callable[[str], None]


def prepare_days(
    settings: Settings,
    store: Store,
    days: Sequence[dt.date],
    *,
    triage: Triage | None = None,
) -> dict[dt.date, list[Story]]:
    """Prepare several days, earliest first.

    Each item is encoded once for the whole run, and each prepared day serves as the
    look-back of the days after it, so a month costs about thirty single days of
    merging rather than thirty times a week of look-back. With `triage`, the model's
    judgement is folded in (triage.py).
    """
    store.check_terms(terms_version())
    vocabulary = Vocabulary()
    known: dict[dt.date, list[Story]] = {}
    prepared: dict[dt.date, list[Story]] = {}
    order = sorted(set(days))
    curated = {s.name for s in settings.sources if s.curated}
    bounds = [(day, day_bounds(day, settings)) for day in order]
    with Sifter(store, bounds, curated, workers=settings.fetch.parse_workers) as sifter:
        for day in order:
            earlier = _lookback(settings, store, day, known)
            prepared[day] = known[day] = _prepare(
                settings, store, day, earlier, vocabulary, sifter, triage=triage
            )
            for old in [
                d for d in known if d <= day - dt.timedelta(days=settings.dedupe.lookback_days)
            ]:
                del known[old]
    return prepared


def _lookback(
    settings: Settings, store: Store, day: dt.date, known: dict[dt.date, list[Story]]
) -> list[Story]:
    """Stories of the look-back days before `day`, from this run where it prepared them."""
    needed = [day - dt.timedelta(days=n) for n in range(settings.dedupe.lookback_days, 0, -1)]
    absent = [d for d in needed if d not in known]
    if absent:
        for d in absent:
            known[d] = []
        for story in store.stories_between(absent[0], absent[-1]):
            if story.day in known and story.day in absent:
                story.items = _with_terms(store, story.items)
                known[story.day].append(story)
    return [story for d in needed for story in known[d]]


def _with_terms(store: Store, items: list[Item]) -> list[Item]:
    """Items with their tokens, computing and storing any that an older store lacks."""
    missing = [n for n, item in enumerate(items) if not item.terms]
    if not missing:
        return items
    items = list(items)
    for n in missing:
        items[n] = replace(items[n], terms=item_terms(items[n].title, items[n].summary))
    store.set_terms((item.id, item.terms) for n in missing if (item := items[n]).id is not None)
    return items


def _prepare(
    settings: Settings,
    store: Store,
    day: dt.date,
    earlier: list[Story],
    vocabulary: Vocabulary,
    sifter: Sifter,
    *,
    triage: Triage | None = None,
) -> list[Story]:
    start, end = day_bounds(day, settings)
    items = _with_terms(store, store.items_between(start, end))
    weights = {s.name: s.weight for s in settings.sources}
    curated = {s.name for s in settings.sources if s.curated}
    kept, aside = sifter.sift(day, items, lambda: week_names(store, end))
    restored = store.restored_items(day)  # the editor's word over the relevance stage's
    if restored:
        kept += [item for item, _ in aside if item.id in restored]
        aside = [(item, verdict) for item, verdict in aside if item.id not in restored]
    changes = store.story_changes(day)  # and over the merger's
    regrouped = store.stories_regrouped(day)
    before = store.stories_between(day, day) if regrouped else []
    stories = build_stories(
        day,
        kept,
        earlier=earlier,
        weights=weights,
        threshold=settings.dedupe.threshold,
        window_hours=settings.dedupe.window_hours,
        continuity_threshold=settings.dedupe.continuity_threshold,
        vocabulary=vocabulary,
        joined=changes.joined,
        apart=changes.apart,
    )
    if restored:  # a restored item joining a story leaves it its id (edits name stories)
        stories = [_keep_id(story, restored) for story in stories]
    model = learned.load("category") if settings.learned_categories else None
    sure = Classifier(settings.categories, settings.default_category, model=model).classify(stories)
    set_aside = [(i, v.reason, v.detail) for i, v in aside]
    weight = 0.0
    if triage is not None and stories:
        stories, judged_aside = _triage(
            settings,
            triage,
            stories,
            sure,
            day_end=end,
            day=day,
            vocabulary=vocabulary,
            apart=changes.apart,
        )
        back = [s for s, _, _ in judged_aside if any(i.id in restored for i in s.items)]
        stories += back
        judged_aside = [entry for entry in judged_aside if entry[0] not in back]
        set_aside += [
            (item, why, detail) for story, why, detail in judged_aside for item in story.items
        ]
        weight = settings.triage.importance_weight
    ranked = rank(
        stories,
        weights=weights,
        settings=settings.rank,
        day_end=end,
        curated=curated,
        importance_weight=weight,
    )
    if regrouped:
        _follow_regrouping(store, day, before, ranked, changes.apart)
    store.replace_stories(day, ranked, set_aside)
    return ranked


def _follow_regrouping(
    store: Store, day: dt.date, before: list[Story], after: list[Story], apart: Collection[int]
) -> None:
    """After the editor joined stories or took items out of one, each story's edits and
    analysis follow its items: to the story that now holds most of them (the items set
    apart not counted; on a tie, the story that kept its id, then the one with its lead),
    when that story's id is another (a story's id is its smallest item id, so the id can
    stay with an item taken out)."""
    home = {item.id: story.id for story in after for item in story.items}
    for old in before:
        mine = [i.id for i in old.items if i.id in home]
        stay = [i for i in mine if i not in apart] or mine
        if not stay:
            continue
        count = Counter(home[i] for i in stay)
        lead = home.get(old.lead.id)
        # Most of its items; on a tie its own id (a join undone), then its lead's story.
        target = max(count, key=lambda i: (count[i], i == old.id, i == lead, -i))
        if target != old.id:
            store.move_story(day, old.id, target)


def _keep_id(story: Story, restored: set[int]) -> Story:
    """The story with the id it had before items were restored into it: a story's id is
    its smallest item id, counted without the restored items when it has others."""
    own = [item.id for item in story.items if item.id is not None and item.id not in restored]
    return replace(story, id=min(own)) if own and min(own) != story.id else story


def _triage(
    settings: Settings,
    triage: Triage,
    stories: list[Story],
    sure: dict[int, float],
    *,
    day_end: dt.datetime,
    day: dt.date,
    vocabulary: Vocabulary,
    apart: Collection[int] = (),
) -> tuple[list[Story], list[tuple[Story, str, str]]]:
    """The model's triage of the day's stories, best first by the offline score (the
    stories after its merges, and those it set aside); on failure the offline judgement
    stands and the run says so. A story holding an item the editor set apart is not
    offered to the model for merging: the editor's word stands."""
    weights = {s.name: s.weight for s in settings.sources}
    curated = {s.name for s in settings.sources if s.curated}
    order = rank(stories, weights=weights, settings=settings.rank, day_end=day_end, curated=curated)
    pairs = near_pairs(
        order,
        floor=settings.triage.pair_floor * settings.dedupe.threshold,
        window_hours=settings.dedupe.window_hours,
        limit=settings.triage.max_pairs,
        vocabulary=vocabulary,  # the items are encoded once for the whole run
    )
    fixed = {story.id for story in order if any(item.id in apart for item in story.items)}
    judged = triage.judge.judge(
        order,
        [(a, b) for _, a, b in pairs if a not in fixed and b not in fixed],
        langs=triage.langs,
        categories=settings.categories,
        lang=settings.language,
    )
    if judged.errors:
        triage.warn(
            f"llm: {day}: triage: {judged.errors[0]}; the offline judgement stands "
            f"for {len(order) - len(judged.stories)} of {len(order)} stories"
        )
    aside = apply_triage(order, judged, curated=curated, lift_points=lift_points(), confidence=sure)
    same = [pair for pair, verdict in judged.pairs.items() if verdict]
    if same:
        order = merge_stories(order, same, weights)
    return order, aside


def write_day(
    run: Run,
    request: DailyRequest,
    *,
    outcomes: Sequence[SourceOutcome],
    stories: list[Story] | None = None,
    fetch: bool = True,
    draft: bool = False,
    approved: bool = False,
) -> Path:
    """One day's digest, in stages that hand each other data: prepare (unless `stories`
    were) and analyse into a `Digest`, render it once, publish the files and the feed
    (or, as a `draft`, write it for review only); return the file written. The channels
    then read the stored post (deliver.py)."""
    digest = analyse_day(run, request, outcomes=outcomes, stories=stories, fetch=fetch)
    return publish_day(run, request, digest, draft=draft, approved=approved)


def analyse_day(
    run: Run,
    request: DailyRequest,
    *,
    outcomes: Sequence[SourceOutcome],
    stories: list[Story] | None = None,
    fetch: bool = True,
) -> Digest:
    """Prepare the day (unless `stories` were), fill in thin stories' full text (fetched
    only with `fetch` and `fulltext.enabled`), screen and analyse the shortlist, store the
    analysis and follow open signals: the day's `Digest`."""
    settings, store, report, now = run.settings, run.store, run.report, run.now()
    client = run.client if fetch and settings.fulltext.enabled else None
    if request.style not in DAILY_STYLES:
        raise ConfigError(
            f"--style {request.style!r} is not a daily style; use one of {', '.join(DAILY_STYLES)}"
        )
    if stories is None:
        stories = prepare_day(settings, store, request.day, triage=triage_for(run, request.lang))
    if not stories:
        raise NothingToDo(
            f"no items are stored for {request.day} ({settings.timezone}); run `newsdesk collect` "
            "or pick another --date"
        )
    # The first `top` in the editor's order: a story moved up from below the top is in.
    shortlist = edits.shortlist(stories, settings.rank.top, store.edits(request.day, request.lang))
    texts = fulltext.fill(
        shortlist, store=store, settings=settings, lang=request.lang, now=now, client=client
    )
    if texts.failures:
        report.warn(texts.summary())
    _screen(run, request.day, shortlist)
    analyst = run.analyst
    analysis = analyst.analyze_day(request.day, shortlist, lang=request.lang)
    analysis = with_triage_headlines(analysis, shortlist, request.lang)
    store.save_analyses(
        request.day,
        request.lang,
        analysis.stories,
        headline=analysis.headline,
        lede=analysis.lede,
        trends=analysis.trends,
        model=analysis.model,
        concept=analysis.concept.term if analysis.concept else "",
    )
    follow_signals(
        settings, store, analyst, shortlist, lang=request.lang, day=request.day, report=report
    )
    return Digest(
        request.day,
        request.lang,
        request.style,
        shortlist,
        analysis,
        [o for o in outcomes if o.status == "error" or o.fault == "dead"],
        now,
        retried_sources=[o for o in outcomes if o.status != "error" and o.retries],
        considered=len(stories),
        items=sum(len(s.items) for s in stories),
        sources=len({name for s in stories for name in s.sources}),
    )


def _screen(run: Run, day: dt.date, shortlist: Sequence[Story]) -> None:
    """Record and report the stories whose text tries to instruct a model."""
    flagged = screen_stories(shortlist)
    if not flagged:
        return
    run.store.record_flags(day, [(f.story_id, f.kinds, f.spans) for f in flagged], run.report.id)
    for found in flagged:
        run.report.warn(
            f"story {found.story_id} ({day}): text that tries to instruct a model "
            f"({', '.join(found.kinds)}) was left out of the analysis"
        )


def publish_day(
    run: Run, request: DailyRequest, digest: Digest, *, draft: bool = False, approved: bool = False
) -> Path:
    """Render the digest once, write its file, store the post every other publisher
    reads, and update the feed; return the file written. A `draft` is written where the
    site does not build it and kept for review (review.py): no feed, no post yet. A post
    published while its draft awaits review replaces the draft, and the run says so
    unless the post is that draft `approved`."""
    settings, store, now = run.settings, run.store, run.now()
    fmt = publish.registry[request.fmt]
    mark = store.edit_mark(request.day, request.lang)  # before the edits: none slips between
    digest, unused = edits.apply(digest, store.edits(request.day, request.lang))
    for edit in unused:
        run.report.warn(
            f"edit of story {edit.story_id} ({request.day}, {edit.field}) not applied: "
            "no such story on the day now"
        )

    def post_url(day: dt.date) -> str | None:  # only a post that was written has an address
        return store.post_url(day, request.lang, fmt.name)

    env = environment(settings.base_dir / "templates")
    rendered = render(digest, env=env, categories=settings.categories, post_url=post_url)
    meta = _meta(
        settings,
        request.style,
        request.lang,
        request.day,
        now,
        title=rendered.title,
        description=rendered.description,
        source=digest.stories[0].lead.url,
    )
    url = site_url(settings.site.base_url, fmt.url(meta))
    key = request.day.isoformat()
    stored = stored_post(key, request.day, request.style, request.lang, meta, url, rendered, now)
    if draft:
        return write_draft(run, stored, rendered.body, meta, fmt=fmt, out=request.out, mark=mark)
    path = publish.write_post(rendered.body, meta, fmt=fmt, out=request.out)
    drop_draft(store, stored, fmt.name, warn=None if approved else run.report.warn)
    _record_published(run, store, stored, path, fmt=fmt, out=request.out)
    return path


def _record_published(
    run: Run, store: Store, stored: StoredPost, path: Path, *, fmt: publish.SiteFormat, out: Path
) -> None:
    """Store a post just written, marked pending for the channels that take it when the
    run delivers, then call the publishers (the feed, and others)."""
    channels = publish.deliver_to(run, stored)
    store.record_post(stored, fmt=fmt.name, path=path, run_id=run.report.id, deliver_to=channels)
    publish.publish_stored(run, stored, fmt=fmt, out=out)


def write_draft(
    run: Run,
    post: StoredPost,
    body: str,
    meta: publish.PostMeta,
    *,
    fmt: publish.SiteFormat,
    out: Path,
    mark: int = 0,
) -> Path:
    """Write a post awaiting review where the site does not build it, and record it
    (`mark`: the day's edit mark its text includes). The key's earlier draft goes."""
    meta = replace(meta, draft=True)
    path = publish.write_post(body, meta, fmt=fmt, out=out, path=fmt.draft_path(out, meta))
    for earlier in run.store.drafts(key=post.key, lang=post.lang, style=post.style):
        if earlier.fmt == fmt.name and earlier.path != path:  # a week drafted on another day
            earlier.path.unlink(missing_ok=True)
    written = path.read_text(encoding="utf-8")
    values = publish.meta_values(meta, out)
    run.store.record_draft(
        Draft(post, fmt.name, path, values, file_hash(written), run.report.id, mark)
    )
    return path


def drop_draft(
    store: Store, post: StoredPost, fmt: str, *, warn: Callable[[str], None] | None = None
) -> None:
    """A post published directly supersedes its draft: the file and the record go, and
    the run says so (the draft had not been approved)."""
    for draft in store.drafts(key=post.key, lang=post.lang, style=post.style):
        if draft.fmt == fmt:
            draft.path.unlink(missing_ok=True)
            store.remove_draft(post.key, post.style, post.lang, fmt)
            if warn is not None:
                warn(
                    f"{post.key} {post.style} ({post.lang}) was published directly: its draft "
                    f"awaiting review ({draft.path}) was replaced"
                )


def stored_post(
    key: str,
    day: dt.date,
    style: str,
    lang: str,
    meta: publish.PostMeta,
    url: str,
    rendered: Rendered,
    now: dt.datetime,
) -> StoredPost:
    """What the feed and the channels read of a written post: the same title and body,
    escaped for a plain Markdown reader."""
    return StoredPost(
        key=key,
        day=day,
        style=style,
        lang=lang,
        title=rendered.title,
        description=rendered.description,
        url=url,
        body=finish(rendered.body, escape_plain_markdown),
        published=meta.date,
        updated=now,
        data=rendered.data,
    )


def with_triage_headlines(
    analysis: DayAnalysis, stories: Sequence[Story], lang: str
) -> DayAnalysis:
    """The analysis with the triage's headline for each story shown in another language
    that has none yet (the analysis's own, when it wrote one, stands)."""
    texts = dict(analysis.stories)
    for story in stories:
        headline = story.headlines.get(lang)
        current = texts.get(story.id)
        if not headline or display_item(story, lang).lang == lang or (current and current.headline):
            continue
        texts[story.id] = (
            replace(current, headline=headline)
            if current
            else StoryAnalysis(lead="", body="", headline=headline)
        )
    return replace(analysis, stories=texts)


def triage_for(run: Run, *langs: str) -> Triage | None:
    """The model's triage for a run whose analyst is a model (None offline), with a
    headline in each language the run writes: one call serves them all."""
    from newsdesk.analyze import ModelAnalyst

    analyst = run.analyst
    if not run.settings.triage.enabled or not isinstance(analyst, ModelAnalyst):
        return None
    judge = ModelTriage(analyst.client, analyst.prompts, run.settings.triage)
    return Triage(judge, tuple(dict.fromkeys(langs)), run.report.warn)


def site_url(base: str, path: str) -> str:
    """A post's address: `path` under `site.base_url` (one slash between them), or `path`
    alone without a base."""
    if not base:
        return path
    return base.rstrip("/") + "/" + path.lstrip("/")


def _meta(
    settings: Settings,
    style: str,
    lang: str,
    day: dt.date,
    now: dt.datetime,
    *,
    title: str,
    description: str,
    source: str = "",
    slug: str = "",
) -> publish.PostMeta:
    end_of_day = dt.datetime.combine(day, dt.time(23, 59), tzinfo=settings.tz)
    date = min(now.astimezone(settings.tz), end_of_day).replace(second=0, microsecond=0)
    return publish.PostMeta(
        title=title,
        day=day,
        date=date,
        slug=slug or f"ai-{style}-{lang}",
        author=settings.site.author,
        tags=list(settings.site.tags),
        categories=list(settings.site.categories),
        description=description,
        draft=settings.site.draft,
        source_url=source,
    )


def follow_signals(
    settings: Settings,
    store: Store,
    analyst: Analyst,
    stories: Sequence[Story],
    *,
    lang: str,
    day: dt.date,
    report: RunReport,
) -> list[Evidence]:
    """Check stories against the signals earlier weekly outlooks named that are still
    open on `day`, and store what bears on them."""
    signals = open_signals(store, lang, day)
    if not signals or not stories:
        return []
    found = analyst.match_signals(signals, stories, lang=lang, weekly=settings.weekly)
    store.add_evidence(found, report.id)
    return found


@dataclass(frozen=True, slots=True)
class WeeklyRequest:
    week: str  # ISO week, e.g. 2026-W06
    style: str
    lang: str
    fmt: str
    out: Path


def gather_week(settings: Settings, store: Store, label: str, lang: str) -> Week:
    """The week's stories from the store (days never prepared are prepared first), each
    continuing story one thread, with the daily analyses stored for the shortlist; a
    story no daily run analysed in `lang` gets an extract of its stored text."""
    days = week_days(label)
    # The days before the week matter too: a story continues one from them.
    lookback = days[0] - dt.timedelta(days=settings.dedupe.lookback_days)
    prepared = {s.day for s in store.stories_between(lookback, days[-1])}
    span = [lookback + dt.timedelta(days=n) for n in range((days[-1] - lookback).days + 1)]
    missing = [d for d in span if d not in prepared]
    if missing:  # a day with no items stays without stories
        prepare_days(settings, store, missing)
    stored = store.stories_between(days[0], days[-1])
    everything = threads(stored)
    if not everything:
        raise NothingToDo(
            f"no stories are stored for {label} ({days[0]} to {days[-1]}, {settings.timezone}); "
            "run `newsdesk collect` and `newsdesk daily`, or pick another --week"
        )
    shortlist = best(everything, settings.weekly.shortlist)
    analyses = store.analyses([t.id for t in shortlist], lang)
    offline = OfflineAnalyst()
    for thread in shortlist:
        if thread.id not in analyses:
            analyses[thread.id] = offline.analyze_story(thread.story, lang=lang)
    notes = store.day_notes(days[0], days[-1], lang)
    names = {c.key: (c.zh, c.en) for c in settings.categories}
    return Week(label, days, everything, shortlist, analyses, notes, names)


def write_week(run: Run, request: WeeklyRequest, *, draft: bool = False) -> list[Path]:
    """Write the raw weekly list and one weekly post, in stages that hand each other
    data: the week analysed (`analyse_week`), then rendered and published
    (`publish_week`; the post as a `draft` for review); return both files."""
    week, analysis = analyse_week(run, request)
    return publish_week(run, request, week, analysis, draft=draft)


def analyse_week(run: Run, request: WeeklyRequest) -> tuple[Week, WeekAnalysis]:
    """The stored week, checked against earlier signals and analysed; the signals its
    outlook names are stored for the weeks after."""
    if request.style not in WEEKLY_STYLES:
        raise ConfigError(
            f"--style {request.style!r} is not a weekly style; use one of "
            f"{', '.join(WEEKLY_STYLES)}"
        )
    settings, store, report = run.settings, run.store, run.report
    analyst = run.analyst
    lang = request.lang
    week = gather_week(settings, store, request.week, lang)
    earlier = open_signals(store, lang, week.first)
    if earlier:
        stories = [s for t in week.threads for s in t.stories]
        store.add_evidence(
            analyst.match_signals(earlier, stories, lang=lang, weekly=settings.weekly), report.id
        )
    analysis = analyst.analyze_week(week, lang=lang, weekly=settings.weekly)
    if analysis.outlook:
        store.replace_signals(
            week.label,
            lang,
            [(o.title, o.signal, o.horizon_weeks, expiry(week.last, o)) for o in analysis.outlook],
            report.id,
        )
    return week, analysis


def publish_week(
    run: Run, request: WeeklyRequest, week: Week, analysis: WeekAnalysis, *, draft: bool = False
) -> list[Path]:
    """Render the raw list and the post once each, write their files, store the post
    every other publisher reads, and update the feed. As a `draft`, the post is written
    for review only (the raw list, which only lists, is published)."""
    settings, store, report, now = run.settings, run.store, run.report, run.now()
    lang = request.lang
    fmt = publish.registry[request.fmt]
    base = settings.site.base_url

    def post_url(day: dt.date) -> str | None:  # only a post that was written has an address
        return store.post_url(day, lang, fmt.name)

    list_name = f"weekly_news/ai_news_{week.label}"
    if lang != settings.language:
        list_name += f"-{lang}"
    post = WeekPost(
        lang=lang,
        style="weekly-list",
        analysis=analysis,
        audiences={a.key: (a.zh if lang == "zh" else a.en) for a in settings.weekly.audiences},
        followups=_followups(store, week, lang),
        list_title=f"AI Weekly Digest — {week.label}",
        list_url=site_url(base, fmt.page_url(list_name)),
    )
    env = environment(settings.base_dir / "templates")
    day = min(now.astimezone(settings.tz).date(), week.last)
    written = []
    # The raw list sits one folder down: a relative address (plain Markdown) climbs out.
    sample = site_url(base, fmt.page_url(list_name))
    climb = "" if "://" in sample or sample.startswith("/") else "../"

    def list_post_url(day: dt.date) -> str | None:
        url = post_url(day)
        return url and ("" if "://" in url or url.startswith("/") else climb) + url

    for style in ("weekly-list", request.style):
        rendered = render_week(
            week,
            replace(post, style=style),
            env=env,
            categories=settings.categories,
            post_url=list_post_url if style == "weekly-list" else post_url,
        )
        slug = f"ai-{style}-{week.label.lower()}-{lang}"
        meta = _meta(
            settings,
            style,
            lang,
            day,
            now,
            title=rendered.title,
            description=rendered.description,
            source=week.shortlist[0].story.lead.url,
            slug=slug,
        )
        if style == "weekly-list":
            path = fmt.page_path(request.out, list_name)
            written.append(
                publish.write_post(rendered.body, meta, fmt=fmt, out=request.out, path=path)
            )
            continue
        url = site_url(base, fmt.url(meta))
        stored = stored_post(week.label, day, style, lang, meta, url, rendered, now)
        if draft:
            written.append(write_draft(run, stored, rendered.body, meta, fmt=fmt, out=request.out))
            continue
        path = publish.write_post(rendered.body, meta, fmt=fmt, out=request.out)
        drop_stale_weekly(path, slug)
        drop_draft(store, stored, fmt.name, warn=report.warn)
        _record_published(run, store, stored, path, fmt=fmt, out=request.out)
        written.append(path)
    return written


def drop_stale_weekly(path: Path, slug: str) -> None:
    """The same week's post written on an earlier day (another file name) goes."""
    for stale in path.parent.glob(f"*-{slug}.md"):
        if stale != path:
            stale.unlink()


def _followups(store: Store, week: Week, lang: str) -> list[tuple[Signal, list[Evidence]]]:
    """Earlier weeks' signals with evidence among this week's stories."""
    found: dict[int, list[Evidence]] = {}
    for evidence in store.evidence(lang, week.first, week.last):
        found.setdefault(evidence.signal_id, []).append(evidence)
    return [
        (signal, found[signal.id])
        for signal in store.signals(lang)
        if signal.week < week.label and signal.id in found
    ]


def sample_days(store: Store, settings: Settings) -> list[dt.date]:
    """Every local day from the first to the last dated item in the store."""
    span = store.time_span()
    if span is None:
        return []
    first, last = (moment.astimezone(settings.tz).date() for moment in span)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
