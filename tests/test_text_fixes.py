"""Issue 13's text fixes, each with the real examples that showed them: the tokeniser's
contractions and numbers, changelog entries that share one page, titles with scraper
debris, title-only items, sentence splitting, the lede's wording, sources named once,
and a concept explained once a week."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from pathlib import Path

import pytest

from newsdesk.analyze import OfflineAnalyst, find_concept, story_text
from newsdesk.classify import Classifier
from newsdesk.collect import to_item
from newsdesk.config import SourceSettings, load_settings
from newsdesk.models import DayAnalysis, Digest, Item, Story, StoryAnalysis
from newsdesk.normalize import (
    canonical_url,
    clean_title,
    sentences,
    shown_title,
    without_fragment,
)
from newsdesk.sources import Entry
from newsdesk.sources.feed import parse_feed
from newsdesk.store import Store
from newsdesk.terms import figure, item_terms, summary_text, tokens
from newsdesk.write import environment, render, unmarked
from tests.helpers import news_item

NOW = dt.datetime(2026, 1, 16, 12, 0, tzinfo=dt.UTC)
# A Hacker News item's description, as the feed gives it (real, 2026-01-04).
HN_STUB = (
    "Article URL: https://www.theguardian.com/environment/ng-interactive/2025/dec/18/"
    "how-climate-breakdown-is-putting-the-worlds-food-in-peril-in-maps-and-charts "
    "Comments URL: https://news.ycombinator.com/item?id=46493645 Points: 8 # Comments: 0"
)


# Items of one source ("Lab") in English, ident 1, unless a test says otherwise.
item = partial(news_item, at=NOW, lang="en", ident=1)


def story(ident: int, *items: Item, category: str = "models") -> Story:
    return Story(id=ident, day=NOW.date(), items=list(items), category=category)


# -- 1. the tokeniser ------------------------------------------------------------------


def test_contractions_never_leave_won_and_t() -> None:
    # A real false merge on an April day: "won" and "t" were the shared words.
    championship = tokens("I won a championship that doesn't exist")
    rust = tokens("Bugs Rust won't catch")
    assert "t" not in rust and "won" not in rust and "doesn" not in championship
    assert not championship & rust
    assert "won" in championship  # the verb itself still counts
    for phrase in ("won't", "doesn’t", "don't", "isn't", "can't", "I'm", "it's", "you're", "we've"):
        assert tokens(phrase) == frozenset(), phrase
    assert tokens("OpenAI's model") == tokens("OpenAI model")  # a possessive is not a contraction


def test_phrase_words_and_number_words_are_not_what_a_story_is_about() -> None:
    # "kicks off the next generation with six chips" shares "off", "next" and "six" with
    # every other headline that says so; the names are what two tellings share.
    launch = tokens("Vexel kicks off the next generation of AI with Orion: six new chips")
    assert not {"off", "next", "six"} & launch
    assert {"vexel", "orion"} <= launch
    assert launch & tokens("Vexel launches Orion") >= {"vexel", "orion"}


def test_large_numbers_keep_every_digit() -> None:
    # Two Hacker News ids that %g compacted into the same token, 4.7949e+07.
    first, second = tokens("item 47949027"), tokens("item 47949204")
    assert "#47949027" in first and "#47949204" in second
    assert not {t for t in first & second if t.startswith("#")}
    assert "#2026" in tokens("What changed in 2026")
    assert "#1.123456" in tokens("version 1.123456")  # no rounding to 6 digits either


def test_scaled_amounts_still_meet_exactly() -> None:
    assert "#2000000000" in tokens("xAI raises $2B") & tokens("xAI 融资 20 亿美元")
    assert "#2500000000" in tokens("raises $2.5B") & tokens("融资 25 亿")
    assert "#20000000000" in tokens("xAI Raises $20B Series E")
    assert not (tokens("$2B") & tokens("$2.5B"))
    assert "#1300000000" in tokens("$1.3B round")  # exact, not 1299999999.9999998


def test_amounts_in_chinese_numerals_meet_their_figures() -> None:
    # A Chinese report of "The $100B megadeal between OpenAI and Nvidia is on ice".
    english = tokens("The $100B megadeal between OpenAI and Nvidia is on ice")
    chinese = tokens("英伟达与 OpenAI 的千亿美元投资计划陷入停滞")
    assert {"#100000000000", "@nvidia", "openai"} <= english & chinese
    assert "#100000000000" in tokens("1000亿美元")
    assert "#350000000000" in tokens("三千五百亿")
    assert "#2000000000" in tokens("融资二十亿美元") & tokens("raises $2B")
    assert "#2000000000000" in tokens("两万亿美元的市场")
    # Not a vague amount: "some hundreds of billions" names no figure.
    assert not {t for t in tokens("数千亿美元的投资") if t.startswith("#")}


def test_a_word_in_s_and_artificial_intelligence_meet_their_other_forms() -> None:
    # 6 August 2026: "AI designs a novel E. coli killer (first … AI-designed virus)" and
    # "Safety fears as scientists make first viruses designed by AI" shared no "virus",
    # as the stem of "virus" was "viru".
    assert "virus" in tokens("first AI-designed virus") & tokens("first viruses designed by AI")
    assert "status" in tokens("status page") & tokens("statuses")
    assert "@gpu" in tokens("GPUs") and "tpu" in tokens("TPUs")  # plurals still lose their s
    assert "crisis" in tokens("the memory crisis")
    assert "@api" in tokens("APIs") & tokens("API") and "robotaxi" in tokens("Waymo robotaxis")
    # "India's IT sector is surviving artificial intelligence" met "Artificial Intelligence
    # used to design new viruses" on two rare words: they are "AI", which every story says.
    left = tokens("India's IT sector is surviving artificial intelligence")
    right = tokens("Artificial Intelligence used to design new viruses")
    assert left & right == {"ai"}


def test_a_dotted_ai_a_person_named_bill_and_suing_are_what_they_say() -> None:
    # 26-29 August 2026: "Bill Gates warns A.I. is more dangerous …" read "a.i" and a
    # bill (a law) in "Bill"; "Sony Music and Warner Chappell Are Suing Anthropic" named
    # no lawsuit, as "Music publishers sue Anthropic" did.
    told = tokens("Bill Gates warns A.I. is more dangerous than Big Tech admits")
    assert "ai" in told and "a.i" not in told
    assert "@law" not in told and "@bill_gates" in told
    assert "@law" in tokens("Senate passes the AI bill")
    assert "@lawsuit" in tokens("Publishers Are Suing Anthropic") & tokens("Publishers sue")
    assert "@bill_gates" in tokens("比尔·盖茨警告人工智能")


def test_a_judges_ruling_is_the_court_cases_event() -> None:
    # 27 August 2026: two reports of one ruling stayed two entries, the judge "rules" (a
    # regulation) in one and "blocks" (a ban) in the other: conflicting events.
    rules = tokens("Judge rules Trump administration's blacklisting of Anthropic was illegal")
    blocks = tokens("Judge blocks Pentagon blacklist of Anthropic as supply chain risk")
    assert "@lawsuit" in rules & blocks
    assert "@lawsuit" not in tokens("EU rules on AI models take effect")


def test_a_pause_however_it_is_said() -> None:
    # 10 September 2026: "OpenAI puts Pro subscriptions on hold due to Astra demand" and
    # "OpenAI pausing new $200 plan subscriptions" are one decision.
    held = tokens("OpenAI puts Pro subscriptions on hold due to Astra demand")
    paused = tokens("OpenAI pausing new $200 plan subscriptions")
    assert {"@pause", "@subscription", "openai"} <= held & paused
    assert "@pause" in tokens("监管部门叫停新模型上线")


def test_misuse_however_it_is_said() -> None:
    # 11 September 2026: one report of Anthropic's on how its model was put to bad use, told
    # as "misused" by one outlet and "weaponizing" by another.
    misused = tokens("Anthropic details how Claude was misused for surveillance and weapons")
    weaponized = tokens("Bad actors in China and Russia are weaponizing Anthropic's AI")
    assert {"@misuse", "anthropic"} <= misused & weaponized
    assert "@misuse" in tokens("报告称黑客滥用大模型")


def test_a_sentence_for_fraud_however_it_is_told() -> None:
    # 7 October 2026: one sentencing, told by Ars Technica and by the Justice Department.
    jailed = tokens("Fraudster jailed for using 10K bots and AI songs to outstream Taylor Swift")
    sentenced = tokens("Man Sentenced to 18 Months in Prison for AI Music Streaming Fraud")
    assert {"@prison", "@fraud"} <= jailed & sentenced
    # 6 October 2026: OpenAI's mathematical manuscripts, told as "math" and "Mathematical".
    assert "@math" in tokens("OpenAI releases 722 math manuscripts") & tokens(
        "Mathematical manuscripts and supporting proof artifacts produced by OpenAI"
    )
    assert "@fraud" in tokens("男子利用AI实施诈骗被判刑") & tokens("AI voice scam")


def test_a_country_and_its_adjective_are_one_token() -> None:
    # Hacker News, 15 October 2025: one request of Japan's government, told two ways.
    asked = tokens("Japanese Government Calls on OpenAI to Refrain from Copyright Infringement")
    warned = tokens('"Stop ripping off manga and anime," Japan\'s government warns OpenAI')
    assert {"@japan", "@government", "openai"} <= asked & warned
    assert "@korea" in tokens("South Korean regulators fine a chatbot maker") & tokens("韩国监管")


def test_these_are_one_concept_however_a_title_says_them() -> None:
    # Hacker News, October and November 2025: adult content, a state's backing, a medal.
    assert "@adult" in tokens("Sexbots Are Coming to ChatGPT") & tokens(
        "ChatGPT will soon allow erotica for verified adults"
    )
    assert "@bailout" in tokens("OpenAI asks U.S. for loan guarantees") & tokens(
        "OpenAI Seeks Government Backing to Boost AI Investments"
    )
    assert "@gold_medal" in tokens("Gemini achieves gold-medal level at the ICPC") & tokens(
        "DeepMind and OpenAI win gold at ICPC"
    )


def test_a_maker_written_with_ai_as_one_word_is_the_maker() -> None:
    # Hacker News, 29 December 2025: "ManusAI Joins Meta"; the next day's reports say
    # "Manus AI" and "Manus".
    assert "manu" in tokens("ManusAI Joins Meta") & tokens("Meta acquires Manus AI")
    assert "open" not in tokens("OpenAI launches a model")  # an everyday word stays apart


def test_a_measure_is_one_token_and_no_figure() -> None:
    assert "#8gb" in tokens("New AI hat adds 8GB of RAM") & tokens("8 GB of memory")
    assert "#8" not in tokens("New AI hat adds 8GB of RAM")
    assert "#2nm" in tokens("TSMC starts 2nm production")
    assert not figure("#8gb") and not figure("#1gw")
    assert figure("#5.4") and figure("#20000000000") and figure("#1.13.9")


def test_versions_are_one_token() -> None:
    # Windsurf changelog entries: one version must not meet the next on "1.13".
    shared = tokens("Windsurf 1.13.9") & tokens("Windsurf 1.13.8")
    assert shared == {"windsurf"}
    assert "#1.13.9" in tokens("Windsurf 1.13.9.")


@pytest.mark.parametrize(
    ("joined", "apart", "shared"),
    [
        ("DeepSeek-V4", "DeepSeek V4", {"@deepseek", "v4"}),
        ("Qwen3.5", "Qwen 3.5", {"@qwen", "#3.5"}),
        ("Kimi-K2.5", "Kimi K2.5", {"kimi", "k25"}),
        ("GPT5.4", "GPT-5.4", {"gpt", "#5.4"}),
    ],
)
def test_a_name_and_version_in_one_word_meet_them_written_apart(
    joined: str, apart: str, shared: set[str]
) -> None:
    """Two Chinese outlets write "深度求索推出 DeepSeek-V4" and "DeepSeek 发布 V4 模型": the
    same model, sharing a version and not conflicting on it as two different figures."""
    assert shared <= tokens(f"{joined} is out") & tokens(f"{apart} is out")
    # The one-word form stays one token too: two such spellings meet on it.
    assert _compact(joined) in tokens(joined)


@pytest.mark.parametrize(
    ("one", "other", "shared"),
    [
        # June 2026: a model page and a post about it, one release.
        ("Kimi-K2.7-Code", "Kimi K2.7-Code: open-source coding model", {"kimi", "k27"}),
        ("Qwen3.5-Coder is out", "Qwen 3.5 Coder weights", {"@qwen", "#3.5", "coder"}),
    ],
)
def test_a_hyphenated_name_with_a_version_meets_its_parts(
    one: str, other: str, shared: set[str]
) -> None:
    assert shared <= tokens(one) & tokens(other)
    assert "kimik27code" in tokens("Kimi-K2.7-Code")  # and stays one token too


def test_an_s1_is_a_filing_to_go_public_and_adverbs_meet_their_adjective() -> None:
    # June 2026: OpenAI's "Confidential submission of draft S-1 to the SEC" and CNBC's
    # "OpenAI Confidentially Files for IPO" shared no token.
    shared = tokens("Confidential submission of draft S-1 to the SEC") & tokens(
        "OpenAI Confidentially Files for IPO"
    )
    assert shared == {"@ipo", "confidential"}
    assert tokens("finally") == tokens("final") and tokens("really") == {"really"}
    assert "@ipo" not in tokens("GPT-5.1 and Nimbus-1")


def _compact(word: str) -> str:
    return re.sub(r"[.\-+]", "", word.casefold())


def test_boilerplate_summaries_are_no_text() -> None:
    assert summary_text("Title", HN_STUB) == ""
    assert (
        summary_text(
            "Title", "Comments URL: https://news.ycombinator.com/item?id=1 Points: 11 # Comments: 6"
        )
        == ""
    )
    assert summary_text("Title", "submitted by /u/someone [link] [comments]") == ""
    assert summary_text("Windsurf 1.13.9", "Windsurf 1.13.9") == ""
    asked = (
        "I wonder how others run evals. "
        "Comments URL: https://news.ycombinator.com/item?id=2 Points: 3 # Comments: 1"
    )
    assert summary_text("Ask HN: evals?", asked) == "I wonder how others run evals."
    assert summary_text("T", "Time: 5pm. Real text.") == "Time: 5pm. Real text."
    head, _, rest = item_terms("Climate breakdown puts food in peril", HN_STUB).partition("\t")
    assert rest == "" and "#46493645" not in head


# -- 2. entries that share one page ------------------------------------------------------

WINDSURF = b"""<?xml version='1.0' encoding='UTF-8'?>
<rss version="2.0"><channel><title>Windsurf Changelog</title>
<link>https://windsurf.com/changelog</link>
<item><title>Windsurf 1.13.9</title><link>https://windsurf.com/changelog#1.13.9</link>
<description>&lt;h3&gt;Bug Fixes and Improvements&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;Improvements to GPT-5.2-Codex harness&lt;/li&gt;&lt;/ul&gt;</description>
<guid isPermaLink="false">https://windsurf.com/changelog#1.13.9#1.13.9</guid>
<pubDate>Fri, 16 Jan 2026 00:00:00 +0000</pubDate></item>
<item><title>Windsurf 1.13.8</title><link>https://windsurf.com/changelog#1.13.8</link>
<description>&lt;h3&gt;GPT-5.2-Codex&lt;/h3&gt;&lt;p&gt;Adds support for GPT-5.2-Codex with four reasoning efforts.&lt;/p&gt;</description>
<guid isPermaLink="false">https://windsurf.com/changelog#1.13.8#1.13.8</guid>
<pubDate>Wed, 14 Jan 2026 00:00:00 +0000</pubDate></item>
<item><title>Windsurf 1.13.6</title><link>https://windsurf.com/changelog?utm_source=rss#1.13.6</link>
<description>Windsurf now supports Agent Skills for Cascade.</description>
<guid isPermaLink="false">https://windsurf.com/changelog#1.13.6#1.13.6</guid>
<pubDate>Mon, 12 Jan 2026 00:00:00 +0000</pubDate></item>
</channel></rss>"""


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("https://windsurf.com/changelog#1.13.9", "https://windsurf.com/changelog#1.13.9"),
        (
            "https://pluralistic.net/2026/01/01/39c3/#the-new-coalition",
            "https://pluralistic.net/2026/01/01/39c3/#the-new-coalition",
        ),
        ("https://ex.com/p?utm_source=x&id=7#part-2", "https://ex.com/p?id=7#part-2"),
        ("https://ex.com/post#comments", "https://ex.com/post"),
        ("https://ex.com/post#main", "https://ex.com/post"),
        ("https://indieweb.org/POSSE#", "https://indieweb.org/POSSE"),
        ("https://www.neowin.net/news/x/#google_vignette", "https://www.neowin.net/news/x/"),
        ("https://ex.com/post#:~:text=quoted%20words", "https://ex.com/post"),
        ("https://ex.com/post#utm_source=feed&utm_medium=rss", "https://ex.com/post"),
    ],
)
def test_item_links_keep_fragments_that_name_an_entry(raw: str, kept: str) -> None:
    assert canonical_url(raw, fragment=True) == kept
    assert canonical_url(raw) == without_fragment(kept)  # other links: no fragment, as before


def test_changelog_entries_on_one_page_stay_separate_items(tmp_path: Path) -> None:
    source = SourceSettings(name="Windsurf Changelog", url="https://windsurf.com/changelog")
    entries = parse_feed(WINDSURF).entries
    items = [i for e in entries if (i := to_item(e, source, now=NOW))]
    assert [i.url for i in items] == [
        "https://windsurf.com/changelog#1.13.9",
        "https://windsurf.com/changelog#1.13.8",
        "https://windsurf.com/changelog#1.13.6",
    ]
    assert {without_fragment(i.url) for i in items} == {"https://windsurf.com/changelog"}
    with Store(tmp_path / "t.db") as store:
        assert store.add_items(items) == 3  # was 1: the fragment was dropped
        # The same article reached with and without a page anchor is still one item.
        anchored = canonical_url("https://ex.com/post#comments", fragment=True)
        assert anchored == "https://ex.com/post"
        plain = item("Post", "Text", url="https://ex.com/post", ident=10)
        linked = item("Post", "Text", source="HN", url=anchored, ident=11)
        assert store.add_items([plain, linked]) == 1


# -- 3a. titles --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        # The Anthropic research index, January to March 2026.
        (
            "Jan 15, 2026Economic ResearchAnthropic Economic Index report: economic primitives",
            "Anthropic Economic Index report: economic primitives",
        ),
        (
            "Jan 9, 2026AlignmentNext-generation Constitutional Classifiers: More efficient protection against universal jailbreaks",
            "Next-generation Constitutional Classifiers: More efficient protection against universal jailbreaks",
        ),
        (
            "Jan 19, 2026InterpretabilityThe assistant axis: situating and stabilizing the character of large language models",
            "The assistant axis: situating and stabilizing the character of large language models",
        ),
        (
            "Feb 18, 2026Societal ImpactsMeasuring AI agent autonomy in practice",
            "Measuring AI agent autonomy in practice",
        ),
        (
            "Feb 23, 2026AnnouncementsAnthropic Education Report: The AI Fluency Index",
            "Anthropic Education Report: The AI Fluency Index",
        ),
        (
            "Mar 13, 2026InterpretabilityA “diff” tool for AI: Finding behavioral differences in new models",
            "A “diff” tool for AI: Finding behavioral differences in new models",
        ),
        (
            "Mar 23, 2026ScienceLong-running Claude for scientific computing",
            "Long-running Claude for scientific computing",
        ),
        # A date glued on without a label is dropped; the title stays whole.
        ("Jan 15, 2026OpenAI announces things", "OpenAI announces things"),
        ("Jan 15, 2026 — Gemini 3 launches", "Gemini 3 launches"),
        ("2026-01-15: Weekly notes", "Weekly notes"),
        ("Gemini 3 launches - Jan 15, 2026", "Gemini 3 launches"),
        ("Gemini 3 launchesJan 15, 2026", "Gemini 3 launches"),
        ("How we built it · 5 min read", "How we built it"),
        ("Title — Jan 15, 2026 · 5 min read", "Title"),
        ("Introducing GPT-5 Read more →", "Introducing GPT-5"),
        ("Introducing GPT-5… Read more", "Introducing GPT-5"),
        ("Introducing GPT-5Read more", "Introducing GPT-5"),
        ("OpenAI 发布新模型 阅读全文", "OpenAI 发布新模型"),
        ("OpenAI 发布新模型 · 5 分钟阅读", "OpenAI 发布新模型"),
        # A code host's or a model hub's page title, pasted as a subreddit post's title.
        ("Lumen-7/Lumen-7-32B-Instruct · Hugging Face", "Lumen-7/Lumen-7-32B-Instruct"),
        (
            "Faster MoE offload on Apple silicon · ggml-org/llama.cpp · Discussion #17001",
            "Faster MoE offload on Apple silicon · ggml-org/llama.cpp",
        ),
        (
            "GitHub - someone/agent-box: Sandboxes for coding agents",
            "someone/agent-box: Sandboxes for coding agents",
        ),
        (
            "Crash when loading a GGUF · Issue #12 · owner/repo",
            "Crash when loading a GGUF · owner/repo",
        ),
        ("openai/gpt-oss · GitHub", "openai/gpt-oss"),
    ],
)
def test_titles_lose_scraper_debris(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean


NORMAL_TITLES = [
    "2025 in review",
    "2026 年 AI 展望",
    "January 2026 update",
    "What happened on January 15, 2026",
    "Jan 15, 2026",
    "Claude's new constitution",
    "GPT-5.4 Thinking System Card",
    "Windsurf 1.13.9",
    "1M context is now generally available for Opus 4.6 and Sonnet 4.6",
    "Happy 25th Birthday, Wikipedia",
    "xAI Raises $20B Series E",
    "Heaps do lie: debugging a memory leak in vLLM.",
    "Rails testing on autopilot: Building an agent that writes what developers won't",
    "Why you should read more",
    "Why You Should Read More",
    "A 5 min read",
    "Ask HN: Read more?",
    "Show HN: I built a thing",
    "Scaling PostgreSQL to power 800 million ChatGPT users",
    "AlignmentForum: a new home",
    "一本书 5 分钟读完",
    "2026年1月15日发布会回顾",
    "教你如何阅读全文",
    "2026-01-15 release notes",
    "OpenAI 发布新模型",
    ": The Fenced Frame element",
    "GitHub Copilot is now free for students",
    "Hugging Face Skills",
    "Robotocore · a Digital Twin of AWS",
    "GitHub - the good, the bad",
]


@pytest.mark.parametrize("title", NORMAL_TITLES)
def test_normal_titles_stay_as_they_are(title: str) -> None:
    assert clean_title(title) == title


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("[R] Scaling laws for sparse attention", "Scaling laws for sparse attention"),
        (
            "[N] ICML 2026 introduces a policy on LLM reviews",
            "ICML 2026 introduces a policy on LLM reviews",
        ),
        ("[Research]: Verifier-guided search", "Verifier-guided search"),
        ("(P) A CLI for flashcards", "A CLI for flashcards"),
        # Brackets that are part of the title stay.
        (
            "FLUX.2 [Klein]: Towards interactive visual intelligence",
            "FLUX.2 [Klein]: Towards interactive visual intelligence",
        ),
        ("[pdf] IQuest-Coder technical report", "[pdf] IQuest-Coder technical report"),
        ("[R]", "[R]"),
    ],
)
def test_a_subreddit_s_flair_is_not_shown(stored: str, shown: str) -> None:
    assert shown_title(stored) == shown


def collected(feed: str, link: str, title: str, summary: str = "") -> Item:
    """The item collection makes of one feed entry."""
    source = SourceSettings(name="Lab", url=feed)
    made = to_item(Entry(link=link, title=title, summary=summary, published=NOW), source, now=NOW)
    assert made is not None
    return made


def test_collected_titles_are_cleaned() -> None:
    made = collected(
        "https://www.anthropic.com/research",
        "https://www.anthropic.com/research/economic-index-primitives",
        "Jan 15, 2026Economic ResearchAnthropic Economic Index report: economic primitives",
    )
    assert made.title == "Anthropic Economic Index report: economic primitives"


def test_unicode_hyphens_are_the_ascii_hyphen() -> None:
    """OpenAI's feed writes "GPT‑5.4" with a non-breaking hyphen (U+2011): the same name,
    for the category table's "gpt-5.4" shape and for a reader searching the digest."""
    made = collected(
        "https://openai.com/news/rss.xml",
        "https://openai.com/index/introducing-gpt-5-4-mini-and-nano",
        "GPT\u20115.4 Mini and Nano",
        "GPT\u20105.4 mini is our fastest small model.",
    )
    assert (made.title, made.summary) == (
        "GPT-5.4 Mini and Nano",
        "GPT-5.4 mini is our fastest small model.",
    )
    settings = load_settings(None)
    found = story(1, made, category="")
    assert Classifier(settings.categories, settings.default_category).category(found) == "models"


