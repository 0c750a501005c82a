"""The command line: one short function per command; the only place that prints or exits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.table import Table

from newsdesk import __version__, publish
from newsdesk.config import Settings, load_settings
from newsdesk.demo import demo_settings, fresh_store_path
from newsdesk.errors import NewsdeskError, NothingToDo
from newsdesk.models import RunReport, SourceOutcome
from newsdesk.pipeline import (
    DailyRequest,
    finish_run,
    prepare_days,
    run_collect,
    sample_days,
    start_run,
    write_day,
)
from newsdesk.store import Store
from newsdesk.write import STYLES

err = Console(stderr=True)
FORMATS = click.Choice(sorted(publish.registry))
LANGS = click.Choice(["zh", "en"])


class Context:
    def __init__(self, config: Path | None) -> None:
        self.config = config

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
    ctx.obj = Context(config)


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


def _show_outcome(outcome: SourceOutcome) -> None:
    colour = {"ok": "green", "empty": "yellow", "not_modified": "cyan", "error": "red"}.get(
        outcome.status, "white"
    )
    detail = f" — {escape(outcome.reason)}" if outcome.reason else ""
    err.print(
        f"[{colour}]{outcome.status:>5}[/] {escape(outcome.source)}: {outcome.items} items, "
        f"{outcome.new_items} new{detail}",
        highlight=False,
        soft_wrap=True,
    )


def _collect(settings: Settings, store: Store, report: RunReport) -> list[SourceOutcome]:
    outcomes = run_collect(settings, store, report, now=_now(), progress=_show_outcome)
    failed = [o for o in outcomes if o.status == "error"]
    err.print(
        f"collected from {len(outcomes) - len(failed)}/{len(outcomes)} sources", highlight=False
    )
    return outcomes


@main.command()
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("newsdesk-demo"), show_default=True
)
@click.option("--format", "fmt", type=FORMATS, help="Site generator format (default: site.format).")
@click.option("--lang", type=LANGS, multiple=True, help="Digest language(s); default zh and en.")
@click.pass_obj
@_guard
def demo(obj: Context, out: Path, fmt: str | None, lang: tuple[str, ...]) -> None:
    """Collect the bundled sample week offline and write a digest for each day."""
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    fresh_store_path(out)
    settings = demo_settings(obj.settings(), out, fmt=fmt)
    with _run(settings, "demo") as (store, report):
        outcomes = _collect(settings, store, report)
        prepared = prepare_days(settings, store, sample_days(store, settings))
        for day, stories in prepared.items():
            for language in lang or ("zh", "en"):
                request = DailyRequest(day, "daily-brief", language, settings.site.format, out)
                path = write_day(
                    settings,
                    store,
                    request,
                    report=report,
                    outcomes=outcomes,
                    now=_now(),
                    stories=stories,
                )
                click.echo(path)


@main.command("collect")
@click.pass_obj
@_guard
def collect_command(obj: Context) -> None:
    """Fetch every enabled source and store new items."""
    settings = obj.settings()
    with _run(settings, "collect") as (store, report):
        _collect(settings, store, report)


@main.command()
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Day to write (default: today)."
)
@click.option(
    "--style", type=click.Choice(sorted(STYLES)), default="daily-brief", show_default=True
)
@click.option("--format", "fmt", type=FORMATS, help="Site generator format (default: site.format).")
@click.option("--lang", type=LANGS, help="Digest language (default: language).")
@click.option("--out", type=click.Path(path_type=Path), help="Site folder (default: site.out).")
@click.option("--no-collect", is_flag=True, help="Use stored items only; fetch nothing.")
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
) -> None:
    """Write the daily digest for one day."""
    settings = obj.settings()
    target = day.date() if day else _now().astimezone(settings.tz).date()
    request = DailyRequest(
        target,
        style,
        lang or settings.language,
        fmt or settings.site.format,
        out or settings.path(settings.site.out),
    )
    with _run(settings, "daily") as (store, report):
        if no_collect:
            outcomes = store.last_collect_outcomes(_now())
        else:
            outcomes = _collect(settings, store, report)
        click.echo(
            write_day(settings, store, request, report=report, outcomes=outcomes, now=_now())
        )


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
    if as_json:
        info["sources"] = [dataclasses.asdict(o) for o in outcomes]
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
    err.print(table)
    for warning in info["warnings"]:
        err.print(f"warning: {escape(warning)}", highlight=False)
