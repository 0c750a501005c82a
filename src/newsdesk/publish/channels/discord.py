"""`discord`: each part of a post as one message to a Discord webhook, in Discord markdown.

What Discord documents (discord.com/developers/docs: "Execute Webhook", "Message
Formatting", "Allowed Mentions", "Rate Limits"), and what follows here:

- `content` is at most 2000 characters; parts are measured in characters as written
  (markup included).
- Markdown: `**bold**`, `### heading`, and masked links `[text](<url>)`, which webhook
  messages may use (the angle brackets keep Discord from adding a preview card; the URL
  has `<`, `>` and spaces percent-encoded). Every markdown special in a title or lead is
  escaped with a backslash (`\\*`, `\\_`, `\\[`, `\\<` ...), as are `://` (so a URL written
  in a title is not made a link) and a list or heading mark at the start of a line.
- `allowed_mentions: {"parse": []}`: nothing in a message pings anyone, not even an
  `@everyone` in a title; `flags: 4` (SUPPRESS_EMBEDS, one of the two flags a webhook may
  set) keeps the message free of link previews.
- `?wait=true` makes Discord answer with the message object, whose `id` is recorded.
- A 429 answers `{"message", "retry_after": seconds (a float), "global"}` with a
  `Retry-After` header; a refused message answers `{"code", "message", "errors"}`
  (50035 "Invalid Form Body" for a content over 2000 characters).

The webhook URL (`url_env`) is the secret: it carries the webhook's token in its path.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsdesk.config import ChannelSettings
from newsdesk.publish.channels import (
    Markup,
    Message,
    Receipt,
    SendContext,
    SendError,
    Webhook,
    chat_blocks,
    decode,
    env_value,
    fit_story,
    post,
    split,
    wait_asked,
)
from newsdesk.publish.post import StoredPost

LIMIT = 2000  # characters of a message's content
SUPPRESS_EMBEDS = 1 << 2
SPECIAL = re.compile(r"[\\*_~`|<>\[\]()#@]")
LINE_START = re.compile(r"^(\s*)([-+]|\d+\.)(?=\s|$)", re.MULTILINE)
ESCAPED = re.compile(r"\\(.)")


def escape(text: str) -> str:
    text = SPECIAL.sub(lambda m: "\\" + m.group(), text)
    text = text.replace("://", "\\://")
    return LINE_START.sub(unlist, text)


def unlist(match: re.Match[str]) -> str:
    """A line that would start a list ("- ", "1. "): its mark escaped. A backslash only
    escapes punctuation, so "1." becomes "1\\."."""
    space, mark = match.groups()
    return space + (mark[:-1] + "\\." if mark.endswith(".") else "\\" + mark)


def unescape(text: str) -> str:
    return ESCAPED.sub(r"\1", text)


def href(url: str) -> str:
    for char, code in (("<", "%3C"), (">", "%3E"), (" ", "%20")):
        url = url.replace(char, code)
    return url


def link(text: str, url: str) -> str:
    return f"[{text}](<{href(url)}>)"


def bold(text: str) -> str:
    return f"**{text}**"


def heading(text: str) -> str:
    return f"### {text}"


MARKUP = Markup(escape=escape, link=link, bold=bold, heading=heading)


def fit(block: str, room: int) -> str:
    return fit_story(block, room, size=len, escape=escape, unescape=unescape, opener="](<")


def with_wait(url: str) -> str:
    """The webhook URL asking Discord to answer with the message (its id)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "wait"] + [("wait", "true")]
    return urlunsplit(parts._replace(query=urlencode(query)))


class Channel(Webhook):
    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        head, blocks = chat_blocks(post, MARKUP)
        parts = split(blocks, limit=LIMIT, size=len, head=head, fit=fit)
        return [Message(part, payload(part)) for part in parts]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        url = with_wait(env_value(settings.url_env, context.environ))
        answer = execute(context, url, message.payload, name=settings.name)
        return Receipt(message_id=str(answer.get("id", "")), answer="ok")


def payload(content: str) -> dict[str, Any]:
    return {
        "content": content,
        "allowed_mentions": {"parse": []},
        "flags": SUPPRESS_EMBEDS,
    }


def execute(context: SendContext, url: str, body: Any, *, name: str) -> dict[str, Any]:
    """POST to the webhook; the message object. Raise SendError as the answer says."""
    answer = post(context, url, body, name=name)
    data = decode(answer.content)
    if 200 <= answer.status < 300:
        return data
    said = data.get("message") or answer.content[:200].decode("utf-8", "replace")
    reason = f"Discord {answer.status}: {said}"
    if data.get("code"):
        reason += f" (code {data['code']}{first_error(data.get('errors'))})"
    if answer.status == 429:
        raise SendError(reason, retry_after=wait_asked(data.get("retry_after"), answer.headers))
    raise SendError(reason, retryable=answer.status >= 500)


def first_error(errors: Any, path: str = "") -> str:
    """The first field error of a refusal's nested `errors` ("; content: Must be 2000 or
    fewer in length."), or nothing."""
    if not isinstance(errors, dict):
        return ""
    for item in errors.get("_errors") or []:
        if isinstance(item, dict) and item.get("message"):
            return f"; {path or 'message'}: {item['message']}"
    for key, value in errors.items():
        found = first_error(value, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return ""