# -- 3b. title-only items ------------------------------------------------------------------


@pytest.mark.parametrize("summary", ["", "Bugs Rust won't catch", HN_STUB])
def test_a_title_only_item_does_not_repeat_its_title(summary: str) -> None:
    only = story(1, item("Bugs Rust won't catch", summary, source="Hacker News"))
    analyst = OfflineAnalyst()
    assert story_text(only, "en") == ""
    assert analyst.analyze_story(only, lang="en") == StoryAnalysis(lead="", body="")
    day = analyst.analyze_day(NOW.date(), [only], lang="en")
    assert day.pick_text == ""
    text = brief([only], day, "en")
    entry = next(line for line in text.splitlines() if line.startswith("**Bugs"))
    assert entry.count("Bugs Rust") == 1
    assert "Article URL" not in text and "Points:" not in text
    assert not re.search(r"^\s*[-*]\s*$", text, re.M)  # no empty bullet


def test_a_summary_that_is_the_title_with_a_scrapers_debris_says_nothing() -> None:
    title = "Labor market impacts of AI: A new measure and early evidence"
    debris = f"Mar 5, 2026Economic Research{title}"
    assert summary_text(title, debris) == ""
    assert summary_text(title, f"{title} · 5 min read") == ""
    only = story(1, item(title, debris, source="lab-research"))
    assert OfflineAnalyst().analyze_story(only, lang="en") == StoryAnalysis(lead="", body="")
    # More than the title, however short, is text.
    assert summary_text("Lumen-3", "Lumen-3 is here") == "Lumen-3 is here"
    told = f"{title}. We find slower hiring of young workers in exposed jobs."
    assert summary_text(title, told) == told


