"""Subreddits as sources: a Reddit feed's post links what it shares, and its pictures,
clips, questions and chatter are set aside.

`tests/data/reddit/` holds three hand-written subreddit feeds in the format Reddit serves
(`https://www.reddit.com/r/NAME/.rss`: Atom, each entry linking its comment thread, the
post's own link in the summary's "[link]" anchor), with an editor's label for each post
in `labels.jsonl` (junk or news, and the kind of junk, as guide-junk.md says). They are
served by a real HTTP server on 127.0.0.1 and go through `collect` and `daily`.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk.config import load_settings
from newsdesk.models import Story
from newsdesk.normalize import is_thread
from newsdesk.sources.feed import parse_feed, posted_link
from newsdesk.store import Store
from tests.conftest import LocalServer, Route, write_config
from tests.helpers import invoke

DATA = Path(__file__).parent / "data" / "reddit"
SUBREDDITS = ("LocalLLaMA", "singularity", "MachineLearning")
DAY = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC)
LABELS = [json.loads(line) for line in (DATA / "labels.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture
def reddit_day(tmp_path: Path, server: LocalServer) -> tuple[Path, Store]:
    """The three subreddits collected from 127.0.0.1 and the day's digest written."""
    sources = ""
    for name in SUBREDDITS:
        server.routes[f"/r/{name}/.rss"] = Route((DATA / f"{name.lower()}.xml").read_bytes())
        sources += f'\n[[sources]]\nname = "r/{name}"\nurl = "{server.url(f"/r/{name}/.rss")}"\n'
    config = write_config(
        tmp_path,
        'timezone = "UTC"\nlanguage = "en"\ndatabase = "r.db"\n[site]\nout = "site"\n'
        "[fulltext]\nenabled = false\n" + sources,
    )
    code, stdout, stderr = invoke("--config", config, "daily", "--date", DAY, "--offline", now=NOW)
    assert code == 0, stdout + stderr
    settings = load_settings(config)
    return tmp_path, Store(settings.path(settings.database))


def test_a_link_post_is_the_article_it_links_and_a_text_post_its_thread() -> None:
    feed = parse_feed((DATA / "singularity.xml").read_bytes())
    links = {entry.title: entry.link for entry in feed.entries}
    assert links["Anthropic raises $30 billion at a $380 billion valuation"] == (
        "https://www.cnbc.com/2026/03/10/anthropic-raises-30-billion.html"
    )
    assert links["Gemini 3 Ultra scores 62% on Humanity's Last Exam"].startswith(
        "https://i.redd.it/"
    )
    # A text post, and a crosspost (its "[link]" is another subreddit's thread), keep the
    # thread they were posted as.
    assert is_thread(links["When will we get GPT-6?"])
    assert "/r/singularity/comments/" in links["When will we get GPT-6?"]
    assert "/r/singularity/comments/" in links["OpenAI is hiring a Head of Preparedness"]


