"""The command line: one short function per command; the only place that prints or exits.

Start-up stays a fraction of a second: this module imports click and little else; each
command imports the pipeline modules it needs, and rich's display when it first prints.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newsdesk import __version__, publish
from newsdesk.clock import Clock, system_clock
from newsdesk.errors import ConfigError, NewsdeskError, NothingToDo, PublishError
from newsdesk.styles import DAILY_STYLES, LANGUAGES, STYLE_LIST, STYLES, WEEKLY_STYLES
from newsdesk.week import FIRST_DAY, LAST_DAY

if TYPE_CHECKING:
    import httpx
    from rich.console import Console

    from newsdesk.config import Settings
    from newsdesk.deliver import Delivered
    from newsdesk.health import Health
    from newsdesk.models import ModelUsage, RunReport, SourceOutcome
    from newsdesk.run import Run
    from newsdesk.web import Desk

logger = logging.getLogger(__name__)
FORMATS = click.Choice(sorted(publish.registry))
LANGS = click.Choice(["zh", "en"])
CONFIG_NAME = "newsdesk.toml"


@cache
def err() -> Console:
    """The console on stderr (progress, tables, errors); stdout carries file paths only."""
    from rich.console import Console

    return Console(stderr=True)


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def say(message: str, *, markup: bool = True) -> None:
    err().print(message, highlight=False, soft_wrap=True, markup=markup)


@dataclass(frozen=True)
class Context:
    """What every command gets: the options before it, and the run's clock (a test sets
    it, with an httpx transport, through `CliRunner.invoke(main, obj=Context(...))`)."""

    config: Path | None = None
    verbose: int = 0
    clock: Clock = system_clock
    transport: httpx.BaseTransport | None = None

    def settings(self, *, required: bool = True) -> Settings:
        """The settings; with `required`, a missing newsdesk.toml is an error that says
        how to make one rather than a run on the packaged defaults."""
        from newsdesk.config import find_config, load_settings

        if required and find_config(self.config) is None:
            raise ConfigError(
                f"no {CONFIG_NAME} found in {Path.cwd()} (nor --config or $NEWSDESK_CONFIG); "
                "run `newsdesk init` to write one with a list of AI-news sources, or `newsdesk "
                "demo` to try the sample week"
            )
        return load_settings(self.config)

    def now(self) -> dt.datetime:
        return self.clock()

    def run(
        self, settings: Settings, command: str, *, offline: bool = False, delivers: bool = False
    ) -> Run:
        from newsdesk.run import Run

        return Run(
            settings,
            command,
            clock=self.clock,
            transport=self.transport,
            offline=offline,
            delivers=delivers,
        )


@click.group()
@click.version_option(__version__, prog_name="newsdesk")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Path to newsdesk.toml.")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, config: Path | None, verbose: int) -> None:
    """newsdesk: analysed daily AI-news digests for static sites."""
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    from rich.logging import RichHandler

    logging.basicConfig(
        level=level, format="%(message)s", handlers=[RichHandler(console=err(), show_path=False)]
    )
    # httpx logs every request's URL at INFO, and a webhook's URL holds its token: the
    # HTTP stack speaks only of trouble (newsdesk.http logs each request without secrets).
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    base = ctx.obj if isinstance(ctx.obj, Context) else Context()
    ctx.obj = replace(base, config=config, verbose=verbose)


def run_cli(args: Sequence[str]) -> int:
    """Run the CLI as the `newsdesk` command does; return its exit status. An interruption
    propagates (as KeyboardInterrupt) to the caller, which exits without waiting."""
    try:
        result = main.main(list(args), prog_name="newsdesk", standalone_mode=False)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            raise exc.__cause__ from None
        say("aborted", markup=False)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return result if isinstance(result, int) else 0


def _guard(func: Callable[..., None]) -> Callable[..., None]:
    """Turn every failure into one line on stderr and its exit code: a NewsdeskError says
    what to do; an OS error (disk full, a read-only folder) names the file; anything else
    is a bug, reported as one, with the traceback only at -vv."""

    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM (newsdesk.run.Interrupted)
            if not getattr(exc, "reported", False):
                say("interrupted before anything was stored", markup=False)
            raise SystemExit(getattr(exc, "exit_code", 130)) from None
        except NewsdeskError as exc:
            _fail(str(exc), exc.exit_code)
        except OSError as exc:
            _fail(_os_problem(exc), 1)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if logging.getLogger().isEnabledFor(logging.DEBUG):
                say(escape(traceback.format_exc()))
            _fail(
                f"internal error: {type(exc).__name__}: {exc}. This is a bug in newsdesk: "
                "please report it with the output of the same command run with -vv",
                1,
            )

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _fail(message: str, code: int) -> None:
    say(f"[bold red]error:[/] {escape(message)}")
    sys.exit(code)


def _os_problem(exc: OSError) -> str:
    """An OS error as a sentence naming the file and what to do."""
    import errno

    what = exc.strerror or str(exc)
    where = f"{exc.filename}: " if exc.filename else ""
    advice = {
        errno.ENOSPC: "free some space and run again",
        errno.EDQUOT: "free some space and run again",
        errno.EACCES: "check the folder's permissions, or choose another with --out",
        errno.EPERM: "check the folder's permissions, or choose another with --out",
        errno.EROFS: "the file system is read-only; choose another folder",
        errno.EISDIR: "a folder stands where a file should be; move it or choose another path",
        errno.ENOTDIR: "a file stands where a folder should be; choose another path",
    }.get(exc.errno or 0, "check the path and run again")
    return f"{where}{what}; {advice}"


@contextmanager
def _run(
    obj: Context, settings: Settings, command: str, *, offline: bool = False, delivers: bool = False
) -> Iterator[Run]:
    """A run of `command` (`delivers`: it delivers the posts it stores): recorded in the
    store, summarised on stderr at the end. On Ctrl-C or SIGTERM it says what was kept,
    and the interruption goes on up."""
    with obj.run(settings, command, offline=offline, delivers=delivers) as run:
        try:
            yield run
        except KeyboardInterrupt as exc:
            say(
                f"interrupted: {run.report.stored:,} items stored, run {run.report.id} marked "
                "interrupted",
                markup=False,
            )
            exc.reported = True  # type: ignore[attr-defined]
            raise
        finally:
            _summary(run.report)


def _summary(report: RunReport) -> None:
    """The model's cost and the warnings the collect display has not shown."""
    if report.usage is not None:
        say(_usage_line(report.usage))
    for warning in report.warnings:
        if not warning.startswith("source "):
            say(f"[yellow]warning:[/] {escape(warning)}")


