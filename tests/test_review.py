"""Review before publishing (`[review]`, review.py): drafts written where the site does
not build them, approval (as written, edited by hand, with the desk's edits), reruns,
auto-publishing, weekly drafts, the desk's scheduled runs, restoring a set-aside item,
and real site builds that leave the draft out until it is approved. A real SQLite
store, a real webhook receiver on 127.0.0.1, and the tests' fixed clock."""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import re
import shutil
import sqlite3
import subprocess
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml

from newsdesk.config import load_settings
from newsdesk.schedule import Due
from newsdesk.web import Desk, publish_due, run_due
from tests.conftest import demo_site
from tests.helpers import NOW, invoke
from tests.receivers import Answer, Receiver
from tests.test_sites import BUILDS, OUTPUT, SITES, _need, flat, visible

DAY = "2026-11-11"
WEEK = "2026-W46"  # the bundled sample week; NOW is the Monday after it
NAME = f"{DAY}-ai-daily-brief-en.md"
WEEKLY_NAME = "2026-11-15-ai-weekly-axes-2026-w46-en.md"  # written on the week's last day
CHANNEL = '\n[[channels]]\nname = "team"\nkind = "webhook"\nurl_env = "HOOK_URL"\nbackoff = 0.01\n'
REVIEW = "\n[review]\n"
REQUIRED = "required = true\n"
# Per format: where a post is published and where its draft waits, under the site folder,
# and where the English feed goes.
PLACES = {
    "hugo": ("content/posts", "content/drafts", "static/feed-en.xml"),
    "jekyll": ("_posts", "_drafts", "feed-en.xml"),
    "eleventy": ("posts", "drafts", "public/feed-en.xml"),
    "markdown": (".", "drafts", "feed-en.xml"),
}
FORMATS = list(PLACES)
HOURS = dt.timedelta(hours=1)


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    found = Receiver()
    # A short poll interval: stopping the server then takes milliseconds, not half a second.
    found.thread = threading.Thread(
        target=found.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    found.start()
    monkeypatch.setenv("HOOK_URL", found.url("/hook/review-0123456789"))
    yield found
    found.stop()


def make_site(folder: Path, review: str = REQUIRED) -> Path:
    """The demo site with a webhook channel and a `[review]` block (`review` its keys)."""
    return demo_site(folder, CHANNEL + REVIEW + review)


def set_review(site: Path, review: str) -> None:
    """Replace the keys of the site's `[review]` block."""
    config = site / "newsdesk.toml"
    base = config.read_text(encoding="utf-8").split(REVIEW)[0]
    config.write_text(base + REVIEW + review, encoding="utf-8")


def run(site: Path, *args: str, now: dt.datetime = NOW) -> tuple[int, str, str]:
    return invoke("--config", site / "newsdesk.toml", *args, now=now)


def ok(site: Path, *args: str, now: dt.datetime = NOW) -> tuple[str, str]:
    code, stdout, stderr = run(site, *args, now=now)
    assert code == 0, stderr
    return stdout, stderr


def places(site: Path, fmt: str, name: str = NAME) -> tuple[Path, Path, Path]:
    """The published file, the draft file and the English feed of a post in `fmt`."""
    published, draft, feed = PLACES[fmt]
    out = site / "site"
    return out / published / name, out / draft / name, out / feed


def daily(site: Path, *args: str, now: dt.datetime = NOW) -> Path:
    stdout, _ = ok(site, "daily", "--date", DAY, "--lang", "en", *args, now=now)
    return Path(stdout.strip())


def files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def front_matter(text: str, fmt: str) -> dict[str, Any]:
    fence = r"\+\+\+" if fmt == "hugo" else "---"
    found = re.match(rf"\A{fence}\n(.*?\n){fence}\n", text, re.DOTALL)
    assert found, text[:200]
    data = tomllib.loads(found.group(1)) if fmt == "hugo" else yaml.safe_load(found.group(1))
    assert isinstance(data, dict)
    return data


def body_of(text: str) -> str:
    """A post's text without its front matter."""
    return re.sub(r"\A(\+\+\+|---)\n.*?\n\1\n", "", text, count=1, flags=re.DOTALL)


def query(site: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(site / "news.db")) as db:
        return list(db.execute(sql, params))


def listed(site: Path, now: dt.datetime = NOW) -> list[list[str]]:
    """`newsdesk approve --list`: one row of fields per draft."""
    stdout, stderr = ok(site, "approve", "--list", now=now)
    rows = [line.split("\t") for line in stdout.splitlines() if line.strip()]
    assert rows or "no draft awaits approval" in stderr
    return rows


def feed_titles(feed: Path) -> list[str]:
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return [str(entry.title) for entry in parsed.entries]


def bodies(receiver: Receiver) -> list[dict[str, Any]]:
    found = [request.json for request in receiver.requests]
    assert all(isinstance(body, dict) for body in found)
    return found


# 1. A draft, and nothing else --------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_with_review_required_daily_writes_only_a_draft(
    tmp_path: Path, receiver: Receiver, fmt: str
) -> None:
    site = make_site(tmp_path)
    published, draft, _ = places(site, fmt)
    code, stdout, stderr = run(site, "daily", "--date", DAY, "--lang", "en", "--format", fmt)
    assert code == 0, stderr
    assert Path(stdout.strip()) == draft
    assert files(site / "site") == {draft}  # no published post, no feed, nothing else
    assert not published.exists()
    assert f"newsdesk approve --date {DAY}" in stderr and "team:" not in stderr
    text = draft.read_text(encoding="utf-8")
    if fmt == "markdown":
        assert text.startswith("# ")  # no front matter in a plain file
    else:
        meta = front_matter(text, fmt)
        expected = {
            "hugo": {"draft": True},
            "jekyll": {"published": False},
            "eleventy": {"permalink": False, "eleventyExcludeFromCollections": True},
        }[fmt]
        assert {key: meta.get(key) for key in expected} == expected
    assert receiver.requests == []
    assert query(site, "SELECT count(*) FROM posts") == [(0,)]
    assert listed(site) == [[DAY, "daily-brief", "en", fmt, "2026-11-16 17:00", str(draft)]]


