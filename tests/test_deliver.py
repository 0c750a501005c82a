"""Delivery of stored digests to channels (deliver.py) through a real webhook receiver on
127.0.0.1, the delivery ledger, and the Atom feed of the digests."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import feedparser
import pytest

from newsdesk import publish
from newsdesk.config import ChannelSettings, load_settings
from newsdesk.deliver import deliver
from newsdesk.publish import SiteFormat
from newsdesk.publish.channels import (
    Message,
    Receipt,
    Redact,
    SendContext,
    SendError,
    Webhook,
    redact,
    registry,
    url_secrets,
)
from newsdesk.publish.post import StoredPost
from newsdesk.run import Run
from tests.conftest import demo_site
from tests.helpers import NOW, invoke
from tests.receivers import Answer, Receiver

DAY = "2026-11-11"
TOKEN = "whsec-0123456789-topsecret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().start()
    yield found
    found.stop()


def channel(name: str, kind: str = "webhook", **keys: object) -> str:
    lines = [f'name = "{name}"', f'kind = "{kind}"', "backoff = 0.01"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in keys.items()]
    return "\n[[channels]]\n" + "\n".join(lines) + "\n"


@pytest.fixture
def site(tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOOK_URL", receiver.url(f"/hook/{TOKEN}"))
    return demo_site(tmp_path, channel("team", url_env="HOOK_URL"))


def run(site: Path, *args: str) -> tuple[int, str, str]:
    return invoke("--config", site / "newsdesk.toml", *args)


def daily(site: Path, *args: str) -> tuple[str, str]:
    code, stdout, stderr = run(site, "daily", "--date", DAY, *args)
    assert code == 0, stderr
    return stdout, stderr


def stored_links(site: Path) -> set[str]:
    with sqlite3.connect(site / "news.db") as db:
        return {url for (url,) in db.execute("SELECT url FROM items")} | {
            url for (url,) in db.execute("SELECT url FROM posts")
        }


def ledger(site: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(site / "news.db") as db:
        return list(
            db.execute("SELECT channel, key, style, status, attempts, parts FROM deliveries")
        )


def test_daily_delivers_its_post_once_with_stored_links_only(
    site: Path, receiver: Receiver
) -> None:
    _, stderr = daily(site)
    assert len(receiver.requests) == 1
    body = receiver.requests[0].json
    assert body["key"] == DAY and body["style"] == "daily-brief" and body["lang"] == "zh"
    assert body["stories"] and all(s["title"] and s["url"] for s in body["stories"])
    links = {s["url"] for s in body["stories"]} | {
        o["url"] for s in body["stories"] for o in s["sources"]
    }
    assert links <= stored_links(site)
    assert "team: sent" in stderr
    assert ledger(site) == [("team", DAY, "daily-brief", "sent", 1, 1)]
    # The stored post is what every publisher reads: the same title, and the digest's
    # content as data (sections of entries, the pick, the concept).
    with sqlite3.connect(site / "news.db") as db:
        title, data = db.execute("SELECT title, digest FROM posts WHERE key = ?", (DAY,)).fetchone()
    digest = json.loads(data)
    assert body["title"] == title and digest["sections"] and digest["pick"]["url"] in links
    # A rerun that changes nothing sends nothing.
    _, again = daily(site)
    assert len(receiver.requests) == 1 and "already sent" in again
    code, _, stderr = run(site, "deliver", "--date", DAY)
    assert code == 0 and len(receiver.requests) == 1


def test_dry_run_prints_the_message_redacted_and_sends_nothing(
    site: Path, receiver: Receiver
) -> None:
    daily(site, "--no-deliver")
    assert receiver.requests == []
    code, stdout, stderr = run(site, "deliver", "--date", DAY, "--dry-run")
    assert code == 0, stderr
    assert receiver.requests == [] and ledger(site) == []
    assert '"stories"' in stdout and "team (webhook)" in stdout
    assert TOKEN not in stdout + stderr


@pytest.mark.parametrize(
    "script",
    [
        [Answer(429, {"error": "slow down"}, {"Retry-After": "0"})],
        [Answer(500, {"error": "boom"}), Answer(503, {"error": "busy"})],
    ],
    ids=["429", "5xx"],
)
def test_a_refused_message_is_retried_with_backoff(
    site: Path, receiver: Receiver, script: list[Answer]
) -> None:
    receiver.script = list(script)
    daily(site)
    assert len(receiver.requests) == len(script) + 1
    assert ledger(site) == [("team", DAY, "daily-brief", "sent", len(script) + 1, 1)]


def test_a_failed_delivery_is_recorded_reported_and_tried_again_next_run(
    site: Path, receiver: Receiver
) -> None:
    receiver.script = [Answer(400, {"error": f"bad payload for {TOKEN}"})]
    _, stderr = daily(site)
    assert "not delivered" in stderr and TOKEN not in stderr
    assert ledger(site)[0][3] == "failed"
    code, stdout, _ = run(site, "report", "--json")
    report = json.loads(stdout)
    assert report["deliveries"][0]["status"] == "failed" and TOKEN not in stdout
    code, _, stderr = run(site, "deliver", "--date", DAY)
    assert code == 0 and ledger(site) == [("team", DAY, "daily-brief", "sent", 2, 1)]
    assert len(receiver.requests) == 2


def test_a_changed_post_is_sent_again_only_with_resend(site: Path, receiver: Receiver) -> None:
    daily(site)
    with sqlite3.connect(site / "news.db") as db:
        db.execute("UPDATE posts SET title = title || ' (corrected)'")
    code, _, stderr = run(site, "deliver", "--date", DAY)
    assert code == 0 and len(receiver.requests) == 1 and "--resend" in stderr
    code, _, stderr = run(site, "deliver", "--date", DAY, "--resend")
    assert code == 0 and len(receiver.requests) == 2
    assert receiver.requests[1].json["title"].endswith("(corrected)")
    # What was sent is never sent twice, --resend or not (an approval clicked twice).
    code, _, stderr = run(site, "deliver", "--date", DAY, "--resend")
    assert code == 0 and len(receiver.requests) == 2 and "already sent" in stderr


def test_a_failing_channel_does_not_stop_the_others(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_URL", receiver.url("/hook/a"))
    monkeypatch.setenv("DEAD_URL", "http://127.0.0.1:9/never")
    extra = channel("dead", url_env="DEAD_URL", retries=0) + channel("unset", url_env="NO_SUCH_VAR")
    site = demo_site(tmp_path, extra + channel("team", url_env="HOOK_URL"))
    _, stderr = daily(site)
    assert len(receiver.requests) == 1
    statuses = {row[0]: row[3] for row in ledger(site)}
    assert statuses == {"dead": "failed", "unset": "skipped", "team": "sent"}
    assert "NO_SUCH_VAR" in stderr


def test_channels_list_and_test(site: Path, receiver: Receiver) -> None:
    code, _, stderr = run(site, "channels", "list")
    assert code == 0 and "team" in stderr and "never" in stderr
    code, _, stderr = run(site, "channels", "test", "team")
    assert code == 0, stderr
    assert len(receiver.requests) == 1 and receiver.requests[0].json["stories"]
    code, _, stderr = run(site, "channels", "test", "nobody")
    assert code != 0 and "no channel named" in stderr


def test_a_wrong_channel_kind_is_a_config_error(tmp_path: Path) -> None:
    site = demo_site(tmp_path, channel("x", kind="carrier-pigeon"))
    code, _, stderr = run(site, "daily", "--date", DAY)
    assert code != 0 and "unknown channel kind" in stderr and "Traceback" not in stderr


def test_the_feed_lists_the_posts_in_order_and_parses_cleanly(site: Path) -> None:
    for day in ("2026-11-10", DAY):
        code, _, stderr = run(site, "daily", "--date", day, "--no-deliver")
        assert code == 0, stderr
    feed = feedparser.parse((site / "site" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.id.split(":")[-1].split("/")[0] for e in feed.entries] == [DAY, "2026-11-10"]
    first = feed.entries[0]
    assert first.title and first.content[0].value.startswith("<h1>")
    assert first.updated_parsed and first.published_parsed
    assert feed.feed.language == "zh"
    # Rewriting a day keeps its entry's id.
    ids = [e.id for e in feed.entries]
    run(site, "daily", "--date", DAY, "--no-deliver")
    again = feedparser.parse((site / "site" / "feed.xml").read_bytes())
    assert [e.id for e in again.entries] == ids


# --- No secret in any log ----------------------------------------------------------------


def test_no_secret_reaches_the_log_at_debug(
    site: Path, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.script = [Answer(500, {"error": f"no route to /hook/{TOKEN}"})]
    code, stdout, stderr = run(site, "-vv", "daily", "--date", DAY)
    assert code == 0, stderr
    assert len(receiver.requests) == 2 and "retrying in" in caplog.text
    assert TOKEN not in caplog.text + stdout + stderr
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


def test_the_http_stack_logs_a_webhook_url_with_its_token_redacted(
    site: Path, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    """A program that logs httpx at DEBUG itself still never logs the token."""
    daily(site, "--no-deliver")
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")
    with Run(load_settings(site / "newsdesk.toml"), "deliver", clock=lambda: NOW) as each:
        (done,) = deliver(each, each.store.posts(key=DAY))
    assert done.status == "sent" and len(receiver.requests) == 1
    assert 'HTTP Request: POST *** "HTTP/1.1 200 OK"' in caplog.text
    assert TOKEN not in caplog.text


# --- Earlier posts' deliveries are tried again -----------------------------------------


def at(day: str) -> dt.datetime:
    """The evening of a day of the sample week, when its daily digest is written."""
    return dt.datetime.fromisoformat(f"{day}T22:00:00+08:00")


def test_a_delivery_that_failed_is_sent_by_the_next_days_run(
    site: Path, receiver: Receiver
) -> None:
    receiver.script = [Answer(503, {"error": "down"})] * 3  # every attempt of day 1
    code, _, stderr = invoke(
        "--config", site / "newsdesk.toml", "daily", "--date", DAY, now=at(DAY)
    )
    assert code == 0 and "the next run tries again" in stderr
    assert ledger(site) == [("team", DAY, "daily-brief", "failed", 3, 0)]
    # `deliver` says so to cron: a non-zero exit, one line, no traceback.
    receiver.script = [Answer(503, {"error": "down"})] * 3
    code, _, stderr = invoke("--config", site / "newsdesk.toml", "deliver", now=at(DAY))
    assert code == 1 and "did not go through (team)" in stderr and "Traceback" not in stderr
    # Day 2: the service is back; the daily run sends day 1's post, then its own.
    code, _, stderr = invoke(
        "--config", site / "newsdesk.toml", "daily", "--date", NEXT, now=at(NEXT)
    )
    assert code == 0, stderr
    assert [r.json["key"] for r in receiver.requests[6:]] == [DAY, NEXT]
    assert f"sent {DAY} daily-brief (zh) (tried again)" in stderr
    assert {(row[1], row[3]) for row in ledger(site)} == {(DAY, "sent"), (NEXT, "sent")}
    # Nothing is sent twice after that.
    code, _, _ = invoke("--config", site / "newsdesk.toml", "deliver", now=at(NEXT))
    assert code == 0 and len(receiver.requests) == 8


NEXT = "2026-11-12"


@pytest.mark.parametrize("why", ["file removed", "too old", "retry off"])
def test_a_failed_delivery_is_not_retried_for_a_removed_or_old_post(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    monkeypatch.setenv("HOOK_URL", receiver.url(f"/hook/{TOKEN}"))
    window = {"too old": 1, "retry off": 0}.get(why, 7)
    extra = channel("team", url_env="HOOK_URL") + f"\n[delivery]\nretry_days = {window}\n"
    site = demo_site(tmp_path, extra)
    later = "2026-11-13"
    receiver.script = [Answer(400, {"error": "bad"})]
    code, path, _ = invoke(
        "--config", site / "newsdesk.toml", "daily", "--date", DAY, now=at(later)
    )
    assert code == 0 and ledger(site)[0][3] == "failed"
    if why == "file removed":
        Path(path.strip()).unlink()  # the user took the post down
    code, _, stderr = invoke(
        "--config", site / "newsdesk.toml", "daily", "--date", later, now=at(later)
    )
    assert code == 0, stderr
    assert [r.json["key"] for r in receiver.requests] == [DAY, later]
    # The run says why it gave the retry up, once, and the ledger keeps it.
    because = {"file removed": "is gone", "too old": "older than delivery.retry_days (1)"}
    status = "failed" if why == "retry off" else "dropped"
    assert {(row[1], row[3]) for row in ledger(site)} == {(DAY, status), (later, "sent")}
    if why in because:
        assert f"team: {DAY} daily-brief (zh) not tried again: " in stderr
        assert because[why] in stderr and f"newsdesk deliver --date {DAY}` sends it" in stderr
    else:
        assert "not tried again" not in stderr
    code, _, stderr = invoke("--config", site / "newsdesk.toml", "deliver", now=at(later))
    assert code == 0 and "not tried again" not in stderr
    assert len(receiver.requests) == 2
    # Asked for by name, it is sent.
    code, _, _ = invoke("--config", site / "newsdesk.toml", "deliver", "--date", DAY)
    assert code == 0 and receiver.requests[-1].json["key"] == DAY


# --- A channel that raises does not stop the others ------------------------------------


class Broken:
    """A third-party channel with a bug: its `send` raises a KeyError naming its secret."""

    def __init__(self, where: str) -> None:
        self.where = where

    def problems(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        return []

    def secrets(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        return [environ["BROKEN_SECRET"]]

    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        if self.where == "messages":
            raise RuntimeError(f"cannot render with {os.environ['BROKEN_SECRET']}")
        return [Message(post.title, {})]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        raise KeyError(f"no field for {context.environ['BROKEN_SECRET']}")


@pytest.mark.parametrize("where", ["send", "messages"])
def test_a_channel_that_raises_is_recorded_as_failed_and_the_others_go_on(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    secret = "broken-0123456789-secret"
    monkeypatch.setenv("BROKEN_SECRET", secret)
    monkeypatch.setenv("HOOK_URL", receiver.url(f"/hook/{TOKEN}"))
    monkeypatch.setitem(registry, "broken", Broken(where))
    site = demo_site(tmp_path, channel("bug", kind="broken") + channel("team", url_env="HOOK_URL"))
    code, _, stderr = run(site, "daily", "--date", DAY)
    assert code == 0 and len(receiver.requests) == 1
    assert {row[0]: row[3] for row in ledger(site)} == {"bug": "failed", "team": "sent"}
    error = "KeyError" if where == "send" else "RuntimeError"
    assert f"the broken channel failed ({error}" in stderr
    assert secret not in stderr and "Traceback" not in stderr
    code, stdout, _ = run(site, "report", "--json")
    assert secret not in stdout and "***" in stdout


# --- What the webhook carries ------------------------------------------------------------


def test_the_webhook_carries_each_storys_category_and_analysis(
    site: Path, receiver: Receiver
) -> None:
    daily(site)
    code, _, stderr = run(site, "weekly", "--week", "2026-W46")
    assert code == 0, stderr
    daily_body, weekly_body = (r.json for r in receiver.requests)
    categories = {c.key for c in load_settings(site / "newsdesk.toml").categories}
    for body in (daily_body, weekly_body):
        assert body["stories"]
        for story in body["stories"]:
            assert story["category"] in categories
            assert set(story["analysis"]) == {"what", "why", "impact", "advice", "body"}
            assert all(isinstance(v, str) for v in story["analysis"].values())
    assert any(s["analysis"]["what"] for s in daily_body["stories"])
    assert weekly_body["style"] == "weekly-axes" and weekly_body["key"] == "2026-W46"
    with sqlite3.connect(site / "news.db") as db:
        (data,) = db.execute("SELECT digest FROM posts WHERE key = ?", (DAY,)).fetchone()
    sections = json.loads(data)["sections"]
    assert all(s["key"] in categories for s in sections)
    assert [s["category"] for s in daily_body["stories"]] == [
        s["key"] for s in sections for _ in s["entries"]
    ]


# --- Redaction: tokens, not words --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "secret", "words"),
    [
        (
            "https://hooks.slack.com/services/T0AB12CD3/B0CD34EF5/aBcDeFgHiJkLmNoPqRsTuVwX",
            "aBcDeFgHiJkLmNoPqRsTuVwX",
            ["services", "hooks"],
        ),
        (
            "https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            ["open-apis", "hook"],
        ),
        (
            "https://oapi.dingtalk.com/robot/send?access_token=abcdefabcdefabcdefabcdef",
            "abcdefabcdefabcdefabcdef",
            ["robot", "send"],
        ),
        (
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx",
            "693a91f6-7xxx",
            ["cgi-bin", "webhook"],
        ),
        (
            "https://discord.com/api/webhooks/1234567890/Zx_9-yW8vU7tS6rQ5pO4nM3lK2jI1hG",
            "Zx_9-yW8vU7tS6rQ5pO4nM3lK2jI1hG",
            ["webhooks", "discord"],
        ),
        (
            "https://example.org/incoming-webhook/sendMessage?token=letmein&lang=english",
            "letmein",
            ["incoming-webhook", "sendMessage", "english"],
        ),
    ],
)
def test_a_webhook_urls_token_is_masked_and_its_path_words_are_not(
    url: str, secret: str, words: list[str]
) -> None:
    found = url_secrets(url)
    assert url in found and secret in found
    assert not set(words) & set(found)
    settings = ChannelSettings(name="team", kind="webhook", url_env="HOOK_URL")
    text = f"AI {' '.join(words)} (via {url}) {secret}"
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, text, None, None)
    Redact(Webhook().secrets(settings, {"HOOK_URL": url})).filter(record)
    assert record.getMessage() == f"AI {' '.join(words)} (via ***) ***"


def test_dry_run_shows_ordinary_words_that_also_sit_in_the_hook_url(
    site: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_URL", receiver.url(f"/services/incoming-webhooks/{TOKEN}"))
    daily(site, "--no-deliver")
    with sqlite3.connect(site / "news.db") as db:
        db.execute("UPDATE posts SET title = 'AI services and incoming-webhooks'")
    code, stdout, _ = run(site, "deliver", "--date", DAY, "--dry-run")
    assert code == 0 and '"title": "AI services and incoming-webhooks"' in stdout
    assert TOKEN not in stdout


# --- The ledger: answers, message ids, times -------------------------------------------


class Numbered:
    """A third-party channel whose service answers with a message id."""

    def problems(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        return []

    def secrets(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        return []

    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        return [Message(post.title, {})]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        return Receipt(message_id="msg-4711", answer="queued as 4711")


def test_the_ledger_keeps_the_answer_and_report_shows_time_and_ids(
    site: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry, "numbered", Numbered())
    with (site / "newsdesk.toml").open("a", encoding="utf-8") as config:
        config.write(channel("counter", kind="numbered"))
    daily(site)
    with sqlite3.connect(site / "news.db") as db:
        answers = dict(db.execute("SELECT channel, answer FROM deliveries"))
    assert answers == {"team": '{"ok": true}', "counter": "queued as 4711"}
    monkeypatch.setenv("COLUMNS", "220")
    code, _, stderr = run(site, "report")
    assert code == 0
    assert "msg-4711" in stderr and NOW.isoformat(timespec="seconds") in stderr
    assert "ids" in stderr and "time" in stderr


def test_a_retry_after_over_max_wait_gives_up_and_is_recorded(
    site: Path, receiver: Receiver
) -> None:
    receiver.script = [Answer(429, {"error": "slow down"}, {"Retry-After": "3600"})]
    started = time.monotonic()
    _, stderr = daily(site)
    assert time.monotonic() - started < 30 and len(receiver.requests) == 1
    assert ledger(site) == [("team", DAY, "daily-brief", "failed", 1, 0)]
    assert "Retry-After 3600 s is over max_wait (60 s)" in stderr
    _, stdout, _ = run(site, "report", "--json")
    assert "over max_wait" in json.loads(stdout)["deliveries"][0]["answer"]


# --- Commands: weekly, deliver --week and --channel, channels list ------------------------


def test_weekly_delivers_its_post_without_review(site: Path, receiver: Receiver) -> None:
    daily(site, "--no-deliver")  # the week's stories are the days prepared
    code, _, stderr = run(site, "weekly", "--week", "2026-W46")
    assert code == 0, stderr
    (request,) = receiver.requests
    assert (request.json["key"], request.json["style"]) == ("2026-W46", "weekly-axes")
    assert ledger(site) == [("team", "2026-W46", "weekly-axes", "sent", 1, 1)]
    assert "team: sent 2026-W46 weekly-axes (zh) in 1 part(s)" in stderr


def test_deliver_a_week_or_a_day_to_one_channel(
    site: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = Receiver().start()
    try:
        monkeypatch.setenv("OTHER_URL", other.url("/other/other-0123456789"))
        with (site / "newsdesk.toml").open("a", encoding="utf-8") as config:
            config.write(channel("other", url_env="OTHER_URL", posts=["daily"]))
        daily(site, "--no-deliver")
        code, _, stderr = run(site, "weekly", "--week", "2026-W46", "--no-deliver")
        assert code == 0, stderr
        code, _, stderr = run(site, "deliver", "--week", "2026-W46", "--channel", "team")
        assert code == 0, stderr
        assert [r.json["key"] for r in receiver.requests] == ["2026-W46"] and not other.requests
        code, _, stderr = run(site, "deliver", "--date", DAY, "--channel", "other")
        assert code == 0, stderr
        assert len(receiver.requests) == 1 and [r.json["key"] for r in other.requests] == [DAY]
        code, _, stderr = run(site, "deliver", "--week", "2026-W46", "--channel", "other")
        assert code == 0 and not other.requests[1:]  # `other` takes no weekly post
        code, _, stderr = run(site, "deliver", "--date", DAY, "--channel", "nobody")
        assert code == 2 and "no channel named 'nobody'" in stderr
    finally:
        other.stop()


def test_channels_list_shows_the_last_delivery(
    site: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    daily(site)
    monkeypatch.setenv("COLUMNS", "220")
    code, _, stderr = run(site, "channels", "list")
    assert code == 0, stderr
    (line,) = [line for line in stderr.splitlines() if "team" in line]
    assert f"sent {DAY} daily-brief (zh) at {NOW.isoformat(timespec='seconds')}" in line


# --- Publishers of the stored post, registered alike --------------------------------------


class Archive:
    """A third party's publisher: a JSON file per stored post, beside the site."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []

    def publish(self, run: Run, post: StoredPost, *, fmt: SiteFormat, out: Path) -> Path | None:
        self.seen.append((post.key, post.style, fmt.name))
        path = out / "archive" / f"{post.key}-{post.style}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(post.data, ensure_ascii=False), encoding="utf-8")
        return path


