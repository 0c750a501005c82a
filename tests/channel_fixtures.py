"""Stored posts for the channel tests: a long Chinese digest, and a post with every kind
of character a chat markup must escape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from newsdesk.publish.post import StoredPost

NOW = dt.datetime(2026, 11, 11, 9, 0, tzinfo=dt.UTC)
SECTIONS = ["模型动态", "产品应用", "开发工具", "产业动态", "安全治理"]


def chinese_post(stories: int = 30, *, lead_chars: int = 160) -> StoredPost:
    """A daily digest of `stories` Chinese stories in five sections, long leads."""
    sections: list[dict[str, Any]] = [{"name": n, "emoji": "📌", "entries": []} for n in SECTIONS]
    for n in range(stories):
        lead = (f"第{n}条新闻的导语：某公司发布了新的人工智能模型，在多项评测中表现突出。" * 6)[
            :lead_chars
        ]
        sections[n % len(SECTIONS)]["entries"].append(
            {
                "id": n + 1,
                "title": f"星河科技发布第 {n} 代大模型 Polaris-{n}",
                "headline": "",
                "lead": lead,
                "url": f"https://news.example/2026/11/11/story-{n}?ref=a&b=<c>",
                "source": f"来源{n % 4}",
                "others": [{"name": "Wire", "url": f"https://wire.example/{n}"}],
            }
        )
    return StoredPost(
        key="2026-11-11",
        day=NOW.date(),
        style="daily-brief",
        lang="zh",
        title="AI 日报｜2026-11-11：星河科技等 30 条 AI 要闻",
        description="今日 30 条 AI 要闻",
        url="https://blog.example/posts/2026-11-11-ai-daily-brief-zh/",
        body="# AI 日报\n\n正文……\n",
        published=NOW,
        updated=NOW,
        data={
            "headline": "星河科技等 30 条 AI 要闻",
            "lede": "今天共收录 30 条新闻。",
            "sections": sections,
        },
    )


def hostile_post() -> StoredPost:
    """One story whose title and lead carry markup of every chat format."""
    entry = {
        "id": 1,
        "title": 'A <b>bold</b> & "quoted" *star* _under_ [link](https://evil.example) <@U123> <!channel> `tick` ~tilde~ |pipe|',
        "headline": "",
        "lead": "Lead with <script>alert(1)</script> & **markdown** and a > quote.",
        "url": "https://news.example/a?x=1&y=<2>",
        "source": "Wire & Co",
        "others": [],
    }
    return StoredPost(
        key="2026-11-11",
        day=NOW.date(),
        style="daily-brief",
        lang="en",
        title="AI Daily <2026-11-11> & more",
        description="d",
        url="https://blog.example/p/",
        body="# t\n",
        published=NOW,
        updated=NOW,
        data={
            "headline": "h",
            "lede": "",
            "sections": [{"name": "Models", "emoji": "", "entries": [entry]}],
        },
    )