# 2. Approval publishes it everywhere, once -------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_approve_publishes_the_draft_feeds_and_delivers_it_once(
    tmp_path: Path, receiver: Receiver, fmt: str
) -> None:
    site = make_site(tmp_path)
    published, draft, feed = places(site, fmt)
    daily(site, "--format", fmt)
    [(title,)] = query(site, "SELECT title FROM drafts")
    written = body_of(draft.read_text(encoding="utf-8"))
    stdout, stderr = ok(site, "approve", "--date", DAY, now=NOW + HOURS)
    assert Path(stdout.strip()) == published
    assert f"published {DAY} daily-brief (en) as written" in stderr
    assert "team: sent" in stderr
    assert published.is_file() and not draft.exists()
    text = published.read_text(encoding="utf-8")
    if fmt == "hugo":
        assert front_matter(text, fmt)["draft"] is False
    elif fmt != "markdown":
        meta = front_matter(text, fmt)
        assert "published" not in meta and "permalink" not in meta
    assert body_of(text) == written  # what the editor read
    assert feed_titles(feed) == [title]
    [body] = bodies(receiver)
    assert (body["key"], body["lang"], body["title"]) == (DAY, "en", title)
    assert listed(site) == []
    assert query(site, "SELECT count(*) FROM drafts") == [(0,)]
    code, _, again = run(site, "approve", "--date", DAY, now=NOW + 2 * HOURS)
    assert code == 1
    assert f"no draft awaits approval for {DAY}" in again and "Traceback" not in again
    assert len(receiver.requests) == 1  # approving twice delivers nothing more


# 3. A draft edited by hand -----------------------------------------------------------


def test_a_draft_edited_by_hand_is_published_as_edited(tmp_path: Path, receiver: Receiver) -> None:
    site = make_site(tmp_path)
    published, draft, feed = places(site, "hugo")
    daily(site, "--format", "hugo")
    note = "An editor's note, added to the file by hand."
    with draft.open("a", encoding="utf-8") as file:
        file.write(f"\n{note}\n")
    stdout, stderr = ok(site, "approve", "--date", DAY, now=NOW + HOURS)
    assert Path(stdout.strip()) == published and not draft.exists()
    assert f"published {DAY} daily-brief (en) edited by hand" in stderr
    assert "the feed and the channels carry the digest as newsdesk wrote it" in stderr
    text = published.read_text(encoding="utf-8")
    assert note in text and front_matter(text, "hugo")["draft"] is False
    # The feed and the channel carry the stored digest: without the hand edit.
    assert len(feed_titles(feed)) == 1 and note not in feed.read_text(encoding="utf-8")
    assert len(receiver.requests) == 1 and note not in receiver.requests[0].body.decode()


