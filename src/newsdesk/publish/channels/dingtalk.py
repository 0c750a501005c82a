"""`dingtalk`: a DingTalk (钉钉) group's custom robot (自定义机器人), markdown messages.

What DingTalk documents for custom robots (docs/channels.md has the links):

- a message is a POST of `{"msgtype": "markdown", "markdown": {"title", "text"}}` to the
  robot's webhook (https://oapi.dingtalk.com/robot/send?access_token=…: the token is
  the secret, so the whole URL is read from `url_env`);
- with signing (加签, `secret_env`): string_to_sign = timestamp + "\\n" + secret, an
  HMAC-SHA256 keyed with the secret, Base64, then URL-encoded, appended to the URL as
  `&timestamp=<ms>&sign=<sign>`; a timestamp more than an hour off DingTalk's clock, or a
  wrong sign, is refused with errcode 310000;
- every answer is HTTP 200 with `{"errcode", "errmsg"}`, 0 when sent. A robot sends at
  most 20 messages a minute (then it is throttled for 10 minutes): errcode 130101 "send
  too fast" is retried by the delivery stage, like -1 (system busy); any other code
  (460101 "message too long, exceed 20000 bytes", 310000 …) is not;
- its markdown is a subset (headings, bold, links, quotes, lists) with no documented
  escape, so text from the store has each markup character replaced by its full-width
  look-alike (`plain`): a title cannot open a link, a bold run or a mention. A line
  break is written with two spaces before the newline, as DingTalk advises (a bare
  newline may join the lines).

A post is split at story boundaries so that each request body stays within 20,000 bytes
(DingTalk's limit, counted on the whole body here, which also keeps the text within it).
The helpers below (look-alike escaping, link URLs, answer codes) are shared with the
`wecom` and `feishu` channels.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import quote, urlencode

from newsdesk.config import ChannelSettings
from newsdesk.publish.channels import (
    Markup,
    Message,
    Receipt,
    SendContext,
    SendError,
    Webhook,
    chat_blocks,
    env_value,
    post_json,
    shorten,
    split,
)
from newsdesk.publish.post import StoredPost

LIMIT = 20_000  # bytes: "message too long, exceed 20000 bytes" (errcode 460101)
TITLE_CHARS = 64  # the notification title: short, as a chat list shows it
RETRYABLE = frozenset({130101, -1})  # send too fast (20 a minute); system busy
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}

# Markup characters of the Markdown subsets of DingTalk and WeCom, which document no
# escape: each is shown as its full-width look-alike instead.
LOOKALIKES = str.maketrans(
    {
        "\\": "＼",
        "*": "＊",
        "_": "＿",
        "`": "｀",
        "[": "［",
        "]": "］",
        "<": "＜",
        ">": "＞",
        "#": "＃",
        "~": "～",
        "|": "｜",
    }
)
LINE_MARKS = {"-": "－", "+": "＋"}  # a list item when they open a line


def plain(text: str) -> str:
    """`text` shown as written in a markup without escapes: no character of it can
    start a link, emphasis, heading, quote, list, tag or mention."""
    text = text.translate(LOOKALIKES)
    if text[:1] in LINE_MARKS:
        text = LINE_MARKS[text[0]] + text[1:]
    return text


def link_url(url: str) -> str:
    """A stored URL as the target of `[text](url)`: the characters that would end the
    target or open a tag (spaces, parentheses, angle brackets, quotes) percent-encoded;
    the URL is the same one."""
    return quote(url, safe=";/?:@&=+$,-_.!~*'#%")


def markdown_link(text: str, url: str) -> str:
    return f"[{text}]({link_url(url)})"


MARKUP = Markup(
    escape=plain,
    link=markdown_link,
    bold=lambda text: f"**{text}**",
    heading=lambda text: f"### {text}",
)


def encode(payload: Any) -> bytes:
    """The request body, as sent and as measured against the limits."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_size(text: str) -> int:
    """The bytes `text` takes inside the JSON body (quotes and newlines escaped)."""
    return len(encode(text)) - 2