def test_a_summary_that_opens_with_the_title_leads_with_what_follows() -> None:
    told = story(
        1, item("Introducing Labs", "Introducing Labs. A team that builds on the frontier.")
    )
    assert OfflineAnalyst().analyze_story(told, lang="en").lead == (
        "A team that builds on the frontier."
    )


# -- 3c. sentences ---------------------------------------------------------------------------


def test_sentences_never_split_inside_an_address() -> None:
    text = "Discussed at https://news.ycombinator.com/item?id=46493645 today! Next one."
    assert sentences(text) == [
        "Discussed at https://news.ycombinator.com/item?id=46493645 today!",
        "Next one.",
    ]
    assert sentences("See www.example.com/a?b=1. Then more.") == [
        "See www.example.com/a?b=1.",
        "Then more.",
    ]
    assert sentences("详见https://ex.com/a?x=1。下一句。") == [
        "详见https://ex.com/a?x=1。",
        "下一句。",
    ]


def test_sentences_keep_lists_and_abbreviations_whole() -> None:
    assert sentences("更新如下：1、推理速度提升一倍；2、价格下降 50%。3、支持百万上下文。") == [
        "更新如下：1、推理速度提升一倍；2、价格下降 50%。3、支持百万上下文。"
    ]
    assert sentences("亮点：1、推理提升； 2、价格下降") == ["亮点：1、推理提升； 2、价格下降"]
    assert sentences("OpenAI 发布新模型。1、推理更强。2、更便宜。") == [
        "OpenAI 发布新模型。",
        "1、推理更强。2、更便宜。",
    ]
    assert sentences("Three changes: 1. Faster. 2. Cheaper.") == [
        "Three changes: 1. Faster. 2. Cheaper."
    ]
    assert sentences("Anthropic partners with the U.S. Government. It starts now.") == [
        "Anthropic partners with the U.S. Government.",
        "It starts now.",
    ]
    assert sentences("真的吗？！是的。") == ["真的吗？！", "是的。"]
    assert sentences("他说：“好。”然后走了。") == ["他说：“好。”", "然后走了。"]