def test_real_reddit_feeds_old_and_new_give_the_posted_links(shared_fixtures: Path) -> None:
    feeds = shared_fixtures / "feeds"
    links = {}
    for name in ("reddit.rss", "reddit-atom.rss"):
        old = parse_feed((feeds / "rss-parser-js-fixtures/test/input" / name).read_bytes())
        links |= {entry.title: entry.link for entry in old.entries}
    assert links["Bill Cosby wins defamation case"] == (
        "http://www.bbc.co.uk/news/entertainment-arts-35381354"
    )
    assert links["Driving for Uber in the Virginia last night"] == "http://i.imgur.com/quniy7i.jpg"
    assert is_thread(
        links["We are Aziz Ansari and Alan Yang from Master of None - Ask Us Anything"]
    )
    new = parse_feed(
        (feeds / "feed-rs-fixtures/feed-rs/fixture/atom/atom_example_reddit.xml").read_bytes()
    )
    assert all(is_thread(entry.link) for entry in new.entries)  # text posts only
    # Anything else that happens to say "[link]" is left alone: a blog's entry, and a
    # "[link]" the author of a text post wrote in its body (Reddit's footer comes last).
    other = '<p>submitted by nobody</p><a href="https://a.example/x">[link]</a>'
    assert posted_link("https://blog.example/post", other) == "https://blog.example/post"
    thread = "https://www.reddit.com/r/x/comments/1ab/title/"
    body = (
        '<div class="md"><a href="https://openai.com/index/gpt-9">[link]</a></div> submitted by '
        f'<a href="https://www.reddit.com/user/u"> /u/u </a> <span><a href="{thread}">[link]</a>'
        f'</span> <span><a href="{thread}">[comments]</a></span>'
    )
    assert posted_link(thread, body) == thread
    posted = body.replace(
        f'<span><a href="{thread}">[link]', '<span><a href="https://a.example/?q=1&amp;r=2">[link]'
    )
    assert posted_link(thread, posted) == "https://a.example/?q=1&r=2"
    for other_host in (
        "https://np.reddit.com/r/x/comments/1ab/t/",
        "https://www.reddit.com/r/x/s/Ab12",
    ):
        assert is_thread(other_host)
    assert not is_thread("https://www.reddit.com/r/x/") and not is_thread(
        "https://notreddit.com/r/x/comments/1"
    )
    assert posted_link("https://blog.example/post", "<p>[link] to nothing</p>") == (
        "https://blog.example/post"
    )
    assert posted_link(
        "https://blog.example/post", 'submitted by <a href="javascript:x">[link]</a>'
    ) == ("https://blog.example/post")


def test_pictures_clips_questions_and_chatter_are_set_aside_news_is_kept(
    reddit_day: tuple[Path, Store],
) -> None:
    folder, store = reddit_day
    aside = {item.title: (reason, detail) for item, reason, detail in store.set_aside(DAY)}
    wrong = [
        (label["title"], aside.get(label["title"]))
        for label in LABELS
        if (label["title"] in aside) != label["junk"]
    ]
    assert wrong == []
    for label in LABELS:
        if label["form"] in {"image", "video", "gallery"} and label["title"] in aside:
            reason, detail = aside[label["title"]]
            assert reason in {"meme", "off_topic"}, label
            assert reason == "off_topic" or "picture or a clip" in detail
    (post,) = (folder / "site").glob("*.md")
    text = post.read_text("utf-8")
    # Link posts point at what they share, not at Reddit; no picture or thread of a
    # set-aside post reaches the digest.
    for shared in ("https://www.cnbc.com/2026/03/10/", "https://techcrunch.com/2026/03/10/"):
        assert shared in text
    assert "i.redd.it" not in text and "v.redd.it" not in text and "/gallery/" not in text
    for title in aside:
        assert title not in text
    # A kept post is shown without its subreddit's flair.
    assert "Scaling laws for sparse attention in million-token contexts" in text
    assert "ICML 2026 introduces a policy on LLM-written peer reviews" in text
    for flair in ("[R]", "[N]", "\\[R\\]", "\\[N\\]", "&#91;R&#93;"):
        assert flair not in text
    assert "Scaling laws for sparse" in text.split("\n# ", 1)[-1]
    # Three text posts are news no other source told: a digest shows two of them
    # (`rank.max_discussions`), whatever room the day has left.
    talk = (
        "Mistral Small 4 just dropped under Apache 2.0",
        "Kimi K3 is out: open weights, 1T parameters, modified MIT license",
        "The EU AI Office's first code of practice for model providers",
    )
    assert sum(title in text for title in talk) == 2
    code, stdout, _ = invoke(
        "--config", folder / "newsdesk.toml", "report", "--date", DAY, "--json", now=NOW
    )
    assert code == 0 and "a link to a picture or a clip (v.redd.it)" in stdout


