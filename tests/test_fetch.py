"""The HTTP client against a real server on 127.0.0.1: limits, retries, conditional GET."""

from __future__ import annotations

import email.utils
import gzip
import json
import socket
import time
from pathlib import Path

import brotli
import pytest

from newsdesk.http import retry_after
from newsdesk.models import SourceOutcome
from tests.conftest import LocalServer, Route, write_config
from tests.helpers import invoke
from tests.test_collect import all_items, run, settings_for

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://n.example/1</link><description>Body one.</description>
<pubDate>Tue, 10 Nov 2026 08:00:00 +0000</pubDate></item></channel></rss>"""


def sequence(*routes: Route):  # type: ignore[no-untyped-def]
    """A route that answers with each of `routes` in turn, then the last one forever."""
    answers = list(routes)

    def answer(headers: dict[str, str]) -> Route:
        return answers.pop(0) if len(answers) > 1 else answers[0]

    return answer


def one(tmp_path: Path, server: LocalServer, path: str, **fetch: object) -> SourceOutcome:
    settings = settings_for(tmp_path, [{"name": "S", "url": server.url(path)}], **fetch)
    report, _ = run(settings, tmp_path)
    (outcome,) = report.outcomes
    return outcome


def test_429_waits_as_told_then_succeeds(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/f"] = sequence(Route(b"", 429, {"Retry-After": "1"}), Route(FEED))
    started = time.monotonic()
    outcome = one(tmp_path, server, "/f", max_wait=5)
    assert outcome.status == "ok" and outcome.items == 1
    assert outcome.retries == 1 and 900 <= outcome.waited_ms <= 1500
    assert time.monotonic() - started >= 0.9
    assert "Retry-After 1 s" in outcome.reason
    assert server.hits.count("/f") == 2


def test_retry_after_over_the_cap_is_not_waited(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/f"] = Route(b"", 429, {"Retry-After": "120"})
    started = time.monotonic()
    outcome = one(tmp_path, server, "/f", max_wait=2)
    assert time.monotonic() - started < 1.5
    assert outcome.status == "error" and outcome.fault == "rate_limited"
    assert "over fetch.max_wait" in outcome.reason and server.hits.count("/f") == 1


def test_retry_after_as_an_http_date() -> None:
    now = time.time()
    stamp = email.utils.formatdate(now + 5, usegmt=True)
    assert retry_after(stamp, now=now) == pytest.approx(5, abs=1)
    assert retry_after("7") == 7.0
    assert retry_after("soon") is None and retry_after("") is None
    assert retry_after(email.utils.formatdate(now - 60, usegmt=True), now=now) == 0.0


def test_503_backs_off_and_retries_are_bounded(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/ok-later"] = sequence(Route(b"", 503), Route(FEED))
    outcome = one(tmp_path / "a", server, "/ok-later", backoff=0.2)
    assert outcome.status == "ok" and outcome.retries == 1
    assert 90 <= outcome.waited_ms <= 350  # 0.2 s × jitter 0.5–1.5
    server.routes["/down"] = Route(b"", 500)
    outcome = one(tmp_path / "b", server, "/down", backoff=0.1, retries=2)
    assert outcome.status == "error" and outcome.fault == "http_error"
    assert outcome.retries == 2 and server.hits.count("/down") == 3


def test_a_hang_past_the_timeout(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/slow"] = Route(FEED, delay=3)
    started = time.monotonic()
    outcome = one(tmp_path, server, "/slow", timeout=0.5, retries=0)
    assert time.monotonic() - started < 2.5
    assert outcome.status == "error" and outcome.fault == "timeout"


def test_truncated_bodies_and_redirect_loops(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/cut"] = Route(FEED, truncate=True)
    outcome = one(tmp_path / "a", server, "/cut", backoff=0.05)
    assert outcome.status == "error" and outcome.fault == "unreachable"
    assert outcome.retries == 1
    server.routes["/loop"] = Route(b"", 302, {"Location": "/loop"})
    outcome = one(tmp_path / "b", server, "/loop")
    assert outcome.status == "error" and outcome.fault == "redirects"


def test_unchanged_feeds_cost_a_304_and_no_parse(tmp_path: Path, server: LocalServer) -> None:
    def conditional(headers: dict[str, str]) -> Route:
        if headers.get("if-none-match") == '"v1"':
            return Route(b"", 304, {"ETag": '"v1"'})
        return Route(
            FEED, headers={"ETag": '"v1"', "Last-Modified": "Tue, 10 Nov 2026 08:00:00 GMT"}
        )

    server.routes["/f"] = conditional
    settings = settings_for(tmp_path, [{"name": "S", "url": server.url("/f")}])
    first, _ = run(settings, tmp_path)
    second, store = run(settings, tmp_path)
    assert first.outcomes[0].status == "ok" and first.outcomes[0].bytes == len(FEED)
    (again,) = second.outcomes
    assert again.status == "not_modified" and again.bytes == 0 and again.items == 0
    assert len(all_items(store)) == 1  # nothing lost


def test_gzip_and_brotli_bodies(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/gz"] = Route(gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
    server.routes["/br"] = Route(brotli.compress(FEED), headers={"Content-Encoding": "br"})
    assert one(tmp_path / "a", server, "/gz").items == 1
    assert one(tmp_path / "b", server, "/br").items == 1


def test_a_slow_host_does_not_hold_back_another(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/slow"] = Route(FEED, delay=0.6)
    server.routes["/fast"] = Route(FEED)
    port = server.httpd.server_address[1]
    slow = [{"name": f"slow{n}", "url": f"http://127.0.0.1:{port}/slow?n={n}"} for n in range(4)]
    fast = [{"name": "fast", "url": f"http://localhost:{port}/fast"}]
    server.routes.update({f"/slow?n={n}": Route(FEED, delay=0.6) for n in range(4)})
    settings = settings_for(tmp_path, [*slow, *fast], per_host=1, concurrency=8)
    started = time.monotonic()
    report, _ = run(settings, tmp_path)
    took = time.monotonic() - started
    by_name = {o.source: o for o in report.outcomes}
    assert all(o.status == "ok" for o in report.outcomes)
    assert took >= 4 * 0.6 * 0.95  # one at a time on the slow host
    assert by_name["fast"].elapsed_ms < 500  # not queued behind the slow host


def test_the_digest_note_tells_of_failures_and_retries_in_its_language(
    tmp_path: Path, server: LocalServer
) -> None:
    server.routes["/wire"] = sequence(Route(b"", 429, {"Retry-After": "1"}), Route(FEED))
    server.routes["/gone"] = Route(b"", 404)
    write_config(
        tmp_path,
        'database = "news.db"\n[site]\nout = "site"\n[fetch]\nmax_wait = 5\n'
        f'[[sources]]\nname = "Wire"\nurl = "{server.url("/wire")}"\ncurated = true\n'
        f'[[sources]]\nname = "Gone"\nurl = "{server.url("/gone")}"\ncurated = true\n',
    )
    config = str(tmp_path / "newsdesk.toml")
    code, stdout, stderr = invoke("--config", config, "daily", "--date", "2026-11-10")
    assert code == 0, stderr
    zh = Path(stdout.strip()).read_text(encoding="utf-8")
    assert "说明：本次抓取中有 1 个来源未能读取：Gone（未找到 (HTTP 404)）" in zh
    assert (
        "另有 1 个来源经退避重试后读取成功：Wire（被限流，等待 1 秒后重试 1 次，最终读取成功）"
        in zh
    )
    code, stdout, _ = invoke(
        "--config", config, "daily", "--date", "2026-11-10", "--no-collect", "--lang", "en"
    )
    en = Path(stdout.strip()).read_text(encoding="utf-8")
    assert "Gone (not found (HTTP 404))" in en
    assert "Wire (rate-limited, retried once after waiting 1 s, then read)" in en

    code, stdout, _ = invoke("--config", config, "report", "--run", "1", "--json")
    assert code == 0
    run = json.loads(stdout)
    assert run["command"] == "daily" and run["status"] == "partial"
    wire, gone = sorted(run["sources"], key=lambda o: o["source"], reverse=True)
    assert (wire["status"], wire["retries"], wire["items"]) == ("ok", 1, 1)
    assert wire["waited_ms"] >= 900 and "Retry-After" in wire["reason"]
    assert (gone["status"], gone["fault"], gone["reason"]) == (
        "error",
        "http_error",
        "HTTP 404 Not Found",
    )
    code, _, stderr = invoke("--config", config, "report")
    assert code == 0 and "run 2 (daily)" in stderr  # the latest run: the --no-collect one
    code, _, stderr = invoke("--config", config, "report", "--run", "1")
    assert code == 0 and "Wire" in stderr and "Gone" in stderr
    code, _, stderr = invoke("--config", config, "report", "--run", "99")
    assert code == 1 and "no run 99" in stderr


def test_the_digest_note_names_the_http_status_a_source_failed_with(
    tmp_path: Path, server: LocalServer
) -> None:
    server.routes["/Wire"] = Route(FEED)
    failing = {"Missing": 404, "Locked": 401, "Forbidden": 403, "Removed": 410, "Down": 502}
    for name, status in failing.items():
        server.routes[f"/{name}"] = Route(b"", status)
    sources = "".join(
        f'[[sources]]\nname = "{name}"\nurl = "{server.url("/" + name)}"\ncurated = true\n'
        for name in ["Wire", *failing]
    )
    write_config(
        tmp_path,
        f'database = "news.db"\n[site]\nout = "site"\n[fetch]\nretries = 0\n{sources}',
    )
    config = str(tmp_path / "newsdesk.toml")
    code, stdout, stderr = invoke("--config", config, "daily", "--date", "2026-11-10")
    assert code == 0, stderr
    zh = Path(stdout.strip()).read_text(encoding="utf-8")
    for told in (
        "Missing（未找到 (HTTP 404)）",
        "Locked（需要授权 (HTTP 401)）",
        "Forbidden（拒绝访问 (HTTP 403)）",
        "Removed（已移除 (HTTP 410)）",
        "Down（服务器返回错误 (HTTP 502)）",
    ):
        assert told in zh
    code, stdout, _ = invoke(
        "--config", config, "daily", "--date", "2026-11-10", "--no-collect", "--lang", "en"
    )
    en = Path(stdout.strip()).read_text(encoding="utf-8")
    for told in (
        "Missing (not found (HTTP 404))",
        "Locked (access denied (HTTP 401))",
        "Forbidden (access denied (HTTP 403))",
        "Removed (gone (HTTP 410))",
        "Down (server error (HTTP 502))",
    ):
        assert told in en
    assert "Missing (server error" not in en


PAGE = b"""<!doctype html><html><head><title>Lab blog</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Posts" href="/blog/feed.xml">
</head><body><p>Welcome.</p></body></html>"""


def test_a_page_that_advertises_its_feed(tmp_path: Path, server: LocalServer) -> None:
    server.routes["/blog/"] = Route(PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    server.routes["/blog/feed.xml"] = Route(FEED)
    # The page is named in the config (trusted); the feed it points to was discovered in
    # fetched content, and it is on loopback: refused unless private addresses are allowed.
    refused = one(tmp_path / "a", server, "/blog/")
    assert refused.status == "error" and refused.fault == "refused"
    assert "/blog/feed.xml" in refused.reason and "fetch.allow_private" in refused.reason
    assert "/blog/feed.xml" not in server.hits
    allowed = one(tmp_path / "b", server, "/blog/", allow_private=True)
    assert allowed.status == "ok" and allowed.items == 1
    assert f"feed found at {server.url('/blog/feed.xml')}" in allowed.reason


def test_the_guard_checks_every_redirect_of_a_discovered_url(server: LocalServer) -> None:
    from newsdesk.config import FetchSettings
    from newsdesk.http import FetchError, HttpClient, refuse_private

    for url in (
        "http://127.0.0.1/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
        "http://[::ffff:192.168.0.1]/x",
        "http://0.0.0.0/x",
        "file:///etc/passwd",
    ):
        with pytest.raises(FetchError) as caught:
            refuse_private(url)
        assert caught.value.fault == "refused", url
    refuse_private("http://93.184.216.34/x")  # a public address passes
    # A loopback port where nothing listens: no test sends traffic off this machine.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    server.routes["/hop"] = Route(b"", 302, {"Location": f"http://127.0.0.1:{closed}/internal"})
    with HttpClient(FetchSettings(allow_private=False, timeout=1, retries=0)) as client:
        # Named in the config: trusted wherever it points, so the redirect is followed
        # (and fails only because nothing answers there).
        with pytest.raises(FetchError) as caught:
            client.get(server.url("/hop"))
        assert caught.value.fault != "refused"
    with HttpClient(FetchSettings(allow_private=True, timeout=1, retries=0)) as client:
        with pytest.raises(FetchError) as caught:
            client.get(server.url("/hop"), discovered=True)
        assert caught.value.fault != "refused"


def test_a_name_that_does_not_resolve_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A discovered URL whose name does not resolve is not retried; a reserved name is
    refused without a look-up at all."""
    from newsdesk.config import FetchSettings
    from newsdesk.http import FetchError, HttpClient

    looked_up: list[str] = []

    def no_such_name(host: str, *args: object, **kwargs: object) -> object:
        looked_up.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    with HttpClient(FetchSettings(retries=3, backoff=5)) as client:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            client.get("https://gone.news-site.org/a", discovered=True)
        assert time.monotonic() - started < 1
        assert (caught.value.fault, caught.value.retries) == ("unreachable", 0)
        assert looked_up == ["gone.news-site.org"]
        for url in (
            "https://lab.example/x",
            "http://a.invalid/",
            "http://b.test/",
            "http://c.local/",
        ):
            with pytest.raises(FetchError) as caught:
                client.get(url, discovered=True)
            assert caught.value.fault == "refused" and "reserved name" in caught.value.reason
        assert looked_up == ["gone.news-site.org"]


def test_a_discovered_url_redirecting_inward_is_refused(
    tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public-looking first hop that redirects to a private address is refused at the hop."""
    from newsdesk import http
    from newsdesk.config import FetchSettings

    checked: list[str] = []
    real = http.refuse_private

    def only_hop_two(url: str) -> None:  # treat the test server as public, the target not
        checked.append(url)
        if "10.0.0.7" in url:
            real(url)

    monkeypatch.setattr(http, "refuse_private", only_hop_two)
    server.routes["/hop"] = Route(b"", 302, {"Location": "http://10.0.0.7/internal"})
    with (
        http.HttpClient(FetchSettings(retries=0)) as client,
        pytest.raises(http.FetchError) as caught,
    ):
        client.get(server.url("/hop"), discovered=True)
    assert caught.value.fault == "refused" and "10.0.0.7" in caught.value.reason
    assert checked == [server.url("/hop"), "http://10.0.0.7/internal"]
