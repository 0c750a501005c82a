"""Collection through the real pipeline: local files and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from newsdesk import collect as collect_module
from newsdesk.collect import collect
from newsdesk.config import Settings, load_settings
from newsdesk.http import HttpClient
from newsdesk.models import RunReport
from newsdesk.sources import registry
from newsdesk.sources.feed import FeedSource
from newsdesk.store import Store
from tests.conftest import LocalServer, Route

NOW = dt.datetime(2026, 11, 12, 12, 0, tzinfo=dt.UTC)

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>https://news.example/</link>
<item><title>Model &amp; tools ship</title><link>/a/1?utm_source=rss</link>
<description>&lt;p&gt;First &lt;b&gt;para&lt;/b&gt;.&lt;/p&gt;&lt;script&gt;evil()&lt;/script&gt;</description>
<pubDate>Tue, 10 Nov 2026 08:00:00 +0800</pubDate></item>
<item><title>No date here</title><link>https://news.example/a/2</link><description>Body.</description></item>
<item><title>No link</title><description>Nothing to point at.</description></item>
</channel></rss>"""


def settings_for(tmp_path: Path, sources: list[dict[str, object]], **fetch: object) -> Settings:
    return load_settings(
        None, sources=sources, database=str(tmp_path / "t.db"), fetch={"timeout": 2.0, **fetch}
    )


def run(settings: Settings, tmp_path: Path) -> tuple[RunReport, Store]:
    store = Store(settings.path(settings.database))
    report = RunReport(id=store.start_run("test", NOW), command="test", started=NOW)
    with HttpClient(settings.fetch) as client:
        collect(settings, store, client=client, report=report, now=NOW)
    return report, store