def _usage_line(usage: ModelUsage) -> str:
    line = (
        f"model {escape(usage.model)}: {usage.calls} calls, {usage.cache_hits} answers from the "
        f"cache, {usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion tokens"
    )
    extras = {
        "estimated": usage.estimated_calls,
        "retried": usage.retries,
        "repaired": usage.repaired,
        "asked again": usage.reasked,
        "written offline": usage.fallbacks,
        "links removed": usage.urls_removed,
        "unknown ids dropped": usage.ids_dropped,
        "calls over budget": usage.budget_stops,
    }
    shown = [f"{name} {count}" for name, count in extras.items() if count]
    return line + (f" ({', '.join(shown)})" if shown else "")


STATUS_COLOURS = {
    "ok": "green",
    "empty": "yellow",
    "not_modified": "cyan",
    "error": "red",
    "skipped": "magenta",
}


def _outcome_line(outcome: SourceOutcome) -> str:
    colour = STATUS_COLOURS.get(outcome.status, "white")
    detail = f" — {escape(outcome.reason)}" if outcome.reason else ""
    return (
        f"[{colour}]{outcome.status:>5}[/] {escape(outcome.source)}: {outcome.items} items, "
        f"{outcome.new_items} new{detail}"
    )


class CollectDisplay:
    """Collect's progress on stderr: a live bar on a terminal; elsewhere (cron, CI, a
    pipe) quiet lines, one per source that had trouble (every source with -v)."""

    def __init__(self, total: int, verbose: int) -> None:
        self.total, self.verbose = total, verbose
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> CollectDisplay:
        if err().is_terminal and self.total:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("collecting", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, outcome: SourceOutcome) -> None:
        trouble = outcome.status in {"error", "skipped"} or outcome.retries > 0
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, advance=1, description=escape(outcome.source))
        if trouble or self.verbose:
            say(_outcome_line(outcome))


def _collect(
    settings: Settings, run: Run, *, verbose: int, retry_dead: bool = False
) -> list[SourceOutcome]:
    """Collect every enabled source with the display; NothingToDo when every one failed."""
    from newsdesk.collect import run_collect

    total = sum(1 for s in settings.sources if s.enabled)
    with CollectDisplay(total, verbose) as display:
        outcomes = run_collect(run, progress=display, retry_dead=retry_dead)
    read = [o for o in outcomes if o.status not in {"error", "skipped"}]
    new = sum(o.new_items for o in outcomes)
    kilobytes = sum(o.bytes for o in outcomes) / 1000
    if outcomes and not read:
        raise NothingToDo(
            f"all {len(outcomes)} sources failed, nothing was collected (each one's reason is "
            "above; `newsdesk sources check` shows their health)"
        )
    say(
        f"collected from {len(read)}/{len(outcomes)} sources: {new} new items, {kilobytes:,.0f} kB",
        markup=False,
    )
    return outcomes


