"""The review desk's pages and actions (see newsdesk.web)."""

from __future__ import annotations

import datetime as dt
import difflib
import hmac
import json
from functools import cache
from typing import TYPE_CHECKING, Any

from newsdesk.errors import ConfigError
from newsdesk.styles import WEEKLY_STYLES
from newsdesk.web import COOKIE, Desk, refuse, session_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import Environment
    from starlette.requests import Request
    from starlette.responses import Response

    from newsdesk.models import Digest, Story
    from newsdesk.run import Run
    from newsdesk.store import Store

FIELDS_SHOWN = ("headline", "lead")


@cache
def _templates() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("newsdesk", "web/templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = href
    return env


def href(url: str) -> str:
    """A stored link for an href: http(s) only (no `javascript:` from a feed)."""
    return url if url.startswith(("http://", "https://")) else "#"


def _page(name: str, **values: Any) -> Response:
    from starlette.responses import HTMLResponse

    return HTMLResponse(_templates().get_template(name).render(**values))


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def _store(desk: Desk) -> Store:
    from newsdesk.store import Store

    return Store(desk.settings.path(desk.settings.database))


def _day(request: Request) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.path_params["day"])
    except ValueError:
        return None


def _lang(request: Request, desk: Desk) -> str:
    lang = request.query_params.get("lang", desk.settings.language)
    return lang if lang in ("zh", "en") else desk.settings.language


async def _allowed(request: Request, *, changes: bool = False) -> tuple[str, dict[str, str]] | None:
    """The session and, for a change, its form, when the request may go on."""
    session = session_of(request)
    if session is None:
        return None
    form: dict[str, str] = {}
    if changes:
        data = await request.form()
        form = {k: str(v) for k, v in data.items()}
        sent = request.headers.get("x-csrf-token") or form.get("csrf", "")
        if not hmac.compare_digest(sent.encode(), _desk(request).sessions[session].encode()):
            return None
    return session, form


async def health(request: Request) -> Response:
    """For a container's health check: the desk answers and its store opens."""
    from starlette.responses import PlainTextResponse

    with _store(_desk(request)):
        return PlainTextResponse("ok")


async def login(request: Request) -> Response:
    from starlette.responses import RedirectResponse

    desk = _desk(request)
    session = desk.login(request.query_params.get("token", ""))
    if session is None:
        return refuse(403, "This link has been used or is wrong: start `newsdesk serve` again.")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, session, httponly=True, samesite="strict")
    return response


async def index(request: Request) -> Response:
    """The desk: what awaits approval, the schedule (next and last runs), the days and
    weeks with what was published of each."""
    from zoneinfo import ZoneInfo

    from newsdesk.schedule import upcoming
    from newsdesk.week import week_of

    desk = _desk(request)
    if session_of(request) is None:
        return refuse(403, "Open the link `newsdesk serve` printed.")
    settings = desk.settings
    with _store(desk) as store:
        days = store.prepared_days(30)
        drafts = store.drafts()
        posts = store.posts(limit=200, fmt=settings.site.format)
        ran = store.scheduled(8)
    published: dict[str, list[str]] = {}
    for post in posts:
        published.setdefault(post.key, []).append(f"{post.style} ({post.lang})")
    waiting: dict[str, list[str]] = {}
    for draft in drafts:
        waiting.setdefault(draft.post.key, []).append(f"{draft.post.style} ({draft.post.lang})")
    tz = settings.tz
    zone = ZoneInfo(settings.timezone)
    return _page(
        "index.html",
        days=days,
        weeks=sorted({week_of(d) for d in days}, reverse=True),
        language=settings.language,
        drafts=drafts,
        published=published,
        waiting=waiting,
        next_runs=[
            (d.kind, d.at.astimezone(tz))
            for d in upcoming(settings.schedule.slots(), desk.clock(), zone)
        ],
        last_runs=[
            (kind, key, _local(at, tz), status, _local(finished, tz))
            for kind, key, at, status, finished in ran
        ],
        auto_publish=settings.review.auto_publish_after,
        review_required=settings.review.required,
        tz=tz,
    )


