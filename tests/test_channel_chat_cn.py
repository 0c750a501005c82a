"""The Feishu, DingTalk and WeCom channels against real receivers on 127.0.0.1 that check
what each service documents (docs/channels.md): its signature, recomputed from the
secret; its size limit; its message format; and that answer in its shapes (HTTP 200 with
a code, 0 when sent). Deliveries go through the delivery stage: the CLI, or `deliver`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from newsdesk.config import ChannelSettings, load_settings
from newsdesk.deliver import Delivered, deliver
from newsdesk.publish.channels import Message, registry
from newsdesk.publish.post import StoredPost
from newsdesk.run import Run
from newsdesk.store import Store
from tests.channel_fixtures import SECTIONS, chinese_post, hostile_post
from tests.conftest import demo_site
from tests.helpers import NOW, invoke
from tests.receivers import Answer, Receiver, Request

DAY = "2026-11-11"
TOKEN = "hook-0123456789-abcdef"  # the credential in each webhook URL
# The signing secret (Feishu, DingTalk). Its DingTalk signature at NOW holds a "+",
# which reaches the service intact only when URL-encoded, as DingTalk requires.
SECRET = "SECsigning-0123456789-abcde0"


class ServiceBot(Receiver):
    """A service's webhook: refuses what the service refuses, in its answer shapes."""

    path: ClassVar[str]  # the webhook's path and query, token included
    signs: ClassVar[bool]
    limit: ClassVar[int]  # what `measure` may reach
    ok: ClassVar[dict[str, Any]]
    busy: ClassVar[dict[str, Any]]  # the frequency-limit answer
    sign_refused: ClassVar[str]  # what the service says of a wrong signature

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[dict[str, Any]] = []
        self.reset()

    def reset(self) -> None:
        """As new, for the next test (the bots are shared: a stop takes half a second)."""
        self.secret = SECRET if self.signs else ""
        self.now = NOW.timestamp()  # the service's clock: the tests' "now"
        self.script.clear()
        self.requests.clear()
        self.refused.clear()

    def answer(self, request: Request) -> Answer:
        refusal = self.refuse(request)
        if refusal is None:
            return Answer(200, self.ok)
        self.refused.append(refusal)
        return Answer(200, refusal)

    def refuse(self, request: Request) -> dict[str, Any] | None:
        """The service's answer to a request it refuses; None when it would send it."""
        raise NotImplementedError

    @classmethod
    def refusal(cls, message: str) -> dict[str, Any]:
        """A refusal the delivery stage must not retry, saying `message`."""
        raise NotImplementedError

    @staticmethod
    def measure(request: Request) -> int:
        """The bytes the service counts against its limit."""
        return len(request.body)

    @staticmethod
    def markup(payload: dict[str, Any]) -> str | None:
        """The message's markup text (None for a structured message)."""
        raise NotImplementedError

    @staticmethod
    def links(payload: dict[str, Any]) -> list[str]:
        """Every link target of a message, as sent."""
        raise NotImplementedError


def parsed_links(text: str) -> list[str]:
    """The link targets a Markdown reader finds in `text`."""
    found = []
    for token in MarkdownIt("commonmark").parse(text):
        for child in token.children or []:
            if child.type == "link_open":
                found.append(str(child.attrs["href"]))
    return found


def json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = request.json
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


