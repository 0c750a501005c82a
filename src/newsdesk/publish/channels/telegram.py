"""`telegram`: each part of a post as one Bot API `sendMessage`, in Telegram's HTML.

What the Bot API documents (core.telegram.org/bots/api, "sendMessage", "Formatting
options", "Making requests"), and what follows here:

- `text` is 1-4096 characters *after entities parsing*: tags do not count and `&amp;` is
  one character. Parts are measured that way, in UTF-16 code units (the unit Telegram
  counts entities in; never fewer than characters, so a part within it is within the
  limit however Telegram counts).
- `parse_mode` "HTML" knows only a few tags (`<b>`, `<i>`, `<u>`, `<s>`, `<a href>`,
  `<code>`, `<pre>`, `<blockquote>`, ...) and no headings: headings are bold. Every `<`,
  `>` and `&` that is not markup must be written `&lt;`, `&gt;`, `&amp;` (the only named
  entities besides `&quot;`), so a story's title can never open a tag.
- A refusal answers `{"ok": false, "error_code", "description", "parameters"}`; a 429
  says how long to wait in `parameters.retry_after` (seconds), a group that became a
  supergroup names its new id in `parameters.migrate_to_chat_id`.

The bot token (`token_env`) is part of the URL path, `/bot<token>/sendMessage`: it is a
secret, and no reason ever holds the URL. `chat_id` is the chat: a number ("-100...") or
"@channelname". `url_env` may name a variable holding another Bot API server's base URL
(a self-hosted telegram-bot-api); leave it unset for https://api.telegram.org.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from newsdesk.config import ChannelSettings
from newsdesk.publish.channels import (
    Markup,
    Message,
    Receipt,
    SendContext,
    SendError,
    chat_blocks,
    decode,
    env_value,
    fit_story,
    missing_env,
    post,
    split,
    wait_asked,
)
from newsdesk.publish.post import StoredPost

API = "https://api.telegram.org"
LIMIT = 4096  # characters of a message's text after entities parsing
TOKEN = re.compile(r"\d+:[\w-]+")  # what @BotFather hands out: "123456:ABC-DEF..."
TAG = re.compile(r"<[^>]*>")  # every `<` and `>` of the text itself is escaped


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def link(text: str, url: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{text}</a>'


def bold(text: str) -> str:
    return f"<b>{text}</b>"


MARKUP = Markup(escape=escape, link=link, bold=bold, heading=bold)


def visible(text: str) -> str:
    """What Telegram counts: the text without its tags, entities decoded."""
    return html.unescape(TAG.sub("", text))


def size(text: str) -> int:
    return len(visible(text).encode("utf-16-le")) // 2


def fit(block: str, room: int) -> str:
    return fit_story(
        block, room, size=size, escape=escape, unescape=html.unescape, opener="<a href="
    )


def api_base(settings: ChannelSettings, environ: Mapping[str, str]) -> str:
    if settings.url_env:
        return env_value(settings.url_env, environ).rstrip("/")
    return API


class Channel:
    def problems(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        found = missing_env(settings, environ, "token_env")
        token = env_value(settings.token_env, environ)
        if token and not TOKEN.fullmatch(token):
            found.append(
                f"the bot token in {settings.token_env} is not one from @BotFather "
                "(digits, a colon, then letters)"
            )
        if not settings.chat_id:
            found.append('chat_id is not set (a number such as "-1001234567890", or "@channel")')
        if settings.url_env:
            base = env_value(settings.url_env, environ)
            if not base.startswith(("https://", "http://")):
                found.append(
                    f"the environment variable {settings.url_env} (url_env, the Bot API "
                    "server) is not an http(s) URL; leave url_env unset for api.telegram.org"
                )
        return found

    def secrets(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        token = env_value(settings.token_env, environ)
        return [token] if token else []

    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        head, blocks = chat_blocks(post, MARKUP)
        parts = split(blocks, limit=LIMIT, size=size, head=head, fit=fit)
        return [Message(part, payload(part, settings.chat_id)) for part in parts]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        token = env_value(settings.token_env, context.environ)
        url = f"{api_base(settings, context.environ)}/bot{token}/sendMessage"
        result = call(context, url, message.payload, name=settings.name)
        return Receipt(message_id=str(result.get("message_id", "")), answer="ok")


def payload(text: str, chat_id: str) -> dict[str, Any]:
    return {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": "HTML",
        # A digest links every story: a preview of the first would only push it down.
        "link_preview_options": {"is_disabled": True},
    }


def call(context: SendContext, url: str, body: Any, *, name: str) -> dict[str, Any]:
    """POST one Bot API method; its `result`. Raise SendError as the answer says."""
    answer = post(context, url, body, name=name)
    data = decode(answer.content)
    if 200 <= answer.status < 300 and data.get("ok") is True:
        result = data.get("result")
        return result if isinstance(result, dict) else {}
    status = int(data.get("error_code") or answer.status)
    said = data.get("description") or answer.content[:200].decode("utf-8", "replace")
    reason = f"Telegram {status}: {said}"
    parameters = data.get("parameters") or {}
    if status == 429:
        wait = wait_asked(parameters.get("retry_after"), answer.headers)
        raise SendError(reason, retry_after=wait)
    if status >= 500:
        raise SendError(reason)
    if parameters.get("migrate_to_chat_id"):
        reason += f'; the group is now a supergroup: chat_id = "{parameters["migrate_to_chat_id"]}"'
    raise SendError(reason, retryable=False)