async def day_page(request: Request) -> Response:
    desk, day = _desk(request), _day(request)
    session = session_of(request)
    if session is None:
        return refuse(403, "Open the link `newsdesk serve` printed.")
    if day is None:
        return refuse(404, "No such day.")
    lang = _lang(request, desk)
    with _store(desk) as store:
        values = _review(desk, store, day, lang)
        aside = store.set_aside(day)
        restored = store.restored_items(day)
        drafts = store.drafts(key=day.isoformat(), lang=lang)
        posts = store.posts(key=day.isoformat(), lang=lang, fmt=desk.settings.site.format)
        notes = store.day_notes(day, day, lang).get(day)
        concepts = store.concepts_between(day, day, lang)
        state = {e.field: e.value for e in store.edits(day, lang) if e.story_id == 0}
    texts = [(d, d.file_text()) for d in drafts]
    missing = [d for d, text in texts if text is None]
    by_hand = [d for d, text in texts if text is not None and d.edited_by_hand(text)]
    styles = list(
        dict.fromkeys(
            [
                desk.settings.schedule.daily_style,
                *(d.post.style for d in drafts),
                *(p.style for p in posts),
            ]
        )
    )
    return _page(
        "day.html",
        csrf=desk.sessions[session],
        aside=[{"reason": r, "detail": d, "item": i} for i, r, d in aside],
        restored=restored,
        drafts=drafts,
        by_hand=by_hand,
        missing=missing,
        posts=[p for p in posts if p.kind == "daily"],
        styles=styles,
        lede=state.get("lede", notes.lede if notes else ""),
        concept_term=next(iter(concepts), ""),
        concept=state.get("concept", ""),
        **values,
    )


def _local(stamp: str, tz: dt.tzinfo) -> str:
    """A stored time as the desk's local time ("2026-11-16 07:30")."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


async def stories_fragment(request: Request) -> Response:
    desk, day = _desk(request), _day(request)
    if session_of(request) is None or day is None:
        return refuse(403, "Not allowed.")
    with _store(desk) as store:
        values = _review(desk, store, day, _lang(request, desk))
    return _page("stories.html", **values)


def _review(desk: Desk, store: Store, day: dt.date, lang: str) -> dict[str, Any]:
    """A day's stories as the review page shows them: in the order the digest will
    have, dropped ones last, with the stored analysis and the editor's changes."""
    from newsdesk import edits

    stories = [s for s in store.stories_between(day, day)]
    analyses = store.analyses([s.id for s in stories], lang)
    state: dict[int, dict[str, str]] = {}
    for edit in store.edits(day, lang):
        state.setdefault(edit.story_id, {})[edit.field] = edit.value
    order = json.loads(state.get(edits.DAY, {}).get("order", "[]"))
    place = {ident: n for n, ident in enumerate(order)}
    stories.sort(key=lambda s: place.get(s.id, len(place)))
    pick = state.get(edits.DAY, {}).get("pick")
    rows: list[dict[str, Any]] = []
    for story in stories:
        changes = state.get(story.id, {})
        analysis = analyses.get(story.id)
        row: dict[str, Any] = {
            "story": story,
            "dropped": changes.get("dropped") == "true",
            "category": changes.get("category", story.category),
            "pick": pick == str(story.id),
            "near": None,  # (place, id, title) of a shown story that may tell the event
        }
        for name in edits.TEXT_FIELDS:
            row[name] = changes.get(name, getattr(analysis, name, "") if analysis else "")
        rows.append(row)
    # A story the ranking held (a forum's chatter past `rank.max_discussions`) is not
    # shown unless the editor moved it above one that was not (edits.shortlist).
    held = edits.still_held([row["story"] for row in rows])
    for row in rows:
        row["held"] = row["story"].id in held
    rows.sort(key=lambda r: bool(r["dropped"]))
    categories = [(c.key, c.zh if lang == "zh" else c.en) for c in desk.settings.categories]
    shown = [r["story"] for r in rows if not r["dropped"] and not r["held"]][
        : desk.settings.rank.top
    ]
    place = {story.id: n for n, story in enumerate(shown, start=1)}
    by_id = {r["story"].id: r for r in rows}
    for later, first in _repeats(desk, shown).items():
        by_id[later]["near"] = (place[first], first, by_id[first]["story"].lead.title)
    return {
        "day": day,
        "lang": lang,
        "rows": rows,
        "categories": categories,
        "others": [(place[s.id], s.id, s.lead.title) for s in shown],
        "regrouped": _regrouped(store, day, stories),
    }


