"""The hackernews, search and page kinds against stand-ins served on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from newsdesk.errors import ConfigError
from newsdesk.sources.hackernews import terms_pattern
from newsdesk.sources.page import article_links
from tests.conftest import LocalServer, Route
from tests.test_collect import NOW, all_items, run, settings_for
from tests.test_fetch import sequence

JSON = {"Content-Type": "application/json"}


def hn_hit(n: int, title: str, points: int, url: str | None = None) -> dict[str, object]:
    return {
        "objectID": str(40_000_000 + n),
        "title": title,
        "url": url,
        "points": points,
        "created_at_i": 1_794_470_400 + n,  # 2026-11-12
        "story_text": None if url else "<p>Text of an Ask HN post.</p>",
    }


def query(path: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(path).query)


def test_hacker_news_keeps_popular_stories_that_name_a_term(
    tmp_path: Path, server: LocalServer
) -> None:
    hits = [
        hn_hit(1, "Open-weight LLM tops the coding leaderboard", 420, "https://lab.example/llm"),
        hn_hit(2, "A history of the pocket calculator", 300, "https://old.example/calc"),
        hn_hit(3, "Ask HN: Which GPU for local inference?", 180),
        hn_hit(4, "Said the AIR traffic controller", 500, "https://air.example/x"),
        hn_hit(5, "Tiny LLM trick", 20, "https://small.example/t"),  # under the threshold
        {"objectID": "9", "title": "", "points": 999},  # unusable
    ]
    server.routes["/api/v1/search_by_date"] = Route(json.dumps({"hits": hits}).encode(), 200, JSON)
    source = {
        "name": "HN",
        "url": server.url("/api/v1/search_by_date"),
        "kind": "hackernews",
        "min_points": 100,
        "terms": ["LLM", "GPU", "AI"],
    }
    report, store = run(settings_for(tmp_path, [source]), tmp_path)
    (outcome,) = report.outcomes
    assert outcome.status == "ok", outcome.reason
    urls = {item.url for item in all_items(store)}
    assert urls == {"https://lab.example/llm", "https://news.ycombinator.com/item?id=40000003"}
    # A link story keeps its Hacker News item page as the place it is discussed; an Ask
    # HN post is that page.
    pages = {item.url: item.discussion for item in all_items(store)}
    assert pages["https://lab.example/llm"] == "https://news.ycombinator.com/item?id=40000001"
    assert pages["https://news.ycombinator.com/item?id=40000003"] == ""
    # The request asks the API itself for stories over the threshold within the window.
    (path, _), *_ = server.requests
    params = query(path)
    assert params["tags"] == ["story"]
    filters = params["numericFilters"][0].split(",")
    assert "points>=100" in filters
    since = int(next(f for f in filters if f.startswith("created_at_i>")).split(">")[1])
    assert since == int((NOW - dt.timedelta(hours=48)).timestamp())  # the run's clock


def test_terms_match_whole_words_and_chinese_anywhere() -> None:
    pattern = terms_pattern(["AI", "大模型"])
    assert pattern is not None
    assert pattern.search("OpenAI's AI plans") and pattern.search("国产大模型发布")
    assert not pattern.search("He said so") and not pattern.search("OpenAI")
    assert terms_pattern([]) is None


def brave_answer(*titles: str) -> bytes:
    results = [
        {
            "title": f"<strong>{t}</strong>",
            "url": f"https://press.example/{n}?utm_source=brave",
            "description": f"What happened: {t}.",
            "page_age": "2026-11-12T07:00:00",
        }
        for n, t in enumerate(titles)
    ]
    return json.dumps({"type": "news", "results": results}).encode()


def brave_source(server: LocalServer, **extra: object) -> dict[str, object]:
    return {
        "name": "Brave",
        "url": server.url("/res/v1/news/search"),
        "kind": "search",
        "provider": "brave",
        "api_key_env": "NEWSDESK_TEST_BRAVE_KEY",
        "queries": ["AI model release", "大模型"],
        "max_items": 5,
        **extra,
    }


def test_brave_gets_the_key_header_and_each_query(
    tmp_path: Path,
    server: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_BRAVE_KEY", "sekret-123")
    server.routes["/res/v1/news/search"] = Route(
        brave_answer("Lab ships model", "Chip deal"), 200, JSON
    )
    with caplog.at_level(logging.DEBUG):
        report, store = run(settings_for(tmp_path, [brave_source(server)]), tmp_path)
    (outcome,) = report.outcomes
    assert outcome.status == "ok" and outcome.items == 2, outcome.reason  # same links twice
    assert [item.title for item in sorted(all_items(store), key=lambda i: i.url)] == [
        "Lab ships model",
        "Chip deal",
    ]
    assert len(server.requests) == 2
    for (path, headers), wanted in zip(
        server.requests, ["AI model release", "大模型"], strict=True
    ):
        assert urlsplit(path).path == "/res/v1/news/search"
        params = query(path)
        assert (
            params["q"] == [wanted] and params["count"] == ["5"] and params["freshness"] == ["pd"]
        )
        assert headers["x-subscription-token"] == "sekret-123"
        assert headers["accept"] == "application/json"
    # The key is sent, never written anywhere we keep or show.
    assert "sekret-123" not in caplog.text
    assert "sekret-123" not in json.dumps([o.reason for o in report.outcomes])


def test_brave_429_is_met_like_any_other(
    tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_BRAVE_KEY", "k")
    server.routes["/res/v1/news/search"] = sequence(
        Route(b'{"error": "rate limited"}', 429, {**JSON, "Retry-After": "1"}),
        Route(brave_answer("Lab ships model"), 200, JSON),
    )
    started = time.monotonic()
    (outcome,) = run(
        settings_for(tmp_path, [brave_source(server, queries=["AI"])], max_wait=5), tmp_path
    )[0].outcomes
    assert outcome.status == "ok" and outcome.items == 1
    assert outcome.fault == "rate_limited" and outcome.retries == 1
    assert 900 <= outcome.waited_ms <= 1500 and time.monotonic() - started >= 0.9
    # Over the cap: not waited, recorded as rate-limited.
    server.routes["/res/v1/news/search"] = Route(b"", 429, {"Retry-After": "600"})
    started = time.monotonic()
    (outcome,) = run(
        settings_for(tmp_path, [brave_source(server, queries=["AI"])], max_wait=2), tmp_path
    )[0].outcomes
    assert outcome.status == "error" and outcome.fault == "rate_limited"
    assert "over fetch.max_wait" in outcome.reason and time.monotonic() - started < 1.5


def test_a_missing_key_or_bad_answer_is_reported(
    tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSDESK_TEST_BRAVE_KEY", raising=False)
    (outcome,) = run(settings_for(tmp_path, [brave_source(server)]), tmp_path)[0].outcomes
    assert outcome.status == "error" and outcome.fault == "config"
    assert "NEWSDESK_TEST_BRAVE_KEY is not set" in outcome.reason and not server.requests
    monkeypatch.setenv("NEWSDESK_TEST_BRAVE_KEY", "k")
    server.routes["/res/v1/news/search"] = Route(
        b"<html>login</html>", 200, {"Content-Type": "text/html"}
    )
    (outcome,) = run(settings_for(tmp_path, [brave_source(server)]), tmp_path)[0].outcomes
    assert outcome.status == "error" and outcome.fault == "parse_error"
    assert "answered text/html, not JSON" in outcome.reason
    # One query failing does not lose the other's results.
    server.routes["/res/v1/news/search"] = sequence(
        Route(b"", 500), Route(b"", 500), Route(brave_answer("Still here"), 200, JSON)
    )
    (outcome,) = run(
        settings_for(tmp_path, [brave_source(server)], retries=1, backoff=0), tmp_path
    )[0].outcomes
    assert outcome.status == "ok" and outcome.items == 1
    assert "a query failed: HTTP 500" in outcome.reason
    # One unusable answer does not lose the other's results either.
    server.routes["/res/v1/news/search"] = sequence(
        Route(b"<html>busy</html>", 200, {"Content-Type": "text/html"}),
        Route(brave_answer("Still here"), 200, JSON),
    )
    (outcome,) = run(settings_for(tmp_path, [brave_source(server)]), tmp_path)[0].outcomes
    assert outcome.status == "ok" and outcome.items == 1
    assert "a query's answer was unusable: Brave Search answered text/html" in outcome.reason


def test_searxng_gets_the_json_news_request(tmp_path: Path, server: LocalServer) -> None:
    answer = {
        "query": "AI",
        "results": [
            {"url": "https://wire.example/a", "title": "Agents at work", "content": "Snippet.",
             "publishedDate": "2026-11-12T06:30:00"},
            {"url": "javascript:alert(1)", "title": "Bad link"},
        ],
    }  # fmt: skip
    server.routes["/search"] = Route(json.dumps(answer).encode(), 200, JSON)
    source = {
        "name": "Searx",
        "url": server.url("/search"),
        "kind": "search",
        "provider": "searxng",
        "queries": ["AI agents"],
        "lang": "en",
    }
    (outcome,) = run(settings_for(tmp_path, [source]), tmp_path)[0].outcomes
    assert outcome.status == "ok" and outcome.items == 1 and outcome.skipped_entries == 1
    ((path, headers),) = server.requests
    assert urlsplit(path).path == "/search"
    assert query(path) == {
        "q": ["AI agents"], "format": ["json"], "categories": ["news"], "time_range": ["day"],
        "language": ["en"],
    }  # fmt: skip
    assert "x-subscription-token" not in headers


def test_search_sources_are_checked_when_loaded(tmp_path: Path) -> None:
    base = {"name": "S", "url": "https://api.search.brave.com/res/v1/news/search", "kind": "search"}
    with pytest.raises(ConfigError, match="needs `queries`"):
        settings_for(tmp_path, [base])
    with pytest.raises(ConfigError, match="needs `api_key_env`"):
        settings_for(tmp_path, [{**base, "queries": ["AI"]}])
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        settings_for(
            tmp_path,
            [{"name": "P", "url": "https://x.example", "kind": "page", "link_pattern": "(["}],
        )


def article(title: str, paragraphs: int = 6) -> bytes:
    body = "".join(
        f"<p>Paragraph {n} of the report on {title.lower()}, with enough words to read as prose "
        "rather than navigation, as an article body does.</p>"
        for n in range(paragraphs)
    )
    return (
        f"<html><head><title>{title} | Lab</title>"
        f'<meta name="description" content="Summary of {title.lower()}.">'
        '<meta property="article:published_time" content="2026-11-12T05:00:00Z"></head>'
        f"<body><nav><a href='/news/about-our-lab-and-team'>About our lab and team</a></nav>"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


NEWS_PAGE = b"""<html><body>
<header><a href="/news/subscribe-to-our-newsletter-now">Subscribe to our newsletter now</a></header>
<main>
  <a href="/news/new-model-family">A new model family for long documents</a>
  <a href="/news/safety-report">Our latest safety evaluation report</a>
  <a href="/news/tag/research">Research</a>
  <a href="/news/category/all-the-company-posts">All the company posts here</a>
  <a href="https://elsewhere.example/news/story-about-us">A story about us elsewhere</a>
  <a href="/news/new-model-family">A new model family for long documents</a>