class FeishuBot(ServiceBot):
    """Feishu's custom bot: body within 20 KB (9499 Bad Request), signature in the body
    with timestamp + "\\n" + secret as the HMAC-SHA256 key over nothing (19021)."""

    path = f"/open-apis/bot/v2/hook/{TOKEN}"
    signs = True
    limit = 20_000
    ok: ClassVar[dict[str, Any]] = {
        "StatusCode": 0,
        "StatusMessage": "success",
        "code": 0,
        "data": {},
        "msg": "success",
    }
    busy: ClassVar[dict[str, Any]] = {"code": 11232, "msg": "frequency limited", "data": {}}
    sign_refused = "sign match fail or timestamp is not within one hour from current time"
    bad: ClassVar[dict[str, Any]] = {"code": 9499, "msg": "Bad Request", "data": {}}

    def refuse(self, request: Request) -> dict[str, Any] | None:
        body = json_body(request)
        if len(request.body) > self.limit or body is None:
            return self.bad
        if self.secret and not self.signed(body):
            return {"code": 19021, "msg": self.sign_refused}
        return None if card_ok(body) or post_ok(body) else self.bad

    def signed(self, body: dict[str, Any]) -> bool:
        timestamp = body.get("timestamp")
        if not isinstance(timestamp, str) or not timestamp.isdigit():
            return False
        key = f"{timestamp}\n{self.secret}".encode()
        wanted = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        fresh = abs(int(timestamp) - self.now) <= 3600
        return fresh and hmac.compare_digest(str(body.get("sign")), wanted)

    @classmethod
    def refusal(cls, message: str) -> dict[str, Any]:
        return {"code": 19024, "msg": message}

    @staticmethod
    def markup(payload: dict[str, Any]) -> str | None:
        if payload["msg_type"] != "interactive":
            return None
        return "\n\n".join(e["text"]["content"] for e in payload["card"]["elements"])

    @staticmethod
    def links(payload: dict[str, Any]) -> list[str]:
        text = FeishuBot.markup(payload)
        if text is not None:
            return parsed_links(text)
        (locale,) = payload["content"]["post"].values()
        return [e["href"] for line in locale["content"] for e in line if e["tag"] == "a"]


def card_ok(body: dict[str, Any]) -> bool:
    """An interactive card: a plain-text header and lark_md div elements."""
    card = body.get("card")
    if body.get("msg_type") != "interactive" or not isinstance(card, dict):
        return False
    title = card.get("header", {}).get("title", {})
    elements = card.get("elements")
    return (
        title.get("tag") == "plain_text"
        and isinstance(title.get("content"), str)
        and isinstance(elements, list)
        and bool(elements)
        and all(
            e.get("tag") == "div"
            and e.get("text", {}).get("tag") == "lark_md"
            and isinstance(e["text"].get("content"), str)
            for e in elements
        )
    )


def post_ok(body: dict[str, Any]) -> bool:
    """A post message: one language, a title, paragraphs of text and link elements."""
    post = body.get("content", {}).get("post") if isinstance(body.get("content"), dict) else None
    if body.get("msg_type") != "post" or not isinstance(post, dict) or len(post) != 1:
        return False
    (locale,) = post.values()
    paragraphs = locale.get("content")
    return (
        set(post) <= {"zh_cn", "en_us"}
        and isinstance(locale.get("title"), str)
        and isinstance(paragraphs, list)
        and all(isinstance(p, list) and all(map(element_ok, p)) for p in paragraphs)
    )


def element_ok(element: Any) -> bool:
    if not isinstance(element, dict) or not isinstance(element.get("text"), str):
        return False
    href = element.get("href")
    if element.get("tag") == "a":
        return isinstance(href, str) and href.startswith(("http://", "https://"))
    return element.get("tag") == "text"