def _repeats(desk: Desk, shown: list[Story]) -> dict[int, int]:
    """For a shown story, the better-placed shown story that may tell the same event
    (`dedupe.join_offers` from `review.join_hint` × `dedupe.threshold`)."""
    from newsdesk.dedupe import join_offers

    settings = desk.settings
    return join_offers(
        shown,
        floor=settings.review.join_hint * settings.dedupe.threshold,
        window_hours=settings.dedupe.window_hours,
    )


def _regrouped(store: Store, day: dt.date, stories: list[Story]) -> dict[str, Any]:
    """The editor's joins and items taken out, with the titles of the items they name."""
    changes = store.story_changes(day)
    titles = {item.id: item.title for story in stories for item in story.items}
    return {
        "joined": [
            (a, b, titles.get(a, f"item {a}"), titles.get(b, f"item {b}"))
            for a, b in changes.joined
        ],
        "apart": [(i, titles.get(i, f"item {i}")) for i in sorted(changes.apart)],
    }


async def _change(request: Request) -> tuple[Desk, dt.date, str, dict[str, str]] | Response:
    """For a change to a day: the desk, the day, the language and the form; or the
    refusal when the session or its CSRF token is missing."""
    allowed = await _allowed(request, changes=True)
    desk, day = _desk(request), _day(request)
    if allowed is None or day is None:
        return refuse(403, "Not allowed: the session or its CSRF token is missing.")
    return desk, day, _lang(request, desk), allowed[1]


async def edit(request: Request) -> Response:
    from starlette.responses import Response as Answer

    from newsdesk.edits import SHARED_FIELDS, Edit, EditError, check

    change_ = await _change(request)
    if isinstance(change_, Answer):
        return change_
    desk, day, lang, form = change_
    names = {c.key: c.en for c in desk.settings.categories}
    if form.get("field", "") in SHARED_FIELDS:  # for every language: their own actions
        return refuse(400, "Restore, Join and Take out change the day for every language.")
    try:
        story_id = int(form.get("story", "0"))
        change = check(Edit(story_id, form.get("field", ""), form.get("value", "")), names)
    except (EditError, ValueError) as exc:
        return refuse(400, str(exc))
    with _store(desk) as store:
        store.set_edit(day, lang, change, desk.clock())
        values = _review(desk, store, day, lang)
    return _page("stories.html", **values)


async def move(request: Request) -> Response:
    from starlette.responses import Response as Answer

    from newsdesk.edits import DAY, Edit

    change_ = await _change(request)
    if isinstance(change_, Answer):
        return change_
    desk, day, lang, form = change_
    with _store(desk) as store:
        ids = [r["story"].id for r in _review(desk, store, day, lang)["rows"]]
        try:
            ident = int(form.get("story", ""))
            at = ids.index(ident)
        except ValueError:
            return refuse(400, "No such story on the day.")
        ids.pop(at)
        direction = form.get("direction", "")
        target = {"up": max(0, at - 1), "down": min(len(ids), at + 1), "top": 0}.get(direction)
        if target is None:
            return refuse(400, "direction is up, down or top")
        ids.insert(target, ident)
        store.set_edit(day, lang, Edit(DAY, "order", json.dumps(ids)), desk.clock())
        values = _review(desk, store, day, lang)
    return _page("stories.html", **values)