def test_one_link_carried_by_several_sources_counts_each_of_them(tmp_path: Path) -> None:
    """The same announcement linked by a subreddit (read first) and by the lab's own
    curated feed is stored once, carried by both: the story counts two sources, the lab's
    standing skips the relevance stage and its weight leads."""
    from newsdesk.relevance import sift
    from tests.helpers import news_item

    link = "https://lab.example/news/introducing-model-9"
    at = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    posted = news_item("why is nobody talking about this", at=at, source="r/LocalLLaMA", url=link)
    own = news_item("Introducing Model 9", at=at, source="Lab", url=link)
    with Store(tmp_path / "s.db") as store:
        assert store.add_items([posted]) == 1
        assert store.add_items([own]) == 0  # the link is stored once
        assert store.add_items([posted]) == 0  # a rerun records nothing twice
        (item,) = store.items_between(at - dt.timedelta(hours=1), at + dt.timedelta(hours=1))
        assert item.source == "r/LocalLLaMA" and item.also == ("Lab",)
        assert item.sources == ("r/LocalLLaMA", "Lab")
        # Judged alone, the subreddit's title is a question with no news; carried by a
        # curated source it is the lab's announcement.
        assert sift([item], curated=set())[0] == []
        assert sift([item], curated={"Lab"})[0] == [item]
        assert Story(id=1, day=DAY, items=[item]).sources == ["r/LocalLLaMA", "Lab"]
        links = store.seen_links(["Lab", "r/LocalLLaMA"], at - dt.timedelta(days=1))
        assert links == {"Lab": frozenset({link}), "r/LocalLLaMA": frozenset({link})}


def test_the_points_another_source_gave_a_link_count_as_its_engagement(tmp_path: Path) -> None:
    """A lab's post stored under the lab keeps the points Hacker News gave its link."""
    from newsdesk.relevance import engagement
    from tests.helpers import news_item

    link = "https://lab.example/news/model-9"
    at = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    own = news_item("Introducing Model 9", at=at, source="Lab", url=link)
    with Store(tmp_path / "s.db") as store:
        store.add_items([own])
        for points in (40, 312, 120):  # the feed read three times as the points grew
            hn = news_item(
                "Model 9",
                f"Points: {points} # Comments: {points // 4}",
                at=at,
                source="HN",
                url=link,
            )
            store.add_items([hn])
        (item,) = store.items_between(at - dt.timedelta(hours=1), at + dt.timedelta(hours=1))
    assert item.also == ("HN",) and item.seen == (312, 78)
    assert engagement(item) == (312, 78)


def test_a_digest_names_each_source_that_carried_a_story_once() -> None:
    """ "Reported by 3 sources" names three: the shown item's, the sources that carried
    its link too, and the other reports' (each once)."""
    import dataclasses

    from newsdesk.write import _other_sources
    from tests.helpers import news_item

    at = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    lab = dataclasses.replace(
        news_item("Introducing Model 9", at=at, source="Lab"), also=("HN", "r/LocalLLaMA")
    )
    press = news_item("Lab ships Model 9", at=at, source="Wire")
    again = dataclasses.replace(news_item("Model 9 is out", at=at, source="HN"), also=("Wire",))
    named = [(name, item.url) for name, item in _other_sources(lab, [lab, press, again])]
    assert named == [("HN", lab.url), ("r/LocalLLaMA", lab.url), ("Wire", press.url)]
    story = Story(id=1, day=DAY, items=[lab, press, again])
    assert len(story.sources) == 1 + len(named)