def test_the_lead_keeps_an_address_with_a_question_mark() -> None:
    text = "Read the thread at https://news.ycombinator.com/item?id=1 for details. More here."
    lead = OfflineAnalyst().analyze_story(story(1, item("Thread", text)), lang="en").lead
    assert lead == "Read the thread at https://news.ycombinator.com/item?id=1 for details."


# -- 3d/3e. the lede and the sources ---------------------------------------------------------


def brief(stories: list[Story], analysis: DayAnalysis, lang: str) -> str:
    digest = Digest(NOW.date(), lang, "daily-brief", stories, analysis, [], NOW)
    rendered = render(
        digest,
        env=environment(),
        categories=load_settings(None).categories,
        post_url=lambda _: None,
    )
    return unmarked(rendered.body)


def test_most_covered_only_when_several_sources_told_it() -> None:
    single = story(1, item("Introducing Claude Sonnet 4.6", "Our best model yet."))
    told = story(
        2,
        item("Introducing Claude Sonnet 4.6", "Our best model yet.", source="Anthropic"),
        item("Claude Sonnet 4.6 is out", "A new model.", source="Hacker News", ident=2),
    )
    for top, covered in ((single, False), (told, True)):
        analysis = OfflineAnalyst().analyze_day(NOW.date(), [top], lang="en")
        en, zh = brief([top], analysis, "en"), brief([top], analysis, "zh")
        assert ("The most covered" in en) is covered
        assert ("最受关注的是" in zh) is covered
        assert ("The top story" in en) is not covered
        assert ("今日头条是" in zh) is not covered


