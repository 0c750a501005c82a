"""The commands as a user runs them: demo, daily in every format, exit codes, reruns."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from tests.conftest import demo_site, write_config
from tests.helpers import invoke

# A Markdown link: an unescaped [ … ] directly followed by (url).
LINK = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)*(?<!\\)\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], float, str]:
    out = tmp_path_factory.mktemp("demo")
    started = time.monotonic()
    code, stdout, stderr = invoke("demo", "--out", str(out))
    elapsed = time.monotonic() - started
    assert code == 0, stderr
    return out, [Path(line) for line in stdout.splitlines()], elapsed, stderr


def stored_urls(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT url FROM items")}


def test_demo_writes_a_digest_per_day_and_language_fast(
    demo_run: tuple[Path, list[Path], float, str],
) -> None:
    out, paths, elapsed, stderr = demo_run
    assert elapsed < 30
    # A brief per day and language, and per language the week's raw list and axes post.
    assert len(paths) == 14 + 4
    assert all(p.is_file() for p in paths)
    assert sorted(p.name for p in paths if p.parent == out)[0] == "2026-11-09-ai-daily-brief-en.md"
    assert {p.relative_to(out).as_posix() for p in paths if p.parent != out} == {
        "weekly_news/ai_news_2026-W46.md",
        "weekly_news/ai_news_2026-W46-en.md",
    }
    assert (out / "2026-11-15-ai-weekly-axes-2026-w46-zh.md") in paths
    assert "Flaky Mirror" in stderr


def test_every_link_in_the_demo_comes_from_the_store(
    demo_run: tuple[Path, list[Path], float, str],
) -> None:
    out, paths, _, _ = demo_run
    urls = stored_urls(out / "newsdesk.db")
    names = {p.relative_to(out).as_posix() for p in paths}
    for path in paths:
        for link in LINK.findall(path.read_text(encoding="utf-8")):
            assert link in urls or link in names, (path.name, link)


def test_demo_digest_structure_matches_the_daily_brief(
    demo_run: tuple[Path, list[Path], float, str],
) -> None:
    out, _, _, _ = demo_run
    zh = (out / "2026-11-11-ai-daily-brief-zh.md").read_text(encoding="utf-8")
    assert zh.startswith("# ")
    assert "**2026 年 11 月 11 日**" in zh
    assert "> 说明：" in zh and "Flaky Mirror" in zh
    assert "## 🧠 模型动态" in zh and "## 💼 产业动态" in zh
    assert "## 🎯 今日精选：" in zh and "[查看详情 →](" in zh
    assert "另见：" in zh  # a story told by several sources lists them all
    en = (out / "2026-11-11-ai-daily-brief-en.md").read_text(encoding="utf-8")
    assert "> Note: 1 source could not be read" in en and "## 🎯 Pick of the day:" in en
    # Nimbus funding was told by three sources in two languages: one entry lists all three.
    entries = [line for line in zh.splitlines() if line.startswith("**") and "Nimbus AI" in line]
    assert len(entries) == 1
    assert "[算力观察](" in entries[0] and "[Startup Wire](" in entries[0]


def test_demo_tracks_a_story_across_days(demo_run: tuple[Path, list[Path], float, str]) -> None:
    out, _, _, _ = demo_run
    later = (out / "2026-11-11-ai-daily-brief-zh.md").read_text(encoding="utf-8")
    line = next(
        line
        for line in later.splitlines()
        if "登顶开源模型榜单" in line or "tops the open-model leaderboard" in line
    )
    assert "持续跟踪" in line and "(2026-11-09-ai-daily-brief-zh.md)" in line


def test_hostile_markup_is_inert_in_the_demo(demo_run: tuple[Path, list[Path], float, str]) -> None:
    out, _, _, _ = demo_run
    text = (out / "2026-11-13-ai-daily-brief-en.md").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "Agent toolkit" in line)
    for bad in ("<script", "<img", "https://evil", "onerror"):
        assert bad not in line
    assert "javascript" not in " ".join(LINK.findall(line))
    assert "\\[click me\\](" in line  # the fake link stays visible text, not a link
    # Plain Markdown has no template language: the braces are text, shown as written.
    rendered = MarkdownIt("commonmark").render(line)
    assert "{{ site.title }} {% include secret.html %}" in rendered
    assert "[click me](javascript:alert(1)) +++ --- {{&lt; shortcode &gt;}}" in rendered
    assert rendered.count("<a ") == 1
    # The sentence addressed to a model is flagged and left out; the run says so.
    assert "Ignore previous" not in text and "evil" not in text


def test_demo_is_deterministic(
    demo_run: tuple[Path, list[Path], float, str], tmp_path: Path
) -> None:
    out, _paths, _, _ = demo_run
    code, stdout, _ = invoke("demo", "--out", str(tmp_path), "--lang", "zh")
    assert code == 0
    for line in stdout.splitlines():
        again = Path(line)
        earlier = out / again.relative_to(tmp_path)
        assert again.read_text(encoding="utf-8") == earlier.read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return demo_site(tmp_path)


def test_daily_in_every_site_format(site: Path) -> None:
    config = str(site / "newsdesk.toml")
    code, stdout, _ = invoke(
        "--config", config, "daily", "--date", "2026-11-11", "--format", "hugo"
    )
    assert code == 0
    hugo = Path(stdout.strip())
    assert hugo == site / "site" / "content" / "posts" / "2026-11-11-ai-daily-brief-zh.md"
    head = hugo.read_text(encoding="utf-8").split("+++")[1]
    meta = tomllib.loads(head)
    assert meta["draft"] is False and meta["tags"] == ["AI", "daily"]
    assert meta["date"].utcoffset().total_seconds() == 8 * 3600
    assert meta["title"].startswith("AI 日报｜2026-11-11：")

    def day(*options: str) -> Path:
        code, stdout, _ = invoke(
            "--config", config, "daily", "--date", "2026-11-11", "--no-collect", *options
        )
        assert code == 0
        return Path(stdout.strip())

    jekyll = day("--format", "jekyll", "--lang", "en")
    assert jekyll == site / "site" / "_posts" / "2026-11-11-ai-daily-brief-en.md"
    meta = yaml.safe_load(jekyll.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["layout"] == "post" and meta["author"] == "Desk" and meta["categories"] == ["AI"]
    assert meta["source"].startswith("https://")

    eleventy = day("--format", "eleventy")
    assert eleventy == site / "site" / "posts" / "2026-11-11-ai-daily-brief-zh.md"
    meta = yaml.safe_load(eleventy.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["layout"] == "layouts/post.njk" and meta["tags"] == ["AI", "daily"]

    plain = day("--out", str(site / "plain"))
    assert plain == site / "plain" / "2026-11-11-ai-daily-brief-zh.md"
    assert plain.read_text(encoding="utf-8").startswith("# ")


def test_rerunning_a_day_changes_nothing(site: Path) -> None:
    config = str(site / "newsdesk.toml")
    invoke("--config", config, "daily", "--date", "2026-11-12")
    first = (site / "site" / "2026-11-12-ai-daily-brief-zh.md").read_text(encoding="utf-8")
    with sqlite3.connect(site / "news.db") as conn:
        before = conn.execute(
            "SELECT count(*), (SELECT count(*) FROM stories) FROM items"
        ).fetchone()
    code, _, _ = invoke("--config", config, "daily", "--date", "2026-11-12")
    assert code == 0
    with sqlite3.connect(site / "news.db") as conn:
        after = conn.execute(
            "SELECT count(*), (SELECT count(*) FROM stories) FROM items"
        ).fetchone()
        runs = conn.execute("SELECT status, warnings FROM runs ORDER BY id").fetchall()
    assert before == after
    assert (site / "site" / "2026-11-12-ai-daily-brief-zh.md").read_text(encoding="utf-8") == first
    assert [status for status, _ in runs] == ["partial", "partial"]
    assert "Flaky Mirror" in runs[-1][1]


def test_exit_codes(site: Path, tmp_path: Path) -> None:
    config = str(site / "newsdesk.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[site]\nformat = "wordpress"\n', encoding="utf-8")
    code, stdout, stderr = invoke("--config", str(bad), "daily")
    assert code == 2 and stdout == "" and "site.format" in stderr
    code, _, _ = invoke("daily", "--format", "nope")
    assert code == 2
    code, _, stderr = invoke("--config", config, "daily", "--date", "2020-01-01")
    assert code == 1 and "no items are stored for 2020-01-01" in stderr
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, stderr = invoke(
        "--config",
        config,
        "daily",
        "--date",
        "2026-11-10",
        "--no-collect",
        "--out",
        str(blocker / "sub"),
    )
    assert code == 1 and "cannot write" in stderr
    with sqlite3.connect(site / "news.db") as conn:
        assert conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone() == (
            "failed",
        )
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] > 80


def test_empty_source_list_is_a_configuration_error(tmp_path: Path) -> None:
    write_config(tmp_path, "")
    code, _, stderr = invoke("--config", str(tmp_path / "newsdesk.toml"), "collect")
    assert code == 2 and "no enabled [[sources]]" in stderr


def test_sources_list_and_module_entry_point(site: Path) -> None:
    code, stdout, stderr = invoke("--config", str(site / "newsdesk.toml"), "sources", "list")
    assert code == 0 and stdout == ""
    assert "智信 AI 快讯" in stderr and "Flaky Mirror" in stderr
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk", "--help"], capture_output=True, text=True, check=True
    )
    assert "demo" in result.stdout and "daily" in result.stdout


def test_demo_writes_the_deep_style_offline(tmp_path: Path) -> None:
    code, stdout, stderr = invoke(
        "demo", "--out", str(tmp_path), "--style", "daily-deep", "--lang", "en"
    )
    assert code == 0, stderr
    paths = [Path(line) for line in stdout.splitlines()]
    assert len(paths) == 7 and all(p.name.endswith("-ai-daily-deep-en.md") for p in paths)
    text = paths[1].read_text(encoding="utf-8")
    assert text.startswith("# AI Deep Daily (") and "no model was used" in text
    assert "## 1) " in text and "- **What it is**: " in text and "## Sources today" in text
    # offline, the sections only a model writes are left out, not filled with stock text
    assert "**Why it matters**" not in text and "## The day's trends" not in text
    assert set(LINK.findall(text)) <= stored_urls(tmp_path / "newsdesk.db")


def test_first_covered_links_only_to_posts_that_were_written(tmp_path: Path) -> None:
    """A follow-up names the day it was first covered; it links there only when that
    day's post was written, and a base URL keeps its slash."""
    demo_site(tmp_path)
    config = tmp_path / "newsdesk.toml"
    text = config.read_text(encoding="utf-8")
    site = '[site]\nformat = "markdown"\nbase_url = "https://blog.example/news/"\nout = "site"'
    config.write_text(text.replace('[site]\nout = "site"', site, 1), "utf-8")

    def follow_up() -> str:
        code, stdout, stderr = invoke(
            "--config", config, "daily", "--date", "2026-11-11", "--no-collect"
        )
        assert code == 0, stderr
        later = Path(stdout.strip()).read_text(encoding="utf-8")
        return next(line for line in later.splitlines() if "登顶开源模型榜单" in line)

    # A weekly run merges every day of the week but writes no daily post.
    assert invoke("--config", config, "collect")[0] == 0
    assert invoke("--config", config, "weekly", "--week", "2026-W46")[0] == 0
    line = follow_up()  # the first day's post was never written: no link, the day named
    assert "持续跟踪：11 月 9 日首次报道" in line and "2026-11-09" not in line
    code, _, stderr = invoke("--config", config, "daily", "--date", "2026-11-09", "--no-collect")
    assert code == 0, stderr
    line = follow_up()
    assert "[首次报道](https://blog.example/news/2026-11-09-ai-daily-brief-zh.md)" in line
    with sqlite3.connect(tmp_path / "news.db") as conn:
        urls = {row[0] for row in conn.execute("SELECT url FROM posts")}
    assert "https://blog.example/news/2026-11-11-ai-daily-brief-zh.md" in urls


def test_today_is_the_run_clocks_day(tmp_path: Path) -> None:
    demo_site(tmp_path)
    config = tmp_path / "newsdesk.toml"
    late_evening = dt.datetime(2026, 11, 10, 17, 0, tzinfo=dt.UTC)  # 01:00 on the 11th there
    code, stdout, stderr = invoke("--config", config, "daily", now=late_evening)
    assert code == 0, stderr
    assert Path(stdout.strip()).name == "2026-11-11-ai-daily-brief-zh.md"


HEAVY = ("openai", "httpx", "feedparser", "trafilatura", "numpy", "scipy", "rjieba")


def imported_by(*args: str, cwd: Path | None = None) -> set[str]:
    """The top-level modules a `newsdesk ARGS` process imported (via -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "newsdesk", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    return {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }


def test_help_and_an_offline_daily_import_only_what_they_use(tmp_path: Path) -> None:
    assert not imported_by("--help") & set(HEAVY)
    assert not imported_by("--version") & {*HEAVY, "pydantic", "rich", "jinja2"}
    demo_site(tmp_path)
    modules = imported_by("daily", "--date", "2026-11-10", cwd=tmp_path)
    assert "openai" not in modules and {"jinja2", "feedparser"} <= modules  # it wrote one
