"""`wecom`: a WeCom (企业微信) group robot (群机器人), markdown messages.

What WeCom documents for group robots (docs/channels.md has the links):

- a message is a POST of `{"msgtype": "markdown", "markdown": {"content"}}` to the
  robot's webhook (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…): the key in
  the URL is the robot's only credential, so the whole URL is read from `url_env` and
  there is nothing to sign;
- `content` is at most 4096 bytes of UTF-8; longer is refused with errcode 40058
  ("markdown.content exceed max length 4096"), so a post is split at story boundaries
  into parts of at most 4096 bytes, each valid on its own;
- the markdown has headings (#), bold, links, quotes and `<font color>`, and no
  documented escape: text from the store is shown with full-width look-alikes of its
  markup characters (a title cannot open a link, a `<@userid>` mention or a tag);
- every answer is HTTP 200 with `{"errcode", "errmsg"}`, 0 when sent. A robot sends at
  most 20 messages a minute: errcode 45009 (api freq out of limit) is retried by the
  delivery stage, like -1 (system busy); any other code (40058, 93000 for a wrong key
  …) is not.
"""

from __future__ import annotations

from typing import Any

from newsdesk.config import ChannelSettings
from newsdesk.publish.channels import (
    Message,
    Receipt,
    SendContext,
    Webhook,
    chat_blocks,
    env_value,
    split,
    utf8_size,
)
from newsdesk.publish.channels.dingtalk import MARKUP, drop_lines, send_coded
from newsdesk.publish.post import StoredPost

LIMIT = 4096  # bytes of UTF-8 in markdown.content (errcode 40058 past it)
LEAD_CHARS = 120  # shorter leads: a 30-story digest in a few 4 KB parts, not a dozen
RETRYABLE = frozenset({45009, -1})  # api freq out of limit (20 a minute); system busy


def payload(content: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": content}}


class Channel(Webhook):
    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        """The post as markdown messages of at most 4096 bytes of content each."""
        head, blocks = chat_blocks(post, MARKUP, lead_chars=LEAD_CHARS)
        parts = split(blocks, limit=LIMIT, size=utf8_size, head=head, fit=drop_lines(utf8_size))
        return [Message(text, payload(text)) for text in parts]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        return send_coded(
            context,
            env_value(settings.url_env, context.environ),
            message.payload,
            name=settings.name,
            service="WeCom",
            code="errcode",
            msg="errmsg",
            retryable=RETRYABLE,
        )