class DingTalkBot(ServiceBot):
    """DingTalk's custom robot: access_token and, signing, timestamp (ms) and sign on
    the URL (HMAC-SHA256 keyed with the secret over timestamp + "\\n" + secret, Base64,
    URL-encoded; 310000); a body over 20000 bytes is refused (460101)."""

    path = f"/robot/send?access_token={TOKEN}"
    signs = True
    limit = 20_000
    ok: ClassVar[dict[str, Any]] = {"errcode": 0, "errmsg": "ok"}
    busy: ClassVar[dict[str, Any]] = {
        "errcode": 130101,
        "errmsg": "send too fast, exceed 20 times per minute",
    }
    sign_refused = "sign not match"

    def refuse(self, request: Request) -> dict[str, Any] | None:
        if request.query.get("access_token") != [TOKEN]:
            return {"errcode": 300001, "errmsg": "token is not exist"}
        if self.secret and not self.signed(request.query):
            return {"errcode": 310000, "errmsg": self.sign_refused}
        if len(request.body) > self.limit:
            return {"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}
        body = json_body(request) or {}
        markdown = body.get("markdown")
        if body.get("msgtype") != "markdown" or not isinstance(markdown, dict):
            return {"errcode": 40035, "errmsg": "缺少参数 json"}
        if not all(isinstance(markdown.get(k), str) and markdown[k] for k in ("title", "text")):
            return {"errcode": 40035, "errmsg": "缺少参数 markdown"}
        return None

    def signed(self, query: dict[str, list[str]]) -> bool:
        (timestamp,) = query.get("timestamp", [""])
        (sign,) = query.get("sign", [""])
        if not timestamp.isdigit() or abs(int(timestamp) - self.now * 1000) > 3_600_000:
            return False
        digest = hmac.new(
            self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
        ).digest()
        return hmac.compare_digest(sign, base64.b64encode(digest).decode())

    @classmethod
    def refusal(cls, message: str) -> dict[str, Any]:
        return {"errcode": 310000, "errmsg": message}

    @staticmethod
    def markup(payload: dict[str, Any]) -> str | None:
        return str(payload["markdown"]["text"])

    @staticmethod
    def links(payload: dict[str, Any]) -> list[str]:
        return parsed_links(payload["markdown"]["text"])


class WeComBot(ServiceBot):
    """WeCom's group robot: the key in the URL (93000), markdown content of at most 4096
    bytes of UTF-8 (40058)."""

    path = f"/cgi-bin/webhook/send?key={TOKEN}"
    signs = False
    limit = 4096
    ok: ClassVar[dict[str, Any]] = {"errcode": 0, "errmsg": "ok"}
    busy: ClassVar[dict[str, Any]] = {"errcode": 45009, "errmsg": "api freq out of limit"}
    sign_refused = "invalid webhook url"

    def refuse(self, request: Request) -> dict[str, Any] | None:
        if request.query.get("key") != [TOKEN]:
            return {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1]"}
        body = json_body(request) or {}
        markdown = body.get("markdown")
        content = markdown.get("content") if isinstance(markdown, dict) else None
        if body.get("msgtype") != "markdown" or not isinstance(content, str) or not content:
            return {"errcode": 40008, "errmsg": "invalid message type"}
        if len(content.encode()) > self.limit:
            return {
                "errcode": 40058,
                "errmsg": "markdown.content exceed max length 4096. invalid Request Parameter",
            }
        return None

    @classmethod
    def refusal(cls, message: str) -> dict[str, Any]:
        return {"errcode": 93000, "errmsg": message}

    @staticmethod
    def measure(request: Request) -> int:
        return len(request.json["markdown"]["content"].encode())

    @staticmethod
    def markup(payload: dict[str, Any]) -> str | None:
        return str(payload["markdown"]["content"])

    @staticmethod
    def links(payload: dict[str, Any]) -> list[str]:
        return parsed_links(payload["markdown"]["content"])


@dataclass(frozen=True)
class Kind:
    kind: str
    bot: type[ServiceBot]
    keys: dict[str, Any] = field(default_factory=dict)


KINDS = {
    "feishu": Kind("feishu", FeishuBot),
    "feishu-post": Kind("feishu", FeishuBot, {"card": False}),
    "dingtalk": Kind("dingtalk", DingTalkBot),
    "wecom": Kind("wecom", WeComBot),
}
SIGNING = ["feishu", "dingtalk"]


def channel_block(kind: Kind, **keys: Any) -> str:
    lines = ['name = "team"', f'kind = "{kind.kind}"', 'url_env = "HOOK_URL"', "backoff = 0.01"]
    if kind.bot.signs:
        lines.append('secret_env = "HOOK_SECRET"')
    lines += [f"{k} = {json.dumps(v)}" for k, v in {**kind.keys, **keys}.items()]
    return "\n[[channels]]\n" + "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo site with the day's post written and sent nowhere (copied per test)."""
    site = demo_site(tmp_path_factory.mktemp("written"))
    code, _, stderr = invoke(
        "--config", site / "newsdesk.toml", "daily", "--date", DAY, "--no-deliver"
    )
    assert code == 0, stderr
    return site


@dataclass
class Setup:
    site: Path
    bot: ServiceBot

    def run(self, *args: str) -> tuple[int, str, str]:
        return invoke("--config", self.site / "newsdesk.toml", *args)

    def deliver(self, *args: str, failed: bool = False) -> str:
        """`newsdesk deliver`'s stderr; it exits 1 when a delivery did not go through."""
        code, _, stderr = self.run("deliver", "--date", DAY, *args)
        assert code == (1 if failed else 0), stderr
        assert "Traceback" not in stderr
        return stderr

    def ledger(self) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.site / "news.db") as db:
            rows = db.execute("SELECT status, attempts, parts, answer FROM deliveries")
            return [tuple(row) for row in rows]

    def post(self) -> StoredPost:
        with Store(self.site / "news.db") as store:
            return next(p for p in store.posts(key=DAY) if p.style == "daily-brief")

    def send(self, *posts: StoredPost) -> list[Delivered]:
        """Deliver `posts` through the delivery stage, as `newsdesk deliver` would."""
        settings = load_settings(self.site / "newsdesk.toml")
        with Run(settings, "deliver", clock=lambda: NOW) as run:
            return deliver(run, list(posts), sleep=lambda _: None)