def test_a_story_names_and_counts_each_source_once() -> None:
    # The real zh digest said "这条消息共有 2 个来源报道：A、A、B".
    top = story(
        1,
        item("Gemini 3 launches", "Google released Gemini 3.", source="A", ident=1),
        item("Gemini 3 benchmarks", "Scores for Gemini 3.", source="A", ident=2),
        item("Gemini 3 is here", "Google's new model.", source="B", ident=3),
    )
    analysis = OfflineAnalyst().analyze_day(NOW.date(), [top], lang="zh")
    zh = brief([top], analysis, "zh")
    assert "这条消息共有 2 个来源报道：A、B。" in zh
    assert "A、A" not in zh
    assert zh.count("[B](https://b.example/3)") == 1  # the entry's "另见"
    assert "(https://a.example/2)" not in zh
    en = brief([top], analysis, "en")
    assert "Reported by 2 sources: A, B." in en


# -- 3f. the concept of the week -------------------------------------------------------------


def test_a_concept_is_explained_once_a_week(tmp_path: Path) -> None:
    monday, tuesday = dt.date(2026, 1, 12), dt.date(2026, 1, 13)
    stories = [
        story(1, item("Gemini gets a longer context window", "Two million tokens.")),
        story(2, item("A distilled model for phones", "Distillation from a large model.", ident=2)),
    ]
    with Store(tmp_path / "t.db") as store:
        analyst = OfflineAnalyst(concepts_used=store.concepts_between)
        first = analyst.analyze_day(monday, stories, lang="en")
        assert first.concept is not None and first.concept.term == "Context window"
        store.save_analyses(
            monday,
            "en",
            first.stories,
            headline="",
            lede="",
            trends=[],
            model="",
            concept=first.concept.term,
        )
        second = analyst.analyze_day(tuesday, stories, lang="en")
        assert second.concept is not None and second.concept.term == "Distillation"
        # A rerun of Monday is not held back by Monday itself, nor the next week by this one.
        rerun = analyst.analyze_day(monday, stories, lang="en")
        assert rerun.concept == first.concept
        assert (
            analyst.analyze_day(dt.date(2026, 1, 19), stories, lang="en").concept == first.concept
        )
        in_chinese = analyst.analyze_day(tuesday, stories, lang="zh").concept
        assert in_chinese is not None and in_chinese.term == "上下文窗口"  # per language