def drop_lines(size: Callable[[str], int], keep: int = 2) -> Callable[[str, int], str]:
    """A `fit` for `split`: a story too large for a message loses its last lines (its
    other sources, then its lead) but keeps its heading and linked title; each line is
    whole markup, so what is left stays valid."""

    def fit(block: str, room: int) -> str:
        lines = block.split("\n")
        while size("\n".join(lines)) > room and len(lines) > keep:
            lines.pop()
        if size("\n".join(lines)) > room:
            raise ValueError(f"a story of {size(block)} bytes does not fit in {room}")
        return "\n".join(lines)

    return fit


def answer_code(body: bytes, code: str, msg: str) -> tuple[int, str]:
    """(code, message) of a JSON answer `{code: …, msg: …}`; a body that is not one is
    an answer of something else than the service (a wrong URL)."""
    try:
        found = json.loads(body)
    except ValueError:
        found = None
    if not isinstance(found, dict) or not isinstance(found.get(code), int):
        text = body[:200].decode("utf-8", "replace")
        raise SendError(f"not an answer of the service: {text!r}", retryable=False)
    return found[code], str(found.get(msg, ""))


def check_answer(
    body: bytes, *, service: str, code: str, msg: str, retryable: Collection[int]
) -> str:
    """The answer when it says sent (code 0), else SendError: retryable for the
    service's frequency-limit and busy codes, with the service's message."""
    number, message = answer_code(body, code, msg)
    if number != 0:
        raise SendError(f"{service} {code} {number}: {message}", retryable=number in retryable)
    return body[:200].decode("utf-8", "replace")


def send_coded(
    context: SendContext,
    url: str,
    payload: Any,
    *,
    name: str,
    service: str,
    code: str,
    msg: str,
    retryable: Collection[int],
) -> Receipt:
    """POST a JSON message to a service that answers HTTP 200 with a code (DingTalk,
    WeCom, Feishu) and read that code (`check_answer`)."""
    _, body, _ = post_json(
        context, url, None, name=name, headers=JSON_HEADERS, content=encode(payload)
    )
    return Receipt(
        answer=check_answer(body, service=service, code=code, msg=msg, retryable=retryable)
    )


def sign(secret: str, timestamp: str) -> str:
    """DingTalk's signature: HMAC-SHA256 of timestamp + "\\n" + secret keyed with the
    secret, Base64 (URL-encoded when it is put on the URL)."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_url(url: str, secret: str, now: float) -> str:
    """The webhook URL, with `timestamp` (milliseconds) and `sign` when signing."""
    if not secret:
        return url
    timestamp = str(int(now * 1000))
    query = urlencode({"timestamp": timestamp, "sign": sign(secret, timestamp)})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def hard_breaks(text: str) -> str:
    """Line breaks DingTalk shows: two spaces before each newline."""
    return text.replace("\n", "  \n")


def payload(title: str, text: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


class Channel(Webhook):
    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        """The post as markdown messages whose bodies each stay within 20,000 bytes."""
        head, blocks = chat_blocks(post, MARKUP)
        title = shorten(post.title, TITLE_CHARS)
        room = LIMIT - len(encode(payload(title, "")))
        parts = split(
            [hard_breaks(block) for block in blocks],
            limit=room,
            size=json_size,
            head=hard_breaks(head),
            fit=drop_lines(json_size),
        )
        return [Message(text, payload(title, text)) for text in parts]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        url = signed_url(
            env_value(settings.url_env, context.environ),
            env_value(settings.secret_env, context.environ),
            context.now(),
        )
        return send_coded(
            context,
            url,
            message.payload,
            name=settings.name,
            service="DingTalk",
            code="errcode",
            msg="errmsg",
            retryable=RETRYABLE,
        )
