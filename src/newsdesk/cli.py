"""The command line: one short function per command; the only place that prints or exits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from newsdesk import __version__, publish
from newsdesk.analyze import analyst_for
from newsdesk.config import CONFIG_NAME, Settings, find_config, load_settings
from newsdesk.demo import demo_settings, fresh_store_path
from newsdesk.doctor import as_json, diagnose
from newsdesk.errors import ConfigError, NewsdeskError, NothingToDo
from newsdesk.health import Health, all_health
from newsdesk.http import HttpClient
from newsdesk.models import ModelUsage, RunReport, SourceOutcome
from newsdesk.opml import append_sources, new_sources, read_opml, write_opml
from newsdesk.pipeline import (
    DailyRequest,
    WeeklyRequest,
    finish_run,
    prepare_days,
    run_collect,
    sample_days,
    start_run,
    write_day,
    write_week,
)
from newsdesk.store import Store
from newsdesk.week import parse_week, week_of
from newsdesk.write import (
    DAILY_STYLES,
    LANGUAGES,
    STYLE_LIST,
    STYLES,
    WEEKLY_STYLES,
    template_origin,
)

err = Console(stderr=True)
FORMATS = click.Choice(sorted(publish.registry))
LANGS = click.Choice(["zh", "en"])


class Context:
    def __init__(self, config: Path | None, verbose: int = 0) -> None:
        self.config = config
        self.verbose = verbose

    def settings(self) -> Settings:
        return load_settings(self.config)


@click.group()
@click.version_option(__version__, prog_name="newsdesk")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Path to newsdesk.toml.")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, config: Path | None, verbose: int) -> None:
    """newsdesk: analysed daily AI-news digests for static sites."""
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(
        level=level, format="%(message)s", handlers=[RichHandler(console=err, show_path=False)]
    )
    ctx.obj = Context(config, verbose)


def _guard(func: Callable[..., None]) -> Callable[..., None]:
    """Turn NewsdeskError into a message on stderr and its exit code."""

    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except NewsdeskError as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            sys.exit(exc.exit_code)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@contextmanager
def _run(settings: Settings, command: str) -> Iterator[tuple[Store, RunReport]]:
    with Store(settings.path(settings.database)) as store:
        report = start_run(store, command, _now())
        ok = False
        try:
            yield store, report
            ok = True
        finally:
            finish_run(store, report, now=_now(), ok=ok)
            _summary(report)


def _summary(report: RunReport) -> None:
    """The model's cost and the warnings the collect display has not shown."""
    if report.usage is not None:
        err.print(_usage_line(report.usage), highlight=False, soft_wrap=True)
    for warning in report.warnings:
        if not warning.startswith("source "):
            err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)


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
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> CollectDisplay:
        if err.is_terminal and self.total:
            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
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
            err.print(_outcome_line(outcome), highlight=False, soft_wrap=True)


def _collect(
    settings: Settings, store: Store, report: RunReport, *, verbose: int, retry_dead: bool = False
) -> list[SourceOutcome]:
    total = sum(1 for s in settings.sources if s.enabled)
    with CollectDisplay(total, verbose) as display:
        outcomes = run_collect(
            settings, store, report, now=_now(), progress=display, retry_dead=retry_dead
        )
    read = [o for o in outcomes if o.status not in {"error", "skipped"}]
    new = sum(o.new_items for o in outcomes)
    kilobytes = sum(o.bytes for o in outcomes) / 1000
    err.print(
        f"collected from {len(read)}/{len(outcomes)} sources: {new} new items, {kilobytes:,.0f} kB",
        highlight=False,
    )
    return outcomes


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
@click.pass_obj
@_guard
def demo(
    obj: Context,
    out: Path,
    fmt: str | None,
    lang: tuple[str, ...],
    styles: tuple[str, ...],
    use_model: bool,
) -> None:
    """Collect the bundled sample week offline and write a digest for each day."""
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    fresh_store_path(out)
    settings = demo_settings(obj.settings(), out, fmt=fmt)
    with (
        _run(settings, "demo") as (store, report),
        analyst_for(settings, store=store, report=report, offline=not use_model) as analyst,
    ):
        outcomes = _collect(settings, store, report, verbose=obj.verbose)
        prepared = prepare_days(settings, store, sample_days(store, settings))
        chosen = styles or ("daily-brief", "weekly-axes")
        for day, stories in prepared.items():
            for style in (s for s in chosen if s in DAILY_STYLES):
                for language in lang or LANGUAGES:
                    request = DailyRequest(day, style, language, settings.site.format, out)
                    path = write_day(
                        settings,
                        store,
                        request,
                        report=report,
                        outcomes=outcomes,
                        now=_now(),
                        stories=stories,
                        analyst=analyst,
                    )
                    click.echo(path)
        for week in sorted({week_of(day) for day in prepared}):
            for style in (s for s in chosen if s in WEEKLY_STYLES):
                for language in lang or LANGUAGES:
                    weekly = WeeklyRequest(week, style, language, settings.site.format, out)
                    for path in write_week(
                        settings, store, weekly, report=report, now=_now(), analyst=analyst
                    ):
                        click.echo(path)