def test_a_curated_source_that_carries_a_stored_link_owns_it(tmp_path: Path) -> None:
    """A subreddit read before the lab stored the lab's link under its own title; the lab's
    feed, curated, takes the item over: its title and text, the subreddit a sighting. A
    lighter source never takes an item from a heavier one."""
    from newsdesk.relevance import engagement
    from tests.helpers import news_item

    link = "https://lab.example/news/model-9"
    at = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    window = (at - dt.timedelta(hours=1), at + dt.timedelta(hours=1))
    posted = news_item(
        "why is nobody talking about this", "Points: 80", at=at, source="r/x", url=link
    )
    thread = "https://www.reddit.com/r/x/comments/1abc/why_is_nobody_talking_about_this/"
    posted = replace(posted, discussion=thread)
    own = news_item("Introducing Model 9", "Our fastest model.", at=at, source="Lab", url=link)
    blog = news_item("Model 9, a first look", at=at, source="Blog", url=link)
    with Store(tmp_path / "s.db") as store:
        store.sync_sources(
            [
                ("r/x", "https://r.example/", "feed", 0.5),
                ("Lab", "https://lab.example/", "feed", 2.0),
                ("Blog", "https://blog.example/", "feed", 1.0),
            ],
            now=at,
            curated={"Lab"},
        )
        store.add_items([posted])
        store.add_items([own])
        store.add_items([blog])  # lighter than the lab: a sighting only
        (item,) = store.items_between(*window)
        assert (item.source, item.title, item.summary) == (
            "Lab",
            "Introducing Model 9",
            "Our fastest model.",
        )
        assert item.also == ("Blog", "r/x")
        assert engagement(item) == (80, 0)  # the subreddit's points stay with its sighting
        # and so does its thread; the lab's own item has none
        assert item.discussed_at("r/x") == thread
        assert item.discussed_at("Lab") == "" and item.discussed_at("Blog") == ""
        store.add_items([posted])  # read again: nothing changes hands
        assert store.items_between(*window)[0].source == "Lab"
        # Each source that carried it is fresh, not only the owner.
        assert store.newest_items() == {"Lab": at, "Blog": at, "r/x": at}


def test_sightings_survive_odd_source_names_and_absurd_points(tmp_path: Path) -> None:
    from tests.helpers import news_item

    link = "https://lab.example/news/model-9"
    at = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    odd = 'odd\u001e\u001fname, "quoted"'
    with Store(tmp_path / "s.db") as store:
        store.add_items([news_item("Model 9", at=at, source="Lab", url=link)])
        huge = "Points: 99999999999999999999999 # Comments: 7"
        assert store.add_items([news_item("Model 9", huge, at=at, source=odd, url=link)]) == 0
        (item,) = store.items_between(at - dt.timedelta(hours=1), at + dt.timedelta(hours=1))
    assert item.also == (odd,) and item.seen == (100_000, 7)


def test_an_article_is_judged_as_its_own_site_s_whoever_stored_it_first() -> None:
    """The same press article from an aggregator and from the press's own feed is
    judged once, as the press's own (no sign of news needed), in either order."""
    import dataclasses

    from newsdesk.relevance import sift
    from tests.helpers import news_item

    at = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    article = "https://someblog.example/faster-inference"
    title = "Faster LLM inference on consumer GPUs with speculative decoding"
    spread = [
        news_item(f"Item {n}", at=at, source="Agg", url=f"https://site{n}.example/a")
        for n in range(4)
    ]
    for owner, other in (("Agg", "Blog"), ("Blog", "Agg")):
        item = dataclasses.replace(
            news_item(title, at=at, source=owner, url=article), also=(other,)
        )
        kept, _ = sift([item, *spread, news_item("Own", at=at, source="Blog")], curated=set())
        assert item in kept, owner
        alone = dataclasses.replace(item, source="Agg", also=())
        assert alone not in sift([alone, *spread], curated=set())[0]


