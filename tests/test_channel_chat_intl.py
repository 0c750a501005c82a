"""The telegram, slack, discord and apprise channels, each against a real HTTP receiver on
127.0.0.1 that checks what the real service checks and answers in its shapes: Telegram's
HTML and its 4096 characters after entities parsing, Slack's 50 blocks of at most 3000
characters, Discord's 2000 characters. Deliveries go through the delivery stage (the CLI
on a demo site, or `deliver` with a Run for the stored fixtures)."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from newsdesk.config import load_settings
from newsdesk.deliver import Delivered, deliver
from newsdesk.publish.channels import registry
from newsdesk.publish.post import StoredPost
from newsdesk.run import Run
from tests.channel_fixtures import NOW, SECTIONS, chinese_post, hostile_post
from tests.conftest import demo_site
from tests.helpers import invoke
from tests.receivers import Answer, Receiver, Request

DAY = "2026-11-11"
TELEGRAM_TOKEN = "987654321:AAH-telegram_token-0123456789"
SLACK_PATH = "/services/T0001/B0002/slack0token0123456789"
DISCORD_PATH = "/api/webhooks/1234567890/discord-token-0123456789"


# --- Telegram: the Bot API's sendMessage with parse_mode HTML -------------------------

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "blockquote", "span", "tg-spoiler", "tg-emoji"}  # fmt: skip
ENTITY = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
STRAY_LT = re.compile(r"<(?!/?[a-z][\w-]*[\s>])")


class TelegramHTML(HTMLParser):
    """Telegram's HTML parse mode: only its tags, `a` with `href` alone, balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f'unsupported start tag "{tag}"')
        if tag == "a" and [name for name, _ in attrs] == ["href"]:
            self.links.append(str(attrs[0][1]))
        elif attrs:
            self.errors.append(f'unsupported attributes of tag "{tag}"')
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.errors.append(f'unmatched end tag "{tag}"')

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_telegram(text: str) -> TelegramHTML:
    parser = TelegramHTML()
    if ENTITY.search(text):
        parser.errors.append("unsupported character entity")
    if STRAY_LT.search(text):
        parser.errors.append("unexpected <")
    parser.feed(text)
    parser.close()
    if parser.open:
        parser.errors.append(f'unclosed tag "{parser.open[-1]}"')
    return parser


class TelegramReceiver(Receiver):
    def answer(self, request: Request) -> Answer:
        if request.path != f"/bot{TELEGRAM_TOKEN}/sendMessage":
            return telegram_error(404, "Not Found")
        body = request.json
        if body.get("parse_mode") != "HTML" or not body.get("chat_id"):
            return telegram_error(400, "Bad Request: chat not found")
        parsed = parse_telegram(body.get("text", ""))
        if parsed.errors:
            return telegram_error(400, f"Bad Request: can't parse entities: {parsed.errors[0]}")
        length = len("".join(parsed.text))
        if length == 0:
            return telegram_error(400, "Bad Request: message text is empty")
        if length > 4096:
            return telegram_error(400, "Bad Request: message is too long")
        result = {"message_id": len(self.requests), "chat": {"id": body["chat_id"]}}
        return Answer(200, {"ok": True, "result": result})


def telegram_error(code: int, description: str, **parameters: object) -> Answer:
    body: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Answer(code, body)


# --- Slack: an incoming webhook with Block Kit ----------------------------------------


class SlackReceiver(Receiver):
    def answer(self, request: Request) -> Answer:
        if request.path != SLACK_PATH:
            return Answer(404, b"no_service")
        blocks = request.json.get("blocks")
        if not isinstance(blocks, list) or not blocks or len(blocks) > 50:
            return Answer(400, b"invalid_blocks")
        for block in blocks:
            text = block.get("text") or {}
            if block.get("type") != "section" or text.get("type") != "mrkdwn":
                return Answer(400, b"invalid_blocks")
            if not 1 <= len(text.get("text", "")) <= 3000:
                return Answer(400, b"invalid_blocks")
        return Answer(200, b"ok")


# --- Discord: execute a webhook ---------------------------------------------------------


