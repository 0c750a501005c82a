"""Getting sources in and out: `newsdesk init`, OPML import and export, collect's display."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rich.console import Console

from newsdesk import cli
from newsdesk.config import load_settings
from newsdesk.opml import append_sources, new_sources, read_opml, write_opml
from newsdesk.sources.page import article_links
from tests.conftest import LocalServer, Route, write_config
from tests.helpers import invoke
from tests.test_collect import run, settings_for
from tests.test_fetch import FEED

OPML_DIR = "feeds/rsparser-realworld-feeds/Tests/RSParserTests/Resources"


def test_init_writes_a_working_config_with_real_sources(tmp_path: Path) -> None:
    code, stdout, stderr = invoke("init", str(tmp_path / "desk"))
    assert code == 0, stderr
    path = Path(stdout.strip())
    assert path == tmp_path / "desk" / "newsdesk.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\n#") > 20  # commented for a newcomer
    settings = load_settings(path)
    sources = settings.sources
    assert len(sources) >= 30
    assert {s.kind for s in sources} == {"feed", "page", "hackernews", "search"}
    assert all(s.url.startswith("https://") for s in sources)
    assert sum(s.lang == "zh" for s in sources) >= 4
    assert sum("github.com" in s.url and s.url.endswith("releases.atom") for s in sources) >= 4
    assert len({s.url for s in sources}) == len(sources)
    # Nothing that needs a key is on by default.
    assert all(not s.enabled for s in sources if s.kind == "search")
    assert "newsdesk sources check" in stderr
    code, _, stderr = invoke("init", str(tmp_path / "desk"))
    assert code == 2 and "already exists" in stderr and "--force" in stderr
    assert invoke("init", str(tmp_path / "desk"), "--force")[0] == 0


# Sources a reader of AI news expects, each by the start of its URL (issue 12, item 11).
EXPECTED_SOURCES = (
    "https://news.smol.ai/rss.xml",
    "https://blog.google/technology/ai/",
    "https://machinelearning.apple.com/",
    "https://www.amazon.science/",
    "https://pytorch.org/",
    "https://blog.eleuther.ai/",
    "https://epoch.ai/",
    "https://spectrum.ieee.org/",
    "https://www.wired.com/",
    "https://semianalysis.com/",
    "https://lastweekin.ai/",
    "https://feed.infoq.com/ai-ml-data-eng/",
    "https://thinkingmachines.ai/blog/",
    "https://github.com/anthropics/claude-code/releases.atom",
    "https://www.infoq.cn/",
    "https://readhub.cn/",
)
# Hosts whose feeds the 2026 audit found gone or closed to scripts.
DROPPED_HOSTS = {
    "www.jiqizhixin.com",  # /rss redirects to a data-service page
    "jiqizhixin.com",
    "venturebeat.com",  # 429 or 404 to scripts
    "importai.substack.com",  # Substack turns Python clients away
    "36kr.com",  # /feed without www answers the HTML app page
}
TOML_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def test_init_sources_follow_the_feed_audit(tmp_path: Path) -> None:
    code, stdout, stderr = invoke("init", str(tmp_path / "desk"))
    assert code == 0, stderr
    path = Path(stdout.strip())
    sources = load_settings(path).sources
    by_name = {s.name: s for s in sources}
    assert len(by_name) == len(sources)
    enabled = [s.url for s in sources if s.enabled]
    assert not {urlsplit(s.url).hostname for s in sources} & DROPPED_HOSTS
    assert by_name["36氪"].url == "https://www.36kr.com/feed"
    assert by_name["Import AI"].url.startswith("https://jack-clark.net/")
    assert by_name["NVIDIA Technical Blog"].url.endswith("/blog/feed/")
    # Qwen's old feed stopped in 2025-09 and qwen.ai has no links to follow: listed, off.
    assert all(not s.enabled for s in sources if "qwenlm.github.io" in s.url)
    missing = [want for want in EXPECTED_SOURCES if not any(u.startswith(want) for u in enabled)]
    assert not missing
    # Every page source names its article links; Anthropic's slugs may be mixed case.
    assert all(s.link_pattern for s in sources if s.kind == "page")
    anthropic = by_name["Anthropic News"]
    page = b'<html><body><a href="/news/australia-MOU">MOU</a><a href="/news">All</a></body></html>'
    assert article_links(page, anthropic.url, anthropic.link_pattern) == [
        "https://www.anthropic.com/news/australia-MOU"
    ]
    # A lab's own news outranks the media, which outrank aggregators.
    assert by_name["Anthropic News"].weight > by_name["TechCrunch AI"].weight
    assert by_name["TechCrunch AI"].weight > by_name["smol AINews"].weight
    assert by_name["Google DeepMind"].weight > by_name["Last Week in AI"].weight
    # Every entry says what it covers: a comment on the line before or inside it.
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "[[sources]]"]
    assert len(starts) == len(sources)
    silent = []
    for start in starts:
        end = next((j for j in range(start + 1, len(lines)) if not lines[j].strip()), len(lines))
        body = lines[start + 1 : end]
        before = lines[start - 1].lstrip().startswith("#")
        if not before and not any("#" in TOML_STRING.sub("", line) for line in body):
            silent.append(body[0])
    assert not silent


def test_opml_import_adds_new_feeds_and_keeps_the_file(
    tmp_path: Path, shared_fixtures: Path
) -> None:
    opml = shared_fixtures / OPML_DIR / "Subs.opml"
    feeds = read_opml(opml.read_bytes())
    # 207 outlines; two give one feed ("http://feed.katiefloyd.com" with and without "/").
    assert len(feeds) == 206 and feeds[0].name == "Daring Fireball"
    assert {f.folder for f in feeds} >= {"Programming", "Weblogs"}
    config = write_config(
        tmp_path,
        '# my desk\ndatabase = "d.db"\n\n[[sources]]\n'
        'name = "Daring Fireball"  # kept\nurl = "http://daringfireball.net/feeds/main"\n',
    )
    code, _, stderr = invoke("--config", str(config), "sources", "import-opml", str(opml))
    assert code == 0, stderr
    assert "206 feeds in Subs.opml: 205 added to" in stderr and "1 already configured" in stderr
    text = config.read_text(encoding="utf-8")
    assert text.startswith('# my desk\ndatabase = "d.db"') and "# kept" in text
    settings = load_settings(config)
    assert len(settings.sources) == 206
    names = [s.name for s in settings.sources]
    assert len(set(names)) == len(names) and "chat & code" in names
    # Importing again adds nothing; the titleless variant falls back to `text`.
    code, _, stderr = invoke("--config", str(config), "sources", "import-opml", str(opml))
    assert code == 0 and "0 added" in stderr
    other = shared_fixtures / OPML_DIR / "SubsNoTitleAttributes.opml"
    code, _, stderr = invoke(
        "--config", str(config), "sources", "import-opml", str(other), "--dry-run"
    )
    assert code == 0 and "would be added" in stderr
    assert len(load_settings(config).sources) == 206


def test_opml_export_round_trips(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        '[[sources]]\nname = "A & <B> \\"quoted\\""\nurl = "https://a.example/feed?x=1&y=2"\n'
        '[[sources]]\nname = "HN"\nurl = "https://hn.algolia.com/api/v1/search_by_date"\n'
        'kind = "hackernews"\n',
    )
    out = tmp_path / "out.opml"
    code, stdout, stderr = invoke(
        "--config", str(config), "sources", "export-opml", "--out", str(out)
    )
    assert code == 0 and "1 feeds exported (1 sources of other kinds" in stderr
    (feed,) = read_opml(out.read_bytes())
    assert (feed.name, feed.url) == ('A & <B> "quoted"', "https://a.example/feed?x=1&y=2")
    code, stdout, _ = invoke("--config", str(config), "sources", "export-opml")
    assert stdout.startswith("<?xml") and "xmlUrl=" in stdout


def _opml(*feeds: tuple[str, str]) -> bytes:
    outlines = "".join(f'<outline text="{name}" xmlUrl="{url}"/>' for name, url in feeds)
    return f'<opml version="2.0"><body>{outlines}</body></opml>'.encode()


def test_opml_imports_short_and_long_feeds_twice_into_a_fresh_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSDESK_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    long_name = "A rather long feed title about machine learning research " * 2
    first = tmp_path / "first.opml"
    first.write_bytes(_opml(("A", "https://a.io/f"), ("B", "https://b.io/f")))
    second = tmp_path / "second.opml"
    second.write_bytes(
        _opml(("C", "https://c.io/f"), (long_name.strip(), "https://long.example/" + "x" * 90))
    )
    for opml in (first, second):
        code, _, stderr = invoke("sources", "import-opml", str(opml))
        assert code == 0, stderr
    config = tmp_path / "newsdesk.toml"
    assert "sources = [" not in config.read_text(encoding="utf-8")
    settings = load_settings(config)
    assert [s.name for s in settings.sources] == ["A", "B", "C", long_name.strip()]
    assert [s.url for s in settings.sources][:3] == [
        "https://a.io/f",
        "https://b.io/f",
        "https://c.io/f",
    ]


def test_opml_import_after_a_sources_table_and_dates_from_the_given_day(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[[sources]]\nname = "Old"\nurl = "https://old.example/f"\n')
    feeds = read_opml(_opml(("S", "https://s.io/f")))
    tables, _ = new_sources(feeds, load_settings(config).sources)
    append_sources(config, tables, "s.opml", today=dt.date(2024, 5, 6))
    assert "# Imported from s.opml on 2024-05-06." in config.read_text(encoding="utf-8")
    assert [s.name for s in load_settings(config).sources] == ["Old", "S"]
    moment = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert b"Mon, 06 May 2024 07:08:09 +0000" in write_opml([], now=moment)


def test_hostile_opml_is_read_as_data(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<opml version="2.0"><body><outline text="&x;" xmlUrl="https://e.example/f"/>'
        '<outline text="js" xmlUrl="javascript:alert(1)"/></body></opml>'
    ).encode()
    feeds = read_opml(hostile)
    assert [f.url for f in feeds] == ["https://e.example/f"]
    assert "TOP-SECRET" not in feeds[0].name
    path = tmp_path / "h.opml"
    path.write_bytes(b"<html><body>not opml</body></html>")
    code, _, stderr = invoke("sources", "import-opml", str(path))
    assert code == 2 and "not an OPML file" in stderr


def test_wrong_content_types(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/png"] = Route(
        b"\x89PNG\r\n\x1a\n" + bytes(200), 200, {"Content-Type": "image/png"}
    )
    server.routes["/as-html"] = Route(FEED, 200, {"Content-Type": "text/html; charset=utf-8"})
    server.routes["/as-plain"] = Route(FEED, 200, {"Content-Type": "text/plain"})
    server.routes["/json-junk"] = Route(
        b'{"not": "a feed"}', 200, {"Content-Type": "application/json"}
    )
    names = ["png", "as-html", "as-plain", "json-junk"]
    sources = [{"name": n, "url": server.url(f"/{n}")} for n in names]
    report, _ = run(settings_for(tmp_path, sources), tmp_path)
    by = {o.source: o for o in report.outcomes}
    assert by["png"].status == "error" and "sent image/png, not a feed" in by["png"].reason
    # A feed under the wrong label is still read.
    assert by["as-html"].status == "ok" and by["as-plain"].status == "ok"
    assert by["json-junk"].status == "error" and "JSON Feed" in by["json-junk"].reason


def test_collect_shows_a_live_bar_on_a_terminal_and_quiet_lines_elsewhere(
    tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/ok"] = Route(FEED)
    server.routes["/gone"] = Route(b"", 404)
    config = write_config(
        tmp_path,
        'database = "d.db"\n'
        f'[[sources]]\nname = "Fine"\nurl = "{server.url("/ok")}"\n'
        f'[[sources]]\nname = "Gone"\nurl = "{server.url("/gone")}"\n',
    )
    code, _, stderr = invoke("--config", str(config), "collect")
    assert code == 0
    assert "error Gone" in stderr and "Fine" not in stderr  # quiet: only trouble
    assert "collected from 1/2 sources" in stderr
    code, _, stderr = invoke("--config", str(config), "-v", "collect")
    assert "Fine: 1 items" in stderr  # -v: every source
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    monkeypatch.setattr(cli, "err", lambda: terminal)
    code, _, _ = invoke("--config", str(config), "collect")
    shown = screen.getvalue()
    assert code == 0 and "\x1b[" in shown and "2/2" in shown  # the bar, finished
    assert "error Gone" in shown.replace("\x1b[31m", "").replace("\x1b[0m", "")
