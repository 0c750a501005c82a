"""Subreddits on real posts: labelled subreddit posts replayed as the feeds Reddit serves.

    python bench/bench_subreddits.py POSTS.jsonl [...] [--misses] [--max-discussions N]
    python bench/bench_subreddits.py POSTS.jsonl --mix tune|validate [--max-discussions N]

POSTS.jsonl holds one labelled post per line, as guide-junk.md ("Subreddits") labels them:

    {"subreddit": "LocalLLaMA", "date": "2026-02-15", "rank": 3, "title": "...",
     "link": "https://...", "junk": true, "kind": "meme"}

`link` is what the post shares: an article, a picture (`i.redd.it` …) or, for a text
post, its own thread (`https://www.reddit.com/r/<sub>/comments/…`). The posts of each
subreddit become a feed in Reddit's format (a link post's "[link]" anchor, a text post
linking its thread; no text-post bodies), stored in a fresh SQLite file and prepared day
by day (`prepare_days`, packaged defaults, UTC days); the figures are the relevance
stage's (junk set aside, news kept) and the digests' (junk among the posts a digest
shows: the first `rank.top` stories that are not held). With `--mix`, the posts are
stored beside the development set's split (`../shared/corpora/real-2026-01/`) and the
figure is how many of the digests' entries are a post an editor would cut; posts dated
outside the split are moved onto its weekdays, in order.

The posts newsdesk was measured on (docs/benchmarks.md, "Session 21") are third parties'
and are not in the repository: bring your own, labelled blind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.collect import to_item
from newsdesk.config import Settings, SourceSettings, load_settings
from newsdesk.models import Item, Story
from newsdesk.normalize import canonical_url
from newsdesk.pipeline import prepare_days
from newsdesk.sources.feed import parse_feed
from newsdesk.store import Store
from tests import editorial

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
THREAD = re.compile(r"reddit\.com/r/[^/]+/comments/")


def shown(stories: list[Story], top: int) -> list[Story]:
    """The stories a digest shows (`rank.shown`; written out so that the script also
    measures code from before stories were held)."""
    return [story for story in stories if story.score >= 0][:top]


def thread_of(post: dict[str, Any]) -> str:
    """The post's comment thread: its link for a text post, else one made up from it."""
    if THREAD.search(post["link"]):
        return str(post["link"])
    digest = hashlib.sha1((post["subreddit"] + post["title"]).encode()).hexdigest()[:7]
    slug = re.sub(r"[^a-z0-9]+", "_", post["title"].lower())[:50].strip("_")
    return f"https://www.reddit.com/r/{post['subreddit']}/comments/1{digest}/{slug}/"


def posted(post: dict[str, Any]) -> str:
    """The link the item is stored under (canonical)."""
    link = thread_of(post) if THREAD.search(post["link"]) else post["link"]
    return canonical_url(link) or link


def entry(post: dict[str, Any], when: dt.datetime) -> str:
    """One Atom entry as Reddit's feeds write it."""
    thread = thread_of(post)
    user = "u" + hashlib.sha1(post["title"].encode()).hexdigest()[:6]
    text_post = THREAD.search(post["link"]) is not None
    link = thread if text_post else post["link"]
    by = f'&#32; submitted by &#32; <a href="https://www.reddit.com/user/{user}"> /u/{user} </a>'
    anchors = (
        f' <br/> <span><a href="{html.escape(link)}">[link]</a></span> &#32; '
        f'<span><a href="{html.escape(thread)}">[comments]</a></span>'
    )
    if text_post:
        content = '<!-- SC_OFF --><div class="md"></div><!-- SC_ON --> ' + by + anchors
    else:
        content = (
            f'<table> <tr><td> <a href="{html.escape(thread)}"> </a> </td><td> '
            + by
            + anchors
            + " </td></tr></table>"
        )
    stamp = when.isoformat()
    return (
        f"<entry><author><name>/u/{user}</name></author>"
        f'<content type="html">{html.escape(content)}</content>'
        f"<id>t3_{hashlib.sha1(thread.encode()).hexdigest()[:7]}</id>"
        f'<link href="{html.escape(thread)}"/><updated>{stamp}</updated>'
        f"<published>{stamp}</published><title>{html.escape(post['title'])}</title></entry>\n"
    )


def feed(subreddit: str, entries: list[str]) -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>r/{subreddit}</title><id>/r/{subreddit}/.rss</id>"
        "<updated>2026-06-01T00:00:00+00:00</updated>\n"
    )
    return (head + "".join(entries) + "</feed>\n").encode()


def items(posts: list[dict[str, Any]], sources: dict[str, SourceSettings]) -> list[Item]:
    """The posts as collection stores them, a feed per subreddit."""
    by_sub: dict[str, list[str]] = defaultdict(list)
    for post in posts:
        day = dt.date.fromisoformat(post["date"])
        when = dt.datetime.combine(day, dt.time(12), dt.UTC) - dt.timedelta(
            minutes=7 * post["rank"]
        )
        by_sub[post["subreddit"]].append(entry(post, when))
    found: list[Item] = []
    for subreddit, entries in by_sub.items():
        for parsed in parse_feed(feed(subreddit, entries)).entries:
            item = to_item(parsed, sources[subreddit], now=NOW)
            if item:
                found.append(item)
    return found


