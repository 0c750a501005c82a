"""Every style, in zh and en, written into a minimal Hugo, Jekyll and Eleventy site and
built by the real generator (.ci/run installs Hugo and Jekyll from Debian and Eleventy
from npm). The built HTML must show every story title and hostile title as the text it
was, carry every source link, and the build must report no error or warning."""

from __future__ import annotations

import html
import os
import re
import shutil
import sqlite3
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_weekly import run, week_site

SITES = Path(__file__).parent / "sites"
ELEVENTY = SITES / "eleventy-cli" / "node_modules" / ".bin" / "eleventy"
HOSTILE_DAY = "2026-11-07"
WEEK = ("2026-W45", "2026-11-02", "2026-11-08")
DAILY = ("roundup", "daily-deep", "daily-brief")
WEEKLY = ("weekly-axes", "weekly-overview")


def _tool(name: str) -> str | None:
    if name == "eleventy":
        return str(ELEVENTY) if ELEVENTY.exists() else None
    return shutil.which(name)


def _need(name: str) -> str:
    found = _tool(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed: .ci/run must install it")
        pytest.skip(f"{name} is not installed (.ci/run installs it)")
    return found


BUILDS = {
    "hugo": lambda tool, site: [
        tool,
        "--source",
        str(site),
        "--destination",
        "public",
        "--buildFuture",
        "--quiet",
    ],
    "jekyll": lambda tool, site: [
        tool,
        "build",
        "--source",
        str(site),
        "--destination",
        str(site / "_site"),
        "--future",
        "--quiet",
    ],
    "eleventy": lambda tool, site: [tool, "--input=.", "--output=_site", "--quiet"],
}
OUTPUT = {"hugo": "public", "jekyll": "_site", "eleventy": "_site"}


class Page(HTMLParser):
    """The visible text (entities decoded, whitespace collapsed) and links of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
        self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data)


def visible(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("generator", ["hugo", "jekyll", "eleventy"])
def test_every_style_builds_in_real_generators(tmp_path: Path, generator: str) -> None:
    tool = _need(generator)
    site = tmp_path / "site"
    shutil.copytree(SITES / generator, site)
    week_site(site, site_block=f'[site]\nout = "."\nformat = "{generator}"\n')
    written = []
    for lang in ("zh", "en"):
        for style in DAILY:
            code, stdout, stderr = run(
                site,
                "daily",
                "--date",
                HOSTILE_DAY,
                "--style",
                style,
                "--lang",
                lang,
                "--no-collect",
            )
            assert code == 0, stderr
            written.append(Path(stdout.strip()))
        for style in WEEKLY:
            code, stdout, stderr = run(
                site, "weekly", "--week", WEEK[0], "--style", style, "--lang", lang, "--offline"
            )
            assert code == 0, stderr
            written += [Path(line) for line in stdout.split()]
    assert len(set(written)) == 2 * (len(DAILY) + len(WEEKLY)) + 2  # and two raw lists

    result = subprocess.run(
        BUILDS[generator](tool, site), cwd=site, capture_output=True, text=True, timeout=300
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert not re.search(r"(?i)\b(error|warn(ing)?)\b", log), log

    pages = [visible(p) for p in (site / OUTPUT[generator]).rglob("*.html")]
    shown = flat(" ".join(html.unescape("".join(p.text)) for p in pages))
    links = {link for p in pages for link in p.links}
    with sqlite3.connect(site / "news.db") as db:
        rows = list(
            db.execute(
                "SELECT s.day, i.title, i.url FROM stories s JOIN story_items si "
                "ON si.story_id = s.id JOIN items i ON i.id = si.item_id "
                "WHERE s.day BETWEEN ? AND ?",
                WEEK[1:],
            )
        )
    assert rows
    for _, title, url in rows:
        assert flat(title) in shown, title  # the raw list shows every report's title
        assert url in links, url
    hostile = [(d, flat(t)) for d, t, _ in rows if d >= HOSTILE_DAY and re.search(r"[{<$+]", t)]
    assert len(hostile) == 3
    for day, title in hostile:
        # Shown as written in each daily post of its day, and in the raw weekly lists.
        assert shown.count(title) >= (2 * len(DAILY) if day == HOSTILE_DAY else 2), title
    assert "https://evil.example/x" not in links
    assert not any("{{" in link or "{%" in link for link in links)
