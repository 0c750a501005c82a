"""Source health: history, paused dead sources, stale sources, `newsdesk sources check`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from newsdesk.collect import collect
from newsdesk.config import Settings, load_settings
from newsdesk.health import assess
from newsdesk.http import HttpClient
from newsdesk.models import RunReport, SourceOutcome
from newsdesk.store import Store, to_db_time
from tests.conftest import LocalServer, Route, write_config
from tests.helpers import invoke
from tests.test_collect import NOW, settings_for
from tests.test_fetch import FEED


def collect_at(settings: Settings, now: dt.datetime, **options: bool) -> RunReport:
    with Store(settings.path(settings.database)) as store:
        report = RunReport(id=store.start_run("test", now), command="test", started=now)
        with HttpClient(settings.fetch) as client:
            collect(settings, store, client=client, report=report, now=now, **options)
        return report


def test_a_source_failing_run_after_run_is_paused_and_retried_daily(
    tmp_path: Path, server: LocalServer
) -> None:
    server.routes["/ok"] = Route(FEED)
    server.routes["/gone"] = Route(b"", 404)
    sources = [
        {"name": "Ok", "url": server.url("/ok")},
        {"name": "Gone", "url": server.url("/gone")},
    ]
    settings = settings_for(tmp_path, sources, dead_after=3, dead_retry_hours=24)
    for hour in range(3):
        report = collect_at(settings, NOW + dt.timedelta(hours=hour))
        assert report.outcomes[1].status == "error"
    assert server.hits.count("/gone") == 3
    # The fourth run does not fetch it; it says why, and the run carries a warning.
    report = collect_at(settings, NOW + dt.timedelta(hours=3))
    ok, gone = report.outcomes
    assert ok.status == "ok" and server.hits.count("/gone") == 3
    assert (gone.status, gone.fault) == ("skipped", "dead")
    assert "failed 3 runs in a row (last: HTTP 404 Not Found)" in gone.reason
    assert any("Gone is paused" in w for w in report.warnings)
    # A day after its last attempt it is tried once more; having recovered, it is read.
    server.routes["/gone"] = Route(FEED.replace(b"n.example/1", b"n.example/back"))
    report = collect_at(settings, NOW + dt.timedelta(hours=2 + 24))
    assert report.outcomes[1].status == "ok" and server.hits.count("/gone") == 4
    with Store(settings.path(settings.database)) as store:
        history = store.source_history("Gone")
    health = assess(settings, settings.sources[1], history, NOW, NOW + dt.timedelta(days=1))
    assert health.state == "ok" and health.failures_in_a_row == 0
    assert [o.status for _, o in history] == ["ok", "skipped", "error", "error", "error"]


def test_retry_dead_reads_a_paused_source_at_once(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/gone"] = Route(b"", 500)
    settings = settings_for(
        tmp_path, [{"name": "Gone", "url": server.url("/gone")}], dead_after=1, retries=0
    )
    collect_at(settings, NOW)
    assert collect_at(settings, NOW).outcomes[0].status == "skipped"
    assert collect_at(settings, NOW, retry_dead=True).outcomes[0].status == "error"
    assert server.hits.count("/gone") == 2


def test_a_paused_source_whose_url_is_corrected_is_read_at_once(
    tmp_path: Path, server: LocalServer
) -> None:
    server.routes["/moved"] = Route(FEED)
    config = tmp_path / "newsdesk.toml"

    def configured(path: str) -> Settings:
        write_config(
            tmp_path,
            'database = "t.db"\n[fetch]\ndead_after = 2\nretries = 0\n'
            f'[[sources]]\nname = "Lab"\nurl = "{server.url(path)}"\ncurated = true\n',
        )
        return load_settings(config)

    settings = configured("/old")
    for hour in range(2):
        assert collect_at(settings, NOW + dt.timedelta(hours=hour)).outcomes[0].status == "error"
    (paused,) = collect_at(settings, NOW + dt.timedelta(hours=2)).outcomes
    assert (paused.status, paused.fault) == ("skipped", "dead")
    # The user puts the feed's new address in the config: the next run reads it.
    settings = configured("/moved")
    (read,) = collect_at(settings, NOW + dt.timedelta(hours=3)).outcomes
    assert (read.status, read.items) == ("ok", 1) and server.hits.count("/moved") == 1
    with Store(settings.path(settings.database)) as store:
        history = store.source_history("Lab")
    health = assess(settings, settings.sources[0], history, NOW, NOW + dt.timedelta(hours=3))
    assert health.state == "ok" and [o.status for _, o in history] == ["ok"]
    # The same address again is no change: its failures count from the new address on.
    server.routes["/moved"] = Route(b"", 500)
    statuses = [
        collect_at(settings, NOW + dt.timedelta(hours=hour)).outcomes[0].status
        for hour in (4, 5, 6)
    ]
    assert statuses == ["error", "error", "skipped"]


def test_a_changed_url_drops_the_old_address_validators(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        store.sync_sources([("S", "https://a.example/f", "feed", 1.0)], now=NOW)
        store.set_validators("S", '"v1"', None)
        store.sync_sources([("S", "https://a.example/f", "feed", 2.0)], now=NOW)
        assert store.validators() == {"S": ('"v1"', None)}
        store.sync_sources([("S", "https://b.example/f", "feed", 2.0)], now=NOW)
        assert store.validators() == {}


def outcome(status: str, new: int = 0) -> SourceOutcome:
    return SourceOutcome("S", status, "HTTP 500" if status == "error" else "", 3, new, 100, 40)  # type: ignore[arg-type]


def test_health_states(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, [{"name": "S", "url": "https://s.example/f"}], dead_after=3)
    source = settings.sources[0]
    days = [to_db_time(NOW - dt.timedelta(days=n)) for n in range(30)]
    fresh = NOW - dt.timedelta(days=1)

    def state(statuses: list[str], newest: dt.datetime | None) -> str:
        history = [(days[n], outcome(s)) for n, s in enumerate(statuses)]
        return assess(settings, source, history, newest, NOW).state

    assert state([], None) == "new"
    assert state(["ok", "error"], fresh) == "ok"
    assert state(["error", "ok"], fresh) == "failing"
    assert state(["error", "skipped", "error", "error", "ok"], fresh) == "dead"
    # Read fine for three weeks, but nothing newer than a month: stale.
    assert state(["not_modified"] * 21, NOW - dt.timedelta(days=30)) == "stale"
    assert state(["ok"], None) == "stale"  # read fine, but never an item
    health = assess(
        settings, source, [(days[0], outcome("error")), (days[1], outcome("ok", 2))], fresh, NOW
    )
    assert health.failures_in_a_row == 1 and health.new_items == 2 and health.mean_ms == 40
    assert health.last_success is not None and health.last_success < NOW
    assert health.problem == "HTTP 500"


def ok_and_gone(tmp_path: Path, server: LocalServer, dead_after: int) -> str:
    """A config with a working feed "Ok" and a feed "Gone" that answers 404."""
    server.routes["/ok"] = Route(FEED)
    server.routes["/gone"] = Route(b"", 404)
    config = write_config(
        tmp_path,
        f'database = "news.db"\n[site]\nout = "site"\n[fetch]\ndead_after = {dead_after}\n'
        f'[[sources]]\nname = "Ok"\nurl = "{server.url("/ok")}"\ncurated = true\n'
        f'[[sources]]\nname = "Gone"\nurl = "{server.url("/gone")}"\ncurated = true\n',
    )
    return str(config)


def test_sources_check_probes_every_source_and_flags_problems(
    tmp_path: Path, server: LocalServer
) -> None:
    config = ok_and_gone(tmp_path, server, dead_after=2)
    for _ in range(2):
        code, _, _ = invoke("--config", config, "collect")
    assert server.hits.count("/gone") == 2
    code, _, stderr = invoke("--config", config, "collect")
    assert code == 0 and server.hits.count("/gone") == 2
    assert "skipped Gone: 0 items, 0 new — failed 2 runs in a row" in stderr
    # `sources check` reads it even so, shows it dead with the reason, and exits 1 (a
    # cron job notices); without a terminal, one line per source, never squeezed.
    code, _, stderr = invoke("--config", config, "sources", "check")
    assert code == 1 and server.hits.count("/gone") == 3
    assert "2 sources: 1 ok, 1 dead" in stderr
    gone = next(line for line in stderr.splitlines() if " Gone " in line)
    assert gone.startswith("dead") and "problem: failed 3 runs in a row: HTTP 404" in gone
    assert "…" not in stderr
    code, stdout, _ = invoke("--config", config, "sources", "check", "--no-fetch", "--json")
    assert code == 1 and server.hits.count("/gone") == 3
    health = {h["source"]: h for h in json.loads(stdout)}
    assert health["Ok"]["state"] == "ok" and health["Ok"]["last"]["status"] in {
        "ok",
        "not_modified",
    }
    assert health["Gone"]["state"] == "dead" and health["Gone"]["failures_in_a_row"] == 3
    assert health["Gone"]["problem"].startswith("failed 3 runs in a row: HTTP 404")


def test_a_paused_source_is_named_in_the_digest_note(tmp_path: Path, server: LocalServer) -> None:
    config = ok_and_gone(tmp_path, server, dead_after=1)
    invoke("--config", config, "collect")
    code, stdout, stderr = invoke(
        "--config", config, "daily", "--date", "2026-11-10", "--lang", "en"
    )
    assert code == 0, stderr
    text = Path(stdout.strip()).read_text(encoding="utf-8")
    assert "Gone (paused after failing run after run)" in text
    code, stdout, _ = invoke("--config", config, "daily", "--date", "2026-11-10", "--no-collect")
    assert "Gone（连续多次失败，已暂停）" in Path(stdout.strip()).read_text(encoding="utf-8")