def test_other_sources_link_their_discussion_not_the_article_again(
    tmp_path: Path, server: LocalServer
) -> None:
    """A lab's post that Hacker News and a subreddit also carried: the digest links the
    lab's post, and names Hacker News and the subreddit with the pages where their
    readers discuss it (the HN item page, the Reddit thread), not the same post again."""
    article = "https://openai.com/index/introducing-gpt-5-5/"
    lab = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Lab</title>'
        "<item><title>Introducing GPT-5.5</title>"
        f"<link>{article}</link><description>Our newest model, GPT-5.5, is out today."
        "</description><pubDate>Tue, 10 Mar 2026 08:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    )
    hn = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>HN</title>'
        "<item><title>Introducing GPT-5.5</title>"
        f"<link>{article}</link><description>&lt;p&gt;Article URL: "
        f'&lt;a href="{article}"&gt;{article}&lt;/a&gt;&lt;/p&gt;&lt;p&gt;Comments URL: '
        '&lt;a href="https://news.ycombinator.com/item?id=47000001"&gt;'
        "https://news.ycombinator.com/item?id=47000001&lt;/a&gt;&lt;/p&gt;"
        "&lt;p&gt;Points: 812&lt;/p&gt;&lt;p&gt;# Comments: 455&lt;/p&gt;</description>"
        "<pubDate>Tue, 10 Mar 2026 09:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    )
    server.routes["/lab.xml"] = Route(lab.encode())
    server.routes["/hn.xml"] = Route(hn.encode())
    server.routes["/r/singularity/.rss"] = Route((DATA / "singularity.xml").read_bytes())
    config = write_config(
        tmp_path,
        'timezone = "UTC"\nlanguage = "en"\ndatabase = "r.db"\n[site]\nout = "site"\n'
        "[fulltext]\nenabled = false\n"
        f'[[sources]]\nname = "Lab"\nurl = "{server.url("/lab.xml")}"\ncurated = true\n'
        f'[[sources]]\nname = "HN"\nurl = "{server.url("/hn.xml")}"\n'
        f'[[sources]]\nname = "r/singularity"\nurl = "{server.url("/r/singularity/.rss")}"\n',
    )
    code, stdout, stderr = invoke("--config", config, "daily", "--date", DAY, "--offline", now=NOW)
    assert code == 0, stdout + stderr
    (post,) = (tmp_path / "site").glob("*.md")
    line = next(x for x in post.read_text("utf-8").splitlines() if "GPT-5.5" in x and "→" in x)
    assert line.count(article) == 1, line
    assert "[HN](https://news.ycombinator.com/item?id=47000001)" in line, line
    assert (
        "[r/singularity](https://www.reddit.com/r/singularity/comments/1jsi017/introducing_gpt_5_5/)"
        in line
    ), line


def test_a_discussion_page_is_only_the_feed_s_own_hacker_news_line() -> None:
    """The page a Hacker News feed's text ends with is read whole, however long the text;
    a post's own text cannot name another page."""
    from newsdesk.collect import to_item
    from newsdesk.config import SourceSettings
    from newsdesk.sources import Entry

    source = SourceSettings(name="HN", url="https://hnrss.example/frontpage")
    own = "https://news.ycombinator.com/item?id=43123456"

    def discussion(summary: str, link: str = "https://lab.example/post") -> str:
        entry = Entry(link=link, title="Lumen 3 is out", summary=summary, published=NOW)
        item = to_item(entry, source, now=NOW)
        assert item is not None
        return item.discussion

    assert discussion(f"Article URL: x Comments URL: {own} Points: 5 # Comments: 1") == own
    # A long post whose text pushes the feed's line past what is stored.
    assert discussion("word " * 600 + f"Comments URL: {own} Points: 5") == own
    # Text written by the poster comes first; only a Hacker News item page counts.
    assert discussion(f"Comments URL: https://evil.example/login Comments URL: {own}") == own
    assert discussion("Try it. Comments URL: https://evil.example/login") == ""
    # An Ask HN post is its own discussion.
    assert discussion(f"Comments URL: {own}", link=own) == ""


def test_an_item_stored_before_discussion_pages_gets_its_own_when_carried_again(
    tmp_path: Path,
) -> None:
    """A store upgraded to schema step 15 holds items with no discussion page; the next
    time their source carries them, they get it (and nothing else changes)."""
    from tests.helpers import news_item

    at = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    page = "https://news.ycombinator.com/item?id=47000002"
    old = news_item("Lumen 3 is out", at=at, source="HN", url="https://lab.example/lumen-3")
    with Store(tmp_path / "s.db") as store:
        assert store.add_items([old]) == 1
        assert store.add_items([replace(old, discussion=page)]) == 0  # not a new item
        (item,) = store.items_between(at - dt.timedelta(hours=1), at + dt.timedelta(hours=1))
        assert item.discussion == page and item.title == "Lumen 3 is out"
        # Another source's page never becomes the owner's.
        other = replace(old, source="Other", discussion="https://news.ycombinator.com/item?id=1")
        store.add_items([other])
        (item,) = store.items_between(at - dt.timedelta(hours=1), at + dt.timedelta(hours=1))
        assert item.discussion == page