def replay(
    posts: list[dict[str, Any]], max_discussions: int | None, split: str | None
) -> tuple[dict[dt.date, list[Story]], dict[str, str], Settings]:
    """Prepare the posts' days (with a split of the development set beside them): the
    days' stories and the set-aside links with their reasons."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        subs = sorted({p["subreddit"] for p in posts})
        sources = {
            s: SourceSettings(name=f"r/{s}", url=f"https://www.reddit.com/r/{s}/.rss") for s in subs
        }
        if split:
            config = editorial.settings(folder)
            editorial.fill_store(split, config)
            config = config.model_copy(update={"sources": [*config.sources, *sources.values()]})
        else:
            base = load_settings(None, timezone="UTC", database=str(folder / "r.db"))
            config = base.model_copy(update={"sources": list(sources.values()), "base_dir": folder})
        if max_discussions is not None:
            config = config.model_copy(
                update={"rank": config.rank.model_copy(update={"max_discussions": max_discussions})}
            )
        editorial.store_items(config, items(posts, sources))
        store = Store(config.path(config.database))
        try:
            days = sorted({dt.date.fromisoformat(p["date"]) for p in posts})
            prepared = prepare_days(config, store, days)
            aside = {i.url: reason for d in days for i, reason, _ in store.set_aside(d)}
        finally:
            store.close()
    return prepared, aside, config


def onto_split(posts: list[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    """Posts dated outside the split moved onto its weekdays, a date each, in order."""
    weeks = editorial.SPLITS[split]
    weekdays = [dt.date.fromisocalendar(int(w[:4]), int(w[6:]), n) for w in weeks for n in (2, 4)]
    first, last = min(weekdays), max(weekdays) + dt.timedelta(days=3)
    outside = sorted(
        {p["date"] for p in posts if not first <= dt.date.fromisoformat(p["date"]) <= last}
    )
    moved = {d: weekdays[n % len(weekdays)].isoformat() for n, d in enumerate(outside)}
    return [{**p, "date": moved.get(p["date"], p["date"])} for p in posts]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("posts", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="print what went wrong")
    parser.add_argument("--max-discussions", type=int, default=None)
    parser.add_argument("--mix", choices=("tune", "validate"), default=None)
    args = parser.parse_args()
    posts = [
        json.loads(line)
        for path in args.posts
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if args.mix:
        if not editorial.available():
            print(f"the corpus is missing: {editorial.CORPUS}", file=sys.stderr)
            return 2
        posts = onto_split(posts, args.mix)
    prepared, aside, config = replay(posts, args.max_discussions, args.mix)
    label = {posted(p): p for p in posts}
    if args.mix:
        entries = cut = told = 0
        for stories in prepared.values():
            for story in shown(stories, config.rank.top):
                entries += 1
                found = [label[i.url] for i in story.items if i.url in label]
                told += bool(found)
                cut += bool(found) and all(p["junk"] for p in found)
        print(
            f"{len(prepared)} days, {entries} digest entries: {told} tell a post, {cut} of them junk"
        )
        return 0
    place: dict[str, int] = {}
    for stories in prepared.values():
        for n, story in enumerate(shown(stories, config.rank.top)):
            for item in story.items:
                place[item.url] = n
    stored = {i.url for stories in prepared.values() for s in stories for i in s.items}
    known = [p for p in posts if posted(p) in aside or posted(p) in stored]
    junk = [p for p in known if p["junk"]]
    news = [p for p in known if not p["junk"]]
    caught = [p for p in junk if posted(p) in aside]
    kept = [p for p in news if posted(p) not in aside]
    on_show = [p for p in known if posted(p) in place]
    print(f"posts {len(posts)}, found {len(known)}: {len(junk)} junk, {len(news)} news")
    print(f"junk set aside          {len(caught) / max(1, len(junk)):.3f}")
    print(f"news kept               {len(kept) / max(1, len(news)):.3f}")
    share = sum(p["junk"] for p in on_show) / max(1, len(on_show))
    print(f"junk among posts shown  {share:.3f} ({len(on_show)} shown)")
    kinds = Counter((p["kind"], posted(p) in aside) for p in junk)
    print(
        "junk kinds (kind, set aside): " + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items()))
    )
    if args.misses:
        for p in junk:
            if posted(p) not in aside and p["kind"] != "meme":
                print(f"  junk kept: {p['kind']}: {p['title']}  <{p['link']}>")
        for p in news:
            if posted(p) in aside:
                print(f"  news set aside: {aside[posted(p)]}: {p['title']}  <{p['link']}>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