def _digest(desk: Desk, store: Store, day: dt.date, lang: str, style: str) -> Digest:
    """The day's digest from what is stored (the stories, their analyses, the day's
    notes), with the editor's changes: what approving would write."""
    from newsdesk import edits
    from newsdesk.analyze import offline_headline
    from newsdesk.models import DayAnalysis, Digest

    stories: list[Story] = edits.shortlist(
        store.stories_between(day, day), desk.settings.rank.top, store.edits(day, lang)
    )
    notes = store.day_notes(day, day, lang).get(day)
    analysis = DayAnalysis(
        headline=notes.headline if notes and notes.headline else offline_headline(stories, lang),
        lede=notes.lede if notes else "",
        stories=store.analyses([s.id for s in stories], lang),
        pick_id=stories[0].id if stories else None,
        pick_text="",
    )
    digest = Digest(day, lang, style, stories, analysis, [], desk.clock(), considered=len(stories))
    return edits.apply(digest, store.edits(day, lang))[0]


async def preview(request: Request) -> Response:
    from newsdesk.publish.feed import markdown_html
    from newsdesk.styles import DAILY_STYLES
    from newsdesk.write import environment, escape_plain_markdown, finish, render

    desk, day = _desk(request), _day(request)
    if session_of(request) is None or day is None:
        return refuse(403, "Not allowed.")
    lang = _lang(request, desk)
    style = request.query_params.get("style", "daily-brief")
    if style not in DAILY_STYLES:
        return refuse(400, f"style is one of {', '.join(DAILY_STYLES)}")
    with _store(desk) as store:
        digest = _digest(desk, store, day, lang, style)
        if not digest.stories:
            return refuse(404, f"No stories are stored for {day}.")
        rendered = render(
            digest,
            env=environment(desk.settings.base_dir / "templates"),
            categories=desk.settings.categories,
            post_url=lambda _: None,
        )
        body = finish(rendered.body, escape_plain_markdown)
        published = next(
            (p.body for p in store.posts(key=day.isoformat(), lang=lang) if p.style == style), ""
        )
    diff = "".join(
        difflib.unified_diff(
            published.splitlines(keepends=True),
            body.splitlines(keepends=True),
            "published",
            "with the edits",
        )
    )
    return _page("preview.html", html=markdown_html(body), diff=diff, published=bool(published))


async def restore_item(request: Request) -> Response:
    """Bring back an item the relevance stage set aside: stored as the editor's word for
    the day (every language), and the day prepared again with it."""
    from starlette.responses import Response as Answer

    from newsdesk.edits import DAY, RESTORED, Edit
    from newsdesk.errors import NewsdeskError
    from newsdesk.pipeline import prepare_day, triage_for
    from newsdesk.run import Run

    change_ = await _change(request)
    if isinstance(change_, Answer):
        return change_
    desk, day, lang, form = change_
    settings = desk.settings
    if not desk.writing.acquire(blocking=False):
        return _busy()
    try:
        with Run(settings, "restore", clock=desk.clock, transport=desk.transport) as run:
            aside = {item.id for item, _, _ in run.store.set_aside(day)}
            ident = int(form.get("item", "0")) if form.get("item", "").isdigit() else 0
            if ident not in aside:
                return refuse(400, "No such item set aside on the day.")
            restored = sorted(run.store.restored_items(day) | {ident})
            run.store.set_edit(day, "", Edit(DAY, RESTORED, json.dumps(restored)), desk.clock())
            prepare_day(settings, run.store, day, triage=triage_for(run, lang))
    except NewsdeskError as exc:
        return refuse(409, str(exc))
    finally:
        desk.writing.release()
    return _refresh()