class DiscordReceiver(Receiver):
    def answer(self, request: Request) -> Answer:
        if request.path != DISCORD_PATH:
            return Answer(401, {"message": "Invalid Webhook Token", "code": 50027})
        content = request.json.get("content", "")
        if not 1 <= len(content) <= 2000:
            error = {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}
            errors = {"content": {"_errors": [error]}}
            return Answer(400, {"code": 50035, "errors": errors, "message": "Invalid Form Body"})
        if request.query.get("wait") != ["true"]:
            return Answer(204, b"")
        return Answer(200, {"id": str(1_300_000_000_000_000_000 + len(self.requests))})


# --- What each kind sends, and how a test reads it ---------------------------------------


def unquote_markup(url: str) -> str:
    """A link as written in a message back to the store's: entities decoded, and the
    characters the channels percent-encode (they would end the link) decoded."""
    url = html.unescape(url)
    for code, char in (("%3C", "<"), ("%3E", ">"), ("%7C", "|"), ("%20", " ")):
        url = url.replace(code, char)
    return url


@dataclass(frozen=True)
class Kind:
    name: str
    receiver: type[Receiver]
    secret: str
    rate_limited: Answer
    wait: float  # what the delivery stage must wait after rate_limited
    refused: Answer
    refusal_says: str
    message_ids: bool

    def configure(self, monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> dict[str, str]:
        if self.name == "telegram":
            monkeypatch.setenv("TG_TOKEN", TELEGRAM_TOKEN)
            monkeypatch.setenv("TG_API", receiver.url(""))
            return {"token_env": "TG_TOKEN", "url_env": "TG_API", "chat_id": "-1001234567890"}
        path = SLACK_PATH if self.name == "slack" else DISCORD_PATH
        monkeypatch.setenv("CHAT_HOOK", receiver.url(path))
        return {"url_env": "CHAT_HOOK"}

    def text(self, request: Request) -> str:
        """The message as the service reads it (its markup)."""
        body = request.json
        if self.name == "telegram":
            return str(body["text"])
        if self.name == "slack":
            return "\n\n".join(b["text"]["text"] for b in body["blocks"])
        return str(body["content"])

    def links(self, text: str) -> list[str]:
        if self.name == "telegram":
            return parse_telegram(text).links
        pattern = r"<([^|>]+)\|" if self.name == "slack" else r"\]\(<([^>]*)>\)"
        return [unquote_markup(u) for u in re.findall(pattern, text)]

    def fits(self, request: Request) -> bool:
        """Whether a message is within the service's limits, in the unit it counts."""
        body = request.json
        if self.name == "telegram":
            return len("".join(parse_telegram(body["text"]).text)) <= 4096
        if self.name == "slack":
            texts = [b["text"]["text"] for b in body["blocks"]]
            return len(texts) <= 50 and max(map(len, texts)) <= 3000
        return len(body["content"]) <= 2000


KINDS = [
    Kind(
        "telegram",
        TelegramReceiver,
        TELEGRAM_TOKEN,
        telegram_error(429, "Too Many Requests: retry after 0", retry_after=0),
        0.0,
        telegram_error(400, "Bad Request: chat not found"),
        "Bad Request: chat not found",
        True,
    ),
    Kind(
        "slack",
        SlackReceiver,
        SLACK_PATH.rsplit("/", 1)[1],
        Answer(429, b"rate_limited", {"Retry-After": "0"}),
        0.0,
        Answer(404, b"channel_not_found"),
        "channel_not_found",
        False,
    ),
    Kind(
        "discord",
        DiscordReceiver,
        DISCORD_PATH.rsplit("/", 1)[1],
        Answer(
            429,
            {"message": "You are being rate limited.", "retry_after": 0.25, "global": False},
            {"Retry-After": "1"},
        ),
        0.25,
        Answer(404, {"message": "Unknown Webhook", "code": 10015}),
        "Unknown Webhook",
        True,
    ),
]


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def kind(request: pytest.FixtureRequest) -> Kind:
    found: Kind = request.param
    return found


@pytest.fixture(scope="module")
def receivers() -> Iterator[dict[str, Receiver]]:
    """One receiver per kind for the module (stopping one takes half a second)."""
    found = {k.name: k.receiver().start() for k in KINDS}
    yield found
    for each in found.values():
        each.stop()


@pytest.fixture
def receiver(kind: Kind, receivers: dict[str, Receiver]) -> Receiver:
    found = receivers[kind.name]
    with found.lock:
        found.requests.clear()
        found.script.clear()
    return found


@pytest.fixture
def block(kind: Kind, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> str:
    """The `[[channels]]` entry of the kind under test, pointed at its receiver."""
    return channel_block(kind.name, **kind.configure(monkeypatch, receiver))


def channel_block(kind: str, **keys: object) -> str:
    lines = ['name = "chat"', f'kind = "{kind}"', "backoff = 0.5"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in keys.items()]
    return "\n[[channels]]\n" + "\n".join(lines) + "\n"


@dataclass
class Outcome:
    done: list[Delivered]
    ledger: list[dict[str, Any] | None]
    waits: list[float]
    warnings: list[str]


def deliver_posts(folder: Path, block: str, posts: list[StoredPost]) -> Outcome:
    """Deliver stored posts through the delivery stage, as a run does; every wait it asks
    for is recorded, not slept."""
    (folder / "newsdesk.toml").write_text('database = "news.db"\n' + block, encoding="utf-8")
    waits: list[float] = []
    with Run(load_settings(folder / "newsdesk.toml"), "deliver", clock=lambda: NOW) as run:
        done = deliver(run, posts, sleep=waits.append)
        ledger = [run.store.delivery("chat", post) for post in posts]
        warnings = list(run.report.warnings)
    return Outcome(done, ledger, waits, warnings)


def sent(kind: Kind, receiver: Receiver) -> list[str]:
    return [kind.text(r) for r in receiver.requests]


# --- Format, limits, splitting ----------------------------------------------------------


def test_a_long_chinese_digest_is_split_between_stories_within_the_limit(
    kind: Kind, receiver: Receiver, block: str, tmp_path: Path
) -> None:
    post = chinese_post(30)
    outcome = deliver_posts(tmp_path, block, [post])
    assert [d.status for d in outcome.done] == ["sent"], outcome.done
    parts = sent(kind, receiver)
    assert outcome.ledger[0] and outcome.ledger[0]["parts"] == len(parts)
    if kind.name != "slack":  # 30 stories are 31 blocks: one Slack message
        assert len(parts) > 1
    assert all(kind.fits(request) for request in receiver.requests)
    for number, part in enumerate(parts, start=1):
        if len(parts) > 1:
            assert f"[{number}/{len(parts)}]" in part
        assert post.title.split("：")[0] in html.unescape(part)
        # A section heading never ends a part: it goes with its first story.
        assert not any(name in part.strip().splitlines()[-1] for name in SECTIONS)
    links = Counter(link for part in parts for link in kind.links(part))
    expected = {e["url"] for e in post.entries()} | {
        o["url"] for e in post.entries() for o in e["others"]
    }
    assert links == Counter(expected)  # every story once, every link the store's
    if kind.message_ids:
        assert len(outcome.ledger[0]["message_ids"]) == len(parts)


@pytest.mark.parametrize("kind", [KINDS[1]], ids=["slack"], indirect=True)
def test_slack_packs_at_most_50_blocks_into_a_message(
    receiver: Receiver, block: str, tmp_path: Path
) -> None:
    outcome = deliver_posts(tmp_path, block, [chinese_post(120, lead_chars=20)])
    assert [d.status for d in outcome.done] == ["sent"]
    bodies = [r.json for r in receiver.requests]
    assert len(bodies) > 2 and all(len(b["blocks"]) <= 50 for b in bodies)
    assert all(b["text"].endswith(f"[{i}/{len(bodies)}]") for i, b in enumerate(bodies, 1))
    stories = [b for body in bodies for b in body["blocks"][1:]]  # the first: title, marker
    assert len(stories) == 120


def test_a_story_too_long_for_a_message_has_its_lead_shortened(kind: Kind) -> None:
    post = chinese_post(1, lead_chars=160)
    entry = post.entries()[0]
    entry["lead"] = "这是一个很长的导语。" * 900
    entry["others"] = [{"name": f"Wire {n}", "url": f"https://wire.example/{n}"} for n in range(3)]
    messages = registry[kind.name].messages(post, settings_for(kind))
    assert len(messages) == 1
    text = messages[0].text
    assert kind.fits(Request("/", {}, {}, json.dumps(messages[0].payload).encode()))
    assert kind.links(text)[0] == entry["url"]
    assert "这是一个很长的导语。" in text


def settings_for(kind: Kind) -> Any:
    from newsdesk.config import ChannelSettings

    return ChannelSettings(
        name="chat", kind=kind.name, url_env="CHAT_HOOK", token_env="TG_TOKEN", chat_id="-100"
    )


# --- Escaping ----------------------------------------------------------------------------


def test_markup_in_a_story_is_escaped_and_mentions_never_ping(
    kind: Kind, receiver: Receiver, block: str, tmp_path: Path
) -> None:
    post = hostile_post()
    outcome = deliver_posts(tmp_path, block, [post])
    assert [d.status for d in outcome.done] == ["sent"], outcome.done
    (request,) = receiver.requests
    text = kind.text(request)
    assert not re.search(r"(?<!\\)<(script|b>bold)", text)  # Discord writes \<script\>
    assert set(kind.links(text)) == {post.entries()[0]["url"]}  # not evil.example
    if kind.name == "telegram":
        assert not ENTITY.search(text) and not STRAY_LT.search(text)
        shown = "".join(parse_telegram(text).text)
        assert "<script>alert(1)</script>" in shown and "AI Daily <2026-11-11> & more" in shown
    elif kind.name == "slack":
        assert not re.search(r"&(?!amp;|lt;|gt;)", text)
        assert re.findall(r"<(?!https?://)", text) == []  # no <@U123>, no <!channel>
        assert "&lt;@U123&gt;" in text and "&lt;!channel&gt;" in text and "¦pipe¦" in text
    else:
        body = request.json
        assert body["allowed_mentions"] == {"parse": []}
        # Unescaped, only the markup's own: two headings, a bold link.
        assert re.findall(r"(?<!\\)[<>@*_~`|\[\]()#]", text) == list("######**[](<>)**")
        assert "\\<\\@U123\\>" in text and "https\\://evil.example" in text


# --- Retries, refusals ------------------------------------------------------------------


def test_a_rate_limited_message_is_sent_after_the_wait_the_service_asked(
    kind: Kind, receiver: Receiver, block: str, tmp_path: Path
) -> None:
    receiver.script = [kind.rate_limited]
    outcome = deliver_posts(tmp_path, block, [hostile_post()])
    assert [d.status for d in outcome.done] == ["sent"]
    assert outcome.waits == [kind.wait]  # the service's wait, not the 0.5 s backoff
    assert outcome.ledger[0] and outcome.ledger[0]["attempts"] == 2
    assert len(receiver.requests) == 2


def test_a_server_error_is_retried_with_backoff(
    kind: Kind, receiver: Receiver, block: str, tmp_path: Path
) -> None:
    receiver.script = [Answer(502, b"<html>Bad Gateway</html>"), Answer(503, {"message": "busy"})]
    outcome = deliver_posts(tmp_path, block, [hostile_post()])
    assert [d.status for d in outcome.done] == ["sent"]
    assert outcome.waits == [0.5, 1.0]
    assert outcome.ledger[0] and outcome.ledger[0]["attempts"] == 3


def test_a_refused_message_is_not_retried_and_says_why(
    kind: Kind, receiver: Receiver, block: str, tmp_path: Path
) -> None:
    receiver.script = [kind.refused]
    outcome = deliver_posts(tmp_path, block, [hostile_post()])
    (done,) = outcome.done
    assert done.status == "failed" and done.attempts == 1 and outcome.waits == []
    assert kind.refusal_says in done.reason and kind.secret not in done.reason
    assert len(receiver.requests) == 1
    assert not any(kind.secret in w for w in outcome.warnings)


def accepted(kind: Kind) -> Answer:
    """The service's answer to a message it took."""
    return {
        "telegram": Answer(200, {"ok": True, "result": {"message_id": 1, "chat": {"id": 1}}}),
        "slack": Answer(200, b"ok"),
        "discord": Answer(200, {"id": "1300000000000000001"}),
    }[kind.name]


def test_a_delivery_that_failed_part_way_resumes_after_the_parts_sent(
    kind: Kind, receiver: Receiver, block: str, tmp_path: Path
) -> None:
    post = chinese_post(90)  # three parts or more in every kind
    receiver.script = [accepted(kind), kind.refused]
    first = deliver_posts(tmp_path, block, [post])
    (done,) = first.done
    assert (done.status, done.parts) == ("failed", 1)
    assert first.ledger[0] and (first.ledger[0]["status"], first.ledger[0]["parts"]) == (
        "failed",
        1,
    )
    second = deliver_posts(tmp_path, block, [post])  # the next run
    assert [d.status for d in second.done] == ["sent"]
    ledger = second.ledger[0]
    assert ledger and ledger["status"] == "sent"
    total = ledger["parts"]
    markers = [re.search(r"\[(\d+)/(\d+)\]", text) for text in sent(kind, receiver)]
    numbers = [int(m.group(1)) for m in markers if m]
    # Part 1 went through once; the refused part 2 is sent again, then the rest.
    assert total > 2 and numbers == [1, 2, *range(2, total + 1)]
    assert all(m and int(m.group(2)) == total for m in markers)
    if kind.message_ids:
        assert len(ledger["message_ids"]) == total and ledger["message_ids"][0] == (
            "1" if kind.name == "telegram" else "1300000000000000001"
        )


# --- The whole delivery: once, dry run, no secret anywhere ---------------------------------


def test_daily_delivers_once_and_no_secret_reaches_any_output(
    kind: Kind, receiver: Receiver, block: str, tmp_path: Path
) -> None:
    site = demo_site(tmp_path, block)
    config = site / "newsdesk.toml"
    code, stdout, stderr = invoke("--config", config, "daily", "--date", DAY)
    assert code == 0, stderr
    assert "chat: sent" in stderr and receiver.requests
    count = len(receiver.requests)
    with sqlite3.connect(site / "news.db") as db:
        stored = {u for (u,) in db.execute("SELECT url FROM items")}
        (ids,) = db.execute("SELECT message_ids FROM deliveries WHERE channel = 'chat'").fetchone()
    for part in sent(kind, receiver):
        assert set(kind.links(part)) <= stored
    assert (json.loads(ids) != []) == kind.message_ids
    again = invoke("--config", config, "daily", "--date", DAY)
    report = invoke("--config", config, "report", "--json")
    assert len(receiver.requests) == count  # nothing sent twice
    outputs = stdout + stderr + again[1] + again[2] + report[1] + report[2]
    assert kind.secret not in outputs


def test_dry_run_shows_the_messages_and_sends_nothing(
    kind: Kind, receiver: Receiver, block: str, tmp_path: Path
) -> None:
    site = demo_site(tmp_path, block)
    config = site / "newsdesk.toml"
    assert invoke("--config", config, "daily", "--date", DAY, "--no-deliver")[0] == 0
    code, stdout, stderr = invoke("--config", config, "deliver", "--date", DAY, "--dry-run")
    assert code == 0, stderr
    assert receiver.requests == []
    assert f"chat ({kind.name})" in stdout and kind.links(stdout)
    assert kind.secret not in stdout + stderr


# --- Configuration problems ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "keys", "environ", "says"),
    [
        ("telegram", {}, {}, "token_env is not set"),
        ("telegram", {"token_env": "TG"}, {"TG": TELEGRAM_TOKEN}, "chat_id is not set"),
        (
            "telegram",
            {"token_env": "TG", "chat_id": "1"},
            {"TG": "https://api.telegram.org/bot1"},
            "@BotFather",
        ),
        (
            "telegram",
            {"token_env": "TG", "chat_id": "1", "url_env": "API"},
            {"TG": TELEGRAM_TOKEN},
            "leave url_env unset",
        ),
        ("slack", {"url_env": "HOOK"}, {}, "HOOK (url_env) is empty or unset"),
        ("discord", {}, {}, "url_env is not set"),
    ],
)
def test_an_incomplete_configuration_says_what_is_missing(
    name: str, keys: dict[str, str], environ: dict[str, str], says: str
) -> None:
    from newsdesk.config import ChannelSettings

    settings = ChannelSettings(name="chat", kind=name, **keys)
    problems = registry[name].problems(settings, environ)
    assert any(says in p for p in problems), problems
    assert not any(TELEGRAM_TOKEN in p for p in problems)


@pytest.mark.parametrize("kind", [KINDS[0]], ids=["telegram"], indirect=True)
def test_telegram_names_the_new_chat_id_of_a_group_that_became_a_supergroup(
    receiver: Receiver, block: str, tmp_path: Path
) -> None:
    receiver.script = [
        telegram_error(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=-1009876543210,
        )
    ]
    (done,) = deliver_posts(tmp_path, block, [hostile_post()]).done
    assert done.status == "failed" and done.attempts == 1
    assert 'chat_id = "-1009876543210"' in done.reason


def test_a_complete_telegram_configuration_has_no_problem_and_one_secret() -> None:
    from newsdesk.config import ChannelSettings

    settings = ChannelSettings(name="chat", kind="telegram", token_env="TG", chat_id="@news")
    channel = registry["telegram"]
    assert channel.problems(settings, {"TG": TELEGRAM_TOKEN}) == []
    assert channel.secrets(settings, {"TG": TELEGRAM_TOKEN}) == [TELEGRAM_TOKEN]


# --- apprise ---------------------------------------------------------------------------------


def test_without_apprise_the_channel_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether or not apprise is installed here: the library is made missing."""
    from newsdesk.config import ChannelSettings
    from newsdesk.publish.channels import Message, SendContext, SendError
    from newsdesk.publish.channels import apprise as module

    monkeypatch.setattr(module, "load", lambda: None)
    hint = "the apprise channel needs the apprise library: pip install 'newsdesk[apprise]'"
    settings = ChannelSettings(name="chat", kind="apprise", url_env="APPRISE_URL")
    environ = {"APPRISE_URL": "json://127.0.0.1/notify-secret-path"}
    assert registry["apprise"].problems(settings, environ) == [hint]
    with pytest.raises(SendError) as refused:
        context = SendContext(client=None, environ=environ)  # type: ignore[arg-type]
        registry["apprise"].send(Message("t", {"title": "t", "body": "b"}), settings, context)
    assert refused.value.reason == hint and not refused.value.retryable
    # A delivery is skipped with the hint, recorded, and tried again once it is installed.
    monkeypatch.setenv("APPRISE_URL", environ["APPRISE_URL"])
    outcome = deliver_posts(
        tmp_path, channel_block("apprise", url_env="APPRISE_URL"), [hostile_post()]
    )
    (done,) = outcome.done
    assert (done.status, done.reason) == ("skipped", hint)
    assert outcome.ledger[0] and outcome.ledger[0]["status"] == "skipped"
    assert any(hint in w for w in outcome.warnings)


@pytest.fixture
def apprise_receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """A receiver for Apprise's `json://` service: it POSTs {version, title, message, type}."""
    pytest.importorskip("apprise")
    found = Receiver().start()
    host, port = found.httpd.server_address[:2]
    monkeypatch.setenv("APPRISE_URL", f"json://{host}:{port}/notify-secret-path")
    yield found
    found.stop()


def test_apprise_notifies_the_title_and_markdown_body(
    apprise_receiver: Receiver, tmp_path: Path
) -> None:
    post = chinese_post(3)
    outcome = deliver_posts(tmp_path, channel_block("apprise", url_env="APPRISE_URL"), [post])
    assert [d.status for d in outcome.done] == ["sent"], outcome.done
    (request,) = apprise_receiver.requests
    assert request.path == "/notify-secret-path"
    assert request.json["title"] == post.title and "AI 日报" in request.json["message"]


def test_apprise_failure_is_retried_and_names_no_secret(
    apprise_receiver: Receiver, tmp_path: Path
) -> None:
    apprise_receiver.script = [Answer(500, {"error": "boom"})] * 3
    block = channel_block("apprise", url_env="APPRISE_URL")
    outcome = deliver_posts(tmp_path, block, [chinese_post(3)])
    (done,) = outcome.done
    assert done.status == "failed" and done.attempts == 3 and outcome.waits == [0.5, 1.0]
    assert "notify-secret-path" not in done.reason + "".join(outcome.warnings)
    outcome = deliver_posts(tmp_path, block, [chinese_post(3)])  # the next run sends it
    assert [d.status for d in outcome.done] == ["sent"] and len(apprise_receiver.requests) == 4


def test_apprise_refuses_a_url_it_does_not_know(tmp_path: Path) -> None:
    pytest.importorskip("apprise")
    from newsdesk.config import ChannelSettings

    settings = ChannelSettings(name="chat", kind="apprise", url_env="APPRISE_URL")
    secret_url = "nosuchservice://user:hunter2-secret@example.invalid/"
    problems = registry["apprise"].problems(settings, {"APPRISE_URL": secret_url})
    assert any("does not understand" in p for p in problems)
    assert "hunter2-secret" in registry["apprise"].secrets(settings, {"APPRISE_URL": secret_url})
