"""What a newcomer or a cron job meets when things go wrong: one clear line and the
documented exit code, never a traceback, and never a lost store."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.store import Store
from tests.conftest import LocalServer, Route, demo_site, write_config
from tests.helpers import invoke


def clean(code: int, stderr: str, expected: int, *phrases: str) -> None:
    """Exit `expected`, each phrase on stderr, one error line, no traceback."""
    assert code == expected, stderr
    assert "Traceback" not in stderr and 'File "' not in stderr, stderr
    for phrase in phrases:
        assert phrase in stderr, stderr


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write to: permissions for a user; for root (CI), whom
    permissions do not stop, a read-only file system mounted there."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only folder here: {mounted.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_read_only_folder_is_one_clear_line_for_every_command(
    read_only: Path, tmp_path: Path
) -> None:
    code, _, stderr = invoke("demo", "--out", read_only / "demo")
    clean(code, stderr, 1, str(read_only / "demo"), "Read-only file system")
    code, _, stderr = invoke("init", read_only)
    clean(code, stderr, 1, "newsdesk.toml", "Read-only file system")
    config = write_config(tmp_path, '[[sources]]\nname = "A"\nurl = "https://a.test/feed"\n')
    code, _, stderr = invoke(
        "--config", config, "sources", "export-opml", "--out", read_only / "feeds.opml"
    )
    clean(code, stderr, 1, "feeds.opml", "Read-only file system")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline type="rss" text="B" xmlUrl="https://b.test/feed"/></body></opml>',
        encoding="utf-8",
    )
    os.chdir(read_only)
    try:
        code, _, stderr = invoke("sources", "import-opml", opml)
    finally:
        os.chdir(tmp_path)
    clean(code, stderr, 1, "newsdesk.toml", "Read-only file system")


def test_init_force_over_a_folder_named_newsdesk_toml(tmp_path: Path) -> None:
    (tmp_path / "newsdesk.toml").mkdir()
    code, _, stderr = invoke("init", tmp_path, "--force")
    clean(code, stderr, 2, "is a folder")


@pytest.mark.parametrize(
    ("template", "phrase"),
    [
        ("{% for x in %}\n", "line 1"),
        ("# Daily\n\n{{ no_such_value.here }}\n", "line 3"),
    ],
)
def test_a_broken_user_template_names_its_file_and_line(
    tmp_path: Path, template: str, phrase: str
) -> None:
    demo_site(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "daily-brief.zh.md.j2").write_text(template, encoding="utf-8")
    code, _, stderr = invoke(
        "--config", tmp_path / "newsdesk.toml", "daily", "--date", "2026-11-10"
    )
    clean(code, stderr, 2, "daily-brief.zh.md.j2", phrase)


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (("daily", "--date", "0001-01-01"), "out of range"),
        (("daily", "--date", "9999-12-31"), "out of range"),
        (("daily", "--date", "2026-02-30"), "no such day: 2026-02-30"),
        (("daily", "--date", "tomorrow"), "YYYY-MM-DD"),
        (("weekly", "--week", "9999-W52"), "out of range"),
        (("weekly", "--week", "0001-W01"), "out of range"),
    ],
)
def test_days_and_weeks_out_of_range(tmp_path: Path, args: tuple[str, ...], phrase: str) -> None:
    demo_site(tmp_path)
    code, _, stderr = invoke("--config", tmp_path / "newsdesk.toml", *args)
    clean(code, stderr, 2, phrase)


def test_a_full_disk_keeps_what_was_stored(
    tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = "".join(
        f"<item><title>Story {n} {'x' * 400}</title><link>https://n.test/{n}</link>"
        f"<description>{'word ' * 300}</description></item>"
        for n in range(300)
    )
    server.routes["/big"] = Route(f'<rss version="2.0"><channel>{items}</channel></rss>'.encode())
    config = write_config(
        tmp_path,
        f'database = "news.db"\n[[sources]]\nname = "Big"\nurl = "{server.url("/big")}"\n',
    )
    with Store(tmp_path / "news.db") as store:  # an earlier run's item, to be kept
        store.start_run("collect", __import__("tests.helpers").helpers.NOW)
    opened = Store.__init__

    def small_disk(self: Store, path: Path) -> None:
        opened(self, path)
        (pages,) = self.db.execute("PRAGMA page_count").fetchone()
        self.db.execute(f"PRAGMA max_page_count = {pages + 8}")

    monkeypatch.setattr(Store, "__init__", small_disk)
    code, _, stderr = invoke("--config", config, "collect")
    clean(code, stderr, 1, "the disk is full", "everything stored before")
    monkeypatch.undo()
    with sqlite3.connect(tmp_path / "news.db") as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] >= 1


def test_every_source_failing_is_said_once_each_and_exits_1(
    tmp_path: Path, server: LocalServer
) -> None:
    server.routes["/a"] = Route(b"", 500)
    server.routes["/b"] = Route(b"", 404)
    config = write_config(
        tmp_path,
        'database = "news.db"\n[fetch]\nretries = 0\n'
        f'[[sources]]\nname = "Alpha"\nurl = "{server.url("/a")}"\n'
        f'[[sources]]\nname = "Beta"\nurl = "{server.url("/b")}"\n',
    )
    for command in ("collect", "daily"):
        code, stdout, stderr = invoke("--config", config, command)
        clean(code, stderr, 1, "all 2 sources failed")
        assert stdout == ""
        assert stderr.count("Alpha") == 1 and stderr.count("Beta") == 1, stderr
        assert "no items are stored" not in stderr


def test_daily_without_a_config_suggests_init(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    for command in ("daily", "collect", "weekly", "report", "sources"):
        code, _, stderr = invoke(command, *(["list"] if command == "sources" else []))
        clean(code, stderr, 2, "no newsdesk.toml found", "newsdesk init")
    assert list(tmp_path.iterdir()) == []  # no newsdesk.db left behind


def test_the_demo_never_replaces_a_real_store(tmp_path: Path) -> None:
    real = tmp_path / "desk"
    real.mkdir()
    with Store(real / "newsdesk.db") as store:
        store.start_run("collect", __import__("tests.helpers").helpers.NOW)
    code, stdout, stderr = invoke("demo", "--out", real)
    clean(code, stderr, 2, str(real / "newsdesk.db"), "--force")
    assert stdout == "" and sorted(p.name for p in real.iterdir()) == ["newsdesk.db"]
    with sqlite3.connect(real / "newsdesk.db") as conn:
        assert conn.execute("SELECT command FROM runs").fetchall() == [("collect",)]
    # A folder with other files is refused too; an empty one, or an earlier demo, is fine.
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.md").write_text("mine", encoding="utf-8")
    code, _, stderr = invoke("demo", "--out", tmp_path / "notes", "--lang", "en")
    clean(code, stderr, 2, "is not empty", "todo.md", "--force")
    demo = tmp_path / "demo"
    assert invoke("demo", "--out", demo, "--lang", "en")[0] == 0
    code, stdout, stderr = invoke("demo", "--out", demo, "--lang", "en")
    assert code == 0, stderr
    # --force writes there anyway.
    code, _, stderr = invoke("demo", "--out", real, "--lang", "en", "--force")
    assert code == 0, stderr
