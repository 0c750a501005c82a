"""The review desk (`newsdesk serve`, newsdesk.web) on a real server on 127.0.0.1: its
session and CSRF guards, and the review page in a real browser (Debian's Chromium driven
by selenium): drop, edit, reorder, approve; the post, the feed and a channel then show
the edited digest, and a rerun keeps the edits. With `[review] required`: a draft listed
on the desk, edited, an item set aside brought back, approved and delivered once; the
week's draft approved. The desk's schedule (next and last runs), and the desk sharing its
store with a `newsdesk daily` process running at the same time."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest

from newsdesk.config import load_settings
from newsdesk.web import Desk, create_app
from tests.conftest import demo_site
from tests.helpers import NOW, invoke
from tests.receivers import Receiver

DAY = "2026-11-11"
TOKEN = "desk-token-0123456789abcdef"


class Server:
    """uvicorn serving the desk's app on a free port of 127.0.0.1, in a thread."""

    def __init__(self, site: Path, now: dt.datetime = NOW) -> None:
        import uvicorn

        settings = load_settings(site / "newsdesk.toml")
        self.desk = Desk(settings, lambda: now, TOKEN)
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(create_app(self.desk), log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().start()
    yield found
    found.stop()


@pytest.fixture
def site(tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOOK_URL", receiver.url("/hook/abcdefgh1234"))
    found = demo_site(
        tmp_path, '\n[[channels]]\nname = "team"\nkind = "webhook"\nurl_env = "HOOK_URL"\n'
    )
    code, _, stderr = invoke(
        "--config", found / "newsdesk.toml", "daily", "--date", DAY, "--lang", "zh", "--no-deliver"
    )
    assert code == 0, stderr
    return found


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
    found = Server(site).start()
    yield found
    found.stop()


def test_the_desk_needs_its_token_a_session_and_the_csrf_token(server: Server) -> None:
    with httpx.Client(follow_redirects=False) as client:
        assert client.get(server.url("/health")).text == "ok"  # the health check is open
        assert client.get(server.url("/")).status_code == 403
        assert client.get(server.url("/login?token=wrong")).status_code == 403
        login = client.get(server.url(f"/login?token={TOKEN}"))
        assert login.status_code == 303 and "httponly" in login.headers["set-cookie"].lower()
        assert f"/day/{DAY}?lang=zh" in client.get(server.url("/")).text  # the day is listed
        page = client.get(server.url(f"/day/{DAY}?lang=zh"))
        assert page.status_code == 200
        csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
        assert csrf
        form = {"story": "0", "field": "lede", "value": "编辑写的导语。"}
        refused = client.post(server.url(f"/day/{DAY}/edit?lang=zh"), data=form)
        assert refused.status_code == 403  # no CSRF token
        done = client.post(
            server.url(f"/day/{DAY}/edit?lang=zh"),
            data=form,
            headers={"X-CSRF-Token": csrf.group(1)},
        )
        assert done.status_code == 200
    with httpx.Client() as other:  # the token was spent: a second browser gets nothing
        assert other.get(server.url(f"/login?token={TOKEN}")).status_code == 403
        assert other.post(server.url(f"/day/{DAY}/approve"), data={}).status_code == 403


def test_the_days_concept_explanation_is_editable(site: Path) -> None:
    with sqlite3.connect(site / "news.db") as db:
        db.execute(
            "UPDATE day_notes SET concept = '混合专家' WHERE day = ? AND lang = 'zh'", (DAY,)
        )
    server = Server(site).start()
    try:
        with httpx.Client() as client:
            client.get(server.url(f"/login?token={TOKEN}"))
            page = client.get(server.url(f"/day/{DAY}?lang=zh")).text
            assert "混合专家" in page and 'class="concept"' in page
            csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page)
            assert csrf
            form = {"story": "0", "field": "concept", "value": "编辑对这个概念的解释。"}
            headers = {"X-CSRF-Token": csrf.group(1)}
            done = client.post(server.url(f"/day/{DAY}/edit?lang=zh"), data=form, headers=headers)
            assert done.status_code == 200
            assert "编辑对这个概念的解释。" in client.get(server.url(f"/day/{DAY}?lang=zh")).text
    finally:
        server.stop()
    with sqlite3.connect(site / "news.db") as db:
        assert db.execute("SELECT value FROM edits WHERE field = 'concept'").fetchall() == [
            ("编辑对这个概念的解释。",)
        ]


def test_serve_on_another_host_needs_an_explicit_token(site: Path) -> None:
    code, _, stderr = invoke("--config", site / "newsdesk.toml", "serve", "--host", "0.0.0.0")
    assert code == 2 and "NEWSDESK_SERVE_TOKEN" in stderr


def _driver() -> Any:  # selenium's WebDriver (selenium has no type hints)
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver are not installed: .ci/run must install them")
        pytest.skip("chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)


def stored_edit(site: Path, story: int, field: str) -> str:
    with sqlite3.connect(site / "news.db") as db:
        row = db.execute(
            "SELECT value FROM edits WHERE story_id = ? AND field = ?", (story, field)
        ).fetchone()
    return str(row[0]) if row else ""


def steady(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A wait condition that tolerates the page being swapped while it looks."""
    from selenium.common.exceptions import StaleElementReferenceException

    def condition(browser: Any) -> Any:
        try:
            return check(browser)
        except StaleElementReferenceException:
            return False

    return condition


def test_an_editor_reviews_and_approves_in_a_real_browser(
    site: Path, server: Server, receiver: Receiver
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser = _driver()
    wait = WebDriverWait(browser, 10)
    try:
        browser.get(server.url(f"/login?token={TOKEN}"))
        browser.get(server.url(f"/day/{DAY}?lang=zh"))
        cards = browser.find_elements(By.CSS_SELECTOR, ".story")
        ids = [c.get_attribute("data-id") for c in cards]
        assert len(ids) >= 3
        kinds = [
            c.find_element(By.CSS_SELECTOR, "select.category").get_attribute("value") for c in cards
        ]
        dropped, edited = ids[0], ids[1]
        # The lowest-ranked story whose category has another story ranked above it.
        moved = next(ids[n] for n in range(len(ids) - 1, 2, -1) if kinds[n] in kinds[2:n])
        dropped_title = browser.find_element(By.CSS_SELECTOR, f"#story-{dropped} a").text

        browser.find_element(By.CSS_SELECTOR, f"#story-{dropped} .drop").click()
        wait.until(
            ready.presence_of_element_located((By.CSS_SELECTOR, f"#story-{dropped}.dropped"))
        )
        lead = browser.find_element(By.CSS_SELECTOR, f"#story-{edited} textarea.lead")
        lead.clear()
        lead.send_keys("编辑改写的导语：这条新闻值得细读。")
        browser.find_element(By.CSS_SELECTOR, f"#story-{edited} .save-lead").click()
        # The typed text is in the box at once: wait for htmx to swap the stories in.
        wait.until(ready.staleness_of(lead))
        wait.until(
            steady(
                lambda b: (
                    "编辑改写的导语"
                    in b.find_element(By.CSS_SELECTOR, f"#story-{edited} textarea").get_attribute(
                        "value"
                    )
                )
            )
        )
        browser.find_element(By.CSS_SELECTOR, f"#story-{moved} .top").click()
        wait.until(
            steady(
                lambda b: (
                    b.find_elements(By.CSS_SELECTOR, ".story")[0].get_attribute("data-id") == moved
                )
            )
        )
        browser.find_element(By.ID, "approve").click()
        wait.until(ready.presence_of_element_located((By.ID, "approved")))
        path = Path(browser.find_element(By.ID, "approved").text.split(": ", 1)[1])
    finally:
        browser.quit()

    post = path.read_text(encoding="utf-8")
    assert "编辑改写的导语：这条新闻值得细读。" in post and dropped_title not in post
    feed = feedparser.parse((site / "site" / "feed.xml").read_bytes())
    assert not feed.bozo and "编辑改写的导语" in feed.entries[0].content[0].value
    sent = receiver.requests[-1].json
    # The brief groups stories by category: the pinned one leads its section.
    section = next(x["section"] for x in sent["stories"] if str(x["id"]) == moved)
    assert str(next(x["id"] for x in sent["stories"] if x["section"] == section)) == moved
    assert all(str(s["id"]) != dropped for s in sent["stories"])
    # A rerun of the day keeps the edits.
    code, stdout, stderr = invoke(
        "--config", site / "newsdesk.toml", "daily", "--date", DAY, "--lang", "zh",
        "--no-collect", "--no-deliver",
    )  # fmt: skip
    assert code == 0, stderr
    again = Path(stdout.strip()).read_text(encoding="utf-8")
    assert "编辑改写的导语：这条新闻值得细读。" in again and dropped_title not in again


# A forum the relevance stage does not trust (not `curated`): its question is set aside.
ASIDE_TITLE = "Ask HN: Which open-weight LLM do you run locally for coding?"
FORUM = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Forum</title><link>https://forum.example/</link>
<description>Forum</description>
<item><title>{ASIDE_TITLE}</title><link>https://forum.example/item/41</link>
<guid>https://forum.example/item/41</guid><pubDate>Wed, 11 Nov 2026 10:00:00 +0800</pubDate>
<description>I am choosing a large language model to run on my own GPU. What do you use?</description>
</item></channel></rss>
"""
REVIEW = (
    '\n[[sources]]\nname = "Forum"\nurl = "feeds/forum.xml"\nkind = "feed"\n'
    "[review]\nrequired = true\n"
    '[[channels]]\nname = "team"\nkind = "webhook"\nurl_env = "HOOK_URL"\n'
)
# The ISO week of DAY.
WEEK = "{}-W{:02d}".format(*dt.date.fromisoformat(DAY).isocalendar()[:2])
# The editor opens the desk an hour after the scheduled run wrote the drafts.
LATER = NOW + dt.timedelta(hours=1)


@pytest.fixture
def review_site(tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`[review] required`, with the day's draft written (the forum's question set aside)."""
    monkeypatch.setenv("HOOK_URL", receiver.url("/hook/abcdefgh1234"))
    found = demo_site(tmp_path, REVIEW)
    (found / "feeds" / "forum.xml").write_text(FORUM, encoding="utf-8")
    code, _, stderr = invoke(
        "--config", found / "newsdesk.toml", "daily", "--date", DAY, "--lang", "zh", "--no-deliver"
    )
    assert code == 0, stderr
    return found


@pytest.fixture
def review_server(review_site: Path) -> Iterator[Server]:
    found = Server(review_site, now=LATER).start()
    yield found
    found.stop()


def drafts_of(site: Path) -> list[tuple[str, str, str, Path]]:
    """The stored drafts: (key, style, lang, file)."""
    with sqlite3.connect(site / "news.db") as db:
        rows = db.execute("SELECT key, style, lang, path FROM drafts ORDER BY key").fetchall()
    return [(str(r[0]), str(r[1]), str(r[2]), Path(r[3])) for r in rows]


def sent_text(receiver: Receiver) -> list[str]:
    """Every message the webhook got, as text (its JSON with the characters as they are)."""
    return [json.dumps(r.json, ensure_ascii=False) for r in receiver.requests]


def test_the_day_page_says_when_the_draft_file_was_edited_or_is_gone(
    review_site: Path, review_server: Server
) -> None:
    [(_, _, _, draft)] = drafts_of(review_site)
    with httpx.Client() as client:
        client.get(review_server.url(f"/login?token={TOKEN}"))

        def page() -> str:
            return client.get(review_server.url(f"/day/{DAY}?lang=zh")).text

        assert 'class="draft"' in page() and "by-hand" not in page() and "missing" not in page()
        draft.write_text(draft.read_text(encoding="utf-8") + "\nAn editor's line.\n", "utf-8")
        assert 'class="by-hand"' in page()
        draft.unlink()
        shown = page()
        assert 'class="missing"' in shown and 'class="by-hand"' not in shown
        assert f"newsdesk daily --date {DAY} --no-collect" in shown


def test_an_editor_restores_an_item_edits_and_approves_a_draft_in_a_real_browser(
    review_site: Path, review_server: Server, receiver: Receiver
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    [(_, style, _, draft)] = drafts_of(review_site)
    assert draft.exists()
    headline, lede = "编辑拟的标题：开源模型再进一步", "编辑写的导语：今天的要闻经过人工审阅。"
    browser = _driver()
    wait = WebDriverWait(browser, 10)
    try:
        browser.get(review_server.url(f"/login?token={TOKEN}"))  # then the desk's home
        waiting = browser.find_element(By.ID, "drafts")
        assert f"{style} (zh)" in waiting.text
        waiting.find_element(By.CSS_SELECTOR, f'a[href="/day/{DAY}?lang=zh"]').click()
        wait.until(ready.presence_of_element_located((By.ID, f"draft-{style}")))

        # The editor rewrites the first story's headline and the day's lede.
        first = browser.find_elements(By.CSS_SELECTOR, ".story")[0]
        story = int(first.get_attribute("data-id") or "0")
        field = first.find_element(By.CSS_SELECTOR, "input.headline")
        field.clear()
        field.send_keys(headline)
        first.find_element(By.CSS_SELECTOR, ".save-headline").click()
        wait.until(ready.staleness_of(first))  # htmx swapped the stories in
        assert (
            browser.find_element(By.CSS_SELECTOR, f"#story-{story} input.headline").get_attribute(
                "value"
            )
            == headline
        )
        shown = browser.find_elements(By.CSS_SELECTOR, ".story")[0]
        box = browser.find_element(By.CSS_SELECTOR, "textarea.lede")
        box.clear()
        box.send_keys(lede)
        browser.find_element(By.CSS_SELECTOR, ".save-lede").click()
        wait.until(ready.staleness_of(shown))
        assert stored_edit(review_site, story, "headline") == headline
        assert stored_edit(review_site, 0, "lede") == lede

        # It brings back the item the relevance stage set aside: the page loads again.
        aside = browser.find_element(By.CSS_SELECTOR, "#aside")
        item = next(li for li in aside.find_elements(By.TAG_NAME, "li") if ASIDE_TITLE in li.text)
        ident = item.get_attribute("id")
        assert ident and ident.startswith("aside-")
        item.find_element(By.CSS_SELECTOR, ".bring-back").click()
        wait.until(ready.staleness_of(item))  # HX-Refresh: a new page
        wait.until(ready.presence_of_element_located((By.ID, "aside")))
        assert not browser.find_elements(By.ID, ident)
        assert ASIDE_TITLE not in browser.find_element(By.ID, "aside").text
        titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".story > div > a")]
        assert ASIDE_TITLE in titles
        assert browser.find_element(By.CSS_SELECTOR, "textarea.lede").get_attribute("value") == lede

        browser.find_element(By.ID, "approve").click()
        wait.until(ready.presence_of_element_located((By.ID, "approved")))
        path = Path(browser.find_element(By.ID, "approved").text.split(": ", 1)[1])
    finally:
        browser.quit()

    assert path != draft and path.exists() and "drafts" not in path.parts
    post = path.read_text(encoding="utf-8")
    assert headline in post and lede in post
    assert not draft.exists() and drafts_of(review_site) == []
    feed = feedparser.parse((review_site / "site" / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 1
    assert lede in feed.entries[0].content[0].value
    [message] = sent_text(receiver)  # delivered once, with the editor's words
    assert headline in message and lede in message


ENGLISH, CHINESE = "China's rules on labelling AI-generated content", "人工智能生成内容标识办法"


def test_the_desk_offers_a_join_only_for_a_close_pair(server: Server) -> None:
    # The demo day tells China's labelling rules in Chinese and in English: a pair at
    # 0.5 × dedupe.threshold, below the default review.join_hint (0.7).
    with httpx.Client() as client:
        client.get(server.url(f"/login?token={TOKEN}"))
        page = client.get(server.url(f"/day/{DAY}?lang=zh")).text
    assert ENGLISH.replace("'", "&#39;") in page and CHINESE in page
    assert 'class="near"' not in page
    assert page.count('class="join"') == page.count('class="story')  # every shown story


def test_an_editor_joins_two_stories_and_takes_an_item_out_in_a_real_browser(
    tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    english, chinese = ENGLISH, CHINESE
    site = demo_site(tmp_path, "\n[review]\njoin_hint = 0.5\n")
    code, _, stderr = invoke(
        "--config", site / "newsdesk.toml", "daily", "--date", DAY, "--lang", "zh"
    )
    assert code == 0, stderr
    server = Server(site).start()
    browser = _driver()
    wait = WebDriverWait(browser, 10)

    def cards() -> list[Any]:
        return browser.find_elements(By.CSS_SELECTOR, ".story")

    def lead(card: Any) -> str:
        return str(card.find_element(By.CSS_SELECTOR, "div > a").text)

    def card(text: str) -> Any:
        return next(c for c in cards() if text in lead(c))

    def click_and_reload(button: Any) -> None:
        old = browser.find_element(By.ID, "stories")
        button.click()
        wait.until(ready.staleness_of(old))  # HX-Refresh: a new page
        wait.until(ready.presence_of_element_located((By.ID, "stories")))

    try:
        browser.get(server.url(f"/login?token={TOKEN}"))
        browser.get(server.url(f"/day/{DAY}?lang=zh"))
        before = len(cards())
        # "Join" before choosing the other story: the desk refuses, and says why.
        problem = browser.find_element(By.ID, "problem")
        assert not problem.is_displayed()
        cards()[0].find_element(By.CSS_SELECTOR, ".join-form button.join").click()
        wait.until(ready.visibility_of(problem))
        assert problem.text == "Join two different stories of the day."
        assert len(cards()) == before
        # The desk offers the Chinese and the English telling of one event as a join.
        # (on the one placed lower, naming the other).
        tellings = [c for c in cards() if english in lead(c) or chinese in lead(c)]
        assert len(tellings) == 2
        [lower] = [c for c in tellings if c.find_elements(By.CSS_SELECTOR, ".near")]
        hint = lower.find_element(By.CSS_SELECTOR, ".near")
        assert (chinese if english in lead(lower) else english) in hint.text
        click_and_reload(hint.find_element(By.CSS_SELECTOR, ".join-near"))
        assert len(cards()) == before - 1
        [joined] = [c for c in cards() if english in lead(c) or chinese in lead(c)]
        told = joined.find_element(By.CSS_SELECTOR, "details.items").get_attribute("textContent")
        assert english in told and chinese in told
        assert "Joined:" in browser.find_element(By.CSS_SELECTOR, ".regrouped").text

        # The Nimbus round's English wire report is taken out of its story of three.
        nimbus = card("Nimbus AI")
        nimbus.find_element(By.CSS_SELECTOR, "details.items summary").click()
        wire = next(
            li
            for li in nimbus.find_elements(By.CSS_SELECTOR, "li.item")
            if "Nimbus AI raises" in li.text
        )
        item = int(wire.get_attribute("data-item") or "0")
        click_and_reload(wire.find_element(By.CSS_SELECTOR, ".take-out"))
        alone = next(
            c
            for c in cards()
            if c.find_element(By.CSS_SELECTOR, "div > a").text.startswith("Nimbus AI raises")
        )
        assert int(alone.get_attribute("data-id") or "0") == item
        assert not alone.find_elements(By.CSS_SELECTOR, "details.items")
        assert len(cards()) == before
        assert (
            "Taken out: Nimbus AI raises"
            in browser.find_element(By.CSS_SELECTOR, ".regrouped").text
        )

        # The join is undone from the list of the editor's changes.
        undo = browser.find_element(By.CSS_SELECTOR, ".regrouped .unjoin")
        click_and_reload(undo)
        assert len(cards()) == before + 1
        assert "Joined:" not in browser.find_element(By.CSS_SELECTOR, ".regrouped").text
    finally:
        browser.quit()
        server.stop()
    with sqlite3.connect(site / "news.db") as db:
        state = dict(
            db.execute("SELECT field, value FROM edits WHERE lang = '' AND story_id = 0").fetchall()
        )
    assert json.loads(state["joined"]) == [] and json.loads(state["apart"]) == [item]


def test_the_week_page_shows_and_approves_the_weekly_draft(
    review_site: Path, review_server: Server, receiver: Receiver
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser = _driver()
    wait = WebDriverWait(browser, 10)
    try:
        browser.get(review_server.url(f"/login?token={TOKEN}"))
        browser.get(review_server.url(f"/week/{WEEK}?lang=zh"))
        assert browser.find_element(By.ID, "week").text == f"{WEEK} (zh)"
        assert browser.find_element(By.ID, "approve-week").is_displayed()
        assert not browser.find_elements(By.ID, "week-draft")  # nothing written yet

        code, _, stderr = invoke(
            "--config", review_site / "newsdesk.toml", "weekly", "--week", WEEK, "--lang", "zh"
        )
        assert code == 0, stderr
        [draft] = [d[3] for d in drafts_of(review_site) if d[0] == WEEK]
        assert draft.exists() and receiver.requests == []  # a draft is not delivered
        browser.get(review_server.url(f"/week/{WEEK}?lang=zh"))
        assert browser.find_element(By.ID, "week-draft").is_displayed()
        assert browser.find_element(By.ID, "week-post").text
        browser.find_element(By.ID, "approve-week").click()
        wait.until(ready.presence_of_element_located((By.ID, "approved")))
        path = Path(browser.find_element(By.ID, "approved").text.split(": ", 1)[1])
    finally:
        browser.quit()

    assert path != draft and path.exists() and "drafts" not in path.parts
    assert not draft.exists() and WEEK not in [d[0] for d in drafts_of(review_site)]
    [message] = receiver.requests
    assert message.json["key"] == WEEK and message.json["style"] == "weekly-axes"


def test_restore_and_week_approve_need_a_session_and_the_csrf_token(server: Server) -> None:
    routes = [
        (f"/day/{DAY}/restore?lang=zh", {"item": "1"}),
        (f"/week/{WEEK}/approve?lang=zh", {"style": "no-such-style"}),
        (f"/day/{DAY}/regroup?lang=zh", {"action": "join", "a": "999998", "b": "999999"}),
        (f"/day/{DAY}/regroup?lang=zh", {"action": "apart", "a": "999999"}),
        # a change for every language goes through its own action, not a language's edit
        (f"/day/{DAY}/edit?lang=zh", {"story": "0", "field": "joined", "value": "[[1, 2]]"}),
    ]
    with httpx.Client() as stranger:
        for route, form in routes:
            assert stranger.post(server.url(route), data=form).status_code == 403
    with httpx.Client(follow_redirects=False) as client:
        assert client.get(server.url(f"/login?token={TOKEN}")).status_code == 303
        page = client.get(server.url(f"/day/{DAY}?lang=zh"))
        csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
        assert csrf
        for route, form in routes:
            assert client.post(server.url(route), data=form).status_code == 403
            wrong = {"X-CSRF-Token": "not-" + csrf.group(1)}
            assert client.post(server.url(route), data=form, headers=wrong).status_code == 403
            assert client.post(server.url(route), data={**form, "csrf": "x"}).status_code == 403
        # With the token they get past the guard (and refuse what is wrong in the form).
        token = {"X-CSRF-Token": csrf.group(1)}
        for route, form in routes:
            assert client.post(server.url(route), data=form, headers=token).status_code == 400
        field = {**routes[0][1], "csrf": csrf.group(1)}
        assert client.post(server.url(routes[0][0]), data=field).status_code == 400


SUBREDDIT = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>r/LocalLLaMA</title>
<id>/r/LocalLLaMA/.rss</id><updated>2026-11-11T12:00:00+00:00</updated>
{entries}</feed>
"""
SUBREDDIT_ENTRY = """<entry><title>{title}</title><id>t3_{n}</id>
<link href="https://www.reddit.com/r/LocalLLaMA/comments/{n}/post/"/>
<published>2026-11-11T0{hour}:00:00+00:00</published><updated>2026-11-11T0{hour}:00:00+00:00</updated>
<content type="html">submitted by /u/someone &lt;a href="https://www.reddit.com/r/LocalLLaMA/comments/{n}/post/"&gt;[link]&lt;/a&gt;</content>
</entry>
"""
SUBREDDIT_TITLES = (
    "Qwen4 released with open weights",
    "DeepSeek V4 launches with a 1M context window",
    "Mistral Small 5 is out under Apache 2.0",
)


def test_the_desk_marks_a_forums_held_story_and_the_editor_brings_one_in(
    tmp_path: Path,
) -> None:
    # Three stories only a subreddit's text posts tell, one place for them: two are held
    # (not in the digest though the day has room), marked on the desk; the editor moves
    # one up and it is in the next digest.
    entries = "".join(
        SUBREDDIT_ENTRY.format(title=t, n=f"1x{n}", hour=n + 1)
        for n, t in enumerate(SUBREDDIT_TITLES)
    )
    found = demo_site(
        tmp_path,
        '\n[[sources]]\nname = "r/LocalLLaMA"\nurl = "forum.xml"\n\n[rank]\nmax_discussions = 1\n[fulltext]\nenabled = false\n',
    )
    (found / "forum.xml").write_text(SUBREDDIT.format(entries=entries), encoding="utf-8")
    config = found / "newsdesk.toml"
    code, stdout, stderr = invoke("--config", config, "daily", "--date", DAY, "--lang", "en")
    assert code == 0, stderr
    post = Path(stdout.strip())
    assert sum(title in post.read_text("utf-8") for title in SUBREDDIT_TITLES) == 1
    code, stdout, _ = invoke("--config", config, "report", "--date", DAY, "--json")
    assert code == 0 and sum(s["held"] for s in json.loads(stdout)["stories"]) == 2
    code, _, stderr = invoke("--config", config, "report", "--date", DAY)
    assert code == 0 and "2 stories held below the digest" in stderr
    server = Server(found).start()
    try:
        with httpx.Client() as client:
            client.get(server.url(f"/login?token={TOKEN}"))
            page = client.get(server.url(f"/day/{DAY}?lang=en")).text
            held = re.findall(
                r'id="story-(\d+)"[^>]*>\s*<div class="meta">[^<]*<span class="held"', page
            )
            assert len(held) == 2
            csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page)
            assert csrf
            moved = client.post(
                server.url(f"/day/{DAY}/move?lang=en"),
                data={"story": held[0], "direction": "top"},
                headers={"X-CSRF-Token": csrf.group(1)},
            )
            assert moved.status_code == 200
            assert moved.text.count('class="held"') == 1  # the moved one is no longer held
    finally:
        server.stop()
    code, stdout, stderr = invoke(
        "--config", config, "daily", "--date", DAY, "--lang", "en", "--no-collect"
    )
    assert code == 0, stderr
    assert sum(title in post.read_text("utf-8") for title in SUBREDDIT_TITLES) == 2


def test_the_desk_shows_the_next_and_the_last_scheduled_runs(tmp_path: Path) -> None:
    from lxml import html

    from newsdesk.store import Store

    site = demo_site(tmp_path, '\n[schedule]\ndaily = "07:30"\nweekly = "fri 18:00"\n')
    settings = load_settings(site / "newsdesk.toml")
    with Store(settings.path(settings.database)) as store:
        # What the desk ran this morning (07:30 in Shanghai), and a week that failed.
        store.record_scheduled(
            "daily", "2026-11-16", dt.datetime(2026, 11, 15, 23, 30, tzinfo=dt.UTC), "ok",
            dt.datetime(2026, 11, 15, 23, 31, 5, tzinfo=dt.UTC),
        )  # fmt: skip
        store.record_scheduled(
            "weekly", "2026-W46", dt.datetime(2026, 11, 13, 10, 0, tzinfo=dt.UTC),
            "failed: no stories", dt.datetime(2026, 11, 13, 10, 0, 9, tzinfo=dt.UTC),
        )  # fmt: skip
    server = Server(site).start()  # at NOW: Monday 2026-11-16 17:00 in Shanghai
    try:
        with httpx.Client() as client:
            client.get(server.url(f"/login?token={TOKEN}"))
            page = html.fromstring(client.get(server.url("/")).text)
            # Earlier that Monday, 07:00 in Shanghai: today's 07:30 is still to come.
            server.desk.clock = lambda: dt.datetime(2026, 11, 15, 23, 0, tzinfo=dt.UTC)
            early = html.fromstring(client.get(server.url("/")).text)
    finally:
        server.stop()

    def next_runs(page: Any) -> list[str]:
        return [li.text_content() for li in page.get_element_by_id("next-runs").iter("li")]

    assert next_runs(page) == [
        "next daily: Tue 2026-11-17 07:30",
        "next weekly: Fri 2026-11-20 18:00",
    ]
    assert next_runs(early) == [
        "next daily: Mon 2026-11-16 07:30",
        "next weekly: Fri 2026-11-20 18:00",
    ]
    rows = [
        [td.text_content() for td in tr.iter("td")]
        for tr in page.get_element_by_id("last-runs").iter("tr")
    ][1:]
    assert rows == [  # in the desk's time zone (Asia/Shanghai), as the next runs are
        ["daily", "2026-11-16", "2026-11-16 07:30", "ok", "2026-11-16 07:31"],
        ["weekly", "2026-W46", "2026-11-13 18:00", "failed: no stories", "2026-11-13 18:00"],
    ]


# `python -m newsdesk ARGS` at the tests' "now": the module run as `-m` runs it, with the
# one clock newsdesk reads (newsdesk.clock.system_clock) set before anything imports it.
AT_NOW = """
import datetime as dt, runpy, sys
import newsdesk.clock
now = dt.datetime.fromisoformat(sys.argv.pop(1))
newsdesk.clock.system_clock = lambda: now
runpy.run_module("newsdesk", run_name="__main__", alter_sys=True)
"""


def test_the_desk_and_a_daily_run_share_the_store(
    site: Path, server: Server, receiver: Receiver
) -> None:
    from newsdesk.edits import TEXT_FIELDS

    config = site / "newsdesk.toml"
    with httpx.Client(follow_redirects=False) as client:
        client.get(server.url(f"/login?token={TOKEN}"))
        page = client.get(server.url(f"/day/{DAY}?lang=zh"))
        csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
        assert csrf
        ids = [
            int(i)
            for i in re.findall(r'class="story[^"]*" id="story-\d+" data-id="(\d+)"', page.text)
        ]
        assert ids
        command = [sys.executable, "-c", AT_NOW, NOW.isoformat(), "--config", str(config)]
        process = subprocess.Popen(
            [*command, "daily", "--date", DAY, "--lang", "en", "--no-collect"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        answers: list[tuple[int, str]] = []
        wanted: dict[tuple[int, str], str] = {}
        n = during = overlap = 0
        deadline = time.monotonic() + 60
        while process.poll() is None or n < 10:
            assert time.monotonic() < deadline, "the daily run did not end within 60 s"
            during += process.poll() is None
            with sqlite3.connect(site / "news.db", timeout=10) as db:
                running = db.execute(
                    "SELECT count(*) FROM runs WHERE command LIKE 'daily%' AND status = 'running'"
                ).fetchone()[0]
            overlap += running > 0
            story, field = ids[n % len(ids)], TEXT_FIELDS[n // len(ids) % len(TEXT_FIELDS)]
            value = f"编辑第 {n} 次修改。"
            done = client.post(
                server.url(f"/day/{DAY}/edit?lang=zh"),
                data={"story": str(story), "field": field, "value": value},
                headers={"X-CSRF-Token": csrf.group(1)},
            )
            wanted[story, field] = value
            seen = client.get(server.url(f"/day/{DAY}?lang=zh"))
            answers += [(done.status_code, done.text), (seen.status_code, seen.text)]
            n += 1
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    # The desk answered while the run held the store (its run recorded as running).
    assert during and overlap, (during, overlap)
    assert Path(stdout.strip()).exists()
    assert [s for s, _ in answers] == [200] * len(answers)
    assert not [t for _, t in answers if "locked" in t]
    with sqlite3.connect(site / "news.db") as db:
        rows = db.execute(
            "SELECT story_id, field, value FROM edits WHERE day = ? AND lang = 'zh'", (DAY,)
        ).fetchall()
        logged = db.execute(
            "SELECT count(*) FROM edit_log WHERE day = ? AND lang = 'zh'", (DAY,)
        ).fetchone()[0]
    assert {(int(r[0]), str(r[1])): str(r[2]) for r in rows} == wanted
    assert logged == n