def test_find_concept_skips_used_terms_and_boilerplate() -> None:
    stories = [story(1, item("A context window of two million tokens"))]
    assert find_concept(stories, lang="en", used={"context window"}) is None
    # Words inside a Hacker News stub's addresses are not what the story is about.
    stub = HN_STUB.replace("how-climate-breakdown", "distillation-of-climate")
    assert find_concept([story(2, item("Food in peril", stub))], lang="en") is None


@pytest.mark.parametrize(
    "forms",
    [
        ("running", "runs", "run"),
        ("companies", "company"),
        ("preparing", "prepared"),
        ("stopped", "stop", "stopping"),
        ("applied", "apply", "applies"),
    ],
)
def test_a_word_s_forms_are_one_token(forms: tuple[str, ...]) -> None:
    assert len({tokens(form) for form in forms}) == 1, [tokens(form) for form in forms]


def test_two_tellings_meet_on_a_verb_in_two_forms() -> None:
    # March's "LLM in a Flash" stories: "Running a 397B model" and "run Qwen 397B".
    shared = tokens("Flash-MoE: Running a 397B Parameter Model on a Laptop") & tokens(
        "Autoresearching Apple's LLM in a Flash to run Qwen 397B locally"
    )
    assert "run" in shared


def test_a_stem_keeps_words_whole_that_only_look_inflected() -> None:
    assert tokens("speed") == tokens("speeds")  # not "spe"
    assert tokens("GPUs") == tokens("GPU")
    assert tokens("falling") == tokens("fall") and tokens("passed") == tokens("pass")


