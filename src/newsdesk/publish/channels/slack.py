"""`slack`: each part of a post as one message to a Slack incoming webhook, in Block Kit.

What Slack documents (docs.slack.dev: "Sending messages using incoming webhooks",
"Formatting message text", the Block Kit "Section block" reference), and what follows:

- A message holds at most 50 blocks; a section block's mrkdwn text at most 3000
  characters. Each story is one section block (the post's title and lede, with the
  `[i/n]` marker, another), shortened to 3000 characters when it is longer. A part also
  keeps under 12 000 characters in all: Slack refuses messages well under 50 full blocks
  (`msg_blocks_too_long`, slackapi/bolt-js#2509).
- mrkdwn: `*bold*`, links `<url|text>`, no headings (headings are bold). `&`, `<` and `>`
  are control characters and must be written `&amp;`, `&lt;`, `&gt;`, so a title can
  never open a link or a mention (`<!channel>`, `<@U123>`). In a link, `|` would end
  the URL, so the URL has `|`, `<`, `>` and spaces percent-encoded and the link text shows
  `|` as `¦`. mrkdwn has no escape for `*`, `_` and `~`: they may still format a title.
- The top-level `text` is the fallback shown in notifications.
- The webhook answers 200 `ok`, 400 `invalid_payload` or `invalid_blocks`, 403, 404,
  410 for a channel or hook that is gone, and 429 with `Retry-After` when rate limited.
  Incoming webhooks give no message id.

The webhook URL (`url_env`) is the secret: it carries the hook's token in its path.
"""

from __future__ import annotations

import html
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
    fit_story,
    post_json,
    split,
)
from newsdesk.publish.post import StoredPost

BLOCKS = 50  # blocks in one message
SECTION = 3000  # characters of one section block's text
BUDGET = 12_000  # characters of all of a message's blocks
BLOCK_COST = BUDGET // BLOCKS  # a block costs at least this much of the budget
SEP = "\x1e"  # between a part's blocks while packing; escape() drops it from any text


def escape(text: str) -> str:
    text = text.replace(SEP, "")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def href(url: str) -> str:
    for char, code in (("<", "%3C"), (">", "%3E"), ("|", "%7C"), (" ", "%20")):
        url = url.replace(char, code)
    return url.replace("&", "&amp;")


def link(text: str, url: str) -> str:
    return f"<{href(url)}|{text.replace('|', '¦')}>"


def bold(text: str) -> str:
    return f"*{text}*"


MARKUP = Markup(escape=escape, link=link, bold=bold, heading=bold)


def units(text: str) -> int:
    """A part's size for `split`: its characters, but at least BLOCK_COST per block, so a
    part within BUDGET has at most 50 blocks and at most 12 000 characters."""
    return max(len(text), (text.count(SEP) + 1) * BLOCK_COST)


def fit(block: str, room: int) -> str:
    return fit_story(block, room, size=len, escape=escape, unescape=html.unescape, opener="<")


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def message(pieces: list[str], marker: str, title: str) -> Message:
    """A part's message: its head (with the marker) and its stories, a section each."""
    head, stories = pieces[0], pieces[1:]
    if marker:
        head, stories = f"{head}\n{marker}", stories[1:]
    texts = [head, *stories]
    body = {
        "text": " ".join(p for p in (escape(title), marker) if p),
        "blocks": [section(t) for t in texts],
        "unfurl_links": False,
        "unfurl_media": False,
    }
    return Message("\n\n".join(texts), body)


class Channel(Webhook):
    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        head, blocks = chat_blocks(post, MARKUP)
        blocks = [b if len(b) <= SECTION else fit(b, SECTION) for b in blocks]
        parts = split(blocks, limit=BUDGET, size=units, head=head, join=SEP)
        total = len(parts)
        return [
            message(part.split(SEP), f"[{number}/{total}]" if total > 1 else "", post.title)
            for number, part in enumerate(parts, start=1)
        ]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        url = env_value(settings.url_env, context.environ)
        _, body, _ = post_json(context, url, message.payload, name=settings.name)
        return Receipt(answer=body[:200].decode("utf-8", "replace"))
