"""`feishu`: a Feishu / Lark group's custom bot (自定义机器人): an interactive card, or
a rich-text post message with `card = false`.

What Feishu documents for custom bots (docs/channels.md has the links):

- a message is a POST to the bot's webhook
  (https://open.feishu.cn/open-apis/bot/v2/hook/…: the hook id is the secret, so the
  whole URL is read from `url_env`) of `{"msg_type": "interactive", "card": {…}}`, whose
  `lark_md` texts take `**bold**` and `[text](url)`, or of `{"msg_type": "post",
  "content": {"post": {"zh_cn": {"title", "content": [[{"tag": "text"|"a", …}]]}}}}`;
- the request body may not exceed 20 KB (counted here as 20,000 bytes, the stricter
  reading); a larger or malformed one is refused with `{"code": 9499, "msg": "Bad
  Request"}`. A post is split at story boundaries so that every body, signature
  included, stays within it;
- with signature verification (`secret_env`): timestamp + "\\n" + secret is the
  HMAC-SHA256 *key* over an empty message, Base64, sent as `timestamp` (seconds) and
  `sign` in the body; a wrong one, or a timestamp more than an hour off, is refused with
  code 19021;
- answers are HTTP 200 with `{"code", "msg"}`, 0 when sent. A bot sends at most 100
  messages a minute and 5 a second: code 11232 (frequency limited) is retried by the
  delivery stage, like 99991400 (the platform's rate limit); any other code is not;
- `lark_md` shows markup characters written as HTML entities (`&#42;` for `*`) as
  themselves: text from the store is escaped so (a title cannot open a link, a bold run
  or an `<at>` mention). A post message's text elements are shown as written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newsdesk.config import ChannelSettings
from newsdesk.publish.channels import (
    Markup,
    Message,
    Receipt,
    SendContext,
    Webhook,
    chat_blocks,
    env_value,
    shorten,
    split,
)
from newsdesk.publish.channels.dingtalk import (
    drop_lines,
    encode,
    json_size,
    markdown_link,
    send_coded,
)
from newsdesk.publish.post import StoredPost

LIMIT = 20_000  # bytes of the whole request body ("cannot exceed 20 KB"; 9499 past it)
LEAD_CHARS = 280  # as chat_blocks cuts story leads
RETRYABLE = frozenset({11232, 99991400})  # frequency limited (100/min, 5/s); rate limit
UNSIGNED: dict[str, str] = {}
SIGNED = {"timestamp": "0" * 10, "sign": "0" * 44}  # the room a signature takes

ENTITIES = str.maketrans(
    {
        "&": "&#38;",
        "<": "&#60;",
        ">": "&#62;",
        "*": "&#42;",
        "_": "&#95;",
        "~": "&#126;",
        "`": "&#96;",
        "[": "&#91;",
        "]": "&#93;",
        "\\": "&#92;",
    }
)
LARK_MD = Markup(
    escape=lambda text: text.translate(ENTITIES),
    link=markdown_link,
    bold=lambda text: f"**{text}**",
    heading=lambda text: f"**{text}**",  # lark_md has no headings
)

# A post message is structured (text and link elements), not markup: its lines are
# rendered with links marked by two control characters, then cut into elements.
LINK, HREF = "\x1e", "\x1f"
PLAIN = Markup(
    escape=lambda text: text.replace(LINK, "").replace(HREF, ""),
    link=lambda text, url: f"{LINK}{text}{HREF}{url}{LINK}",
    bold=lambda text: text,
    heading=lambda text: f"【{text}】",
)
MARKED_LINK = re.compile(f"{LINK}([^{HREF}]*){HREF}([^{LINK}]*){LINK}")


def card(title: str, text: str, lang: str) -> dict[str, Any]:
    """An interactive card: the post's title as its header, the text as lark_md."""
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": title}, "template": "blue"},
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": text}}],
        },
    }


def paragraphs(text: str) -> list[list[dict[str, str]]]:
    """A post message's content: one paragraph of text and link elements per line."""
    return [_elements(line) for line in text.split("\n")] if text else []


def _elements(line: str) -> list[dict[str, str]]:
    found = []
    for index, piece in enumerate(line.split(LINK)):
        if index % 2:
            label, _, url = piece.partition(HREF)
            found.append({"tag": "a", "text": label, "href": url})
        elif piece:
            found.append({"tag": "text", "text": piece})
    return found or [{"tag": "text", "text": ""}]


def rich_post(title: str, text: str, lang: str) -> dict[str, Any]:
    locale = "zh_cn" if lang == "zh" else "en_us"
    content = {"post": {locale: {"title": title, "content": paragraphs(text)}}}
    return {"msg_type": "post", "content": content}


@dataclass(frozen=True, slots=True)
class Form:
    """One of the two message types: how a post is written, measured and built."""

    markup: Markup
    size: Callable[[str], int]  # bytes a part's text adds to the body
    build: Callable[[str, str, str], dict[str, Any]]  # (title, text, lang) → payload
    shown: Callable[[str], str]  # what `--dry-run` prints


CARD = Form(LARK_MD, json_size, card, lambda text: text)
POST = Form(
    PLAIN,
    lambda text: len(encode(paragraphs(text))) - 2,
    rich_post,
    lambda text: MARKED_LINK.sub(r"\1 (\2)", text),
)


def sign(secret: str, timestamp: str) -> str:
    """Feishu's signature: timestamp + "\\n" + secret as the HMAC-SHA256 key over an
    empty message, Base64."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def signature(secret: str, now: float) -> dict[str, str]:
    timestamp = str(int(now))
    return {"timestamp": timestamp, "sign": sign(secret, timestamp)}


class Channel(Webhook):
    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        """The post as cards (or post messages) whose bodies, signed, stay within 20 KB."""
        form = CARD if settings.card else POST
        _, blocks = chat_blocks(post, form.markup, lead_chars=LEAD_CHARS)
        lede = form.markup.escape(shorten(str(post.data.get("lede") or ""), LEAD_CHARS))
        extra = SIGNED if settings.secret_env else UNSIGNED
        room = LIMIT - len(encode({**extra, **form.build(post.title, "", post.lang)}))
        parts = split(blocks, limit=room, size=form.size, head=lede, fit=drop_lines(form.size))
        found = [
            Message(f"{post.title}\n\n{form.shown(text)}", form.build(post.title, text, post.lang))
            for text in parts
        ]
        for message in found:
            if len(encode({**extra, **message.payload})) > LIMIT:
                raise ValueError(f"a Feishu message over {LIMIT} bytes")
        return found

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        secret = env_value(settings.secret_env, context.environ)
        body = (
            {**signature(secret, context.now()), **message.payload} if secret else message.payload
        )
        return send_coded(
            context,
            env_value(settings.url_env, context.environ),
            body,
            name=settings.name,
            service="Feishu",
            code="code",
            msg="msg",
            retryable=RETRYABLE,
        )
