"""Channels: where a stored digest is delivered besides the site (mail, chat groups,
webhooks). One module per kind, registered like a third-party one would be:

    from newsdesk.publish.channels import register
    register("mykind", MyChannel())

A channel turns a `StoredPost` into one or more `Message`s in its native format and
within its limits (`split`: only at story boundaries, a section heading kept with its
first story, an `[i/n]` marker on each part), and sends one message at a time. It never
retries: the delivery stage (deliver.py) retries with backoff, honours Retry-After,
records every attempt in the ledger and redacts secrets. Every link comes from the store.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from newsdesk.registry import Registry

if TYPE_CHECKING:
    from newsdesk.config import ChannelSettings
    from newsdesk.http import HttpClient
    from newsdesk.publish.post import StoredPost


@dataclass(frozen=True, slots=True)
class Message:
    """One message as the channel sends it. `text` is what `deliver --dry-run` prints
    (what a reader would see, in the channel's own markup); `payload` what is sent."""

    text: str
    payload: Any


@dataclass(frozen=True, slots=True)
class Receipt:
    """The channel's answer to one message: its id where the channel gives one."""

    message_id: str = ""
    answer: str = ""


class SendError(Exception):
    """A message was not delivered. `retryable` for 429, 5xx and network faults;
    `retry_after` the seconds the service asked to wait."""

    def __init__(
        self, reason: str, *, retryable: bool = True, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass
class SendContext:
    """What a channel may use to send: the run's HTTP client, the environment (secrets
    are read from it, never stored), the run's clock (signature timestamps)."""

    client: HttpClient
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    now: Callable[[], float] = lambda: __import__("time").time()


class Channel(Protocol):
    def problems(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        """What is missing or wrong in the channel's configuration (empty when fine)."""
        ...

    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        """The post as the channel's messages, each within its limits."""
        ...

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        """Send one message; raise SendError when it was not delivered."""
        ...

    def secrets(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        """The secret values this channel uses (redacted from every output)."""
        ...


class Webhook:
    """What the channels that post to a webhook URL share: the URL from `url_env`, an
    optional signing secret from `secret_env`; both are secrets (the URL holds a token)."""

    def problems(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        keys = ("url_env", "secret_env") if settings.secret_env else ("url_env",)
        return missing_env(settings, environ, *keys)

    def secrets(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        secret = env_value(settings.secret_env, environ)
        return url_secrets(env_value(settings.url_env, environ)) + ([secret] if secret else [])


registry: Registry[Channel] = Registry()


def register(kind: str, channel: Channel) -> None:
    registry.register(kind, channel)


def _register_builtins() -> None:
    for kind in ("email", "feishu", "dingtalk", "wecom", "telegram", "slack", "discord",
                 "webhook", "apprise"):  # fmt: skip
        module = "mail" if kind == "email" else kind
        registry.register_lazy(kind, f"newsdesk.publish.channels.{module}:Channel")


_register_builtins()


def env_value(name: str | None, environ: Mapping[str, str]) -> str:
    return environ.get(name, "") if name else ""


def url_secrets(url: str) -> list[str]:
    """A webhook URL and the parts of it that may hold a token, longest first: the URL,
    its password, every path segment that is not a service's fixed word (`service_word`:
    `services`, `webhooks`, `open-apis`, `sendMessage` …), and the query values of a
    secret-looking key (`access_token`, `key`, `sign` …) or that look like a token.

    A segment that looks like a token (`token_like`: digits, mixed case) is masked
    wherever it appears. Any other (an all-lowercase token such as `/hooks/qwertyuiopasdfgh`,
    usually the last segment, where most services put the token) is a `UrlPart`: masked
    where it stands in a URL, never as a word of a message's text."""
    from urllib.parse import parse_qsl, urlsplit

    if not url:
        return []
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not a URL: the whole value is the secret
        return [url]
    found: list[str] = [url, *([password] if password else [])]
    for segment in parts.path.split("/"):
        if segment and not service_word(segment):
            found.append(segment if token_like(segment) else UrlPart(segment))
    for key, value in parse_qsl(parts.query):
        if value and (_SECRET_KEY.search(key) or token_like(value)):
            found.append(value)
    return sorted(dict.fromkeys(found), key=len, reverse=True)


class UrlPart(str):
    """A secret that is a part of a URL but does not look like a token (an all-lowercase
    path segment): `redact` masks it where it stands as a URL's path segment (after a
    `/`), not where the same letters are a word of a message's text."""

    __slots__ = ()


# A query key whose value is a credential: access_token, key, sign, secret, password …
_SECRET_KEY = re.compile(r"(?i)token|key|secret|sign|sig$|auth|pass|pwd|credential|session")
# A word of a URL path: lower case, Capitalised or camelCase letters, or a short acronym.
_PATH_WORD = re.compile(r"[a-z]+|[A-Z]?[a-z]{2,}(?:[A-Z][a-z]{2,})*|[A-Z]{2,8}")
# The fixed words of the chat services' and webhook relays' URL paths (never a token):
# Slack's services, Feishu's open-apis/bot/v2/hook, DingTalk's robot/send, WeCom's
# cgi-bin/webhook/send, Discord's api/webhooks, Telegram's sendMessage, Teams' webhookb2
# and IncomingWebhook, and the like.
_SERVICE_WORDS = frozenset(
    """api apis open services service hooks hook webhook webhooks webhookb2 incoming
    incomingwebhook outgoing bot bots robot robots send sendmessage message messages
    notify notifications cgi bin chat im post push trigger triggers workflow workflows
    rest json""".split()
)


def service_word(segment: str) -> bool:
    """Whether a URL path segment is a service's fixed word (`open-apis`, `sendMessage`,
    `v2`), not a name or a token."""
    words = [w.lower() for w in re.split(r"[-_.~]", segment) if w]
    return bool(words) and all(w in _SERVICE_WORDS or re.fullmatch(r"v\d{1,2}", w) for w in words)


def token_like(part: str) -> bool:
    """Whether a URL path segment (or query value) looks like a token: 8 characters or
    more, and not words joined by `-`, `_` or `.` (a random token holds digits or mixes
    its letters' case; a service's path words do not)."""
    if len(part) < 8:
        return False
    return not all(_PATH_WORD.fullmatch(word) for word in re.split(r"[-_.~]", part) if word)


def redact(text: str, secrets: Sequence[str]) -> str:
    """`text` with every secret of 4 characters or more replaced by ***, longest first (a
    URL before the token inside it). A `UrlPart` only where it stands as a URL's path
    segment: after a `/`, and not followed by more of a word."""
    plain = {str(s) for s in secrets if not isinstance(s, UrlPart)}
    for secret in sorted({str(s) for s in secrets if len(s) >= 4}, key=len, reverse=True):
        if secret in plain:
            text = text.replace(secret, "***")
        else:
            text = re.sub(rf"(?<=/){re.escape(secret)}(?![\w~-])", "***", text)
    return text


# The loggers of the HTTP stack: httpx logs every request's URL (a webhook's token in it)
# at INFO; httpcore logs connections at DEBUG. A logger's filter sees only its own
# records, so each is named.
HTTP_LOGGERS = ("httpx", "httpcore", "httpcore.connection", "httpcore.http11",
                "httpcore.http2", "httpcore.proxy")  # fmt: skip


class Redact(logging.Filter):
    """Replaces secret values with *** in the records a logger makes (`redact`)."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = list(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage(), self.secrets), None
        return True


@contextlib.contextmanager
def redacting(secrets: Sequence[str], loggers: Sequence[str] = HTTP_LOGGERS) -> Iterator[None]:
    """While sending for a channel: the records of `loggers` (the HTTP stack's, by
    default) with the channel's secrets redacted, whatever level a caller logs at."""
    guard = Redact(secrets)
    found = [logging.getLogger(name) for name in loggers]
    for logger in found:
        logger.addFilter(guard)
    try:
        yield
    finally:
        for logger in found:
            logger.removeFilter(guard)


def missing_env(settings: ChannelSettings, environ: Mapping[str, str], *keys: str) -> list[str]:
    """Problems for `*_env` keys that are unset, or name an empty variable."""
    found = []
    for key in keys:
        name = getattr(settings, key)
        if not name:
            found.append(f"{key} is not set (the environment variable holding it)")
        elif not environ.get(name):
            found.append(f"the environment variable {name} ({key}) is empty or unset")
    return found


def split(
    blocks: Sequence[str],
    *,
    limit: int,
    size: Callable[[str], int],
    head: str = "",
    marker: Callable[[int, int], str] = lambda i, n: f"[{i}/{n}]",
    join: str = "\n\n",
    fit: Callable[[str, int], str] | None = None,
) -> list[str]:
    """Pack `blocks` (whole stories, each with its section heading when it opens one)
    into parts of at most `limit` units (`size`: bytes or characters, as the channel
    counts), each part starting with `head` and, when there are several, its `[i/n]`
    marker. A block too large for any part is shortened by `fit(block, room)`, which
    must return valid markup."""
    if not blocks:
        return [head] if head else []
    reserve = size(marker(99, 99)) + size(join) * 2
    room = limit - size(head) - reserve
    parts: list[list[str]] = [[]]
    for block in blocks:
        if size(block) > room:
            if fit is None:
                raise ValueError(f"a story of {size(block)} units does not fit in {room}")
            block = fit(block, room)
        current = parts[-1]
        if current and size(join.join([*current, block])) > room:
            parts.append([block])
        else:
            current.append(block)
    total = len(parts)
    out = []
    for number, part in enumerate(parts, start=1):
        pieces = [p for p in (head, marker(number, total) if total > 1 else "") if p]
        out.append(join.join([*pieces, *part]))
    return out


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def entry_title(entry: Mapping[str, Any]) -> str:
    """What a story is called in a message: the headline in the post's language when the
    digest has one, else the title as published."""
    return str(entry.get("headline") or entry["title"])


def post(
    context: SendContext,
    url: str,
    payload: Any,
    *,
    name: str,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
) -> Any:
    """POST a message (JSON, or `content` as it is); the answer, whatever its status. A
    network fault is a retryable SendError; the URL (it may hold a token) is logged by
    the channel's `name` only."""
    from newsdesk.http import FetchError

    try:
        return context.client.post(
            url,
            json=None if content is not None else payload,
            content=content,
            headers=dict(headers or {}),
            log_url=name,
        )
    except FetchError as exc:
        raise SendError(f"no answer: {exc.reason}") from None


def wait_asked(value: Any, headers: Mapping[str, str]) -> float | None:
    """How long a rate-limited answer asks to wait: the seconds its body gives, else its
    Retry-After header."""
    from newsdesk.http import retry_after

    if isinstance(value, int | float):
        return float(value)
    return retry_after(headers.get("retry-after", ""))


def post_json(
    context: SendContext,
    url: str,
    payload: Any,
    *,
    name: str,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
) -> tuple[int, bytes, Mapping[str, str]]:
    """POST a message; the status, body and headers of a 2xx answer. Raise SendError:
    retryable for 429 (with its Retry-After), 5xx and network faults, not for other
    answers. The URL (which may hold a token) is never part of a reason."""
    answer = post(context, url, payload, name=name, headers=headers, content=content)
    body = answer.content[:500].decode("utf-8", "replace")
    if answer.status == 429:
        wait = wait_asked(None, answer.headers)
        raise SendError(f"HTTP 429 (rate limited) {body}".strip(), retry_after=wait)
    if answer.status >= 500:
        raise SendError(f"HTTP {answer.status} {body}".strip())
    if answer.status >= 300:
        raise SendError(f"HTTP {answer.status} {body}".strip(), retryable=False)
    return answer.status, answer.content, answer.headers


@dataclass(frozen=True, slots=True)
class Markup:
    """How a chat channel writes text: its escaping, links, bold and headings."""

    escape: Callable[[str], str]
    link: Callable[[str, str], str]  # (text already escaped, url) → a link
    bold: Callable[[str], str]
    heading: Callable[[str], str]


def chat_blocks(
    post: StoredPost, markup: Markup, *, lead_chars: int = 280
) -> tuple[str, list[str]]:
    """A post as a chat message's head (its title and lede) and one block per story:
    the story's linked title in bold, its lead cut at `lead_chars` on a word or sentence
    boundary, its other sources as links; a section's heading goes with its first
    story, so a split never leaves a heading alone."""
    lede = str(post.data.get("lede") or "")
    head = markup.heading(markup.escape(post.title))
    if lede:
        head += "\n" + markup.escape(shorten(lede, lead_chars))
    blocks: list[str] = []
    for section in post.data.get("sections", []):
        name = f"{section.get('emoji', '')} {section['name']}".strip()
        for index, entry in enumerate(section["entries"]):
            lines = [markup.bold(markup.link(markup.escape(entry_title(entry)), entry["url"]))]
            lead = shorten(str(entry.get("lead") or ""), lead_chars)
            if lead:
                lines.append(markup.escape(lead))
            others = [
                markup.link(markup.escape(o["name"]), o["url"]) for o in entry.get("others", [])
            ]
            if others:
                lines.append(" · ".join(others))
            block = "\n".join(lines)
            if index == 0:
                block = markup.heading(markup.escape(name)) + "\n" + block
            blocks.append(block)
    return head, blocks


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a sentence or word end, with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for mark in ("。", "！", "？", ". ", "! ", "? "):
        at = cut.rfind(mark)
        if at >= limit // 2:
            return cut[: at + len(mark.strip())]
    at = cut.rfind(" ")
    return (cut[:at] if at >= limit // 2 else cut).rstrip() + "…"


def fit_story(
    block: str,
    room: int,
    *,
    size: Callable[[str], int],
    escape: Callable[[str], str],
    unescape: Callable[[str], str],
    opener: str,
) -> str:
    """A story too long for any message (a chat block: heading, linked title, lead,
    other sources), made to fit `room`: its lead shortened at a sentence or word end
    (docs/channels.md), then without its other sources. The lines are markup; `opener`
    starts a link, which escaped text never holds, so the first line with it is the
    title, kept whole. Raise ValueError when the title alone does not fit."""
    lines = block.split("\n")
    title = next((i for i, line in enumerate(lines) if opener in line), 0)
    kept, tail = lines[: title + 1], lines[title + 1 :]
    lead = unescape(tail.pop(0)) if tail and opener not in tail[0] else ""
    for others in (tail, []):
        chars = len(lead)
        while chars >= 20:
            candidate = "\n".join([*kept, escape(shorten(lead, chars)), *others])
            if size(candidate) <= room:
                return candidate
            chars = chars * 3 // 4
        candidate = "\n".join([*kept, *others])
        if size(candidate) <= room:
            return candidate
    raise ValueError(f"a story's title and link alone are over the {room} a message has room for")


def decode(content: bytes) -> dict[str, Any]:
    try:
        data = json.loads(content)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