def test_a_registered_publisher_gets_every_stored_post_beside_the_feed(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "feed" in publish.publishers
    archive = Archive()
    monkeypatch.setitem(publish.publishers, "archive", archive)
    daily(site, "--no-deliver")
    code, _, stderr = run(site, "weekly", "--week", "2026-W46", "--no-deliver")
    assert code == 0, stderr
    assert archive.seen == [
        (DAY, "daily-brief", "markdown"),
        ("2026-W46", "weekly-axes", "markdown"),
    ]
    stored = json.loads((site / "site" / "archive" / f"{DAY}-daily-brief.json").read_text())
    assert stored["sections"]
    feed = feedparser.parse((site / "site" / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 2


# --- A stored post is delivered, whatever happened after it was stored -----------------


class Failing:
    """A publisher that raises `error` on its first call (a full disk, a third party's
    bug, or the run killed while it works), then publishes nothing."""

    def __init__(self, error: BaseException) -> None:
        self.error: BaseException | None = error

    def publish(self, run: Run, post: StoredPost, *, fmt: SiteFormat, out: Path) -> Path | None:
        error, self.error = self.error, None
        if error is not None:
            raise error
        return None


def test_a_failing_publisher_is_reported_and_the_others_and_the_delivery_go_on(
    site: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = OSError(28, "No space left on device")
    monkeypatch.setitem(publish.publishers, "archive", Failing(full))  # called before feed
    code, _, stderr = run(site, "daily", "--date", DAY)
    assert code == 0 and "Traceback" not in stderr
    assert (
        f"publisher archive: {DAY} daily-brief (zh) not published (OSError: [Errno 28] No "
        "space left on device)"
    ) in " ".join(stderr.split())
    assert (site / "site" / "feed.xml").is_file()  # the feed, published after it
    assert [r.json["key"] for r in receiver.requests] == [DAY]
    code, stdout, _ = run(site, "report", "--json")
    assert any(w.startswith("publisher archive: ") for w in json.loads(stdout)["warnings"])


def test_a_post_stored_by_a_run_that_ended_before_delivering_goes_with_the_next_run(
    site: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Day 1: the run is killed after the post is stored, before it is delivered.
    monkeypatch.setitem(publish.publishers, "archive", Failing(KeyboardInterrupt()))
    code, _, _ = invoke("--config", site / "newsdesk.toml", "daily", "--date", DAY, now=at(DAY))
    assert code != 0 and receiver.requests == []
    assert ledger(site) == [("team", DAY, "daily-brief", "pending", 0, 0)]
    # Day 2: day 1's post goes first, then day 2's.
    code, _, stderr = invoke(
        "--config", site / "newsdesk.toml", "daily", "--date", NEXT, now=at(NEXT)
    )
    assert code == 0, stderr
    assert [r.json["key"] for r in receiver.requests] == [DAY, NEXT]
    assert f"sent {DAY} daily-brief (zh) (tried again)" in stderr
    assert {(row[1], row[3], row[4]) for row in ledger(site)} == {
        (DAY, "sent", 1),
        (NEXT, "sent", 1),
    }


def test_a_channel_added_later_and_a_post_written_without_delivery_get_no_back_posts(
    site: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    daily(site)  # sent to team
    code, _, stderr = run(site, "daily", "--date", "2026-11-10", "--no-deliver")
    assert code == 0, stderr
    monkeypatch.setenv("LATE_URL", receiver.url("/late/late-0123456789"))
    with (site / "newsdesk.toml").open("a", encoding="utf-8") as config:
        config.write(channel("late", url_env="LATE_URL"))
    code, _, stderr = run(site, "daily", "--date", NEXT)
    assert code == 0, stderr
    sent = [(r.path.split("/")[1], r.json["key"]) for r in receiver.requests]
    assert sent == [("hook", DAY), ("hook", NEXT), ("late", NEXT)]


def test_a_retry_finds_a_post_written_with_a_relative_out_from_another_folder(
    site: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site)
    receiver.script = [Answer(400, {"error": "bad"})]
    code, _, stderr = invoke(
        "--config", "newsdesk.toml", "daily", "--date", DAY, "--out", "public", now=at(NEXT)
    )
    assert code == 0 and ledger(site)[0][3] == "failed", stderr
    elsewhere = site / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # a timer's run, from another working folder
    code, _, stderr = invoke(
        "--config", site / "newsdesk.toml", "daily", "--date", NEXT, now=at(NEXT)
    )
    assert code == 0, stderr
    assert [r.json["key"] for r in receiver.requests] == [DAY, DAY, NEXT]
    assert "not tried again" not in stderr
    with sqlite3.connect(site / "news.db") as db:
        (stored,) = db.execute("SELECT path FROM posts WHERE key = ?", (DAY,)).fetchone()
    assert stored == str(site / "public" / f"{DAY}-ai-daily-brief-zh.md")


class Picky:
    """A third-party channel that cannot build a message for the posts in `refuse`, and
    whose service refuses every message while `down`."""

    def __init__(self) -> None:
        self.refuse: set[str] = set()
        self.down = False
        self.sent: list[str] = []

    def problems(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        return []

    def secrets(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        return []

    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        if post.key in self.refuse:
            raise ValueError("a story's title alone is over the limit")
        return [Message(post.key, {})]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        if self.down:
            raise SendError("HTTP 503 down")
        self.sent.append(message.text)
        return Receipt()


@pytest.fixture
def picky(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Picky]:
    found = Picky()
    monkeypatch.setitem(registry, "picky", found)
    return demo_site(tmp_path, channel("picky", kind="picky", retries=0)), found


def test_a_message_that_cannot_be_built_does_not_hold_back_the_channels_other_posts(
    picky: tuple[Path, Picky],
) -> None:
    site, channel_ = picky
    channel_.down = True
    for day in ("2026-11-10", DAY):
        code, _, stderr = run(site, "daily", "--date", day)
        assert code == 0, stderr
    assert {row[1]: row[3] for row in ledger(site)} == {"2026-11-10": "failed", DAY: "failed"}
    # The service is back; the first earlier post's message cannot be built: the channel
    # is not down, so the other earlier post goes.
    channel_.down, channel_.refuse = False, {"2026-11-10"}
    code, _, stderr = run(site, "daily", "--date", NEXT)
    assert code == 0, stderr
    assert channel_.sent == [DAY, NEXT]


def test_a_retry_given_up_because_its_message_cannot_be_built_is_reported_once(
    picky: tuple[Path, Picky],
) -> None:
    site, channel_ = picky
    channel_.refuse = {DAY}
    daily(site)
    assert ledger(site) == [("picky", DAY, "daily-brief", "failed", 0, 0)]
    code, _, stderr = run(site, "daily", "--date", NEXT)
    assert code == 0 and channel_.sent == [NEXT]
    said = " ".join(stderr.split())
    assert f"picky: {DAY} daily-brief (zh) not tried again: its message could not be built" in said
    assert "it is tried again when the post changes" in said
    later = "2026-11-13"
    code, _, stderr = run(site, "daily", "--date", later)
    assert code == 0 and "not tried again" not in stderr and channel_.sent == [NEXT, later]
    # Once the post changes, it is tried again.
    channel_.refuse = set()
    with sqlite3.connect(site / "news.db") as db:
        db.execute("UPDATE posts SET title = title || ' (corrected)' WHERE key = ?", (DAY,))
    code, _, stderr = run(site, "daily", "--date", later)
    assert code == 0, stderr
    assert channel_.sent == [NEXT, later, DAY]


def test_approve_delivers_the_posts_it_publishes_in_one_round(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_URL", receiver.url(f"/hook/{TOKEN}"))
    review = "\n[review]\nrequired = true\n"
    site = demo_site(tmp_path, channel("team", url_env="HOOK_URL", retries=0) + review)
    for lang in ("zh", "en"):
        daily(site, "--lang", lang)  # two drafts
    assert receiver.requests == []
    receiver.script = [Answer(503, {"error": "down"})] * 10  # the service is down
    code, _, stderr = run(site, "approve", "--date", DAY)
    assert code == 0, stderr
    # Each post tried once: the first one's failure is not tried again for the second.
    assert sorted(r.json["lang"] for r in receiver.requests) == ["en", "zh"]
    assert {(row[3], row[4]) for row in ledger(site)} == {("failed", 1)}


# --- Redaction: a token in a URL, not a word of the message ------------------------------

LOWER = "qwertyuiopasdfgh"  # an all-lowercase token, as some services issue


def test_an_all_lowercase_token_is_masked_in_urls_and_a_word_of_the_text_is_not() -> None:
    url = f"https://chat.example.org/hooks/{LOWER}"
    settings = ChannelSettings(name="team", kind="webhook", url_env="HOOK_URL")
    secrets = Webhook().secrets(settings, {"HOOK_URL": url})
    text = (
        f'{{"title": "AI hooks: {LOWER} fans", "echo": "POST /hooks/{LOWER}?x=1 refused", '
        f'"link": "https://news.example/{LOWER}", "url": "{url}"}}'
    )
    assert redact(text, secrets) == (
        f'{{"title": "AI hooks: {LOWER} fans", "echo": "POST /hooks/***?x=1 refused", '
        '"link": "https://news.example/***", "url": "***"}'
    )
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, f"POST {url} 200", None, None)
    Redact(secrets).filter(record)
    assert record.getMessage() == "POST *** 200"
    # The service's fixed words are never secrets; a team name in the path is one.
    found = url_secrets("https://example.org/open-apis/bot/v2/team-alerts/sendMessage")
    assert "team-alerts" in found and not {"open-apis", "bot", "v2", "sendMessage"} & set(found)


def test_dry_run_masks_an_all_lowercase_token_in_the_urls_of_the_text_only(
    site: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_URL", receiver.url(f"/hooks/{LOWER}"))
    daily(site, "--no-deliver")
    title = f"AI {LOWER} at https://example.org/hooks/{LOWER}"
    with sqlite3.connect(site / "news.db") as db:
        db.execute("UPDATE posts SET title = ?", (title,))
    code, stdout, _ = run(site, "deliver", "--date", DAY, "--dry-run")
    assert code == 0
    assert f'"title": "AI {LOWER} at https://example.org/hooks/***"' in stdout