async def regroup(request: Request) -> Response:
    """The editor's word on what is one story: join two stories (`join`, the stories'
    ids), undo a join (`unjoin`, the two item ids), take an item out of its story
    (`apart`, the item's id) or put it back (`rejoin`). Stored for every language, and the
    day prepared again with it: edits and analysis follow the story's items."""
    from starlette.responses import Response as Answer

    from newsdesk.errors import NewsdeskError
    from newsdesk.pipeline import prepare_day, triage_for
    from newsdesk.run import Run

    change_ = await _change(request)
    if isinstance(change_, Answer):
        return change_
    desk, day, lang, form = change_
    settings = desk.settings
    action = form.get("action", "")
    try:
        a = int(form.get("a", ""))
        b = int(form.get("b", "0") or "0")
    except ValueError:
        return refuse(400, "a and b are ids")
    if action not in ("join", "unjoin", "apart", "rejoin"):
        return refuse(400, "action is join, unjoin, apart or rejoin")
    if not desk.writing.acquire(blocking=False):
        return _busy()
    try:
        with Run(settings, "regroup", clock=desk.clock, transport=desk.transport) as run:
            store = run.store
            stories = store.stories_between(day, day)
            items = {item.id: story for story in stories for item in story.items}
            changes = before = store.story_changes(day)
            if action == "join":
                ids = {story.id for story in stories}
                if a not in ids or b not in ids or a == b:
                    return refuse(400, "Join two different stories of the day.")
                changes = changes.join(a, b)
            elif action == "unjoin":
                if (min(a, b), max(a, b)) not in changes.joined:
                    return refuse(400, "No such join on the day.")
                changes = changes.unjoin(a, b)
            elif action == "apart":
                if a not in items or len(items[a].items) < 2:
                    return refuse(400, "Only an item of a story of several items can be taken out.")
                changes = changes.set_apart(a)
            else:
                if a not in changes.apart:
                    return refuse(400, "No such item taken out on the day.")
                changes = changes.rejoin(a)
            for change, was in zip(changes.edits(), before.edits(), strict=True):
                if change != was:
                    store.set_edit(day, "", change, desk.clock())
            prepare_day(settings, store, day, triage=triage_for(run, lang))
    except NewsdeskError as exc:
        return refuse(409, str(exc))
    finally:
        desk.writing.release()
    return _refresh()


def _refresh() -> Response:
    """Tell htmx to load the page again (what changed is more than one part of it)."""
    from starlette.responses import Response as Answer

    return Answer(status_code=204, headers={"HX-Refresh": "true"})


async def approve(request: Request) -> Response:
    """Publish the day in one style and language: its draft when one awaits review
    (review.py), else the day written again with the edits; then deliver it."""
    from starlette.responses import Response as Answer

    from newsdesk.errors import NewsdeskError
    from newsdesk.pipeline import DailyRequest, write_day

    change_ = await _change(request)
    if isinstance(change_, Answer):
        return change_
    desk, day, lang, form = change_
    settings = desk.settings
    style = form.get("style", settings.schedule.daily_style)
    out = settings.path(settings.site.out)

    def again(run: Run) -> None:
        stories = run.store.stories_between(day, day)
        request_ = DailyRequest(day, style, lang, settings.site.format, out)
        outcomes = run.store.last_collect_outcomes(run.now())
        write_day(run, request_, outcomes=outcomes, stories=stories, fetch=False)

    try:
        return _publish(desk, day.isoformat(), lang, style, again)
    except NewsdeskError as exc:
        return _page("approved.html", ok=False, message=str(exc), path="", done=[], how="")


def _publish(desk: Desk, key: str, lang: str, style: str, write: Callable[[Run], None]) -> Response:
    """Approve the draft of a day or week in a style and language, or without one
    `write` the post again; deliver what was published (again, when it changed)."""

    settings = desk.settings
    fmt = settings.site.format
    if not desk.writing.acquire(blocking=False):
        return _busy()
    try:
        return _publish_now(desk, key, lang, style, write, fmt)
    finally:
        desk.writing.release()


