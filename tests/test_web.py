"""The review desk (`newsdesk serve`, newsdesk.web) on a real server on 127.0.0.1: its
session and CSRF guards, and the review page in a real browser (Debian's Chromium driven
by selenium): drop, edit, reorder, approve; the post, the feed and a channel then show
the edited digest, and a rerun keeps the edits."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

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

    def __init__(self, site: Path) -> None:
        import uvicorn

        settings = load_settings(site / "newsdesk.toml")
        self.desk = Desk(settings, lambda: NOW, TOKEN)
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


def test_serve_on_another_host_needs_an_explicit_token(site: Path) -> None:
    code, _, stderr = invoke("--config", site / "newsdesk.toml", "serve", "--host", "0.0.0.0")
    assert code == 2 and "NEWSDESK_SERVE_TOKEN" in stderr


def _driver():  # type: ignore[no-untyped-def]
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
    import sqlite3

    with sqlite3.connect(site / "news.db") as db:
        row = db.execute(
            "SELECT value FROM edits WHERE story_id = ? AND field = ?", (story, field)
        ).fetchone()
    return str(row[0]) if row else ""


def steady(check):  # type: ignore[no-untyped-def]
    """A wait condition that tolerates the page being swapped while it looks."""
    from selenium.common.exceptions import StaleElementReferenceException

    def condition(browser):  # type: ignore[no-untyped-def]
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