@pytest.fixture(scope="module")
def bots() -> Iterator[dict[str, ServiceBot]]:
    """One bot per kind, for the whole module."""
    started = {name: kind.bot() for name, kind in KINDS.items()}
    for bot in started.values():
        bot.start()
    yield started
    with ThreadPoolExecutor() as pool:
        list(pool.map(ServiceBot.stop, started.values()))


@pytest.fixture
def open_site(
    tmp_path: Path, written: Path, bots: dict[str, ServiceBot], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Setup]:
    """A copy of the written site with one channel of a kind, and the service's bot."""

    def make(name: str, *, secret: str = SECRET, **keys: Any) -> Setup:
        bot = bots[name]
        bot.reset()
        site = tmp_path / name
        shutil.copytree(written, site)
        with (site / "newsdesk.toml").open("a", encoding="utf-8") as config:
            config.write(channel_block(KINDS[name], **keys))
        monkeypatch.setenv("HOOK_URL", bot.url(bot.path))
        monkeypatch.setenv("HOOK_SECRET", secret)
        return Setup(site, bot)

    return make


def unquoted(links: list[str] | set[str]) -> set[str]:
    return {unquote(link) for link in links}


def story_links(post: StoredPost) -> Counter[str]:
    return Counter(unquote(e["url"]) for e in post.entries())


def assert_from_the_post(messages: list[Message], bot: ServiceBot, post: StoredPost) -> None:
    """Every link of every message is a link of the post; every story is in one part."""
    links = [unquote(link) for m in messages for link in bot.links(m.payload)]
    assert links and set(links) <= unquoted(post.links())
    assert Counter(link for link in links if link in story_links(post)) == story_links(post)


def assert_valid_parts(messages: list[Message], bot: ServiceBot) -> None:
    """Each part stands alone: its [i/n] marker, whole links and bold runs, and no
    section heading without its first story after it."""
    total = len(messages)
    for number, message in enumerate(messages, start=1):
        if total > 1:
            assert f"[{number}/{total}]" in message.text
        text = bot.markup(message.payload)
        if text is not None:
            assert len(parsed_links(text)) == text.count("](")
            assert all(line.count("**") % 2 == 0 for line in text.split("\n"))
            assert "<" not in text and ">" not in text  # tags, mentions, quotes
        for name in SECTIONS:
            at = message.text.rfind(name)
            assert at < 0 or "https://news.example/" in message.text[at:], name