def _busy() -> Response:
    return refuse(409, "A run is writing posts right now: try again in a moment.")


def _publish_now(
    desk: Desk, key: str, lang: str, style: str, write: Callable[[Run], None], fmt: str
) -> Response:
    from newsdesk.deliver import deliver
    from newsdesk.review import approve_draft
    from newsdesk.run import Run

    settings = desk.settings
    with Run(settings, "approve", clock=desk.clock, transport=desk.transport, delivers=True) as run:
        drafts = [d for d in run.store.drafts(key=key, lang=lang, style=style) if d.fmt == fmt]
        how = ""
        if drafts:
            result = approve_draft(run, drafts[0])
            if not result.ok:
                return _page(
                    "approved.html", ok=False, message=result.problem, path="", done=[], how=""
                )
            how = result.how
        else:
            write(run)
        posts = [p for p in run.store.posts(key=key, lang=lang, fmt=fmt) if p.style == style]
        path = run.store.post_path(key, style, lang, fmt)
        done = deliver(run, posts, resend=True)
    return _page("approved.html", ok=True, message="", path=str(path), done=done, how=how)


async def week_page(request: Request) -> Response:
    """A week: its post (the draft awaiting review, else the published one), the days it
    gathers (each reviewed on its own page) and Approve."""
    from newsdesk.publish.feed import markdown_html
    from newsdesk.week import parse_week, week_days

    desk = _desk(request)
    session = session_of(request)
    if session is None:
        return refuse(403, "Open the link `newsdesk serve` printed.")
    try:
        label = parse_week(request.path_params["week"])
    except ConfigError:
        return refuse(404, "No such week.")
    lang = _lang(request, desk)
    fmt = desk.settings.site.format
    with _store(desk) as store:
        drafts = [d for d in store.drafts(key=label, lang=lang) if d.fmt == fmt]
        posts = store.posts(key=label, lang=lang, fmt=fmt)
    shown = drafts[0].post if drafts else (posts[0] if posts else None)
    published = next((p for p in posts if shown and p.style == shown.style), None)
    diff = ""
    if drafts and published is not None:
        diff = "".join(
            difflib.unified_diff(
                published.body.splitlines(keepends=True),
                drafts[0].post.body.splitlines(keepends=True),
                "published",
                "draft",
            )
        )
    return _page(
        "week.html",
        csrf=desk.sessions[session],
        label=label,
        lang=lang,
        days=week_days(label),
        draft=drafts[0] if drafts else None,
        post=shown,
        html=markdown_html(shown.body) if shown else "",
        diff=diff,
        style=shown.style if shown else desk.settings.schedule.weekly_style,
    )


async def week_approve(request: Request) -> Response:

    from newsdesk.errors import NewsdeskError
    from newsdesk.pipeline import WeeklyRequest, write_week
    from newsdesk.week import parse_week

    allowed = await _allowed(request, changes=True)
    if allowed is None:
        return refuse(403, "Not allowed: the session or its CSRF token is missing.")
    desk = _desk(request)
    try:
        label = parse_week(request.path_params["week"])
    except ConfigError:
        return refuse(404, "No such week.")
    settings = desk.settings
    lang = _lang(request, desk)
    style = allowed[1].get("style", settings.schedule.weekly_style)
    if style not in WEEKLY_STYLES:
        return refuse(400, f"style is one of {', '.join(WEEKLY_STYLES)}")
    out = settings.path(settings.site.out)

    def again(run: Run) -> None:
        write_week(run, WeeklyRequest(label, style, lang, settings.site.format, out))

    try:
        return _publish(desk, label, lang, style, again)
    except NewsdeskError as exc:
        return _page("approved.html", ok=False, message=str(exc), path="", done=[], how="")
