"""`webhook`: a POST of the digest as JSON, for people who build their own receiver.

The body is one JSON object, documented field by field in docs/channels.md:

    {"title", "description", "date", "key", "style", "lang", "url", "headline", "lede",
     "stories": [{"id", "title", "headline", "lead", "url", "source",
                  "sources": [{"name", "url"}], "section", "category",
                  "analysis": {"what", "why", "impact", "advice", "body"}}]}

Every title and link comes from the store. One message, never split; a receiver that
answers 2xx has it. The URL is read from the `url_env` environment variable.
"""

from __future__ import annotations

import json
from typing import Any

from newsdesk.config import ChannelSettings
from newsdesk.publish.channels import (
    Message,
    Receipt,
    SendContext,
    Webhook,
    env_value,
    post_json,
)
from newsdesk.publish.post import ANALYSIS_FIELDS, StoredPost


def story(entry: dict[str, Any], section: dict[str, Any]) -> dict[str, Any]:
    analysis = entry.get("analysis") or {}
    return {
        "id": entry["id"],
        "title": entry["title"],
        "headline": entry.get("headline", ""),
        "lead": entry.get("lead", ""),
        "url": entry["url"],
        "source": entry["source"],
        "sources": [{"name": entry["source"], "url": entry["url"]}, *entry.get("others", [])],
        "section": section["name"],
        "category": entry.get("category", ""),
        # every key is always there, "" where the digest has none (a weekly post's
        # stories, a story the offline analyst only extracted)
        "analysis": {key: str(analysis.get(key, "")) for key in ANALYSIS_FIELDS},
    }


def payload(post: StoredPost) -> dict[str, Any]:
    return {
        "title": post.title,
        "description": post.description,
        "date": post.published.isoformat(),
        "key": post.key,
        "style": post.style,
        "lang": post.lang,
        "url": post.url,
        "headline": post.data.get("headline", ""),
        "lede": post.data.get("lede", ""),
        "stories": [
            story(entry, section)
            for section in post.data.get("sections", [])
            for entry in section["entries"]
        ],
    }


class Channel(Webhook):
    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        body = payload(post)
        return [Message(json.dumps(body, ensure_ascii=False, indent=2), body)]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        url = env_value(settings.url_env, context.environ)
        _, body, _ = post_json(context, url, message.payload, name=settings.name)
        return Receipt(answer=body[:200].decode("utf-8", "replace"))