@main.command("collect")
@click.pass_obj
@_guard
def collect_command(obj: Context) -> None:
    """Fetch every enabled source and store new items."""
    settings = obj.settings()
    with _run(settings, "collect") as (store, report):
        _collect(settings, store, report, verbose=obj.verbose)


@main.command()
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day to write (default: today)."
)
@click.option("--style", type=click.Choice(DAILY_STYLES), default="daily-brief", show_default=True)
@click.option("--format", "fmt", type=FORMATS, help="Site generator format (default: site.format).")
@click.option("--lang", type=LANGS, help="Digest language (default: language).")
@click.option("--out", type=click.Path(path_type=Path), help="Site folder (default: site.out).")
@click.option(
    "--no-collect", is_flag=True, help="Use stored items and cached full text only; fetch nothing."
)
@click.option("--offline", is_flag=True, help="Use the offline analyst even if [llm] is set.")
@click.pass_obj
@_guard
def daily(
    obj: Context,
    day: dt.datetime | None,
    style: str,
    fmt: str | None,
    lang: str | None,
    out: Path | None,
    no_collect: bool,
    offline: bool,
) -> None:
    """Write the daily digest for one day."""
    settings = obj.settings()
    target = day.date() if day else _now().astimezone(settings.tz).date()
    request = DailyRequest(target, style, *_where(settings, lang, fmt, out))
    with (
        _run(settings, "daily") as (store, report),
        HttpClient(settings.fetch) as client,
        analyst_for(settings, store=store, report=report, offline=offline) as analyst,
    ):
        if no_collect:
            outcomes = store.last_collect_outcomes(_now())
        else:
            outcomes = _collect(settings, store, report, verbose=obj.verbose)
        path = write_day(
            settings,
            store,
            request,
            report=report,
            outcomes=outcomes,
            now=_now(),
            client=None if no_collect else client,
            analyst=analyst,
        )
        click.echo(path)


def _where(
    settings: Settings, lang: str | None, fmt: str | None, out: Path | None
) -> tuple[str, str, Path]:
    """Language, site format and site folder: the options given, else the configuration's."""
    return (
        lang or settings.language,
        fmt or settings.site.format,
        out or settings.path(settings.site.out),
    )


@main.command()
@click.option("--week", help="ISO week, e.g. 2026-W06 (default: this week).")
@click.option("--style", type=click.Choice(WEEKLY_STYLES), default="weekly-axes", show_default=True)
@click.option("--format", "fmt", type=FORMATS, help="Site generator format (default: site.format).")
@click.option("--lang", type=LANGS, help="Post language (default: language).")
@click.option("--out", type=click.Path(path_type=Path), help="Site folder (default: site.out).")
@click.option("--offline", is_flag=True, help="Use the offline analyst even if [llm] is set.")
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
) -> None:
    """Write the raw weekly list and a weekly post from the stored week."""
    settings = obj.settings()
    label = parse_week(week) if week else week_of(_now().astimezone(settings.tz).date())
    request = WeeklyRequest(label, style, *_where(settings, lang, fmt, out))
    with (
        _run(settings, "weekly") as (store, report),
        analyst_for(settings, store=store, report=report, offline=offline) as analyst,
    ):
        for path in write_week(
            settings, store, request, report=report, now=_now(), analyst=analyst
        ):
            click.echo(path)


@main.command()
@click.pass_obj
@_guard
def styles(obj: Context) -> None:
    """List the post styles, their reference post and where each template comes from."""
    settings = obj.settings()
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
    err.print(table)