</main>
<footer><a href="/news/privacy-policy-updates">Privacy policy updates</a></footer>
</body></html>"""


def test_article_links_are_picked_from_a_page() -> None:
    links = article_links(NEWS_PAGE, "https://lab.example/news")
    assert links == [
        "https://lab.example/news/new-model-family",
        "https://lab.example/news/safety-report",
    ]
    only = article_links(NEWS_PAGE, "https://lab.example/news", r"/news/safety-")
    assert only == ["https://lab.example/news/safety-report"]


def test_a_page_source_reads_its_articles_through_the_guard(
    tmp_path: Path, server: LocalServer
) -> None:
    server.routes["/news"] = Route(NEWS_PAGE, 200, {"Content-Type": "text/html", "ETag": '"p1"'})
    server.routes["/news/new-model-family"] = Route(
        article("A new model family"), 200, {"Content-Type": "text/html"}
    )
    server.routes["/news/safety-report"] = Route(
        article("Safety evaluation report"), 200, {"Content-Type": "text/html"}
    )
    source = {"name": "Lab", "url": server.url("/news"), "kind": "page"}
    # Article links are discovered content: loopback addresses are refused by default.
    (outcome,) = run(settings_for(tmp_path, [source]), tmp_path)[0].outcomes
    assert outcome.status == "error" and "none of 2 articles could be read" in outcome.reason
    assert "refused" in outcome.reason and server.hits.count("/news/safety-report") == 0
    report, store = run(settings_for(tmp_path, [source], allow_private=True), tmp_path)
    (outcome,) = report.outcomes
    assert outcome.status == "ok" and outcome.items == 2, outcome.reason
    items = {item.url.rsplit("/", 1)[1]: item for item in all_items(store)}
    assert items["safety-report"].title.startswith("Safety evaluation report")
    # A one-line description is thin: the summary is the article's opening instead.
    assert items["safety-report"].summary.startswith("Paragraph 0 of the report on safety")
    assert items["safety-report"].published.isoformat().startswith("2026-11-12")
    # Unchanged page: a 304, and no article is read again.
    run(settings_for(tmp_path, [source], allow_private=True), tmp_path)
    assert server.hits.count("/news") == 3 and server.hits.count("/news/safety-report") == 1
    # A changed page with one new link: only that article is read.
    server.routes["/news"] = Route(
        NEWS_PAGE.replace(
            b"<main>", b'<main><a href="/news/third-one">The third announcement today</a>'
        ),
        200,
        {"Content-Type": "text/html"},
    )
    server.routes["/news/third-one"] = Route(
        article("The third announcement"), 200, {"Content-Type": "text/html"}
    )
    (outcome,) = run(settings_for(tmp_path, [source], allow_private=True), tmp_path)[0].outcomes
    assert outcome.items == 1 and outcome.new_items == 1
    assert (
        server.hits.count("/news/new-model-family") == 1
        and server.hits.count("/news/third-one") == 1
    )


def test_a_page_without_article_links_says_what_to_set(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/empty"] = Route(
        b"<html><body><p>Nothing</p></body></html>", 200, {"Content-Type": "text/html"}
    )
    (outcome,) = run(
        settings_for(tmp_path, [{"name": "E", "url": server.url("/empty"), "kind": "page"}]),
        tmp_path,
    )[0].outcomes
    assert outcome.status == "error" and "link_pattern" in outcome.reason