def all_items(store: Store) -> list:
    return store.items_between(
        dt.datetime(1990, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    )


def test_rss_over_http_is_normalised_and_stored(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/feed"] = Route(RSS.encode())
    settings = settings_for(tmp_path, [{"name": "News", "url": server.url("/feed")}])
    report, store = run(settings, tmp_path)
    (outcome,) = report.outcomes
    assert outcome.status == "ok" and outcome.items == 2 and outcome.new_items == 2
    assert outcome.skipped_entries == 1
    first, second = sorted(all_items(store), key=lambda i: i.url)
    assert first.url == server.url("/a/1")  # relative links resolve against the document URL
    assert first.title == "Model & tools ship"
    assert first.summary == "First para."
    assert first.published == dt.datetime(2026, 11, 10, 0, 0, tzinfo=dt.UTC)
    assert not second.dated and second.published == NOW == second.first_seen
    assert server.agents == [settings.fetch.user_agent]


def test_rerun_adds_nothing_twice_and_keeps_first_seen(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/feed"] = Route(RSS.encode())
    settings = settings_for(tmp_path, [{"name": "News", "url": server.url("/feed")}])
    run(settings, tmp_path)
    report, store = run(settings, tmp_path)
    assert report.outcomes[0].new_items == 0
    assert store.count_items() == 2


def test_one_bad_source_does_not_stop_the_others(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/good"] = Route(RSS.encode())
    server.routes["/missing"] = Route(b"gone", 404)
    server.routes["/html"] = Route(
        b"<html><body><h1>Hello</h1></body></html>", headers={"Content-Type": "text/html"}
    )
    server.routes["/slow"] = Route(RSS.encode(), delay=3.0)
    server.routes["/big"] = Route(b"<rss>" + b" " * 300_000 + b"</rss>")
    server.routes["/cut"] = Route(RSS.encode()[:200], truncate=True)
    names = ["good", "missing", "html", "slow", "big", "cut"]
    sources = [{"name": n, "url": server.url(f"/{n}")} for n in names]
    sources.append({"name": "nowhere", "url": "http://127.0.0.1:9/feed"})
    sources.append({"name": "file", "url": str(tmp_path / "absent.xml")})
    settings = settings_for(tmp_path, sources, max_bytes=100_000)
    started = time.monotonic()
    report, store = run(settings, tmp_path)
    assert time.monotonic() - started < 8
    by_name = {o.source: o for o in report.outcomes}
    assert by_name["good"].status == "ok"
    assert "HTTP 404" in by_name["missing"].reason
    assert "no feed found" in by_name["html"].reason
    assert "timed out" in by_name["slow"].reason
    assert "max_bytes" in by_name["big"].reason
    assert by_name["cut"].status == "error"
    assert "ConnectError" in by_name["nowhere"].reason
    assert "cannot read" in by_name["file"].reason
    assert store.count_items() == 2
    stored = store.run_outcomes(report.id)
    assert [o.source for o in stored] == [o.source for o in report.outcomes]
    assert {o.status for o in stored if o.source != "good"} == {"error"}


def test_a_ten_megabyte_feed_is_refused_quickly_and_named(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    entry = "<item><title>x</title><link>https://e.example/{}</link></item>"
    with big.open("w") as handle:
        handle.write("<rss version='2.0'><channel><title>big</title>")
        n = 0
        while handle.tell() < 10_500_000:
            handle.write(entry.format(n))
            n += 1
        handle.write("</channel></rss>")
    settings = settings_for(tmp_path, [{"name": "Huge", "url": str(big)}])
    started = time.monotonic()
    report, _ = run(settings, tmp_path)
    assert time.monotonic() - started < 5
    assert report.outcomes[0].status == "error"
    assert "over fetch.max_bytes" in report.outcomes[0].reason


def test_atom_json_feed_gb2312_and_latin1(tmp_path: Path) -> None:
    atom = tmp_path / "a.atom"
    atom.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/"><title>A</title>'
        '<entry><title type="html">&lt;em&gt;Hi&lt;/em&gt; there</title><link href="posts/1"/>'
        "<id>tag:1</id><updated>2026-11-10T09:00:00Z</updated></entry></feed>",
        encoding="utf-8",
    )
    jf = tmp_path / "j.json"
    jf.write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "J",
                "home_page_url": "https://j.example/",
                "items": [
                    {
                        "id": "1",
                        "url": "/p/1",
                        "title": "JSON 条目",
                        "content_html": "<p>正文</p>",
                        "date_published": "2026-11-10T09:00:00+08:00",
                    },
                    {"id": "2"},
                ],
            }
        ),
        encoding="utf-8",
    )
    gb = tmp_path / "gb.xml"
    gb.write_bytes(
        '<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>中文</title>'
        "<item><title>国产大模型发布</title><link>https://cn.example/1</link>"
        "<description>简体中文摘要</description></item></channel></rss>".encode("gb2312")
    )
    latin = tmp_path / "latin.xml"
    latin.write_bytes(
        '<rss version="2.0"><channel><title>L</title><item><title>Caf\xe9 na\xefve r\xe9sum\xe9</title>'
        "<link>https://fr.example/1</link></item></channel></rss>".encode("latin-1")
    )
    sources = [
        {"name": n, "url": str(p)}
        for n, p in (("atom", atom), ("json", jf), ("gb", gb), ("latin", latin))
    ]
    report, store = run(settings_for(tmp_path, sources), tmp_path)
    assert [o.status for o in report.outcomes] == ["ok"] * 4
    assert report.outcomes[1].skipped_entries == 1
    items = {i.source: i for i in all_items(store)}
    assert items["atom"].url == "https://blog.example/posts/1" and items["atom"].title == "Hi there"
    assert items["json"].url == "https://j.example/p/1" and items["json"].summary == "正文"
    assert items["json"].published == dt.datetime(2026, 11, 10, 1, 0, tzinfo=dt.UTC)
    assert items["json"].lang == "zh"
    assert items["gb"].title == "国产大模型发布" and items["gb"].lang == "zh"
    assert items["latin"].title == "Café naïve résumé"


def test_future_and_ancient_dates_fall_back_to_first_seen(tmp_path: Path) -> None:
    feed = tmp_path / "f.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>F</title>'
        "<item><title>future</title><link>https://f.example/1</link><pubDate>Mon, 01 Jan 2046 00:00:00 GMT</pubDate></item>"
        "<item><title>ancient</title><link>https://f.example/2</link><pubDate>Mon, 01 Jan 1900 00:00:00 GMT</pubDate></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    _, store = run(settings_for(tmp_path, [{"name": "f", "url": str(feed)}]), tmp_path)
    assert all(item.published == NOW and not item.dated for item in all_items(store))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02",
        b"{not json",
        b'{"version": "https://jsonfeed.org/version/1", "items": 3}',
    ],
)
def test_garbage_is_recorded_not_raised(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "g.xml"
    path.write_bytes(data)
    report, _ = run(settings_for(tmp_path, [{"name": "g", "url": str(path)}]), tmp_path)
    assert report.outcomes[0].status == "error"
    assert report.outcomes[0].reason


class DyingInWorkers(FeedSource):
    """A feed kind whose parse kills the process it runs in, unless that is the main one."""

    def parse(self, response, source):  # type: ignore[no-untyped-def]
        if multiprocessing.parent_process() is not None:
            os._exit(3)
        return super().parse(response, source)


def _feeds(tmp_path: Path, count: int) -> list[dict[str, object]]:
    sources: list[dict[str, object]] = []
    for n in range(count):
        path = tmp_path / f"feed-{n}.xml"
        items = "".join(
            f"<item><title>Story {n}-{k} about Model{n}x{k}</title>"
            f"<link>https://f{n}.example/{k}</link><description>Body {k} of feed {n}.</description>"
            f"<pubDate>Tue, 10 Nov 2026 08:{k % 60:02d}:00 +0000</pubDate></item>"
            for k in range(40)
        )
        path.write_text(f'<rss version="2.0"><channel><title>F{n}</title>{items}</channel></rss>')
        sources.append({"name": f"f{n}", "url": str(path)})
    return sources


def _stored(store: Store) -> list[tuple[str, str, str, str]]:
    return sorted((i.url, i.title, i.summary, i.terms) for i in all_items(store))


def test_parse_workers_give_the_same_items_as_parsing_inline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(collect_module, "PARALLEL_AFTER_BYTES", 0)
    sources = _feeds(tmp_path, 6)
    inline = settings_for(tmp_path / "a", sources, parse_workers=0)
    pooled = settings_for(tmp_path / "b", sources, parse_workers=2)
    _, store_a = run(inline, tmp_path)
    report_b, store_b = run(pooled, tmp_path)
    assert [o.status for o in report_b.outcomes] == ["ok"] * 6
    assert _stored(store_a) == _stored(store_b)
    assert len(_stored(store_b)) == 240 and all(terms for *_, terms in _stored(store_b))
    assert "parser processes stopped" not in caplog.text  # the workers did the parsing


def test_a_dead_parse_worker_costs_no_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(collect_module, "PARALLEL_AFTER_BYTES", 0)
    monkeypatch.setitem(registry, "dying", DyingInWorkers())
    sources = [{**s, "kind": "dying"} for s in _feeds(tmp_path, 4)]
    report, store = run(settings_for(tmp_path, sources, parse_workers=2), tmp_path)
    assert [o.status for o in report.outcomes] == ["ok"] * 4
    assert len(all_items(store)) == 160
    assert "parser processes stopped" in caplog.text  # the workers did die, and were replaced
