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

import feedparser
import pytest
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from newsdesk import publish
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
    rows = week_items(site)
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
    # The feed of each language is served at the site's root and lists its posts.
    for name, lang in (("feed.xml", "zh"), ("feed-en.xml", "en")):
        served = site / OUTPUT[generator] / name
        assert served.is_file(), name
        feed = feedparser.parse(served.read_bytes())
        assert not feed.bozo and feed.feed.language == lang
        assert len(feed.entries) == len(DAILY) + len(WEEKLY)


# CommonMark with GitHub's strikethrough and tables: what a reader of a plain file sees.
PLAIN = MarkdownIt("commonmark").enable(["strikethrough", "table"])
TRICKY = [
    "Nimbus AI raises $1.5 billion at a $20 billion valuation",
    "OpenAI's *new* model_v2, __init__ hooks, _emphasis_ and **bold**",
    "[x] Check the box [link](https://evil.example/x) ![img](y.png) [ref]",
    "<script>alert('x')</script> <b>bold</b> & &amp; &#39; &copy",
    "Use `pip install` or ``double``",
    "# Not a heading",
    "### Nor this",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "1. not a list",
    "2024) nor this",
    "---",
    "- - -",
    "===",
    "~~struck~~ and ~tilde~",
    "C:\\path\\to \\* \\",
    "Read https://example.com/a_b or www.example.com or <https://x.example>",
    "Price $5 -- 'about' \"that\"... {{ site.title }} {% raw %} | a | b |",
    "Tab\tand  spaces\nand a newline",
]


@pytest.mark.parametrize("title", TRICKY)
def test_plain_markdown_shows_a_title_as_written(title: str) -> None:
    escaped = publish.registry["markdown"].escape(title)
    shown = escapeHtml(flat(title))
    assert PLAIN.render(escaped) == f"<p>{shown}</p>\n"
    assert PLAIN.render(f"**{escaped}.** [Read more →](https://a.example/1)") == (
        f'<p><strong>{shown}.</strong> <a href="https://a.example/1">Read more →</a></p>\n'
    )
    # It reads as written, too: no entities, ' " $ { } as they are.
    for kept in ("&#", "'", '"', "$", "{", "}"):
        assert escaped.count(kept) == title.count(kept), kept


def test_a_plain_markdown_digest_reads_as_written(tmp_path: Path) -> None:
    site = week_site(tmp_path, site_block='[site]\nout = "out"\n')  # format = "markdown"
    written = []
    for lang in ("zh", "en"):
        for style in DAILY:
            code, stdout, stderr = run(
                site, "daily", "--date", HOSTILE_DAY, "--style", style, "--lang", lang,
                "--no-collect",
            )  # fmt: skip
            assert code == 0, stderr
            written.append(Path(stdout.strip()))
        code, stdout, stderr = run(site, "weekly", "--week", WEEK[0], "--lang", lang, "--offline")
        assert code == 0, stderr
        written += [Path(line) for line in stdout.split()]
    texts = {path: path.read_text(encoding="utf-8") for path in written}
    for path, text in texts.items():
        assert not re.search(r"&(#\d+|[a-z]+);", text), path  # no entities in the raw text
        assert "\ue000" not in text and "\ue001" not in text, path
    raw = "\n".join(texts.values())
    assert "+++ front: matter --- $$5$$ {# note #} 'single' & more" in raw
    assert 'Curly {{ site.title }} and {% raw %} in a title: "quoted" -- odd...' in raw
    pages = []
    for text in texts.values():
        page = Page()
        page.feed(PLAIN.render(text))
        pages.append(page)
    shown = flat(" ".join("".join(p.text) for p in pages))
    links = {link for p in pages for link in p.links}
    rows = [(title, url) for _, title, url in week_items(site)]
    hostile = [flat(t) for t, _ in rows if re.search(r"[{<$+]", t)]
    assert len(hostile) == 3
    for title, url in rows:
        assert flat(title) in shown, title
        assert url in links, url
    assert "https://evil.example/x" not in links
    assert all(link.startswith("https://") or link.endswith(".md") for link in links), links


def week_items(site: Path) -> list[tuple[str, str, str]]:
    """(day, title, url) of every item in the stories of the week's days."""
    with sqlite3.connect(site / "news.db") as db:
        return list(
            db.execute(
                "SELECT s.day, i.title, i.url FROM stories s JOIN story_items si "
                "ON si.story_id = s.id JOIN items i ON i.id = si.item_id "
                "WHERE s.day BETWEEN ? AND ?",
                WEEK[1:],
            )
        )