def test_a_hand_edit_of_the_drafts_front_matter_is_kept(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    published, draft, _ = places(site, "hugo")
    daily(site, "--format", "hugo")
    text = draft.read_text(encoding="utf-8")
    title = front_matter(text, "hugo")["title"]
    draft.write_text(text.replace(title, "The editor's title", 1), encoding="utf-8")
    _, stderr = ok(site, "approve", "--date", DAY, "--no-deliver")
    assert "edited by hand" in stderr
    meta = front_matter(published.read_text(encoding="utf-8"), "hugo")
    assert (meta["title"], meta["draft"]) == ("The editor's title", False)


def test_a_draft_saved_with_a_bom_and_spaces_after_its_fences_has_one_front_matter(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path)
    published, draft, _ = places(site, "hugo")
    daily(site, "--format", "hugo")
    text = draft.read_text(encoding="utf-8").replace("+++\n", "+++  \n", 2)
    draft.write_text("\ufeff" + text, encoding="utf-8")  # as some editors save it
    ok(site, "approve", "--date", DAY, "--no-deliver")
    written = published.read_text(encoding="utf-8")
    assert written.count("+++") == 2 and front_matter(written, "hugo")["draft"] is False


def test_a_draft_whose_front_matter_cannot_be_found_is_not_published(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    published, draft, _ = places(site, "hugo")
    daily(site, "--format", "hugo")
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("+++\n", "+++ broken\n", 1), encoding="utf-8")
    code, _, stderr = run(site, "approve", "--date", DAY, "--no-deliver")
    assert code == 1 and "front matter" in stderr and "Traceback" not in stderr
    assert not published.exists() and draft.exists() and len(listed(site)) == 1


def test_a_draft_approved_elsewhere_meanwhile_is_not_published_twice(tmp_path: Path) -> None:
    from newsdesk.config import load_settings
    from newsdesk.review import approve_draft
    from newsdesk.run import Run

    site = make_site(tmp_path)
    daily(site)
    settings = load_settings(site / "newsdesk.toml")
    with Run(settings, "approve", clock=lambda: NOW + HOURS) as run:
        [draft] = run.store.drafts()
        assert approve_draft(run, draft).ok
        again = approve_draft(run, draft)  # the same draft, as another process held it
    assert not again.ok and "approved or written again meanwhile" in again.problem
    assert query(site, "SELECT count(*) FROM posts") == [(1,)]


# 4. Edits in the desk after the draft ------------------------------------------------


@pytest.mark.parametrize("later", [HOURS, dt.timedelta(0)], ids=["an hour later", "same second"])
def test_desk_edits_after_the_draft_are_published_with_it(
    tmp_path: Path, receiver: Receiver, later: dt.timedelta
) -> None:
    site = make_site(tmp_path)
    published, draft, feed = places(site, "markdown")
    daily(site)
    lede = "The desk's own word on the day."
    assert lede not in draft.read_text(encoding="utf-8")
    # An edit in the same second as the draft counts too: the order, not the clock.
    ok(site, "edit", "--date", DAY, "--lang", "en", "lede", lede, now=NOW + later)
    _, stderr = ok(site, "approve", "--date", DAY, now=NOW + later)
    assert f"published {DAY} daily-brief (en) with the desk's edits" in stderr
    assert lede in published.read_text(encoding="utf-8") and not draft.exists()
    assert lede in feed.read_text(encoding="utf-8")
    [body] = bodies(receiver)
    assert body["lede"] == lede
    assert listed(site) == []


def test_a_desk_edit_made_before_the_draft_leaves_it_as_written(
    tmp_path: Path, receiver: Receiver
) -> None:
    site = make_site(tmp_path)
    published, _, _ = places(site, "markdown")
    lede = "Edited before the draft was written."
    ok(site, "collect")
    ok(site, "edit", "--date", DAY, "--lang", "en", "lede", lede, now=NOW - HOURS)
    daily(site, "--no-collect")
    _, stderr = ok(site, "approve", "--date", DAY, now=NOW + HOURS)
    assert "as written" in stderr and lede in published.read_text(encoding="utf-8")


def test_a_draft_edited_by_hand_and_in_the_desk_is_refused(
    tmp_path: Path, receiver: Receiver
) -> None:
    site = make_site(tmp_path)
    published, draft, feed = places(site, "markdown")
    daily(site)
    with draft.open("a", encoding="utf-8") as file:
        file.write("\nA hand edit.\n")
    edited = draft.read_text(encoding="utf-8")
    ok(site, "edit", "--date", DAY, "--lang", "en", "lede", "A desk edit.", now=NOW + HOURS)
    code, stdout, stderr = run(site, "approve", "--date", DAY, now=NOW + 2 * HOURS)
    assert code == 1 and stdout == ""
    assert "not approved" in stderr and "edited by hand, and the day in the desk" in stderr
    assert f"newsdesk daily --date {DAY} --no-collect" in stderr
    assert "Traceback" not in stderr
    assert not published.exists() and not feed.exists()
    assert draft.read_text(encoding="utf-8") == edited  # left as the editor left it
    assert [row[0] for row in listed(site)] == [DAY]
    assert receiver.requests == []
    assert query(site, "SELECT count(*) FROM posts") == [(0,)]


# 5. Reruns -----------------------------------------------------------------------------


def test_a_rerun_drafts_beside_the_published_post_and_without_review_publishes(
    tmp_path: Path, receiver: Receiver
) -> None:
    site = make_site(tmp_path)
    published, draft, feed = places(site, "markdown")
    daily(site)
    ok(site, "approve", "--date", DAY)
    first = published.read_text(encoding="utf-8")
    fed = feed.read_bytes()
    lede = "A second look at the day."
    ok(site, "edit", "--date", DAY, "--lang", "en", "lede", lede, now=NOW + HOURS)
    # Review required: the rerun is a new draft; the published post stays as it was.
    assert daily(site, "--no-collect", now=NOW + 2 * HOURS) == draft
    assert lede in draft.read_text(encoding="utf-8")
    assert published.read_text(encoding="utf-8") == first and lede not in first
    assert feed.read_bytes() == fed  # the draft is no feed entry
    assert [row[0] for row in listed(site)] == [DAY]
    assert len(receiver.requests) == 1
    # Review off: the rerun publishes directly, and the pending draft goes.
    set_review(site, "required = false\n")
    code, stdout, stderr = run(
        site, "daily", "--date", DAY, "--lang", "en", "--no-collect", now=NOW + 3 * HOURS
    )
    assert code == 0 and Path(stdout.strip()) == published, stderr
    assert "was published directly: its draft awaiting review" in " ".join(stderr.split())
    assert lede in published.read_text(encoding="utf-8")
    assert not draft.exists()
    assert listed(site) == []
    assert query(site, "SELECT count(*) FROM drafts") == [(0,)]


# 6. Auto-publishing ------------------------------------------------------------------


def test_approve_due_publishes_only_drafts_older_than_auto_publish_after(
    tmp_path: Path, receiver: Receiver
) -> None:
    site = make_site(tmp_path, REQUIRED + 'auto_publish_after = "6h"\n')
    published, draft, feed = places(site, "markdown")
    daily(site)
    _, stderr = ok(site, "approve", "--due", now=NOW + HOURS)
    assert "no draft is older than review.auto_publish_after" in stderr
    assert draft.exists() and not published.exists() and receiver.requests == []
    stdout, stderr = ok(site, "approve", "--due", now=NOW + 7 * HOURS)
    assert Path(stdout.strip()) == published and published.is_file() and not draft.exists()
    assert "team: sent" in stderr and len(feed_titles(feed)) == 1
    [body] = bodies(receiver)
    assert body["key"] == DAY
    report = json.loads(ok(site, "report", "--json", now=NOW + 7 * HOURS)[0])
    assert report["command"] == "approve"
    assert any("published without review, 6h after" in w for w in report["warnings"])


def test_approve_due_without_auto_publish_after_is_a_config_error(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    code, _, stderr = run(site, "approve", "--due")
    assert code == 2 and "review.auto_publish_after" in stderr and "not set" in stderr
    assert "Traceback" not in stderr


def test_a_bad_auto_publish_after_names_the_key(tmp_path: Path) -> None:
    site = make_site(tmp_path, REQUIRED + 'auto_publish_after = "soon"\n')
    for args in (("approve", "--list"), ("daily", "--date", DAY)):
        code, _, stderr = run(site, *args)
        assert code == 2, stderr
        assert "review.auto_publish_after" in stderr and "'soon' is not a duration" in stderr
        assert "Traceback" not in stderr
    assert not (site / "site").exists()


# 7. Weekly -----------------------------------------------------------------------------


def test_a_weekly_post_is_a_draft_until_approved(tmp_path: Path, receiver: Receiver) -> None:
    site = make_site(tmp_path)
    ok(site, "collect")
    published, draft, feed = places(site, "hugo", WEEKLY_NAME)
    listing = site / "site" / "content" / "weekly_news" / f"ai_news_{WEEK}-en.md"
    stdout, stderr = ok(site, "weekly", "--week", WEEK, "--lang", "en", "--format", "hugo")
    assert [Path(line) for line in stdout.split()] == [listing, draft]
    assert f"newsdesk approve --week {WEEK}" in stderr
    # The raw list only lists: it is published; the post waits.
    assert front_matter(listing.read_text(encoding="utf-8"), "hugo")["draft"] is False
    assert front_matter(draft.read_text(encoding="utf-8"), "hugo")["draft"] is True
    assert not published.exists() and not feed.exists() and receiver.requests == []
    assert [row[:3] for row in listed(site)] == [[WEEK, "weekly-axes", "en"]]
    # The week drafted again on a later day: one draft file, not one per day.
    ok(site, "weekly", "--week", WEEK, "--lang", "en", "--format", "hugo", now=NOW + 26 * HOURS)
    assert [p.name for p in draft.parent.iterdir()] == [
        query(site, "SELECT path FROM drafts")[0][0].rsplit("/", 1)[1]
    ]
    code, _, stderr = run(site, "approve", "--date", DAY)  # no daily draft awaits
    assert code == 1 and f"drafts await approval for {WEEK}" in stderr
    stdout, stderr = ok(site, "approve", "--week", WEEK, now=NOW + HOURS)
    assert Path(stdout.strip()) == published and not draft.exists()
    assert front_matter(published.read_text(encoding="utf-8"), "hugo")["draft"] is False
    [(title,)] = query(site, "SELECT title FROM posts WHERE key = ?", WEEK)
    assert feed_titles(feed) == [title]
    [body] = bodies(receiver)
    assert (body["key"], body["style"]) == (WEEK, "weekly-axes")
    assert listed(site) == []


# 8. The desk's scheduled runs --------------------------------------------------------


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def test_a_scheduled_run_drafts_and_auto_publishing_publishes_it(
    tmp_path: Path, receiver: Receiver
) -> None:
    site = make_site(tmp_path, REQUIRED + 'auto_publish_after = "6h"\n')
    settings = load_settings(site / "newsdesk.toml")
    clock = Clock(NOW)
    desk = Desk(settings, clock, "desk-token-0123456789abcdef")
    scheduled = dt.datetime(2026, 11, 11, 7, 30, tzinfo=settings.tz)
    run_due(desk, Due("daily", DAY, scheduled))
    [(path, lang)] = query(site, "SELECT path, lang FROM drafts WHERE key = ?", DAY)
    draft = Path(path)
    assert lang == settings.language and draft.parent == site / "site" / "drafts"
    assert draft.is_file() and receiver.requests == []
    assert query(site, "SELECT count(*) FROM posts") == [(0,)]
    clock.now = NOW + HOURS  # not overdue yet
    publish_due(desk)
    assert draft.exists() and receiver.requests == []
    clock.now = NOW + 7 * HOURS
    publish_due(desk)
    published = site / "site" / draft.name
    assert published.is_file() and not draft.exists()
    [body] = bodies(receiver)
    assert (body["key"], body["lang"]) == (DAY, settings.language)
    report = json.loads(ok(site, "report", "--json", now=clock.now)[0])
    assert report["command"] == "auto-publish" and report["drafts"] == []
    assert any(
        w.startswith(f"{DAY} daily-brief ({settings.language}) was published without review")
        for w in report["warnings"]
    ), report["warnings"]
    clock.now = NOW + 8 * HOURS  # nothing more to do: nothing sent again
    publish_due(desk)
    assert len(receiver.requests) == 1


def test_a_scheduled_run_sends_what_the_last_one_could_not(
    tmp_path: Path, receiver: Receiver
) -> None:
    site = make_site(tmp_path, "")  # published at once, no review
    settings = load_settings(site / "newsdesk.toml")
    evening = dt.datetime(2026, 11, 11, 22, 0, tzinfo=settings.tz)
    clock = Clock(evening)
    desk = Desk(settings, clock, "desk-token-0123456789abcdef")
    receiver.script = [Answer(503, {"error": "down"})] * 3  # the service is down all day
    run_due(desk, Due("daily", DAY, evening - 14 * HOURS))
    assert query(site, "SELECT key, status FROM deliveries") == [(DAY, "failed")]
    clock.now = evening + 24 * HOURS  # the next day's run: the service is back
    run_due(desk, Due("daily", "2026-11-12", evening + 10 * HOURS))
    assert [body["key"] for body in bodies(receiver)[3:]] == [DAY, "2026-11-12"]
    assert set(query(site, "SELECT key, status FROM deliveries")) == {
        (DAY, "sent"),
        ("2026-11-12", "sent"),
    }


# 9. Restoring a set-aside item -------------------------------------------------------

# A source the relevance stage judges (not curated), with one item of the day about no AI.
TOWN = '\n[[sources]]\nname = "Town Crier"\nurl = "feeds/town.xml"\nkind = "feed"\n'
OFF_TOPIC = "https://town.example/news/2026-11-11/pie-contest"
TOWN_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Town Crier</title><link>https://town.example/</link>
<description>Town Crier</description><language>en</language>
<item><title>Riverside bakery wins the county pie contest for a third year</title>
<link>{OFF_TOPIC}</link><guid>{OFF_TOPIC}</guid>
<pubDate>Wed, 11 Nov 2026 10:00:00 +0800</pubDate>
<description>The judges praised its apple crumble; the bakery plans a second shop.</description>
</item></channel></rss>
"""


def town_site(folder: Path, review: str = "") -> tuple[Path, int]:
    """The demo site with the Town Crier, the day written once (the review keys given);
    the off-topic item's id."""
    site = demo_site(folder, TOWN + CHANNEL + REVIEW + review)
    (site / "feeds" / "town.xml").write_text(TOWN_FEED, encoding="utf-8")
    daily(site)
    [(item,)] = query(site, "SELECT id FROM items WHERE url = ?", OFF_TOPIC)
    return site, int(item)


def in_stories(site: Path, item: int) -> bool:
    rows = query(
        site,
        "SELECT 1 FROM story_items si JOIN stories s ON s.id = si.story_id "
        "WHERE s.day = ? AND si.item_id = ?",
        DAY,
        item,
    )
    return bool(rows)


def set_aside(site: Path) -> dict[int, str]:
    return dict(query(site, "SELECT item_id, reason FROM set_aside WHERE day = ?", DAY))


def test_a_restored_item_joins_the_day_and_stays_on_a_rerun(
    tmp_path: Path, receiver: Receiver
) -> None:
    site, item = town_site(tmp_path)
    assert set_aside(site).get(item) == "off_topic" and not in_stories(site, item)
    ok(site, "edit", "--date", DAY, "restored", f"[{item}]", now=NOW + HOURS)
    daily(site, "--no-collect", now=NOW + 2 * HOURS)
    assert in_stories(site, item) and item not in set_aside(site)
    daily(site, "--no-collect", now=NOW + 3 * HOURS)
    assert in_stories(site, item) and item not in set_aside(site)
    report = json.loads(ok(site, "report", "--date", DAY, "--json")[0])
    assert [(e["field"], e["lang"]) for e in report["edits"]] == [("restored", "")]


def test_only_items_set_aside_that_day_can_be_restored(tmp_path: Path) -> None:
    site, item = town_site(tmp_path)
    code, _, stderr = run(site, "edit", "--date", DAY, "restored", f"[{item + 10_000}]")
    assert code == 2 and f"item {item + 10_000} was not set aside on {DAY}" in stderr
    assert "Traceback" not in stderr
    _, stderr = ok(site, "report", "--date", DAY)
    assert str(item) in stderr and "restored" in stderr  # the id to restore, and how
    assert query(site, "SELECT count(*) FROM edits") == [(0,)]


def test_a_restored_item_joining_a_story_leaves_it_its_id() -> None:
    """Edits name stories by id (their smallest item id): an item brought back into a
    story keeps the editor's edits on it, even when the item's id is smaller."""
    from newsdesk.models import Story
    from newsdesk.pipeline import _keep_id
    from tests.helpers import news_item

    older, first, second = (
        news_item(f"Nimbus raises $2B ({n})", at=NOW, ident=ident)
        for n, ident in ((1, 3), (2, 13), (3, 14))
    )
    joined = Story(id=3, day=NOW.date(), items=[first, older, second])
    assert _keep_id(joined, {3}).id == 13  # the id it had before the restore
    assert _keep_id(joined, set()).id == 3
    alone = Story(id=3, day=NOW.date(), items=[older])
    assert _keep_id(alone, {3}).id == 3  # a restored item on its own is its own story


def test_a_restore_made_with_edit_after_the_draft_is_published_on_approval(
    tmp_path: Path, receiver: Receiver
) -> None:
    site, item = town_site(tmp_path, REQUIRED)
    ok(site, "edit", "--date", DAY, "restored", f"[{item}]", now=NOW + HOURS)
    _, stderr = ok(site, "approve", "--date", DAY, now=NOW + 2 * HOURS)
    assert "with the desk's edits" in stderr
    assert in_stories(site, item) and item not in set_aside(site)


# 10. Real site builds ----------------------------------------------------------------


def build(tool: str, generator: str, site: Path) -> str:
    """Build the site afresh; the visible text of every page, whitespace collapsed."""
    shutil.rmtree(site / OUTPUT[generator], ignore_errors=True)
    result = subprocess.run(
        BUILDS[generator](tool, site), cwd=site, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    pages = [visible(p) for p in (site / OUTPUT[generator]).rglob("*.html")]
    return flat(" ".join(html.unescape("".join(p.text)) for p in pages))


@pytest.mark.parametrize("generator", ["hugo", "jekyll", "eleventy"])
def test_a_real_build_leaves_the_draft_out_until_it_is_approved(
    tmp_path: Path, generator: str
) -> None:
    tool = _need(generator)
    shutil.copytree(SITES / generator, tmp_path / "site")
    site = make_site(tmp_path)
    daily(site, "--format", generator)
    [(title,)] = query(site, "SELECT title FROM drafts")
    headline = title.split(": ", 1)[1]
    shown = build(tool, generator, site / "site")
    assert flat(headline) not in shown
    ok(site, "approve", "--date", DAY, "--no-deliver")
    shown = build(tool, generator, site / "site")
    assert flat(title) in shown


def test_stories_joined_with_edit_after_the_draft_are_published_joined(
    tmp_path: Path, receiver: Receiver
) -> None:
    site = make_site(tmp_path)
    ok(site, "daily", "--date", DAY, "--lang", "en")
    stdout, _ = ok(site, "report", "--date", DAY, "--json")
    told = json.loads(stdout)["stories"]
    # The demo day tells China's labelling rules in English and in Chinese: two stories.
    pair = [
        s["story"]
        for s in told
        if any("labelling" in i["title"] or "标识办法" in i["title"] for i in s["items"])
    ]
    assert len(pair) == 2
    ok(site, "edit", "--date", DAY, "joined", json.dumps([pair]), now=NOW + HOURS)
    _, stderr = ok(site, "approve", "--date", DAY, now=NOW + 2 * HOURS)
    assert "with the desk's edits" in stderr
    with sqlite3.connect(site / "news.db") as db:
        owners = db.execute(
            "SELECT DISTINCT story_id FROM story_items WHERE item_id IN (?, ?)", pair
        ).fetchall()
        (digest,) = db.execute(
            "SELECT digest FROM posts WHERE key = ? AND lang = 'en'", (DAY,)
        ).fetchone()
    assert owners == [(min(pair),)]
    entries = [e["id"] for section in json.loads(digest)["sections"] for e in section["entries"]]
    assert min(pair) in entries and max(pair) not in entries
