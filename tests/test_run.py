"""A run as cron or a person at a terminal meets it: Ctrl-C, SIGTERM, kill -9, two
processes on one new database, a database held by another run."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.store import Store
from tests.conftest import LocalServer, Route, write_config
from tests.helpers import NOW, invoke

ITEMS = 40


def feed(path: str) -> bytes:
    items = "".join(
        f"<item><title>Model update {n} from {path}</title><link>https://n.example{path}/{n}"
        "</link><pubDate>Mon, 16 Nov 2026 08:00:00 GMT</pubDate>"
        "<description>A model and its benchmark results.</description></item>"
        for n in range(ITEMS)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


@pytest.fixture
def slow_desk(tmp_path: Path, server: LocalServer) -> Path:
    """70 sources, so parse workers start with the first one; every fifth hangs for 30 s."""
    lines = ['database = "news.db"', "[fetch]", "timeout = 60", "per_host = 64", "retries = 0"]
    for n in range(70):
        path = f"/{'slow' if n % 5 == 0 else 'fast'}{n}"
        server.routes[path] = Route(feed(path), delay=30 if n % 5 == 0 else 0)
        lines += ["[[sources]]", f'name = "S{n}"', f'url = "{server.url(path)}"']
    write_config(tmp_path, "\n".join(lines) + "\n")
    return tmp_path


def start_collect(desk: Path) -> subprocess.Popen[str]:
    """`newsdesk collect` as its own process, once it has stored its first items."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "--config", str(desk / "newsdesk.toml"), "collect"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while stored(desk / "news.db") < ITEMS * 10:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no items stored within 30 s"
        time.sleep(0.1)
    return process


def stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
    except sqlite3.Error:
        return 0


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (the forkserver, the resource tracker, the workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_a_slow_collect_at_once_and_says_what_it_kept(
    slow_desk: Path, signum: int, code: int
) -> None:
    process = start_collect(slow_desk)
    helpers = descendants(process.pid)
    assert helpers, "the parse workers should be running"
    started = time.monotonic()
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=10)
    assert time.monotonic() - started < 2
    assert process.returncode == code
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert "items stored, run 1 marked interrupted" in stderr
    kept = stored(slow_desk / "news.db")
    assert f"interrupted: {kept:,} items stored" in stderr
    deadline = time.monotonic() + 5
    while alive(helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(helpers)
    _, _, stderr = invoke("--config", slow_desk / "newsdesk.toml", "report")
    assert "run 1 (collect)" in stderr and "interrupted" in stderr


@pytest.mark.parametrize("how", ["kill -9", "subprocess timeout"])
def test_parse_workers_end_with_a_killed_collect(slow_desk: Path, how: str) -> None:
    process = start_collect(slow_desk)
    helpers = descendants(process.pid)
    if how == "kill -9":
        process.kill()
        process.wait()
    else:  # what subprocess.run(timeout=…) does when the time is up: SIGKILL, then wait
        with pytest.raises(subprocess.TimeoutExpired):
            process.communicate(timeout=1)
        process.kill()
        process.communicate()
    assert helpers
    deadline = time.monotonic() + 5
    while alive(helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(helpers), "parse workers outlived their collect"
    # The run its process left `running` is shown as interrupted, and the next run marks it.
    config = slow_desk / "newsdesk.toml"
    _, _, stderr = invoke("--config", config, "report")
    assert "run 1 (collect)" in stderr and "interrupted" in stderr
    with Store(slow_desk / "news.db") as store:
        from newsdesk.run import pid_alive

        assert store.settle_runs(pid_alive) == [1]
        assert store.run_info(1)["status"] == "interrupted"  # type: ignore[index]


def test_ctrl_c_while_starting_up_prints_no_traceback(slow_desk: Path) -> None:
    """From the moment newsdesk's own code runs (the interpreter's start, the first few
    milliseconds, is Python's), Ctrl-C ends it quietly."""
    command = [sys.executable, "-m", "newsdesk", "--config", str(slow_desk / "newsdesk.toml")]
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    interpreter = time.monotonic() - started
    # Some of these land inside an import: an exception raised there could leave the
    # import lock held and hang the process, so the handler waits for the import to end.
    for delay in (0.02, 0.03, 0.04, 0.06, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.32, 0.4):
        process = subprocess.Popen(
            [*command, "collect"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(interpreter + delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
        assert process.returncode == 130, stderr
        assert "Traceback" not in stderr and "interrupted" in stderr
        assert "Exception ignored" not in stderr


def _open_store(path: str, start: float) -> str:
    time.sleep(max(0.0, start - time.time()))
    try:
        Store(Path(path)).close()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def test_two_processes_opening_a_new_database_at_once_both_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        for attempt in range(12):
            path = str(tmp_path / f"fresh{attempt}.db")
            start = time.time() + 0.3
            results = pool.starmap(_open_store, [(path, start)] * 4)
            assert results == [""] * 4
            with sqlite3.connect(path) as conn:
                assert conn.execute("PRAGMA user_version").fetchone()[0] > 0


@pytest.fixture
def held_database(tmp_path: Path) -> Iterator[Path]:
    """A desk whose database another process (this one) holds for writing, with a run
    of `newsdesk collect` recorded as running."""
    write_config(tmp_path, 'database = "news.db"\n[[sources]]\nname = "A"\nurl = "a.xml"\n')
    with Store(tmp_path / "news.db") as store:
        store.start_run("collect", NOW - dt.timedelta(minutes=3), pid=os.getpid())
    holder = sqlite3.connect(tmp_path / "news.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield tmp_path
    holder.execute("ROLLBACK")
    holder.close()


def test_a_database_held_too_long_names_the_other_run(
    held_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Store, "BUSY_TIMEOUT_MS", 200)
    code, _, stderr = invoke("--config", held_database / "newsdesk.toml", "collect")
    assert code == 1
    assert "is locked by another process (probably `newsdesk collect`, run 1" in stderr
    assert f"pid {os.getpid()}" in stderr and "Traceback" not in stderr


def test_a_signal_while_the_errors_module_loads_still_exits_quietly() -> None:
    """Ctrl-C can land while newsdesk.errors is half loaded (Interrupted not defined
    yet): the handler then raises a plain KeyboardInterrupt carrying the exit status,
    which the entry point turns into 130 without a traceback."""
    script = (
        "import os, sys, types\n"
        "import _signal\n"
        "import newsdesk.__main__ as entry\n"
        "_signal.signal(2, entry._interrupt)\n"
        "half = types.ModuleType('newsdesk.errors')\n"
        "sys.modules['newsdesk.errors'] = half\n"
        "try:\n"
        "    os.kill(os.getpid(), 2)\n"
        "except KeyboardInterrupt as exc:\n"
        "    print(type(exc).__name__, getattr(exc, 'exit_code', None))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    assert found.stdout.strip() == "KeyboardInterrupt 130", found.stderr
    assert "Traceback" not in found.stderr
