"""Delivery of stored digests to channels (deliver.py) through a real webhook receiver on
127.0.0.1, the delivery ledger, and the Atom feed of the digests."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from tests.conftest import demo_site
from tests.helpers import invoke
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