@pytest.mark.parametrize("name", list(KINDS))
def test_a_daily_post_reaches_the_service_in_its_format_once(
    name: str, tmp_path: Path, bots: dict[str, ServiceBot], monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = bots[name]
    bot.reset()
    monkeypatch.setenv("HOOK_URL", bot.url(bot.path))
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    site = Setup(demo_site(tmp_path, channel_block(KINDS[name])), bot)
    code, _, stderr = site.run("daily", "--date", DAY)
    assert code == 0, stderr
    assert bot.requests and not bot.refused, bot.refused  # format, size and signature
    assert "team: sent" in stderr
    (status, attempts, parts, _), *_ = site.ledger()
    assert (status, attempts, parts) == ("sent", len(bot.requests), len(bot.requests))
    links = unquoted([link for r in bot.requests for link in bot.links(r.json)])
    assert links and links <= unquoted(site.post().links())
    # A rerun that changes nothing sends nothing.
    sent = len(bot.requests)
    code, _, stderr = site.run("daily", "--date", DAY)
    assert code == 0 and "already sent" in stderr
    site.deliver()
    assert len(bot.requests) == sent


@pytest.mark.parametrize("lead", [160, 280], ids=["leads-160", "leads-280"])
@pytest.mark.parametrize("name", list(KINDS))
def test_the_30_story_digest_is_split_into_parts_the_service_accepts(
    name: str, lead: int, open_site: Callable[..., Setup]
) -> None:
    site = open_site(name)
    post = chinese_post(30, lead_chars=lead)
    config = load_settings(site.site / "newsdesk.toml").channels[0]
    messages = registry[config.kind].messages(post, config)
    assert_valid_parts(messages, site.bot)
    assert_from_the_post(messages, site.bot, post)
    (done,) = site.send(post)
    assert (done.status, done.parts) == ("sent", len(messages)), done.reason
    assert len(site.bot.requests) == len(messages) and not site.bot.refused
    assert max(site.bot.measure(r) for r in site.bot.requests) <= site.bot.limit
    if lead == 280 or name in ("wecom", "feishu-post"):
        assert len(messages) > 1


@pytest.mark.parametrize("name", list(KINDS))
def test_markup_in_the_store_stays_text(name: str, open_site: Callable[..., Setup]) -> None:
    site = open_site(name)
    post = hostile_post()
    config = load_settings(site.site / "newsdesk.toml").channels[0]
    (message,) = registry[config.kind].messages(post, config)
    links = unquoted(site.bot.links(message.payload))
    assert links and links <= unquoted(post.links()) and "https://evil.example" not in links
    text = site.bot.markup(message.payload)
    if text is not None:
        assert not re.search(r"<(b|/b|script|@|!|at|font)", text)
        assert "`tick`" not in text and "~tilde~" not in text and "*star*" not in text
    (done,) = site.send(post)
    assert done.status == "sent" and not site.bot.refused


@pytest.mark.parametrize("name", ["feishu", "dingtalk", "wecom"])
def test_a_link_target_cannot_be_cut_short_or_open_a_tag(name: str) -> None:
    post = hostile_post()
    url = "https://news.example/wiki/A_(b)?q=x y&z=<1>"
    post.data["sections"][0]["entries"][0]["url"] = url
    config = ChannelSettings(name="team", kind=name, url_env="HOOK_URL")
    (message,) = registry[name].messages(post, config)
    text = KINDS[name].bot.markup(message.payload) or ""
    assert unquoted(parsed_links(text)) == {url} and "<" not in text


def test_a_story_too_large_for_a_message_keeps_its_linked_title() -> None:
    post = hostile_post()
    entry = post.data["sections"][0]["entries"][0]
    entry["others"] = [
        {"name": f"Wire {n}", "url": f"https://wire.example/{n}"} for n in range(200)
    ]
    config = ChannelSettings(name="team", kind="wecom", url_env="HOOK_URL")
    (message,) = registry["wecom"].messages(post, config)
    content = message.payload["markdown"]["content"]
    assert len(content.encode()) <= WeComBot.limit
    assert unquoted(parsed_links(content)) == {entry["url"]}
    entry["url"] += "?" + "x" * 5000  # a title that fits no message: not sent, said why
    with pytest.raises(ValueError, match="does not fit"):
        registry["wecom"].messages(post, config)


@pytest.mark.parametrize(
    "answer",
    [lambda bot: Answer(200, bot.busy), lambda bot: Answer(502, {"error": "bad gateway"})],
    ids=["frequency-limited", "5xx"],
)
@pytest.mark.parametrize("name", list(KINDS))
def test_a_frequency_limit_or_a_5xx_is_retried(
    name: str, answer: Callable[[ServiceBot], Answer], open_site: Callable[..., Setup]
) -> None:
    site = open_site(name)
    site.bot.script = [answer(site.bot)]
    site.deliver()
    assert len(site.bot.requests) == 2
    assert [row[:2] for row in site.ledger()] == [("sent", 2)]


@pytest.mark.parametrize("wrong", ["secret", "clock"])
@pytest.mark.parametrize("name", SIGNING)
def test_a_wrong_or_old_signature_is_refused_and_not_retried(
    name: str, wrong: str, open_site: Callable[..., Setup]
) -> None:
    site = open_site(name, secret="SECsome-other-secret" if wrong == "secret" else SECRET)
    if wrong == "clock":
        site.bot.now += 2 * 3600  # the service's clock two hours past the signature's
    stderr = site.deliver(failed=True)
    assert len(site.bot.requests) == 1 and site.bot.refused
    (status, attempts, _, reason), *_ = site.ledger()
    assert (status, attempts) == ("failed", 1)
    assert site.bot.sign_refused in reason and site.bot.sign_refused in stderr
    assert SECRET not in stderr + reason


def test_a_wrong_wecom_key_is_refused_and_not_retried(
    open_site: Callable[..., Setup], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = open_site("wecom")
    monkeypatch.setenv("HOOK_URL", site.bot.url("/cgi-bin/webhook/send?key=not-the-robot-key"))
    stderr = site.deliver(failed=True)
    assert len(site.bot.requests) == 1 and "invalid webhook url" in stderr
    assert site.ledger()[0][:2] == ("failed", 1)
    assert "not-the-robot-key" not in stderr


@pytest.mark.parametrize("name", list(KINDS))
def test_dry_run_prints_the_messages_and_sends_nothing(
    name: str, open_site: Callable[..., Setup]
) -> None:
    site = open_site(name)
    code, stdout, stderr = site.run("deliver", "--date", DAY, "--dry-run")
    assert code == 0, stderr
    assert site.bot.requests == [] and site.ledger() == []
    assert f"team ({KINDS[name].kind})" in stdout and "https://" in stdout
    assert TOKEN not in stdout + stderr and SECRET not in stdout + stderr


@pytest.mark.parametrize("name", list(KINDS))
def test_no_secret_reaches_any_output(name: str, open_site: Callable[..., Setup]) -> None:
    site = open_site(name)
    secrets = [TOKEN, SECRET] if site.bot.signs else [TOKEN]
    site.bot.script = [Answer(200, site.bot.refusal(f"refused {' '.join(secrets)}"))]
    stderr = site.deliver(failed=True)
    assert "refused" in stderr and len(site.bot.requests) == 1
    _, stdout, _ = site.run("report", "--json")
    report = json.loads(stdout)
    assert report["deliveries"][0]["status"] == "failed"
    _, listed, listing = site.run("channels", "list")
    for output in (stderr, stdout, listed, listing, json.dumps(site.ledger())):
        assert not any(secret in output for secret in secrets)


@pytest.mark.parametrize("name", ["feishu", "dingtalk", "wecom"])
def test_problems_and_secrets(name: str) -> None:
    kind = registry[name]
    signs = KINDS[name].bot.signs
    settings = ChannelSettings(
        name="team", kind=name, url_env="HOOK_URL", secret_env="HOOK_SECRET" if signs else None
    )
    url = f"http://127.0.0.1:9{KINDS[name].bot.path}"
    environ = {"HOOK_URL": url, "HOOK_SECRET": SECRET}
    assert kind.problems(settings, environ) == []
    assert {url, TOKEN} <= set(kind.secrets(settings, environ))
    assert (SECRET in kind.secrets(settings, environ)) == signs
    assert "HOOK_URL" in " ".join(kind.problems(settings, {"HOOK_SECRET": SECRET}))
    if signs:
        assert "HOOK_SECRET" in " ".join(kind.problems(settings, {"HOOK_URL": url}))
    unset = ChannelSettings(name="team", kind=name)
    assert "url_env is not set" in " ".join(kind.problems(unset, environ))