@sources.command("check")
@click.option("--no-fetch", is_flag=True, help="Show the stored history only; fetch nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the health as JSON on stdout.")
@click.pass_obj
@_guard
def sources_check(obj: Context, no_fetch: bool, as_json: bool) -> None:
    """Read every enabled source now (paused ones too) and show each one's health."""
    settings = obj.settings()
    if not no_fetch:
        with _run(settings, "check") as (store, report):
            _collect(settings, store, report, verbose=obj.verbose, retry_dead=True)
    with Store(settings.path(settings.database)) as store:
        healths = all_health(settings, store, _now())
    if as_json:
        click.echo(json.dumps([_health_json(h) for h in healths], ensure_ascii=False, indent=2))
        return
    table = Table(
        "source", "kind", "health", "last", "items", "kB", "new (20 runs)", "ms", "fails",
        "last ok", "newest item", "problem",
    )  # fmt: skip
    colours = {"ok": "green", "new": "cyan", "failing": "yellow", "dead": "red", "stale": "yellow"}
    for h in healths:
        table.add_row(
            escape(h.source),
            h.kind,
            f"[{colours.get(h.state, 'white')}]{h.state}[/]",
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
    err.print(table)
    counts = Counter(h.state for h in healths)
    err.print(
        f"{len(healths)} sources: " + ", ".join(f"{n} {state}" for state, n in counts.items()),
        highlight=False,
    )


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if moment else ""


def _health_json(health: Health) -> dict[str, Any]:
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
    config = find_config(obj.config) or Path.cwd() / CONFIG_NAME
    settings = obj.settings()
    feeds = read_opml(file.read_bytes(), str(file))
    tables, already = new_sources(feeds, settings.sources)
    if not dry_run and tables:
        before = config.read_text(encoding="utf-8") if config.exists() else None
        append_sources(config, tables, file.name)
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
    err.print(
        f"{len(feeds)} feeds in {escape(file.name)}: {len(tables)} {verb} {escape(str(config))}, "
        f"{already} already configured",
        highlight=False,
        soft_wrap=True,
    )
    for table in tables[:20]:
        err.print(
            f"  {escape(str(table['name']))}  {escape(str(table['url']))}",
            highlight=False,
            soft_wrap=True,
        )
    if len(tables) > 20:
        err.print(f"  … and {len(tables) - 20} more", highlight=False)
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
    settings = obj.settings()
    feeds = [s for s in settings.sources if s.kind == "feed"]
    document = write_opml(feeds)
    if out is None:
        click.echo(document.decode("utf-8"), nl=False)
    else:
        out.write_bytes(document)
        click.echo(out)
    others = len(settings.sources) - len(feeds)
    note = f" ({others} sources of other kinds have no OPML form)" if others else ""
    err.print(f"{len(feeds)} feeds exported{note}", highlight=False)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--force", is_flag=True, help="Overwrite an existing newsdesk.toml.")
@_guard
def init(directory: Path, force: bool) -> None:
    """Write a commented newsdesk.toml with a curated list of AI-news sources."""
    target = directory / CONFIG_NAME
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists; edit it, or pass --force to replace it")
    directory.mkdir(parents=True, exist_ok=True)
    text = resources.files("newsdesk").joinpath("data/init.toml").read_text(encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    settings = load_settings(target)
    err.print(
        f"wrote {escape(str(target))} with {len(settings.sources)} sources. Next:\n"
        f"  cd {escape(str(directory))}\n"
        "  newsdesk sources check    # read each source once, flag any that fail\n"
        "  newsdesk daily            # collect and write today's digest",
        highlight=False,
    )
    click.echo(target)


@main.command()
@click.option("--run", "run_id", type=int, help="Run number (default: the latest run).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.pass_obj
@_guard
def report(obj: Context, run_id: int | None, as_json: bool) -> None:
    """Show what a run did, source by source."""
    settings = obj.settings()
    with Store(settings.path(settings.database)) as store:
        info = store.run_info(run_id)
        if info is None:
            raise NothingToDo(
                f"no run {run_id} in the store" if run_id is not None else "no runs yet"
            )
        outcomes = store.run_outcomes(info["id"])
        usage = store.run_usage(info["id"])
        flagged = store.flagged_stories(info["id"])
    if as_json:
        info["sources"] = [dataclasses.asdict(o) for o in outcomes]
        info["model"] = dataclasses.asdict(usage) if usage else None
        info["flagged"] = [{"story": s, "day": d, "kinds": k.split(",")} for s, d, k in flagged]
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    err.print(
        f"run {info['id']} ({escape(info['command'])}), started {info['started']}, "
        f"{info['status']}",
        highlight=False,
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
        err.print(table)
    if usage is not None:
        err.print(_usage_line(usage), highlight=False, soft_wrap=True)
    if flagged:
        err.print(
            f"{len(flagged)} stories carried text that tries to instruct a model: "
            + ", ".join(f"{s} ({d}: {k})" for s, d, k in flagged),
            highlight=False,
            soft_wrap=True,
        )
    for warning in info["warnings"]:
        err.print(f"warning: {escape(warning)}", highlight=False, soft_wrap=True)


@main.command()
@click.option("--json", "as_json_", is_flag=True, help="Print the checks as JSON on stdout.")
@click.pass_obj
@_guard
def doctor(obj: Context, as_json_: bool) -> None:
    """Check the configuration, the database and the model endpoint; say what to fix."""
    settings = obj.settings()
    checks = diagnose(settings)
    if as_json_:
        click.echo(as_json(checks))
    else:
        colours = {"ok": "green", "warn": "yellow", "fail": "red", "skip": "cyan"}
        table = Table("check", "status", "detail")
        for check in checks:
            colour = colours[check.status]
            table.add_row(check.name, f"[{colour}]{check.status}[/]", escape(check.detail))
        err.print(table)
    if any(check.status == "fail" for check in checks):
        sys.exit(1)