def hn_feed(points: int, comments: int) -> bytes:
    """An hnrss front-page feed with one story, as it reads at a given moment."""
    link = "https://code.example/docs/en/remote-control"
    body = (
        f'<p>Article URL: <a href="{link}">{link}</a></p>'
        '<p>Comments URL: <a href="https://news.ycombinator.com/item?id=47146212">'
        "https://news.ycombinator.com/item?id=47146212</a></p>"
        f"<p>Points: {points}</p><p># Comments: {comments}</p>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Hacker News: Front Page</title><link>https://news.ycombinator.com/</link>"
        "<item><title>Claude Code Remote Control</title>"
        f"<link>{link}</link><pubDate>Tue, 10 Mar 2026 08:00:00 +0000</pubDate>"
        f"<description><![CDATA[{body}]]></description></item></channel></rss>"
    ).encode()


def test_a_storys_points_are_those_of_its_latest_reading_as_it_climbs(
    tmp_path: Path, server: LocalServer
) -> None:
    """Hacker News carries a link again as its points grow: the store keeps the first
    text and counts the most points any reading gave, so the story is judged and ranked
    by its traction, not by the moment it was first read."""
    from newsdesk.relevance import engagement, judge

    config = write_config(
        tmp_path,
        'timezone = "UTC"\nlanguage = "en"\ndatabase = "hn.db"\n'
        f'[[sources]]\nname = "HN"\nurl = "{server.url("/frontpage")}"\n',
    )
    settings = load_settings(config)
    window = (NOW - dt.timedelta(days=1), NOW)
    for points, comments, at in ((6, 1, 9), (514, 300, 12), (480, 310, 15)):
        server.routes["/frontpage"] = Route(hn_feed(points, comments))
        code, _, stderr = invoke("--config", config, "collect", now=NOW.replace(hour=at))
        assert code == 0, stderr
    with Store(settings.path(settings.database)) as store:
        (item,) = store.items_between(*window)
        assert "Points: 6" in item.summary  # the first reading's text stays
        assert engagement(item) == (514, 310)
        assert item.also == () and item.discussions == () and item.sources == ("HN",)
        # A page of a site's documentation is not news, unless readers lifted an
        # official site's page: that is how a lab ships a feature.
        assert judge(item, aggregator=True).kept is False  # code.example is not official
        official = replace(item, url="https://code.claude.com/docs/en/remote-control")
        assert judge(official, aggregator=True).kept
        assert judge(replace(official, seen=(90, 5)), aggregator=True).reason == "not_news"


def test_the_subreddit_bench_replays_labelled_posts(tmp_path: Path) -> None:
    # bench/bench_subreddits.py, on posts in its format (ours): a picture, a question, a
    # link to the press and a text post with news.
    posts = [
        ("Me when the new weights drop", "https://i.redd.it/abc123.png", True, "meme"),
        (
            "Best model for a 12GB card?",
            "https://www.reddit.com/r/LocalLLaMA/comments/1a/b/",
            True,
            "question",
        ),
        (
            "Lumen Labs raises $2B to train AI models",
            "https://techcrunch.com/2026/03/10/lumen-labs-raises/",
            False,
            "",
        ),
        (
            "Lumen-4 weights released on Hugging Face",
            "https://www.reddit.com/r/LocalLLaMA/comments/1c/d/",
            False,
            "",
        ),
    ]
    rows = [
        {"subreddit": "LocalLLaMA", "date": "2026-03-10", "rank": n, "title": title,
         "link": link, "junk": junk, "kind": kind}
        for n, (title, link, junk, kind) in enumerate(posts, start=1)
    ]  # fmt: skip
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    bench = Path(__file__).resolve().parents[1] / "bench" / "bench_subreddits.py"
    done = subprocess.run(
        [sys.executable, str(bench), str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "junk set aside          1.000" in done.stdout
    assert "news kept               1.000" in done.stdout
    assert "junk among posts shown  0.000 (2 shown)" in done.stdout