def test_a_phrase_written_with_hyphens_is_the_phrase() -> None:
    # March: "Pentagon formally labels Anthropic supply-chain risk" and "… supply chain risk
    # designation" are one event.
    assert "@supply_chain" in tokens("Pentagon labels Anthropic a supply-chain risk")
    assert "@datacenter" in tokens("a data-center boom")
    assert "@supply_chain" not in tokens("supply-side chain")


def test_a_person_named_by_their_office_is_that_person() -> None:
    # March: one event told by name and by office.
    by_name = tokens("Jensen Huang says Nvidia is pulling back from OpenAI and Anthropic")
    by_office = tokens("Nvidia CEO: $30B OpenAI investment 'might be the last'")
    assert {"@jensen_huang", "@nvidia", "openai"} <= by_name & by_office
    assert "@altman" in tokens("OpenAI's CEO defends the deal") & tokens("Sam Altman defends")
    assert "@suleyman" in tokens("Microsoft AI chief warns") - tokens("Microsoft chief warns")
    # An office alone, or a company alone, is nobody.
    assert "@jensen_huang" not in tokens("Nvidia unveils a chip") | tokens("A CEO says")
    # "Anthropic chief" is its chief executive; its chief scientist is someone else.
    assert "@amodei" in tokens("Anthropic chief back in talks with Pentagon about AI deal")
    assert "@amodei" not in tokens("Anthropic chief scientist says")
    assert "@altman" not in tokens("OpenAI chief research officer leaves")
