"""`newsdesk serve`: the review desk, a small server-rendered web app (Starlette, the
project's Jinja2, htmx served from the package; no JavaScript build).

Security (docs/review.md):
- it binds to 127.0.0.1 unless told otherwise, and a non-loopback host needs a token
  given explicitly (`NEWSDESK_SERVE_TOKEN`);
- the URL it prints carries a one-time token; opening it sets a session cookie
  (HttpOnly, SameSite=Strict) and the token is spent; every other request needs the
  session;
- every state-changing request (POST) carries the session's CSRF token in the
  `X-CSRF-Token` header (htmx sends it) or a `csrf` form field;
- every title and link shown comes from the store and is escaped by Jinja2's HTML
  autoescaping.

The review page of a day shows its ranked stories with category, score, sources and
the analysis, and the items the relevance stage set aside with their reasons. An editor
drops, restores, moves and pins stories, re-files them, chooses the pick and rewrites the
analyst's text (edits.py); a preview renders the digest as readers will see it; approve
writes the post and delivers it to the channels.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdesk.schedule import Due, Scheduler

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from newsdesk.config import Settings
    from newsdesk.publish.post import Draft

COOKIE = "newsdesk_session"


@dataclass
class Desk:
    """The server's state: the settings, the clock, the one-time token and the sessions
    (session id → its CSRF token)."""

    settings: Settings
    clock: Callable[[], dt.datetime]
    token: str
    reusable: bool = False  # an explicit token (a non-loopback host) is not spent
    sessions: dict[str, str] = field(default_factory=dict)
    transport: Any = None
    # Drafts auto-publishing could not publish (said once on a run report), by key,
    # style, language, format and the time written: not tried again every look.
    held: set[tuple[str, str, str, str, str]] = field(default_factory=set)
    # One writer of posts at a time: an approval, a restore, a scheduled run and
    # auto-publishing never overlap (an approval met by a run is asked to wait).
    writing: threading.Lock = field(default_factory=threading.Lock)

    def login(self, token: str) -> str | None:
        """A new session for the right token, else None."""
        if not self.token or not hmac.compare_digest(token, self.token):
            return None
        if not self.reusable:
            self.token = ""  # spent
        session = secrets.token_urlsafe(24)
        self.sessions[session] = secrets.token_urlsafe(24)
        return session


def create_app(desk: Desk) -> Starlette:
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from newsdesk.web import views

    static = Path(str(resources.files("newsdesk").joinpath("web/static")))
    app = Starlette(
        routes=[
            Route("/", views.index, methods=["GET"]),
            Route("/health", views.health, methods=["GET"]),
            Route("/login", views.login, methods=["GET"]),
            Route("/day/{day}", views.day_page, methods=["GET"]),
            Route("/day/{day}/stories", views.stories_fragment, methods=["GET"]),
            Route("/day/{day}/edit", views.edit, methods=["POST"]),
            Route("/day/{day}/move", views.move, methods=["POST"]),
            Route("/day/{day}/preview", views.preview, methods=["GET"]),
            Route("/day/{day}/approve", views.approve, methods=["POST"]),
            Route("/day/{day}/restore", views.restore_item, methods=["POST"]),
            Route("/day/{day}/regroup", views.regroup, methods=["POST"]),
            Route("/week/{week}", views.week_page, methods=["GET"]),
            Route("/week/{week}/approve", views.week_approve, methods=["POST"]),
            Mount("/static", StaticFiles(directory=static), name="static"),
        ],
    )
    app.state.desk = desk
    return app


def run_due(desk: Desk, due: Due) -> None:
    """A scheduled run, as `newsdesk daily` or `newsdesk weekly` makes it: collect (for
    a day), write, deliver, after the earlier posts' deliveries that did not go through;
    with `[review] required`, write a draft for the editor and deliver only those."""
    from newsdesk.collect import run_collect
    from newsdesk.deliver import deliver
    from newsdesk.pipeline import DailyRequest, WeeklyRequest, write_day, write_week
    from newsdesk.run import Run

    settings = desk.settings
    out = settings.path(settings.site.out)
    fmt, lang = settings.site.format, settings.language
    draft = settings.review.required
    with (
        desk.writing,
        Run(
            settings,
            f"scheduled {due.kind}",
            clock=desk.clock,
            transport=desk.transport,
            delivers=True,
        ) as run,
    ):
        if due.kind == "daily":
            outcomes = run_collect(run)
            day = dt.date.fromisoformat(due.key)
            style = settings.schedule.daily_style
            request = DailyRequest(day, style, lang, fmt, out)
            write_day(run, request, outcomes=outcomes, draft=draft)
        else:
            style = settings.schedule.weekly_style
            write_week(run, WeeklyRequest(due.key, style, lang, fmt, out), draft=draft)
        posts = [] if draft else run.store.posts(key=due.key, lang=lang, fmt=fmt)
        deliver(run, [p for p in posts if p.style == style], retry=True)


def publish_due(desk: Desk) -> None:
    """Publish and deliver the drafts nobody reviewed within `auto_publish_after`."""
    from newsdesk.deliver import deliver
    from newsdesk.review import overdue, publish_overdue
    from newsdesk.run import Run
    from newsdesk.store import Store

    settings = desk.settings

    def ident(draft: Draft) -> tuple[str, str, str, str, str]:
        post = draft.post
        return (post.key, post.style, post.lang, draft.fmt, post.updated.isoformat())

    with Store(settings.path(settings.database)) as store:
        waiting = overdue(store, desk.clock(), settings.review.auto_publish_minutes())
        if all(ident(d) in desk.held for d in waiting):
            return
    with (
        desk.writing,
        Run(
            settings, "auto-publish", clock=desk.clock, transport=desk.transport, delivers=True
        ) as run,
    ):
        results = publish_overdue(run, skip=lambda d: ident(d) in desk.held)
        desk.held.update(ident(r.draft) for r in results if not r.ok)
        deliver(run, [r.post for r in results if r.post is not None], resend=True, retry=True)


def scheduler(desk: Desk) -> Scheduler:
    """The desk's scheduler: the configured slots, the store's memory of what ran."""
    from zoneinfo import ZoneInfo

    from newsdesk.store import Store

    settings = desk.settings

    def last(kind: str) -> dt.datetime | None:
        with Store(settings.path(settings.database)) as store:
            return store.last_scheduled(kind)

    def record(due: Due, status: str) -> None:
        with Store(settings.path(settings.database)) as store:
            store.record_scheduled(due.kind, due.key, due.at, status, desk.clock())

    return Scheduler(
        settings.schedule.slots(),
        ZoneInfo(settings.timezone),
        clock=desk.clock,
        last=last,
        record=record,
        job=lambda due: run_due(desk, due),
        after=(lambda: publish_due(desk)) if settings.review.auto_publish_after else None,
    )


def session_of(request: Request) -> str | None:
    desk: Desk = request.app.state.desk
    session = request.cookies.get(COOKIE, "")
    return session if session in desk.sessions else None


def refuse(status: int, message: str) -> Response:
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message, status_code=status)


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