class Day(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """A day as YYYY-MM-DD, with a message for each way it can be wrong."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        parts = text.split("-")
        if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
            self.fail(f"{text!r} is not a day: write it as YYYY-MM-DD, e.g. 2026-02-03", param, ctx)
        try:
            day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            self.fail(f"no such day: {text}", param, ctx)
        if not FIRST_DAY <= day <= LAST_DAY:
            self.fail(
                f"{text} is out of range: give a day from {FIRST_DAY} to {LAST_DAY}", param, ctx
            )
        return day


@main.command()
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("newsdesk-demo"), show_default=True
)
@click.option("--format", "fmt", type=FORMATS, help="Site generator format (default: site.format).")
@click.option("--lang", type=LANGS, multiple=True, help="Digest language(s); default zh and en.")
@click.option(
    "--style",
    "styles",
    type=click.Choice(STYLES),
    multiple=True,
    help="Style(s) to write; default daily-brief for each day and weekly-axes for the week.",
)
@click.option(
    "--llm", "use_model", is_flag=True, help="Analyse with the [llm] model (default: offline)."
)
@click.option(
    "--force", is_flag=True, help="Write into a folder that is neither empty nor an earlier demo."
)
@click.pass_obj
@_guard
def demo(
    obj: Context,
    out: Path,
    fmt: str | None,
    lang: tuple[str, ...],
    styles: tuple[str, ...],
    use_model: bool,
    force: bool,
) -> None:
    """Collect the bundled sample week offline and write a digest for each day."""
    from newsdesk.demo import demo_settings, fresh_store, mark_demo
    from newsdesk.pipeline import (
        DailyRequest,
        WeeklyRequest,
        prepare_days,
        sample_days,
        triage_for,
        write_day,
        write_week,
    )
    from newsdesk.week import week_of

    out = out.resolve()
    fresh_store(out, force=force)
    settings = demo_settings(obj.settings(required=False), out, fmt=fmt)
    with _run(obj, settings, "demo", offline=not use_model) as run:
        mark_demo(run.store)
        outcomes = _collect(settings, run, verbose=obj.verbose)
        languages = lang or LANGUAGES  # one triage per day serves every language
        days = sample_days(run.store, settings)
        prepared = prepare_days(settings, run.store, days, triage=triage_for(run, *languages))
        chosen = styles or ("daily-brief", "weekly-axes")
        for day, stories in prepared.items():
            for style in (s for s in chosen if s in DAILY_STYLES):
                for language in languages:
                    request = DailyRequest(day, style, language, settings.site.format, out)
                    path = write_day(run, request, outcomes=outcomes, stories=stories, fetch=False)
                    click.echo(path)
        for week in sorted({week_of(day) for day in prepared}):
            for style in (s for s in chosen if s in WEEKLY_STYLES):
                for language in languages:
                    weekly = WeeklyRequest(week, style, language, settings.site.format, out)
                    for path in write_week(run, weekly):
                        click.echo(path)


@main.command("collect")
@click.pass_obj
@_guard
def collect_command(obj: Context) -> None:
    """Fetch every enabled source and store new items."""
    settings = obj.settings()
    with _run(obj, settings, "collect") as run:
        _collect(settings, run, verbose=obj.verbose)


@main.command()
@click.option("--date", "day", type=Day(), help="Day to write (default: today).")
@click.option("--style", type=click.Choice(DAILY_STYLES), default="daily-brief", show_default=True)
@click.option("--format", "fmt", type=FORMATS, help="Site generator format (default: site.format).")
@click.option("--lang", type=LANGS, help="Digest language (default: language).")
@click.option("--out", type=click.Path(path_type=Path), help="Site folder (default: site.out).")
@click.option(
    "--no-collect", is_flag=True, help="Use stored items and cached full text only; fetch nothing."
)
@click.option("--offline", is_flag=True, help="Use the offline analyst even if [llm] is set.")
@click.option("--no-deliver", is_flag=True, help="Write the post; send it to no channel.")
@click.pass_obj
@_guard
def daily(
    obj: Context,
    day: dt.date | None,
    style: str,
    fmt: str | None,
    lang: str | None,
    out: Path | None,
    no_collect: bool,
    offline: bool,
    no_deliver: bool,
) -> None:
    """Write the daily digest for one day."""
    from newsdesk.pipeline import DailyRequest, write_day

    settings = obj.settings()
    target = day or obj.now().astimezone(settings.tz).date()
    request = DailyRequest(target, style, *_where(settings, lang, fmt, out))
    with _run(obj, settings, "daily", offline=offline, delivers=not no_deliver) as run:
        if no_collect:
            outcomes = run.store.last_collect_outcomes(run.now())
        else:
            outcomes = _collect(settings, run, verbose=obj.verbose)
        draft = settings.review.required
        path = write_day(run, request, outcomes=outcomes, fetch=not no_collect, draft=draft)
        click.echo(path)
        if draft:
            _awaits(f"--date {target.isoformat()}")
        if not no_deliver:  # a draft is not delivered; earlier posts' failures are retried
            posts = [] if draft else [(target.isoformat(), request.style, request.lang)]
            _deliver(run, posts, request.fmt)


@main.command()
@click.option("--from", "first", type=Day(), required=True, help="First day to write.")
@click.option("--to", "last", type=Day(), help="Last day to write (default: yesterday).")
@click.option("--style", type=click.Choice(DAILY_STYLES), default="daily-brief", show_default=True)
@click.option("--format", "fmt", type=FORMATS, help="Site generator format (default: site.format).")
@click.option("--lang", type=LANGS, help="Digest language (default: language).")
@click.option("--out", type=click.Path(path_type=Path), help="Site folder (default: site.out).")
@click.option("--no-collect", is_flag=True, help="Write from what is stored; fetch nothing.")
@click.option("--offline", is_flag=True, help="Use the offline analyst even if [llm] is set.")
@click.pass_obj
@_guard
def backfill(
    obj: Context,
    first: dt.date,
    last: dt.date | None,
    style: str,
    fmt: str | None,
    lang: str | None,
    out: Path | None,
    no_collect: bool,
    offline: bool,
) -> None:
    """Write the daily digest of every day of a range from the store (collecting first
    unless --no-collect). Rerunning gives the same files; a day that fails is reported
    and the others go on. Nothing is delivered to channels (`newsdesk deliver` does)."""
    from rich.progress import Progress

    from newsdesk.pipeline import DailyRequest, prepare_days, triage_for, write_day

    settings = obj.settings()
    last = last or obj.now().astimezone(settings.tz).date() - dt.timedelta(days=1)
    if last < first:
        raise ConfigError(f"--to {last} is before --from {first}")
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    if len(days) > MAX_BACKFILL_DAYS:
        raise ConfigError(f"{len(days)} days is more than {MAX_BACKFILL_DAYS}: split the range")
    lang, fmt, out = _where(settings, lang, fmt, out)
    failed: list[str] = []
    with _run(obj, settings, "backfill", offline=offline) as run:
        if not no_collect:  # today's fetch: its failures are reported now, not on past days
            _collect(settings, run, verbose=obj.verbose)
        prepared = prepare_days(settings, run.store, days, triage=triage_for(run, lang))
        with Progress(console=err(), transient=True, disable=not err().is_terminal) as bar:
            task = bar.add_task("writing", total=len(days))
            for day in days:
                request = DailyRequest(day, style, lang, fmt, out)
                try:
                    path = write_day(
                        run, request, outcomes=[], stories=prepared[day], fetch=not no_collect
                    )
                except NothingToDo as exc:
                    say(f"{day}: skipped: {escape(str(exc))}")
                except NewsdeskError as exc:
                    failed.append(str(day))
                    run.report.warn(f"backfill: {day} failed: {exc}")
                    say(f"{day}: failed: {escape(str(exc))}")
                else:
                    click.echo(path)
                bar.advance(task)
    if failed:
        raise NothingToDo(f"{len(failed)} of {len(days)} days failed: {', '.join(failed)}")


MAX_BACKFILL_DAYS = 366
SCHEDULE_TICK = 30.0  # seconds between looks at the schedule
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _upcoming(settings: Settings, obj: Context) -> list[tuple[str, str]]:
    """The next scheduled runs (kind, local time) when `[schedule]` is set."""
    from zoneinfo import ZoneInfo

    from newsdesk.schedule import upcoming

    found = upcoming(settings.schedule.slots(), obj.now(), ZoneInfo(settings.timezone))
    return [(d.kind, d.at.astimezone(settings.tz).isoformat(timespec="minutes")) for d in found]


def _start_schedule(desk: Desk) -> None:
    """Run the schedule in the background: what is due (missed days first) now, then a
    look every SCHEDULE_TICK seconds; a failed run is recorded and the desk goes on."""
    import threading
    import time

    from newsdesk.web import scheduler

    if not desk.settings.schedule.slots() and not desk.settings.review.auto_publish_after:
        return
    jobs = scheduler(desk)

    def loop() -> None:
        while True:
            try:
                for due in jobs.tick():
                    say(f"scheduled {due.kind} {due.key}: done")
            except Exception as exc:  # the store busy, a disk full: try again at the next look
                say(f"[bold red]schedule:[/] {escape(str(exc))}")
            time.sleep(SCHEDULE_TICK)

    threading.Thread(target=loop, name="newsdesk-schedule", daemon=True).start()
    upcoming = ", ".join(
        f"{d.kind} at {d.at.astimezone(desk.settings.tz):%a %H:%M}" for d in jobs.upcoming(1)
    )
    if upcoming:
        say(f"on schedule: next {upcoming}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.pass_obj
@_guard
def serve(obj: Context, host: str, port: int) -> None:
    """The review desk in a browser: review, edit and approve the digests
    (docs/review.md). It listens on this machine only unless --host says otherwise."""
    import os
    import secrets

    from newsdesk.web import Desk, create_app

    settings = obj.settings()
    explicit = os.environ.get("NEWSDESK_SERVE_TOKEN", "")
    if host not in LOOPBACK and len(explicit) < 16:
        raise ConfigError(
            f"--host {host} lets other machines reach the desk: set NEWSDESK_SERVE_TOKEN "
            "to a secret of 16 characters or more (and put the desk behind HTTPS)"
        )
    token = explicit or secrets.token_urlsafe(24)
    desk = Desk(settings, obj.now, token, reusable=bool(explicit), transport=obj.transport)
    app = create_app(desk)
    _start_schedule(desk)
    shown = "[::1]" if host == "::1" else host
    say(
        f"the desk is at http://{shown}:{port}/login?token={token if not explicit else '<your token>'}"
    )
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command("edit")
@click.option("--date", "day", type=Day(), required=True, help="The day whose digest to edit.")
@click.option("--lang", type=LANGS, help="The digest's language (default: language).")
@click.option("--story", "story_id", type=int, default=0, help="The story's id (none: the day).")
@click.argument("field")
@click.argument("value")
@click.pass_obj
@_guard
def edit_command(
    obj: Context, day: dt.date, lang: str | None, story_id: int, field: str, value: str
) -> None:
    """Change a day's digest as an editor: drop a story (dropped true), give it another
    category, rewrite its headline, lead, what, why, impact or advice; or, for the day,
    set the order (a JSON list of story ids), the pick, the lede or the concept, bring
    back items the relevance stage set aside (restored, a JSON list of item ids), join
    stories (joined, a JSON list of [item id, item id] pairs: the stories holding them are
    one) or take items out of theirs (apart, a JSON list of item ids). The edit is stored
    and applied every time the day is written again."""
    from newsdesk.edits import Edit, EditError, check
    from newsdesk.store import Store

    settings = obj.settings()
    names = {c.key: c.en for c in settings.categories}
    try:
        edit = check(Edit(story_id, field, value), names)
    except EditError as exc:
        raise ConfigError(str(exc)) from None
    import json

    from newsdesk.edits import JOINED, RESTORED, SHARED_FIELDS
    from newsdesk.pipeline import day_bounds

    with Store(settings.path(settings.database)) as store:
        if field == RESTORED:  # for every language; only items set aside that day
            aside = {item.id for item, _, _ in store.set_aside(day)} | store.restored_items(day)
            unknown = [i for i in json.loads(edit.value) if i not in aside]
            if unknown:
                raise ConfigError(
                    f"item {unknown[0]} was not set aside on {day}; `newsdesk report --date "
                    f"{day}` lists the items that were"
                )
        elif field in SHARED_FIELDS:  # joined, apart: items of the day
            named = json.loads(edit.value)
            ids = [i for pair in named for i in pair] if field == JOINED else named
            stored = {item.id for item in store.items_between(*day_bounds(day, settings))}
            unknown = [i for i in ids if i not in stored]
            if unknown:
                raise ConfigError(
                    f"item {unknown[0]} is not stored for {day}; `newsdesk report --date "
                    f"{day}` lists the day's stories and their items"
                )
        store.set_edit(
            day, "" if field in SHARED_FIELDS else lang or settings.language, edit, obj.now()
        )
    say(
        f"stored: {day} story {story_id or '(the day)'} {field}; `newsdesk daily --date "
        f"{day} --no-collect` writes the digest with it"
    )


def _where(
    settings: Settings, lang: str | None, fmt: str | None, out: Path | None
) -> tuple[str, str, Path]:
    """Language, site format and site folder: the options given, else the configuration's;
    the folder absolute (the paths stored with the posts and drafts are read by later runs,
    from wherever they run)."""
    return (
        lang or settings.language,
        fmt or settings.site.format,
        (out or settings.path(settings.site.out)).resolve(),
    )


@main.command()
@click.option("--week", help="ISO week, e.g. 2026-W06 (default: this week).")
@click.option("--style", type=click.Choice(WEEKLY_STYLES), default="weekly-axes", show_default=True)
@click.option("--format", "fmt", type=FORMATS, help="Site generator format (default: site.format).")
@click.option("--lang", type=LANGS, help="Post language (default: language).")
@click.option("--out", type=click.Path(path_type=Path), help="Site folder (default: site.out).")
@click.option("--offline", is_flag=True, help="Use the offline analyst even if [llm] is set.")
@click.option("--no-deliver", is_flag=True, help="Write the posts; send them to no channel.")
@click.pass_obj
@_guard
def weekly(
    obj: Context,
    week: str | None,
    style: str,
    fmt: str | None,
    lang: str | None,
    out: Path | None,
    offline: bool,
    no_deliver: bool,
) -> None:
    """Write the raw weekly list and a weekly post from the stored week."""
    from newsdesk.pipeline import WeeklyRequest, write_week
    from newsdesk.week import parse_week, week_of

    settings = obj.settings()
    label = parse_week(week) if week else week_of(obj.now().astimezone(settings.tz).date())
    request = WeeklyRequest(label, style, *_where(settings, lang, fmt, out))
    with _run(obj, settings, "weekly", offline=offline, delivers=not no_deliver) as run:
        draft = settings.review.required
        for path in write_week(run, request, draft=draft):
            click.echo(path)
        if draft:
            _awaits(f"--week {label}")
        if not no_deliver:
            _deliver(run, [] if draft else [(label, request.style, request.lang)], request.fmt)


def _awaits(option: str) -> None:
    say(
        f"a draft awaits review ([review] required): read it, then `newsdesk approve {option}` "
        "publishes it and sends it to the channels; or review it in `newsdesk serve`",
        markup=False,
    )


@main.command()
@click.option("--date", "day", type=Day(), help="Approve the daily drafts of this day.")
@click.option("--week", help="Approve the weekly drafts of this ISO week, e.g. 2026-W06.")
@click.option("--lang", type=LANGS, help="Only the drafts in this language.")
@click.option("--style", help="Only the drafts of this style.")
@click.option(
    "--due", is_flag=True, help="Approve the drafts older than review.auto_publish_after."
)
@click.option("--list", "listing", is_flag=True, help="List the drafts awaiting approval.")
@click.option("--no-deliver", is_flag=True, help="Publish; send to no channel.")
@click.pass_obj
@_guard
def approve(
    obj: Context,
    day: dt.date | None,
    week: str | None,
    lang: str | None,
    style: str | None,
    due: bool,
    listing: bool,
    no_deliver: bool,
) -> None:
    """Publish drafts awaiting review ([review] required): the site, the feed, the channels."""
    from newsdesk.review import Approved, approve, publish_overdue
    from newsdesk.week import parse_week

    settings = obj.settings()
    chosen = [x for x in (day, week, due or None, listing or None) if x]
    if len(chosen) != 1:
        raise ConfigError("give one of --date, --week, --due or --list")
    with _run(obj, settings, "approve", delivers=not no_deliver) as run:
        if listing:
            drafts = run.store.drafts(lang=lang, style=style)
            for draft in drafts:
                post = draft.post
                click.echo(
                    f"{post.key}\t{post.style}\t{post.lang}\t{draft.fmt}\t"
                    f"{post.updated.astimezone(settings.tz):%Y-%m-%d %H:%M}\t{draft.path}"
                )
            if not drafts:
                say("no draft awaits approval", markup=False)
            return
        if due:
            if settings.review.auto_publish_minutes() is None:
                raise ConfigError(
                    "--due publishes drafts older than review.auto_publish_after, which is "
                    'not set; set it (e.g. "6h") or approve with --date or --week'
                )
            results: list[Approved] = publish_overdue(run)
            if not results:
                say("no draft is older than review.auto_publish_after", markup=False)
        else:
            key = parse_week(week) if week else day.isoformat()  # type: ignore[union-attr]
            results = approve(run, key, lang=lang, style=style)
        approved = []
        for result in results:
            post = result.draft.post
            what = f"{post.key} {post.style} ({post.lang})"
            if not result.ok:
                say(f"[bold red]not approved:[/] {escape(what)}: {escape(result.problem)}")
                continue
            click.echo(result.path)
            say(f"published {escape(what)} {escape(result.how)}")
            if result.how == "edited by hand":
                say(
                    "the site shows the file as you edited it; the feed and the channels "
                    "carry the digest as newsdesk wrote it (to change what every reader gets, "
                    "edit in `newsdesk serve` or with `newsdesk edit`)",
                    markup=False,
                )
            if result.post is not None:
                approved.append(result.post)
        if not no_deliver and settings.channels and approved:
            from newsdesk.deliver import deliver

            # One delivery of them all: one round of retries of earlier posts, not one each.
            for done in deliver(run, approved, resend=True, retry=True):
                _say_delivered(done)
    if not all(result.ok for result in results):
        raise SystemExit(1)


def _deliver(run: Run, written: Sequence[tuple[str, str, str]], fmt: str) -> None:
    """Send the posts just written (key, style, language) to the channels that take them,
    after the earlier posts' deliveries that did not go through; say what happened."""
    if not run.settings.channels:
        return
    from newsdesk.deliver import deliver

    posts = [
        p
        for key in dict.fromkeys(k for k, _, _ in written)
        for p in run.store.posts(key=key, fmt=fmt)
        if (p.key, p.style, p.lang) in written
    ]
    for done in deliver(run, posts, retry=True):
        _say_delivered(done)


def _say_delivered(done: Delivered) -> None:
    what = f"{done.post.key} {done.post.style} ({done.post.lang})"
    if done.retried:
        what = f"{what} (tried again)"
    if done.status == "sent":
        say(f"{escape(done.channel)}: sent {what} in {done.parts} part(s)")
    elif done.status == "unchanged":
        say(f"{escape(done.channel)}: {what} was already sent; nothing changed")
    elif done.status != "dry-run":
        say(f"{escape(done.channel)}: {what} {done.status}: {escape(done.reason)}")


@main.command("deliver")
@click.option("--date", "day", type=Day(), help="Deliver the daily posts of this day.")
@click.option("--week", help="Deliver the weekly posts of this ISO week, e.g. 2026-W06.")
@click.option("--channel", help="Only this channel (its name).")
@click.option("--resend", is_flag=True, help="Send again posts already sent that changed since.")
@click.option(
    "--dry-run", is_flag=True, help="Print each message as it would be sent; send nothing."
)
@click.pass_obj
@_guard
def deliver_command(
    obj: Context,
    day: dt.date | None,
    week: str | None,
    channel: str | None,
    resend: bool,
    dry_run: bool,
) -> None:
    """Send stored posts to the channels (default: today's daily posts)."""
    from newsdesk.deliver import deliver
    from newsdesk.week import parse_week

    settings = obj.settings()
    if day is not None and week is not None:
        raise ConfigError("give --date or --week, not both")
    key = (
        parse_week(week) if week else (day or obj.now().astimezone(settings.tz).date()).isoformat()
    )
    if not settings.channels:
        raise NothingToDo("no [[channels]] are configured (docs/channels.md)")
    with _run(obj, settings, "deliver") as run:
        posts = run.store.posts(key=key, fmt=settings.site.format)
        done = deliver(
            run,
            posts,
            channel=channel,
            resend=resend,
            dry_run=dry_run,
            retry=True,
            echo=click.echo,
        )
        for each in done:
            _say_delivered(each)
    if not posts:
        raise NothingToDo(f"no post is stored for {key}; run `newsdesk daily` or `weekly` first")
    failed = [d for d in done if d.failed]
    if failed and not dry_run:
        names = ", ".join(sorted({d.channel for d in failed}))
        raise PublishError(
            f"{len(failed)} of {len(done)} deliveries did not go through ({names}); the "
            "reasons are above and in `newsdesk report`; the next run tries again"
        )


@main.group()
def channels() -> None:
    """The channels the digests are delivered to."""


@channels.command("list")
@click.pass_obj
@_guard
def channels_list(obj: Context) -> None:
    """List each channel, what it takes, its problems and its last delivery."""
    import os

    from rich.table import Table

    from newsdesk.publish.channels import registry
    from newsdesk.store import Store

    settings = obj.settings()
    table = Table("name", "kind", "takes", "ready", "last delivery")
    with Store(settings.path(settings.database)) as store:
        ledger = store.deliveries()
    for config in settings.channels:
        problems = registry[config.kind].problems(config, os.environ)
        last = next((d for d in ledger if d["channel"] == config.name), None)
        table.add_row(
            escape(config.name),
            config.kind,
            ", ".join(config.posts) + (f" ({', '.join(config.langs)})" if config.langs else ""),
            "yes" if not problems else escape("; ".join(problems)),
            f"{last['status']} {last['key']} {last['style']} ({last['lang']}) at {last['last']}"
            if last
            else "never",
        )
    err().print(table)


@channels.command("test")
@click.argument("name")
@click.pass_obj
@_guard
def channels_test(obj: Context, name: str) -> None:
    """Send a short sample message to one channel (recorded in no ledger)."""
    import os

    from newsdesk.publish.channels import SendContext, registry
    from newsdesk.publish.post import sample_post

    settings = obj.settings()
    config = next((c for c in settings.channels if c.name == name), None)
    if config is None:
        raise ConfigError(f"no channel named {name!r}")
    kind = registry[config.kind]
    problems = kind.problems(config, os.environ)
    if problems:
        raise ConfigError(f"channel {name}: " + "; ".join(problems))
    with _run(obj, settings, "channels test") as run:
        context = SendContext(run.client, dict(os.environ), lambda: run.now().timestamp())
        post = sample_post(run.now(), settings.language)
        from newsdesk.deliver import send_all

        sent, reason = send_all(kind, kind.messages(post, config), config, context)
        if not sent:
            raise PublishError(f"channel {name}: the sample was not delivered: {reason}")
        say(f"{escape(name)}: the sample message was delivered")


@main.command()
@click.pass_obj
@_guard
def styles(obj: Context) -> None:
    """List the post styles, their reference post and where each template comes from."""
    from rich.console import Console
    from rich.table import Table

    from newsdesk.styles import template_origin

    settings = obj.settings(required=False)
    folder = settings.base_dir / "templates"
    table = Table(title="styles")
    for column in ("style", "kind", "ref", "what it writes", *LANGUAGES):
        table.add_column(column)
    overrides = []
    for style in STYLE_LIST:
        origins = [template_origin(folder, style.name, lang) for lang in LANGUAGES]
        overrides += [
            f"{style.name}.{lang}: {origin}"
            for lang, origin in zip(LANGUAGES, origins, strict=True)
            if origin != "built in"
        ]
        shown = ["yours" if o != "built in" else o for o in origins]
        table.add_row(style.name, style.kind, style.reference, style.about, *shown)
    Console().print(table)
    click.echo(f"A template file in {folder} (<style>.<lang>.md.j2) replaces the built-in one.")
    for line in overrides:
        click.echo(line)


@main.group()
def sources() -> None:
    """Inspect the configured sources."""


@sources.command("list")
@click.pass_obj
@_guard
def sources_list(obj: Context) -> None:
    """List the configured sources."""
    from rich.table import Table

    settings = obj.settings()
    table = Table("name", "kind", "weight", "enabled", "url")
    for source in settings.sources:
        table.add_row(
            escape(source.name),
            source.kind,
            f"{source.weight:g}",
            "yes" if source.enabled else "no",
            escape(source.url),
        )
    err().print(table)


HEALTH_COLOURS = {
    "ok": "green",
    "new": "cyan",
    "failing": "yellow",
    "dead": "red",
    "stale": "yellow",
}


@sources.command("check")
@click.option("--no-fetch", is_flag=True, help="Show the stored history only; fetch nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the health as JSON on stdout.")
@click.pass_obj
@_guard
def sources_check(obj: Context, no_fetch: bool, as_json: bool) -> None:
    """Read every enabled source now (paused ones too) and show each one's health; exit 1
    when any source is failing or dead."""
    import json
    from collections import Counter

    from newsdesk.health import all_health
    from newsdesk.store import Store

    settings = obj.settings()
    if not no_fetch:
        with _run(obj, settings, "check") as run:
            try:
                _collect(settings, run, verbose=obj.verbose, retry_dead=True)
            except NothingToDo as exc:  # the table below shows each failure
                say(f"[yellow]warning:[/] {escape(str(exc))}")
    with Store(settings.path(settings.database)) as store:
        healths = all_health(settings, store, obj.now())
    if as_json:
        click.echo(json.dumps([_health_json(h) for h in healths], ensure_ascii=False, indent=2))
    elif err().is_terminal:
        _health_table(healths)
    else:  # cron, a pipe: one line per source, never squeezed to a terminal's width
        for h in healths:
            say(_health_line(h), markup=False)
    counts = Counter(h.state for h in healths)
    say(f"{len(healths)} sources: " + ", ".join(f"{n} {state}" for state, n in counts.items()))
    bad = counts["failing"] + counts["dead"]
    if bad:
        sys.exit(1)


def _health_table(healths: Sequence[Health]) -> None:
    from rich.table import Table

    table = Table(
        "source", "kind", "health", "last", "items", "kB", "new (20 runs)", "ms", "fails",
        "last ok", "newest item", "problem",
    )  # fmt: skip
    for h in healths:
        table.add_row(
            escape(h.source),
            h.kind,
            f"[{HEALTH_COLOURS.get(h.state, 'white')}]{h.state}[/]",
            h.last.status if h.last else "",
            str(h.last.items) if h.last else "",
            f"{h.last.bytes / 1000:.0f}" if h.last else "",
            str(h.new_items),
            str(h.mean_ms),
            str(h.failures_in_a_row or ""),
            _when(h.last_success),
            _when(h.newest_item),
            escape(h.problem),
        )
    err().print(table)


def _health_line(h: Health) -> str:
    parts = [
        f"{h.state:<8}",
        h.source,
        f"({h.kind})",
        f"last: {h.last.status}, {h.last.items} items, {h.last.bytes / 1000:.0f} kB"
        if h.last
        else "never read",
        f"new in 20 runs: {h.new_items}",
        f"fails in a row: {h.failures_in_a_row}" if h.failures_in_a_row else "",
        f"last ok: {_when(h.last_success)}" if h.last_success else "",
        f"newest item: {_when(h.newest_item)}" if h.newest_item else "",
        f"problem: {h.problem}" if h.problem else "",
    ]
    return " · ".join(p for p in parts if p)


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if moment else ""


def _health_json(health: Health) -> dict[str, Any]:
    import dataclasses

    data = dataclasses.asdict(health)
    data["problem"] = health.problem
    for key in ("last_attempt", "last_success", "newest_item"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


@sources.command("import-opml")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would be added; change nothing.")
@click.pass_obj
@_guard
def import_opml(obj: Context, file: Path, dry_run: bool) -> None:
    """Add the feeds of an OPML file (a feed reader's export) to newsdesk.toml."""
    from newsdesk.config import find_config, load_settings
    from newsdesk.opml import append_sources, new_sources, read_opml

    config = find_config(obj.config) or Path.cwd() / CONFIG_NAME
    settings = obj.settings(required=False)
    feeds = read_opml(file.read_bytes(), str(file))
    tables, already = new_sources(feeds, settings.sources)
    if not dry_run and tables:
        before = config.read_text(encoding="utf-8") if config.exists() else None
        append_sources(config, tables, file.name, today=obj.now().date())
        try:
            load_settings(config)
        except ConfigError as exc:
            if before is None:
                config.unlink()
            else:
                config.write_text(before, encoding="utf-8")
            raise ConfigError(
                f"the imported sources did not fit in {config}, left unchanged: {exc}"
            ) from None
    verb = "would be added to" if dry_run else "added to"
    say(
        f"{len(feeds)} feeds in {escape(file.name)}: {len(tables)} {verb} {escape(str(config))}, "
        f"{already} already configured"
    )
    for table in tables[:20]:
        say(f"  {escape(str(table['name']))}  {escape(str(table['url']))}")
    if len(tables) > 20:
        say(f"  … and {len(tables) - 20} more")
    if not dry_run:
        click.echo(config)


@sources.command("export-opml")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
@click.pass_obj
@_guard
def export_opml(obj: Context, out: Path | None) -> None:
    """Write the configured feeds as OPML 2.0, for a feed reader."""
    from newsdesk.opml import write_opml

    settings = obj.settings()
    feeds = [s for s in settings.sources if s.kind == "feed"]
    document = write_opml(feeds, now=obj.now())
    if out is None:
        click.echo(document.decode("utf-8"), nl=False)
    else:
        out.write_bytes(document)
        click.echo(out)
    others = len(settings.sources) - len(feeds)
    note = f" ({others} sources of other kinds have no OPML form)" if others else ""
    say(f"{len(feeds)} feeds exported{note}", markup=False)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--force", is_flag=True, help="Overwrite an existing newsdesk.toml.")
@_guard
def init(directory: Path, force: bool) -> None:
    """Write a commented newsdesk.toml with a curated list of AI-news sources."""
    from importlib import resources

    from newsdesk.config import load_settings

    target = directory / CONFIG_NAME
    if target.is_dir():
        raise ConfigError(f"{target} is a folder; move it away, then run `newsdesk init` again")
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists; edit it, or pass --force to replace it")
    directory.mkdir(parents=True, exist_ok=True)
    text = resources.files("newsdesk").joinpath("data/init.toml").read_text(encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    settings = load_settings(target)
    say(
        f"wrote {escape(str(target))} with {len(settings.sources)} sources. Next:\n"
        f"  cd {escape(str(directory))}\n"
        "  newsdesk sources check    # read each source once, flag any that fail\n"
        "  newsdesk daily            # collect and write today's digest"
    )
    click.echo(target)


@main.command()
@click.option("--run", "run_id", type=int, help="Run number (default: the latest run).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option(
    "--date",
    "day",
    type=Day(),
    help="List the day's stories with their items, the items the relevance stage set "
    "aside with their reasons, and the editor's changes.",
)
@click.pass_obj
@_guard
def report(obj: Context, run_id: int | None, as_json: bool, day: dt.date | None) -> None:
    """Show what a run did, source by source (with --date: a day's stories, what it set
    aside and the editor's changes)."""
    import dataclasses
    import json

    from rich.table import Table

    from newsdesk.run import pid_alive
    from newsdesk.store import Store

    settings = obj.settings()
    if day is not None:
        with Store(settings.path(settings.database)) as store:
            aside = store.set_aside(day)
            changes = store.edit_log(day)
            stories = store.stories_between(day, day)
        from newsdesk.dedupe import join_offers
        from newsdesk.rank import shown

        on_show = shown(stories, settings.rank.top)
        # The shown stories that may tell one event, as the review desk offers them.
        offers = join_offers(
            on_show,
            floor=settings.review.join_hint * settings.dedupe.threshold,
            window_hours=settings.dedupe.window_hours,
        )
        if as_json:
            rows = [
                {
                    "item": i.id,
                    "reason": r,
                    "detail": d,
                    "source": i.source,
                    "title": i.title,
                    "url": i.url,
                }
                for i, r, d in aside
            ]
            edits = [
                {"time": t, "lang": lang, "story": sid, "field": f, "value": v}
                for t, lang, sid, f, v in changes
            ]
            told = [
                {
                    "story": s.id,
                    "rank": n,
                    "items": [
                        {"item": i.id, "source": i.source, "title": i.title, "url": i.url}
                        for i in s.items
                    ],
                    "maybe_same_as": offers.get(s.id),
                    # held: only forum posts tell it, past `rank.max_discussions`
                    "held": s.score < 0,
                }
                for n, s in enumerate(stories, start=1)
            ]
            click.echo(
                json.dumps(
                    {"day": day.isoformat(), "stories": told, "set_aside": rows, "edits": edits},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for when, lang, sid, field, value in changes:
            say(
                f"edit at {when} ({lang}): story {sid or '(the day)'} {field} = {escape(value[:80])}"
            )
        if stories:
            top = len(on_show)
            say(
                f"{len(stories)} stories on {day}, the first {top} shown "
                f'(`newsdesk edit --date {day} joined "[[ITEM, ITEM], …]"` makes two '
                f'stories one, `apart "[ITEM, …]"` takes items out of theirs; --json lists all):'
            )
            listed = Table("#", "story", "item", "source", "title")
            for n, story in enumerate(stories[:top], start=1):
                for k, i in enumerate(story.items):
                    listed.add_row(
                        "" if k else str(n),
                        "" if k else str(story.id),
                        str(i.id),
                        escape(i.source),
                        escape(i.title),
                    )
            err().print(listed)
            place = {story.id: n for n, story in enumerate(stories, start=1)}
            for later, better in offers.items():
                say(
                    f"maybe one event: #{place[better]} (story {better}) and #{place[later]} "
                    f'(story {later}); `newsdesk edit --date {day} joined "[[{better}, '
                    f'{later}]]"` joins them'
                )
            held = [story.id for story in stories if story.score < 0]
            if held:
                say(
                    f"{len(held)} stories held below the digest, only forum text posts tell "
                    f"them (`rank.max_discussions`): {', '.join(map(str, held))}; the editor's "
                    f"`order` (or the review desk) brings one in"
                )
        if not aside:
            say(f"nothing was set aside on {day} (or the day was not prepared yet)")
            return
        say(
            f"{len(aside)} items set aside on {day}; they stay stored (`newsdesk edit --date "
            f'{day} restored "[ITEM, …]"` brings items back):'
        )
        table = Table("item", "reason", "source", "title", "why")
        for item, reason, detail in aside:
            table.add_row(
                str(item.id), reason, escape(item.source), escape(item.title), escape(detail)
            )
        err().print(table)
        return
    with Store(settings.path(settings.database)) as store:
        info = store.run_info(run_id)
        if info is None:
            raise NothingToDo(
                f"no run {run_id} in the store" if run_id is not None else "no runs yet"
            )
        outcomes = store.run_outcomes(info["id"])
        usage = store.run_usage(info["id"])
        flagged = store.flagged_stories(info["id"])
        delivered = store.deliveries(run_id=info["id"])
        ran = store.scheduled(5)
        drafts = store.drafts()
    upcoming = _upcoming(settings, obj)
    if info["status"] == "running" and (info["pid"] is None or not pid_alive(info["pid"])):
        info["status"] = "interrupted"  # its process is gone: killed, or out of memory
    if as_json:
        info["sources"] = [dataclasses.asdict(o) for o in outcomes]
        info["model"] = dataclasses.asdict(usage) if usage else None
        info["flagged"] = [{"story": s, "day": d, "kinds": k.split(",")} for s, d, k in flagged]
        info["deliveries"] = delivered
        info["schedule"] = {
            "next": [{"kind": k, "at": a} for k, a in upcoming],
            "last": [
                {"kind": k, "key": key, "at": a, "status": st, "finished": f}
                for k, key, a, st, f in ran
            ],
        }
        info["drafts"] = [
            {"key": d.post.key, "style": d.post.style, "lang": d.post.lang, "path": str(d.path)}
            for d in drafts
        ]
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    say(
        f"run {info['id']} ({escape(info['command'])}), started {info['started']}, {info['status']}"
    )
    table = Table("source", "status", "fault", "items", "new", "bytes", "ms", "retries", "reason")
    for o in outcomes:
        table.add_row(
            escape(o.source),
            o.status,
            o.fault,
            str(o.items),
            str(o.new_items),
            str(o.bytes),
            str(o.elapsed_ms),
            f"{o.retries} ({o.waited_ms} ms)" if o.retries else "",
            escape(o.reason),
        )
    if outcomes:
        err().print(table)
    if usage is not None:
        say(_usage_line(usage))
    if flagged:
        say(
            f"{len(flagged)} stories carried text that tries to instruct a model: "
            + ", ".join(f"{s} ({d}: {k})" for s, d, k in flagged)
        )
    for kind, when in upcoming:
        say(f"next scheduled {kind}: {when}")
    for kind, key, _, status, finished in ran:
        say(f"scheduled {kind} {key}: {escape(status)} (finished {finished})")
    for draft in drafts:
        post = draft.post
        say(
            f"awaiting approval: {post.key} {post.style} ({post.lang}), "
            f"`newsdesk approve --{'week' if post.kind == 'weekly' else 'date'} {post.key}`",
            markup=False,
        )
    if delivered:
        sent = Table("channel", "post", "status", "time", "parts", "attempts", "ids", "answer")
        for d in delivered:
            ids = ", ".join(d["message_ids"])
            sent.add_row(
                escape(d["channel"]),
                escape(f"{d['key']} {d['style']} ({d['lang']})"),
                d["status"],
                escape(d["last"]),
                str(d["parts"]),
                str(d["attempts"]),
                escape(ids if len(ids) <= 60 else ids[:59] + "…"),
                escape(d["answer"][:80]),
            )
        err().print(sent)
    for warning in info["warnings"]:
        say(f"warning: {escape(warning)}")


@main.command()
@click.option("--json", "as_json_", is_flag=True, help="Print the checks as JSON on stdout.")
@click.pass_obj
@_guard
def doctor(obj: Context, as_json_: bool) -> None:
    """Check the configuration, the database and the model endpoint; say what to fix."""
    from rich.table import Table

    from newsdesk.doctor import as_json, diagnose

    settings = obj.settings(required=False)
    checks = diagnose(settings)
    if as_json_:
        click.echo(as_json(checks))
    else:
        colours = {"ok": "green", "warn": "yellow", "fail": "red", "skip": "cyan"}
        table = Table("check", "status", "detail")
        for check in checks:
            colour = colours[check.status]
            table.add_row(check.name, f"[{colour}]{check.status}[/]", escape(check.detail))
        err().print(table)
    if any(check.status == "fail" for check in checks):
        sys.exit(1)
