"""Pinned gates: the pipeline's editorial judgement scored on the labelled development set
(tests/data/editorial/), offline, on both splits; and unit tests of the relevance and
ranking rules with real titles.

The gates pin what the pipeline reaches today (a little below, for ties that move with
harmless changes), so that no change makes the digest worse unnoticed. The targets of
issue 13 are higher; docs/benchmarks.md has the figures and `bench/bench_editorial.py`
prints them with the misses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from newsdesk.config import RankSettings
from newsdesk.models import Item, Story
from newsdesk.rank import _buzz, rank, shown
from newsdesk.relevance import about_ai, engagement, judge, sift, standing
from newsdesk.terms import summary_text
from tests import editorial
from tests.helpers import news_item

T0 = dt.datetime(2026, 1, 14, 12, tzinfo=dt.UTC)

# Minimum figures per split. Raise them when the pipeline gets better.
# Session 19 labelled every entry the digests showed that had no label yet (841 items,
# the third batch in tests/data/editorial/README.md): junk shown is now measured on
# all shown entries (682 in January, 1179 in March), not on the 40 % of March's that
# the second batch had sampled. The figures moved with the measure, not the pipeline:
# junk shown 0.071 -> 0.089 and 0.127 -> 0.143, junk set aside 0.884 -> 0.833 and
# 0.698 -> 0.467 (the new junk is all junk the stage kept), March categories 0.717 ->
# 0.663 over 790 labels instead of 332. Then 150 more outlets joined the press list
# (relevance.toml): a dozen more January items kept (Electrek, PBS, Quanta …), and with a
# fuller day one pair that had scored 0.277 reached the merging threshold, 0.28, in January
# (two Claude Code posts; precision 0.954 -> 0.946) and one March pair fell under it (recall 0.767 ->
# 0.758). Last, the digests' own merges and repeats were labelled (244 pairs, README.md):
# precision and recall now count what a reader meets, 0.910 / 0.790 in January and
# 0.887 / 0.700 in March (on the hand-found pairs alone: 0.946 / 0.828, 0.932 / 0.758).
GATES = {
    # January is the tuning split and the learned category model's training data (with
    # the labelled weeks of tests/data/hn-weeks): its category figure guards against a
    # broken model file, not a measure of accuracy (5-fold cross-validation over January
    # and the weeks gives 0.77; see docs/benchmarks.md).
    "tune": {
        "junk set aside (recall)": 0.845,
        "news kept": 0.95,
        "junk shown (of labelled shown)": -0.085,  # at most 8.5 % (negative: an upper bound)
        "merge precision": 0.905,
        # 0.801 -> 0.786 in session 24: "Recursive Language Models" no longer joins
        # "Scaling Latent Reasoning via Looped Language Models" on "language" and "model"
        # (a phrase is one token), and the day's average linkage joins and parts others.
        "merge recall": 0.78,
        "category accuracy": 0.95,
        "category accuracy, Chinese": 0.95,
        "leads in top 3 (days)": 0.95,
        "pick is a lead (days)": 0.85,
        "must-show shown": 0.845,
        "must-show shown, that day or the week before": 0.89,
        "lab news shown": 1.0,
    },
    "validate": {
        "junk set aside (recall)": 0.465,
        "news kept": 0.95,
        "junk shown (of labelled shown)": -0.145,
        # 0.887 -> 0.876 in session 21: with discussion posts that ask or only name a model
        # set aside, the day's stories changed and a story of 26 February now continues
        # another DeepSeek story of the 24th (two events); and "Composer 2 is now available
        # in Cursor", no longer an advertisement (a maker's own model, no version), joins
        # the Composer 2 launch and carries the report on its Kimi base into it (average
        # linkage; the labels call the launch and the report two events). 0.879 -> 0.883 in
        # session 23, when countries and agencies met by their initials ("US", "U.S.").
        # 0.883 / 0.697 -> 0.889 / 0.708 in session 24: a phrase is one token ("data
        # center" is no longer also "center"), "artificial intelligence" is "AI".
        "merge precision": 0.885,
        "merge recall": 0.70,
        # 0.666 -> 0.714 in session 26: the model learns from the nine labelled weeks of
        # August to October too (scripts/train_models.py).
        "category accuracy": 0.70,
        "category accuracy, Chinese": 0.9,
        "leads in top 3 (days)": 0.95,
        "pick is a lead (days)": 0.90,
        # 0.908 -> 0.899 in session 27: stories kept by their slug push "China Bars
        # Executives at Meta-Owned AI Company from Leaving Country" to 31st place on 26
        # March (must-show rose on seven of eleven Hacker News weeks, by up to 4 points).
        "must-show shown": 0.895,
        "must-show shown, that day or the week before": 0.93,
        "lab news shown": 1.0,
    },
}


@pytest.mark.skipif(not editorial.available(), reason="../shared/corpora/real-2026-01 missing")
@pytest.mark.parametrize("split", ["tune", "validate"])
def test_editorial_judgement_holds_on_the_labelled_set(split: str, tmp_path: Path) -> None:
    outcome = editorial.run_split(split, tmp_path)
    scores = editorial.score(split, outcome)
    failed = []
    for name, gate in GATES[split].items():
        value = scores.figures[name]
        if (gate >= 0 and value < gate) or (gate < 0 and value > -gate):
            failed.append(f"{name}: {value:.3f} (gate {abs(gate)})")
    assert not failed, "\n".join(failed + list(scores.lines()))
    # Every label refers to an item the corpus and the pipeline know.
    assert scores.counts["junk labelled items missing"] == 0


def test_a_blind_second_labelling_agrees_with_the_labels() -> None:
    """The labels are the guides', not one labeller's: 400 items labelled again blind
    (README.md, "Agreement"). A relabelling that drifts from the guides fails here."""
    categories = {r["link"]: r["category"] for r in editorial.read_jsonl("categories.jsonl")}
    junk = {r["link"]: r["junk"] for r in editorial.read_jsonl("junk.jsonl")}
    second = editorial.read_jsonl("second-labels.jsonl")
    assert len(second) == 400
    judged = [r for r in second if r["sample"] == "category" and not r["junk"]]
    same = sum(r["category"] == categories[r["link"]] for r in judged)
    assert len(judged) >= 190 and same / len(judged) >= 0.97
    calls = [r for r in second if r["sample"] == "junk"]
    assert len(calls) == 200 and sum(r["junk"] == junk[r["link"]] for r in calls) >= 0.95 * 200


# Hacker News items of the test's day unless a test says otherwise.
item = partial(news_item, at=T0, source="hn")


HN = "Article URL: https://x.example/a Comments URL: https://news.ycombinator.com/item?id=46581832 Points: {} # Comments: {}"


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("Swedish Alecta has sold off an estimated $8B of US Treasury Bonds", "off_topic"),
        ("Man shot and killed by federal agents in south Minneapolis", "off_topic"),
        (
            "Show HN: My not-for-profit search engine with no ads, no AI, & all DDG bangs",
            "off_topic",
        ),
        ("Tesla discontinues the Model S and Model X", "off_topic"),
        # Real, June 2026: a person named Claude (shown as AI news, and once the pick).
        ("Ubisoft co-founder Claude Guillemot has died in a plane crash", "off_topic"),
        # Real, August 2025: a runway with an article that ends a phrase is an airport's.
        ("Years of mistakes left a concrete wall at the end of a regional runway", "off_topic"),
        ("Claude Shannon's 1948 paper, annotated", "off_topic"),
        # Real, July 2026: LoRa the radio is not LoRA the fine-tuning method.
        ("LoRa radio communication devices for Raspberry Pi", "off_topic"),
        (
            "Nvidia Reportedly Ends GeForce RTX 5070 Ti Production, RTX 5060 Ti 16 GB Next",
            "off_topic",
        ),
        (
            "Nvidia is about to challenge 'Intel Inside' with as many as eight Arm laptops",
            "off_topic",
        ),
        ("统计局：2025 年全国居民人均可支配收入实际增长 5%", "off_topic"),
        # The issue's real April day: Hacker News filled 产业动态 with these.
        ("UAE to leave OPEC", "off_topic"),
        ("Bankruptcies increase 11.9 percent", "off_topic"),
        ("Ghostty is leaving GitHub", "off_topic"),
        ("I won a championship that doesn't exist", "off_topic"),
        ("Ask HN: Do you have any evidence that agentic coding works?", "question"),
        ("有没有人知道 DeepSeek R2 到底什么时候发布？", "question"),
        ("Tell HN: I'm 60 years old. Claude Code has re-ignited a passion", "anecdote"),
        ("Claude Code made me love meetings again", "anecdote"),
        ("我用 AI 给我家猫写了一首诗，全家看完都哭了", "anecdote"),
        ("【限时特惠】ChatGPT Plus 合租拼车，每月仅需 29 元", "promotion"),
        (
            "Dropbox uses Cursor to index over 550,000 files and build an AI-native SDLC",
            "promotion",
        ),
        # Customer stories, whoever the vendor is.
        ("How a grocery chain rolled out coding agents to 900 engineers", "promotion"),
        ("How leading insurers are turning AI pilots into everyday work", "promotion"),
        ("The L in 'LLM' Stands for Lying", "rant"),
        ("Vector store access control: A Complete Security Guide for LLM apps", "not_news"),
        ("From prompts to products: one year of our agents API", "not_news"),
        ("A complete guide to building skills for Claude", "not_news"),
        ("Neural Networks: Zero to Hero (2023)", "not_news"),
        ("A lab head said every line of code would be AI-written by now (Sept. 2024)", "not_news"),
        ("Dignified Python: 10 Rules to Improve your LLM Agents", "not_news"),
        ("一文读懂：什么是大模型的幻觉？", "not_news"),
        ("打工人日常：周报是 AI 写的，需求也是 AI 提的", "meme"),
        ("入职一年后，聊聊我对 AI 编程助手的真实感受", "anecdote"),
        ("今晚 8 点直播预告：用大模型三步搭建客服机器人", "promotion"),
        ("保姆级：手把手带你本地部署 DeepSeek", "not_news"),
        # Chinese forms of a help request, an opinion column, an explainer, a question
        # bank, a trend list and another newsletter's roundup.
        ("有没有大佬知道模型接口为什么总是超时？", "question"),
        ("观点：大模型泡沫终将破裂", "rant"),
        ("一图看懂某开源模型的技术报告", "not_news"),
        ("大模型面试题汇总（附答案）", "not_news"),
        ("2026 年 AI 行业十大趋势预测", "not_news"),
        ("AI 早报：两家实验室发布新模型，一家完成融资", "not_news"),
        ("本周大模型十大新闻", "not_news"),
        ("【推广】一站式大模型 API 平台", "promotion"),
        ("大厂大模型算法岗内推，简历直达", "promotion"),
        ("本文由某云厂商赞助：如何用大模型做客服", "promotion"),
        ("某大厂大模型算法岗面经分享", "anecdote"),
        ("大模型学习笔记（三）：注意力机制详解", "not_news"),
        ("Show HN: I taught a coding agent to file my taxes", "anecdote"),
        ("We replaced our support desk with twelve AI agents", "anecdote"),
        ("When chatbots become the system of record", "rant"),
        ("AI will never replace a good editor", "rant"),
        ("The LLM productivity myth", "rant"),
        ("Why LLM agents keep forgetting what you told them", "not_news"),
        ("A founder on the limits of AI in film [video]", "not_news"),
        ("Teaching chemistry in the age of chatbots", "not_news"),
        ("Open LLM Safety Leaderboard", "not_news"),
        ("Was the agent startup just acqui-hired by OpenAI?", "not_news"),
        ("The book is now gen-AI free", "promotion"),
        ("Qwen3.5-Max is now available on Groq at record speed", "promotion"),
        ("Gemini 3.1 Flash is now available in our editor", "promotion"),
        ("How a philosopher predicted today's AI 30 years ago", "not_news"),
        # Real press and blog titles of June 2026: a verdict on a trend, asked or said.
        ("Is Vibe Coding Dead? Even Karpathy Is Moving On", "rant"),
        ("The Data-Center Panic Is Overblown", "rant"),
        ("Open source AI must win", "rant"),
        ("Let us filter AI slop, you cowards", "rant"),
        ("Is the agent hype over?", "rant"),
        # ... and an argument made, October and November 2025, as "the case against" was.
        ("The case for the return of fine-tuning", "rant"),
        ("The Case That A.I. Is Thinking", "rant"),
        ("Notes on DeepSeek", "not_news"),
        ("FTX's former Anthropic stake would be worth about $75B at today's valuation", "not_news"),
        ("Story of How Im Running an Unlimited $6/Month AI Provider on 4x RTX 3090s", "anecdote"),
        # Kinds of essays August 2026 showed, in our own words: a question that muses,
        # thoughts on a subject, an importance, a promise not kept.
        ("Could chatbots ever be conscious?", "not_news"),
        ("Thoughts on scaling laws", "not_news"),
        ("The importance of teaching what LLMs can't do", "not_news"),
        ("AI agents were supposed to take over by now. They haven't", "rant"),
        ("Please stop sending us AI-written patches", "rant"),
        ("Fine-tuning is simpler than you think", "not_news"),
        # Real, September 2026: someone's copy of a lab's model with its safeguards
        # stripped, shown in digests; labelled promotion. The tool that strips them is news
        # (a real title of November 2025).
        ("GLM-5.3 Uncensored", "promotion"),
        ("Qwen3.8-27B-Uncensored-MLX", "promotion"),
        ("Llama-4 8B abliterated weights", "promotion"),
        ("Heretic removes restrictions from language models", ""),
        # Real, 2026: a guide by any qualifier (one shown in a July digest).
        ("Setting up your spare Mac for Claude Code to control, a step-by-step guide", "not_news"),
        ("A Visual Guide to Attention Variants in Modern LLMs", "not_news"),
        # A claim about AI in general, told as a timeless truth (March 2026's kind, in our
        # own words); a trend reported, a study's finding and a figure stay news (below).
        ("Chatbots are not your friends", "rant"),
        ("AI doesn't replace judgement", "rant"),
        ("LLMs don't need more parameters, they need better taste", "rant"),
        ("Agents will never be accountable", "rant"),
        ("AI is wiping out entry-level call-centre jobs", ""),
        ("AI is less likely to cheat when it reasons in French, study finds", ""),
        ("AI needs $4T in revenue to justify the data-centre boom", ""),
        ("Agents are now available to every team on the Pro plan", ""),
        ("OpenAI ends its partnership with Cursor", ""),
    ],
)
def test_junk_is_set_aside_with_its_reason(title: str, reason: str) -> None:
    assert judge(item(title)).reason == reason


def test_a_maker_s_own_launch_is_no_polemic_but_its_essay_can_be() -> None:
    # Google's launch of Gemini's browsing in Chrome (January 2026), titled as a new era.
    launch = "The new era of browsing: Putting Gemini to work in Chrome"
    google = "https://blog.google/products-and-platforms/products/chrome/gemini-3-auto-browse/"
    assert judge(item(launch, url=google)).kept
    assert judge(item(launch, url="https://someone.example/chrome-gemini")).reason == "rant"
    # A maker's essay that names no product is still one.
    essay = "The third era of AI software development"
    assert judge(item(essay, url="https://cursor.com/blog/third-era")).reason == "rant"


def test_a_court_s_opinion_is_no_opinion_column() -> None:
    # 5 August 2026: the Ninth Circuit's opinion in Amazon v. Perplexity, filed under
    # "/opinions/" on the court's site, was set aside as a rant.
    court = "https://cdn.ca9.uscourts.gov/datastore/opinions/2026/08/04/26-1444.pdf"
    assert judge(item("Amazon.com vs Perplexity AI [pdf]", url=court), aggregator=True).kept
    column = "https://www.nytimes.com/2026/08/04/opinion/perplexity-amazon-ai.html"
    assert judge(item("Amazon.com vs Perplexity AI", url=column)).reason == "rant"


def test_a_press_sites_essay_sections_are_opinion() -> None:
    # Real links of August and September 2026 that digests showed: a columnist, the
    # Atlantic's "Ideas", the Economist's guest essays and leaders. The same site's news
    # desk stays news.
    essays = [
        "https://www.theregister.com/columnists/2026/08/17/be-a-hater-all-you-want-ais-here-to-stay/5288",
        "https://www.theatlantic.com/ideas/2026/08/ai-use-college-cheat/688451/",
        "https://economist.com/by-invitation/2026/08/20/humanity-has-the-debate-about-ai-consciousness-b",
        "https://www.economist.com/leaders/2026/09/03/the-moral-panic-over-data-centres-is-foolish",
    ]
    for url in essays:
        assert judge(item("An AI lab's models and the rest of us", url=url)).reason == "rant"
    news = "https://www.theregister.com/ai-and-ml/2026/08/17/anthropic-ships-claude-agent"
    assert judge(item("Anthropic ships a Claude agent", url=news)).kept


# Must-show stories of 31 August - 5 October 2026 that were set aside (title, link, whether
# an aggregator linked to it): a judge's order to stop using something is no "stop using"
# rant; imposing, a share in words and a chief's forecast are events; Tesla's robotaxi,
# Google's coding tool and facial scans are AI, memory supply a sign of it, Ai2's site an
# AI maker's.
SET_ASIDE_NEWS = [
    ("Judge Tells RFK Jr. To Stop Using Fake AI Studies on Teen Pregnancy",
     "https://newrepublic.com/post/215001/judge", False),
    ("America's two largest school districts impose AI moratoriums",
     "https://www.techpolicy.example/ban", True),
    ("A third of Perplexity's citations don't contain the number they're cited for",
     "https://hausresearch.example/audit", True),
    ("SK Hynix CEO sees memory chip shortage lasting until 2030",
     "https://www.fans.example/2026/08/29/sk-hynix", True),
    ("Tesla's Cybercab Is Being Investigated by Federal Regulators",
     "https://www.nytimes.com/2026/09/04/business/cybercab", False),
    ("Google Antigravity TOS: 3rd party usage can get Google account suspended",
     "https://x.example/status/1", False),
    ("500k facial scans at UK stations yield no arrests, 1 false positive",
     "https://www.theguardian.com/technology/2026/sep/29/x", False),
    ("Micron CEO Says Memory Supply Will Be Much Tighter in 2027 and 2028",
     "https://www.techpowerup.com/353296/micron", False),
    ("Open-sourcing AstaBrief, the fast report-generation model in Asta",
     "https://allenai.org/blog/astabrief", False),
    # Real, 2025 and 2026: a maker's own blogs (Google Cloud's, Microsoft's Windows blog,
    # two labs') and an independent benchmarker's page on a new model, set aside as posts
    # with no event in the title.
    ("Google: Attackers are using prompt injection against coding agents",
     "https://cloud.google.com/blog/topics/threat-intelligence/prompt-injection", True),
    ("Making Every Windows 11 PC an AI PC",
     "https://blogs.windows.com/windowsexperience/2025/10/16/ai-pc/", True),
    ("RTFM: A Real-Time Frame Model", "https://www.worldlabs.ai/blog/rtfm", True),
    ("NanoGPT Speedrun Frontier", "https://www.primeintellect.ai/research/nanogpt-speedrun", True),
    ("Gemini 4 Argon (High): Intelligence, Performance and Price Analysis",
     "https://artificialanalysis.ai/models/gemini-4-argon", True),
    # Real, 2025 and 2026: what was found out and harm done are events; a lab researcher's
    # own account of quitting is news, not a personal story.
    ("Multiple JetBrains IDE plugins caught stealing AI keys",
     "https://www.aikido.dev/blog/jetbrains-plugins-ai-keys", True),
    ("A Drone Guided by A.I. Killed Three Ukrainians", "https://www.gadgetreview.com/drone", True),
    ("Tesla allegedly in autopilot mode crashes into Texas house, woman killed",
     "https://abcnews.com/US/tesla-autopilot-texas", True),
    ("I quit OpenAI because its culture is broken",
     "https://www.theatlantic.com/technology/2026/10/openai-safety/", True),
    # Real, May-July 2026: suing, deploying, prohibiting, a crash with something, topping a
    # chart, solving and general availability are events; "dark patterns" is no guide's
    # patterns; Xiaomi's MiMo platform, Meta's research site and Aleph Alpha's are makers'.
    ("Authors Sue Meta's AI Scientists Directly in Llama Copyright Case",
     "https://www.law.com/corpcounsel/2026/05/26/authors-sue", True),
    ("London Police Deploy Facial Recognition at Protest for First Time",
     "https://reclaimthenet.org/london-police-deploy-facial-recognition", True),
    ("Flathub prohibits AI-generated code",
     "https://github.com/flathub-infra/documentation/commit/992f57b", True),
    ("Self-Driving bus in Sweden crashes with tram on first day of passenger service",
     "https://www.firstpost.com/auto/self-driving-bus", True),
    ("An AI-Generated Country Song Is Topping a Billboard Chart",
     "https://www.whiskeyriff.com/2025/11/08/an-ai-generated-country-song", True),
    ("OpenAI's Unreleased Model Astra Solves Ten Major Open Mathematics Problems",
     "https://thezvi.substack.com/p/openais-unreleased-model-astra", True),
    ("New Study Reveals the Manipulative 'Dark Patterns' of AI Chatbots",
     "https://www.404media.co/new-study-reveals-dark-patterns/", True),
    ("Xiaomi MiMo Token Plan is Now Globally Available",
     "https://platform.xiaomimimo.com/docs/en-US/welcome", True),
    ("Kolibri – Tech Report [pdf]", "https://aleph-alpha.com/downloads/tech-report.pdf", True),
    ("Solving Open Research Problems Together",
     "https://research.meta.ai/blog/solving-open-research-problems", True),
    # Real, June-September 2026: what was done quietly, found out, and a plan fast-tracked.
    ("Claude Code Is Quietly Fingerprinting China-Linked API Routers",
     "https://www.vincentschmalbach.com/claude-code-china-router-fingerprint", True),
    ("OpenAI is fast-tracking its own AI Agent Phone for 2027 to challenge iPhone",
     "https://www.example.com/openai-agent-phone", True),
]  # fmt: skip


def test_a_researchers_departure_from_a_lab_is_no_personal_story() -> None:
    # Real, July 2026: "Why I Left Google DeepMind" (310 points) was set aside as an
    # anecdote; a first-person departure from a lab is news when readers lift it.
    for title in ("Why I Left Google DeepMind", "I resigned from Anthropic today"):
        assert judge(item(title, HN.format(310, 90)), aggregator=True).kept, title
    # Leaving a tool, or one's laptop, is still the poster's own story, and a plan to leave
    # (real, August 2026) one's plan.
    for title in (
        "Why I left Cursor for Zed",
        "I left my laptop on and Claude wiped it",
        "I'm leaving OpenAI to build telepathy",
    ):
        assert judge(item(title, HN.format(310, 90)), aggregator=True).reason == "anecdote"
    assert judge(item("Why LLMs hallucinate", HN.format(310, 90))).reason == "not_news"


def test_a_lifted_tell_hn_about_a_maker_is_news_and_a_quoted_opening_no_ones_story() -> None:
    # Real, August 2025: a Tell HN readers lifted that tells what a maker did (207 points).
    thread = "https://news.ycombinator.com/item?id=44793446"
    told = "Tell HN: Anthropic expires paid credits after a year"
    assert judge(item(told, HN.format(207, 94), url=thread), aggregator=True).kept
    # Not lifted, or told in the first person, it is the poster's own story; "US" in
    # capitals is the country, not "us".
    assert judge(item(told, HN.format(40, 9), url=thread), aggregator=True).reason == "anecdote"
    for title in ("Tell HN: Claude Design lost my projects", "Tell HN: OpenAI Locked Us Out"):
        found = judge(item(title, HN.format(300, 90), url=thread), aggregator=True)
        assert found.reason == "anecdote", title
    country = "Tell HN: US agencies must now disclose which AI models they use"
    assert judge(item(country, HN.format(300, 90), url=thread), aggregator=True).kept
    # A headline that opens with a quotation quotes someone (real, August 2025, in our
    # words): the "I" inside it is not the poster's.
    quoted = "'I Feel Like I'm Losing It': Chatbot Users Describe Their Spirals"
    assert judge(item(quoted, url="https://www.reuters.com/technology/2025/08/09/x/")).kept
    assert judge(item("I feel like I'm losing it with chatbots")).reason == "anecdote"


@pytest.mark.parametrize(("title", "url", "aggregator"), SET_ASIDE_NEWS)
def test_must_show_stories_the_weeks_set_aside_are_kept(
    title: str, url: str, aggregator: bool
) -> None:
    assert judge(item(title, url=url), aggregator=aggregator).kept


def test_the_forms_those_stories_taught_keep_their_limits() -> None:
    # "guide" the verb is no guide (real, 2026).
    schools = "Schools are experimenting with AI with little evidence or policy to guide them"
    assert judge(item(schools)).kept
    assert judge(item("AI will guide the drones, the army says")).kept
    assert judge(item("Stop using AI for your code reviews")).reason == "rant"
    assert judge(item("Memory supply tightens for phone makers")).reason == "off_topic"


def test_a_makers_word_on_x_and_an_address_that_introduces_are_news() -> None:
    # Real shapes, August 2026: Anthropic's developers' account announcing a new default
    # (19 points), Warp's post at ".../introducing-the-warp-agent-cli-coding-agent" (97).
    default = "Claude Code: Starting August 14, auto mode will be the default permission mode"
    lab = item(default, HN.format(19, 18), url="https://twitter.com/ClaudeDevs/status/2085794")
    assert standing(lab.url) == 0 and standing("https://x.com/OpenAI/status/1") == 0
    assert judge(lab, aggregator=True).kept
    fan = replace(lab, url="https://twitter.com/someone/status/2085794")
    assert standing(fan.url) == 2 and judge(fan, aggregator=True).reason == "not_news"
    warp = "https://www.warp.dev/blog/introducing-the-warp-agent-cli-coding-agent"
    cli = item("The Warp Agent CLI", HN.format(97, 60), url=warp)
    assert judge(cli, aggregator=True).kept
    plain = replace(cli, url="https://www.warp.dev/blog/the-warp-agent-cli")
    assert judge(plain, aggregator=True).reason == "not_news"
    # What an agent attempted is an event.
    attempt = "Mythos Attempted to Social Engineer Open Source Maintainer to Merge Malware"
    blog = "https://socket.dev/blog/ai-agent-open-source-malware"
    assert judge(item(attempt, HN.format(54, 35), url=blog), aggregator=True, names={"Mythos"}).kept


def test_a_product_killed_a_project_stopped_and_a_practice_started_are_news() -> None:
    # August 2026, set aside as a rant, off-topic and not news.
    assert judge(item("Google is killing Google Assistant next month")).kept
    assert judge(item("AI is killing the web")).reason == "rant"
    blog = "https://blog.example/a"
    grok = item("Grokipedia stopped updating three months ago", url=blog)
    assert judge(grok, aggregator=True).kept
    ads = item("Time has started serving ads to AI agents", url=blog)
    assert judge(ads, aggregator=True).kept
    # Makers' names and sites an editor knows (10-14 August 2026, set aside off-topic).
    assert judge(item("CodeRabbit raises a $143M Series C at a $1.5B valuation")).kept
    mai = "https://microsoft.ai/news/mai-code-1-1-flash/"
    assert judge(item("MAI-Code-1.1-Flash: Better, faster, at a quarter of the cost", url=mai)).kept
    note = item(
        "Manus will return to operating as an independent company", url="https://manus.im/blog/a"
    )
    assert standing(note.url) == 0 and judge(note, aggregator=True).kept
    assert judge(item("The manus of a bird's wing")).reason == "off_topic"
    # A lab's study is no guide, whatever its title's words (16 August 2026, a lead).
    study = "https://www.anthropic.com/research/multiagent-systems"
    assert judge(item("Patterns and problems in emerging multiagent systems", url=study)).kept
    guide = "https://claude.com/blog/common-workflow-patterns-for-ai-agents"
    assert judge(item("Common workflow patterns for AI agents", url=guide)).reason == "not_news"
    # Nor is a paper, whose title names its subject however it opens; the same words on a
    # blog are an explainer.
    paper = partial(item, url="https://arxiv.org/abs/2601.04567")
    for title in (
        "How to inject knowledge efficiently? A scaling law for LLM fine-tuning",
        "Why large language models fail at tabular prediction",
        "Understanding inference scaling for LLMs",
    ):
        assert judge(paper(title), aggregator=True).kept, title
        blog = item(title, url="https://someone.example/posts/llm-notes")
        assert judge(blog, aggregator=True).reason == "not_news", title
    # Models named by how they are shared: open, closed, frontier.
    assert judge(item("Watermarking: The Enshittification of Closed Models Has Begun")).kept
    doe = "U.S. Department of Energy Launches the Genesis Open Models Initiative"
    assert judge(item(doe)).kept
    assert judge(item("An open model of city governance")).reason == "off_topic"
    # Amazon's Kiro: its site and its GitHub organisation are an AI maker's.
    crew = item("Kiro Crew", url="https://github.com/kirodotdev/KiroCrew")
    assert standing(crew.url) == 0 and judge(crew, aggregator=True).kept


def test_a_name_an_old_paper_and_a_named_law_are_not_ai_news() -> None:
    # "Ai" in mixed case is a name, and so is "Ai Weiwei" however written; another AI
    # term still counts.
    assert judge(item("Ai Weiwei says the West cannot out-build China")).reason == "off_topic"
    assert judge(item("AI WEIWEI opens a show in Lisbon")).reason == "off_topic"
    assert judge(item("Ai, the orangutan who learned to whistle, turns 40")).reason == "off_topic"
    assert judge(item("Ai Weiwei's new work mocks ChatGPT")).kept
    assert judge(item("New AI model for sign language")).kept
    # FLUX, the image model, written apart from its version; Flux the GitOps tool is not AI.
    assert judge(item("Flux 2 Klein runs in pure C on a laptop")).reason != "off_topic"
    assert judge(item("Flux.1 Kontext weights are out")).reason != "off_topic"
    assert judge(item("Flux 2.3 adds OCI artifacts to GitOps")).reason == "off_topic"
    # An arXiv paper an aggregator carries nine months or more after it appeared is an
    # older paper resurfaced; a recent one, or one from a paper feed, is news.
    old = item(
        "Extracting graphs from text with language models", url="https://arxiv.org/abs/2504.01234"
    )
    recent = item("Looped language models scale reasoning", url="https://arxiv.org/abs/2510.25741")
    assert judge(old, aggregator=True).reason == "not_news"
    assert "older paper" in judge(old, aggregator=True).detail
    assert (
        judge(
            item("A study of LLM agents", url="https://arxiv.org/pdf/2503.01234v2"), aggregator=True
        ).reason
        == "not_news"
    )
    assert judge(recent, aggregator=True).kept
    assert judge(old).kept
    # So is any page whose link carries its date six months or more before an aggregator
    # carried it (Hacker News drops the "(2024)" it adds to such a title now and then); a
    # recent dated link, or the press's own feed, is news.
    plan9 = item(
        "The successor to Research Unix was Plan 9, and LLMs still cannot read it",
        url="https://press.example/2024/02/21/successor_to_unix_plan_9/",
    )
    assert judge(plan9, aggregator=True).reason == "not_news"
    assert "dated 2024-02" in judge(plan9, aggregator=True).detail
    essay = item(
        "AI can now translate brain scans to text",
        url="https://radio.example/sections/health/2023/05/01/1173045261/brain-decoder",
    )
    assert judge(essay, aggregator=True).reason == "not_news"
    slugged = item(
        "AI psychosis, told first hand", url="https://someone.example/essays/2025-03-08-ai"
    )
    assert judge(slugged, aggregator=True).reason == "not_news"
    fresh = item(
        "Linux maintainer says AI tools now find real bugs",
        url=f"https://press.example/software/{T0.year}/{T0.month:02d}/26/ai-tools-useful",
    )
    assert judge(fresh, aggregator=True).kept
    assert judge(plan9).kept  # (the press's own feed: a dated link is its date)
    # A law named after a person is no legislation: a post about one needs another sign.
    blog = "https://someone.example/posts/laws"
    assert (
        judge(item("Goodhart's Law and LLM benchmarks", url=blog), aggregator=True).reason
        == "not_news"
    )
    assert (
        judge(item("Moore’s Law meets the AI data center", url=blog), aggregator=True).reason
        == "not_news"
    )
    assert judge(item("Colorado's AI law takes effect", url=blog), aggregator=True).kept
    assert judge(item("Huang's Law: Nvidia raises $2B", url=blog), aggregator=True).kept


def test_the_press_is_the_world_s_news_desks_not_one_corpus_s() -> None:
    # An aggregator's link to the press needs no event word; to a blog it does.
    title = "AI is changing how offices work"
    for url in (
        "https://www.irishtimes.com/technology/2026/01/14/ai-offices/",
        "https://www.upi.com/Top_News/2026/01/14/ai-offices/",
        "https://electrek.co/2026/01/14/ai-offices/",
        "https://koreajoongangdaily.joins.com/2026/01/14/business/ai-offices",
    ):
        assert judge(item(title, url=url), aggregator=True).kept, url
    blog = judge(item(title, url="https://someone.example/ai-offices"), aggregator=True)
    assert blog.reason == "not_news"


@pytest.mark.parametrize(
    "title",
    [
        "OpenAI launches cheaper ChatGPT subscription, says ads are coming next",
        "xAI Raises $20B Series E",
        "Recursive Language Models",
        "UK's Ofcom investigating X after outcry over sexualised AI images",
        "Anthropic 发布 Cowork：把 Claude Code 的能力带给非程序员",
        "人民日报评论：AI 发展要守住安全底线",
        "本周 OpenAI 发布三款新模型",
        "OpenAI 推广 ChatGPT 企业版至亚洲市场",
        "DeepSeek 赞助国际数学奥赛",
        "Nvidia releases 8B model with learned 8x KV cache compression",
        "Nvidia DLSS 5 Delivers AI-Powered Breakthrough in Visual Fidelity for Games",
        "Codex app now available on Windows",
        # A product reaching a new place; a versioned model in someone's tool is an ad.
        "Codex is now available in Xcode",
        "Claude now available in Microsoft Foundry",
        "Micron breaks ground on $100B New York DRAM megafab",
        "Warhammer maker Games Workshop bans staff from using AI",
        "LM Studio 0.4",
        "How AI helps break the cost barrier to COBOL modernization",
        "Regulators approve the AI chip deal after two years of talks",
        # Not a verdict on a trend: an event, and a rule that says "must".
        "Lumen's AI chip export ban is over, Commerce says",
        "AI labs must now report training runs, EU rules",
    ],
)
def test_news_is_kept(title: str) -> None:
    assert judge(item(title, url="https://arxiv.org/abs/2512.24601")).kept


@pytest.mark.parametrize(
    "title",
    [
        # Real titles of June 2026 that said no other AI word, set aside as not about AI.
        "Wrongful Arrest Exposes Failures in One of Oldest Police Face-Recognition Tools",
        "Autonomous drones have killed human soldiers for the first time",
        # Real titles of June 2026: a model family's name inside a longer name, Xiaomi's
        # models, the crawl AI labs train on.
        "DiffusionGemma: 4x Faster Text Generation",
        "MiMo Code is now released and open-source",
        "US publishers tell Common Crawl to stop scraping and delete archive",
        # Real titles of late June 2026: a model's size in parameters, image generation,
        # Amazon's AI assistant.
        "Moebius: 0.2B image inpainting model with 10B-level performance",
        "Un-0: Generating Images with Coupled Oscillators",
        "Amazon Q flaw let booby-trapped Git repos execute code, swipe cloud creds",
        # Ours.
        "City council pauses facial recognition cameras at the station",
        "Treaty talks on autonomous weapons stall in Geneva",
        # Faces scanned by machine, said the other way round (October 2025, a must-show).
        "Police are scanning faces at the station to check papers",
        # Kinds of titles August 2026 set aside, in our own words: a speedrun of a model
        # named in camel case, quantised weights, an open-source model, Apple's assistant,
        # a server maker's GPUs.
        "TinyGPT training speedrun sets a new record",
        "Nimbus ships dynamic GGUFs for every size",
        "Your open-source model could hide a backdoor",
        "Apple lays off staff working on Siri",
        "Supermicro staff fired over GPUs smuggled abroad",
        "Gen-2 in-context learning",
        "Micron and SK Hynix commit billions to RAM capacity",
        "A social network ran ads for an app promising to nudify politicians",
        "Meta's MTIA 500 trains and serves",
        "Amazon raises device prices by 60%, blaming a memory shortage",
        # August 2025's kinds, in our own words: training data, an inference engine.
        "A lab cuts its training data by a factor of a thousand",
        "A new inference engine for laptops",
    ],
)
def test_these_are_about_ai_whatever_else_the_title_says(title: str) -> None:
    url = "https://www.reuters.com/world/2026/06/10/story/"
    assert judge(item(title, url=url), aggregator=True).kept
    # A drone or a camera alone is not AI, nor is a word in camel case, MIMO radio or a
    # web crawler.
    assert judge(item("Drones have killed soldiers", url=url)).reason == "off_topic"
    for title in (
        "YouTube adds PowerShell support",
        "MIMO antennas",
        "A polite web crawl",
        "Amazon Q1 earnings beat estimates",
        "Chrome freezes its UserAgent string",  # a word inside a name in camel case
        "Qualcomm to buy Modular for $4B in a model deal",  # a sum, not a size
    ):
        assert judge(item(title, url=url)).reason == "off_topic", title
    assert judge(item("City council buys cameras", url=url)).reason == "off_topic"
    # A site's section for AI files a story under AI whatever its title says; a page's own
    # name counts only as the headline it is (`test_a_pages_slug_can_say_…`).
    for section in (
        "https://arstechnica.com/ai/2026/08/meta-ran-ads-for-an-app/",
        "https://www.theregister.com/ai-and-ml/2026/08/10/story/5285690",
        "https://www.theverge.com/ai-artificial-intelligence/981668/nvidias-plan",
    ):
        assert judge(item("Meta ran ads for an app", url=section)).kept, section
    for page in ("https://example.com/blog/meta-ran-ads-for-an-app", "https://example.com/mail/x"):
        assert judge(item("Meta ran ads for an app", url=page)).reason == "off_topic"
    assert judge(item("Supermicro ships servers", url=url)).reason == "off_topic"


def test_a_bug_report_and_a_packages_page_need_readers_lift() -> None:
    # June 2026: a Firefox bug on bugzilla.mozilla.org (6 points; mozilla.org is an
    # official site) and a PyPI package page (6 points) were shown as news.
    bug = "https://bugzilla.mozilla.org/show_bug.cgi?id=2015109"
    report = item(
        "Firefox adds Play Integrity checks for its AI features", HN.format(6, 2), url=bug
    )
    assert judge(report, aggregator=True).reason == "not_news"
    package = "https://pypi.org/project/lumen-guard/"
    launch = item(
        "Lumen Guard – a local firewall for AI coding agents", HN.format(6, 0), url=package
    )
    assert judge(launch, aggregator=True).reason == "promotion"
    lifted = item(
        "Lumen Guard – a local firewall for AI coding agents", HN.format(400, 60), url=package
    )
    assert judge(lifted, aggregator=True).kept


def test_a_governments_own_site_is_official() -> None:
    # June 2026: Canada's privacy commissioner's findings on Grok, from priv.gc.ca, were
    # set aside as a post on an unknown site with no event in its title.
    for url in (
        "https://www.priv.gc.ca/en/opc-actions-and-decisions/investigations/2026-001/",
        "https://www.cnil.gouv.fr/en/ai-findings",
        "https://www.esafety.gov.au/newsroom/ai-chatbots",
    ):
        assert standing(url) == 0, url
    findings = item("Privacy Commissioner Findings on Grok Deepfakes", HN.format(6, 0), url=url)
    assert judge(findings, aggregator=True).kept
    assert standing("https://gouvernail.example/ai") == 2
    # The entertainment trade press is press (AI in film, television and games).
    assert standing("https://www.hollywoodreporter.com/business/ai-voice-contracts/") == 1


def test_a_question_a_headline_asks_is_no_news() -> None:
    press = "https://www.nytimes.com/2026/01/14/technology/ai-questions.html"
    # A headline that asks, however it opens: with its question ...
    assert judge(item("Can AI chatbots replace doctors?", url=press)).reason == "not_news"
    # ... or after a clause that sets the question up.
    for title in (
        "In an era of AI slop, is it time for cultural snobbery to make a comeback?",
        "If A.I. takes the jobs of young people, how will they react?",
    ):
        assert judge(item(title, url=press)).reason == "not_news", title
    # A headline that reports, with commas and a question mark in a quotation, is news.
    assert judge(item("OpenAI, Anthropic and Google sign an AI safety pledge", url=press)).kept
    asked = item("Regulators ask OpenAI, 'is ChatGPT safe for teens?'", url=press)
    assert judge(asked).kept


def test_a_lab_chiefs_own_site_is_official() -> None:
    # 4 October 2025: "Sora Update #1" on Sam Altman's blog, a day's lead, was set aside as
    # a post on an unknown site with no event in its title.
    update = item("Sora Update #1", HN.format(124, 162), url="https://blog.samaltman.com/sora-1")
    assert standing(update.url) == 0 and judge(update, aggregator=True).kept
    essay = "https://www.darioamodei.com/essay/the-adolescence-of-technology"
    assert standing(essay) == 0
    # Anyone else's blog needs a sign of news.
    blog = item("Sora Update #1", HN.format(124, 162), url="https://blog.someone.example/sora-1")
    assert judge(blog, aggregator=True).reason == "not_news"
    # A lab's own journal is official, and Google Labs' folder of Google's blog says AI
    # (29 October and 1 November 2025, two must-shows set aside).
    journal = "https://transformer-circuits.pub/2025/introspection/index.html"
    paper = item("Emergent Introspective Awareness in Large Language Models", url=journal)
    assert standing(journal) == 0 and judge(paper, aggregator=True).kept
    labs = item("Pomelli", url="https://blog.google/technology/google-labs/pomelli/")
    assert judge(labs, aggregator=True).kept
    other = item("Pomelli", url="https://blog.google/products/maps/pomelli/")
    assert judge(other, aggregator=True).reason == "off_topic"


def test_runway_the_maker_is_about_ai_and_an_airports_is_not() -> None:
    assert about_ai("Runway unveils a new Runway model for long videos") == "Runway"
    assert not about_ai("A jet overshot the runway at a coastal airport")
    assert not about_ai("Years of mistakes left a concrete wall at the end of a regional runway")


def test_a_link_to_an_ai_lab_is_about_ai_whatever_its_title() -> None:
    assert judge(item("Transformers v5 is out!", url="https://huggingface.co/blog/v5")).kept
    assert (
        judge(item("Transformers v5 is out!", url="https://toys.example/v5")).reason == "off_topic"
    )


def test_a_post_on_an_unknown_site_needs_an_event_or_traction_to_count_as_news() -> None:
    essay = item("AI Tribalism", HN.format(40, 30), url="https://someone.example/ai-tribalism")
    assert judge(essay, aggregator=True).reason == "not_news"
    assert judge(essay).kept  # from a site's own feed the form rules alone decide
    lifted = item("AI Tribalism", HN.format(400, 300), url="https://someone.example/ai")
    assert judge(lifted, aggregator=True).kept
    reported = item("Anthropic acquires Bun", HN.format(9, 1), url="https://someone.example/b")
    assert judge(reported, aggregator=True).kept
    # A project that "has published" its vote's results reports an event (August 2026).
    vote = "Debian has published the results of its vote on LLM use"
    assert judge(
        item(vote, HN.format(40, 9), url="https://vote.example/r.txt"), aggregator=True
    ).kept
    # A link into a site's news section is a news article, whether or not the press
    # list knows the site.
    section = "https://regional.example/news/2026-01-llm-robots"
    article = item("World's smallest LLM-driven robots", HN.format(40, 30), url=section)
    assert judge(article, aggregator=True).kept
    blog = replace(article, url="https://someone.example/posts/llm-robots")
    assert judge(blog, aggregator=True).reason == "not_news"
    # "open-source" describing a tool is no event; a lab open-sourcing one is.
    tool = item("Quillmark – Open-source prompt firewall for LLM agents", HN.format(9, 1))
    assert judge(tool, aggregator=True).reason == "not_news"
    released = item("Acme open-sources its 7B coding LLM", HN.format(9, 1))
    assert judge(released, aggregator=True).kept


@pytest.mark.parametrize(
    ("title", "news"),
    [
        # A model named with its size or its version is a release, told without a verb.
        ("Trinity large: An open 400B sparse MoE model", True),
        ("Lumen.2 [Mini]: towards interactive visual intelligence with LLMs", True),
        # An event in the progressive form.
        ("Phind.com is shutting down", True),
        # Cancelling, flagging and designating are events too.
        ("Agency canceled a museum's HVAC grant after ChatGPT flagged it as DEI", True),
        ("WordPress.com flags a spike in AI-generated DMCA takedowns", True),
        ("OpenAI is allowing third-party coding agents to use Codex API keys", True),
        ("Ads are coming to ChatGPT", True),
        # What an attack or an agent's mistake did is an event.
        ("Quillmail's AI assistant exfiltrates emails", True),
        ("Bypassing open LLMs' safety with raw strings", True),
        ("A coding agent wiped our production database", True),
        # A price of nothing is no sum.
        ("Always-on AI agents for $0/month on a free tier", False),
        ("Orbit's chatbot used to hack a city's tax office", True),
        ("Rogue AI bot exploiting CI pipelines hits two vendors", True),
        ("I used to love writing code by hand", False),
        # Headline grammar for what is to happen, but not a how-to.
        ("Navy to embed Orbit's AI across its fleet", True),
        ("Commuters to start riding self-driving shuttles in Ghent", True),
        ("How to run agentic LLM workflows locally", False),
        ("Using Git to attribute AI-written code", False),
        # No event, no size, no version: an essay.
        ("Thoughts on agentic LLM workflows", False),
        ("A field guide to LLM tooling in 2 parts", False),
    ],
)
def test_a_named_size_or_version_or_an_ongoing_event_is_news(title: str, news: bool) -> None:
    post = item(title, HN.format(9, 1), url="https://someone.example/post")
    assert judge(post, aggregator=True).kept is news


def test_a_summary_that_opens_by_calling_the_post_a_guide_is_not_news() -> None:
    guide = item("Testing LLM agent skills with evals", "A practical guide to scoring them.")
    assert judge(guide).reason == "not_news"
    learn = item("Access control for LLM apps", "Learn how to secure your vector database.")
    assert judge(learn).reason == "not_news"
    # A guide the news is about, told later in the summary, is news.
    rules = item(
        "Regulator issues rules for AI hiring tools",
        "The agency said on Tuesday that employers must audit their AI hiring tools, and "
        "published a guide for small firms.",
    )
    assert judge(rules).kept


def test_a_press_headline_or_a_papers_title_reports_a_meme_or_a_discount() -> None:
    meme = "Influencers used AI slop to turn a news photo into a meme"
    assert judge(item(meme, url="https://www.404media.co/ai-slop-meme")).kept
    assert judge(item(meme, url="https://memes.example/ai")).reason == "meme"
    tier = "Office suite confirms a premium tier, stuffed with AI and few discounts"
    assert judge(item(tier, url="https://www.theregister.com/2026/03/09/tier")).kept
    assert judge(item(tier, url="https://shop.example/tier")).reason == "promotion"
    study = "Negotiating relationships with ChatGPT"
    assert judge(item(study, url="https://arxiv.org/abs/2601.13188")).kept
    assert judge(item(study, url="https://vendor.example/blog/study")).reason == "promotion"


def test_a_vetoed_maker_stays_vetoed_however_it_is_spelled() -> None:
    tv = item("Nvidia's decade of Shield TV updates, as NVIDIAs engineers tell it")
    assert judge(tv).reason == "off_topic"


@pytest.mark.parametrize(
    ("title", "about"),
    [
        ("Trinity: an open 400B sparse MoE model", True),
        ("Cursor's browser experiment implied success without evidence", True),
        ("Move the mouse cursor with your eyes", False),
        ("Orbit acquires Langfuse", True),
        ("Stargate SG-1 gets a reboot", False),
        # Runway makes video models; an airport's runway is not it.
        ("Pilots raised safety alarms months before a deadly runway crash", False),
        ("Runway releases a new video model", True),
        # Names that are everyday words match only as written.
        ("How to hide the cursor in a terminal app", False),
        ("Moe Berg, the catcher who was a spy", False),
        ("Manus Island detention centre closes", False),
        ("Orbit buys Manus for $2B", True),
        # Data centers are the AI build-out's; a data center that is down is not AI news.
        ("Towns signed secrecy deals for billion-dollar data centers", True),
        ("Data center power outage took out a video app's first weekend", False),
        ("Lumen's datacenter outage took Orbit's LLM API down", True),
        ("Pocket voice: a high quality TTS that runs on your CPU", True),
        # Two companies among the weak terms count as one: no AI without an AI word.
        ("France aims to replace Zoom, Google Meet and Microsoft Teams", False),
        ("Google Mandiant finishes off Microsoft's NTLM", False),
        ("Google's new model tops Meta's on the benchmark", True),
        ("Micron and SK Hynix race to build memory chips", True),
        ("Lumen's new data center under fire from residents", True),
        # An agent is software acting for its user, unless the words say another kind.
        ("Run your coding helper's agent ten times and get ten answers", True),
        ("Orbit adopts a vault for agent credentials", True),
        ("Go easy on your filesystem, hard on agents", True),
        ("Woman shot by an Ice agent during a raid", False),
        ("Agent skills: one-shot data pipelines from the CLI", True),
        # OpenClaw's offspring are named after it; a crab's claw and a clawback are not.
        ("The wild weeks of PicoClaw's creator", True),
        ("ClawHub pulls a malicious skill", True),
        ("Crab claw season opens early", False),
        # MCP inside a product's name.
        ("WebMCP is available for early preview", True),
        ("Banks face clawback rules", False),
        ("Vets urge owners not to declaw cats", False),
        # "No AI" is a product's badge; "not AI" names AI.
        ("Vivaldi 8.1: no AI slop, just features", False),
        ("Making Zig plot 33 million satellites in 3 seconds. No GPU required", False),
        ("Bishop tells clergy to write sermons with their heads, not AI", True),
        # ... and quoted, "no AI" is someone's stance on AI.
        ("LibreOffice says 'no AI' is now a software feature", True),
        ("MI5 pays damages over an informant agent's abuse", False),
        ("Beetroot juice as a staining agent in electron microscopy", False),
        ("Remails: a European mail transfer agent", False),
        ("The Jets sign a free agent quarterback", False),
        ("Why your browser's user agent string is a mess", False),
        # The field's own words for training, and OpenAI's o-series by name.
        ("Reinforcement Pre-Training", True),
        ("Post-training at scale without a reward model", True),
        ("First review of O3 pro", True),
        ("Ozone (O3) levels rise over the city", False),
    ],
)
def test_ai_makers_and_terms_beyond_the_labs(title: str, about: bool) -> None:
    verdict = judge(item(title, url="https://news.example/a"))
    assert (verdict.reason != "off_topic") is about


def test_issue_threads_and_status_pages_need_readers_lift() -> None:
    report = "https://github.com/lab/agent-cli/issues/16157"
    bug = item("Auto-compact not triggering in Claude Code", HN.format(40, 9), url=report)
    assert judge(bug, aggregator=True).reason == "not_news"
    lifted = item(
        "Anthropic blocks third-party use of Claude Code", HN.format(568, 479), url=report
    )
    assert judge(lifted, aggregator=True).kept
    incident = item("Elevated error rates on the LLM API", HN.format(30, 5))
    incident = replace(incident, url="https://status.lab.example/incidents/1")
    assert judge(incident, aggregator=True).reason == "not_news"
    # ... unless the status page says the whole service is down.
    down = replace(incident, title="Issues with Codex – Identified – Full Outage")
    assert judge(down, aggregator=True).kept
    assert judge(replace(down, title="Major outage of the LLM API"), aggregator=True).kept


def test_a_makers_documentation_page_that_launches_a_feature_is_news() -> None:
    # An official site's docs page is news when lifted, or when its title launches something.
    page = "https://antigravity.google/docs/boost/"
    launch = item("Google Antigravity introduces Boost deep reasoning (/boost)", HN.format(80, 57))
    assert judge(replace(launch, url=page), aggregator=True).kept
    guide = item("Boost deep reasoning settings", HN.format(80, 57))
    assert judge(replace(guide, url=page), aggregator=True).reason == "not_news"
    # Another site's manual stays a manual whatever it says.
    manual = replace(launch, url="https://tool.example/docs/boost/")
    assert judge(manual, aggregator=True).reason == "not_news"


@pytest.mark.parametrize(
    ("title", "url", "points", "kept"),
    [
        (
            "Pgbot: A 5.9 MB read-only Postgres tool for humans and agents",
            "https://pgbot.dev/",
            56,
            False,
        ),
        (
            "Pigeon, a signed Pass for what a sub-agent may do",
            "https://github.com/pigeonlabsHQ/pigeon",
            14,
            False,
        ),
        # Readers lifted it past `show_points`, or the title tells an event.
        (
            "Pgbot: A 5.9 MB read-only Postgres tool for humans and agents",
            "https://pgbot.dev/",
            140,
            True,
        ),
        (
            "Deno team releases Dactyl, an AI app builder that runs on your ChatGPT plan",
            "https://dactyl.dev/",
            16,
            True,
        ),
        ("Phind.com Is Shutting Down", "https://www.phind.com/", 30, True),
        # A page inside the project's site or repository is not its front page.
        (
            "Pigeon, a signed Pass for what a sub-agent may do",
            "https://github.com/pigeonlabsHQ/pigeon/blob/main/SPEC.md",
            14,
            True,
        ),
    ],
)
def test_a_link_to_a_projects_own_page_is_its_makers_launch(
    title: str, url: str, points: int, kept: bool
) -> None:
    verdict = judge(item(title, HN.format(points, 3), url=url), aggregator=True)
    assert verdict.kept is kept
    if not kept:
        assert verdict.reason == "promotion"


def test_a_pages_slug_can_say_what_the_shared_title_leaves_out() -> None:
    # Hacker News, 15 October 2025: Apple's M5 shared as "Apple M5 chip"; its address
    # names the headline, which says AI.
    newsroom = "https://www.apple.com/newsroom/2025/10/apple-unleashes-m5-the-next-big-leap-in-ai-performance/"
    assert judge(item("Apple M5 chip", HN.format(1006, 1090), url=newsroom)).kept
    grid = "https://www.theregister.com/2025/10/16/us_datacenters_ai_power/"
    title = "US hyperscalers to guzzle 22% more grid juice"
    assert judge(item(title, url=grid)).kept
    # A slug with no AI in it, or a page named by an id, says nothing.
    jobs = "https://www.theregister.com/2025/10/16/uk_tech_grad_jobs/"
    assert judge(item("Tech grad hiring crashes 46%", url=jobs)).reason == "off_topic"
    assert judge(item("Apple M5 chip", url="https://news.example/a/8812")).reason == "off_topic"


def test_a_visa_is_no_model_size() -> None:
    # Hacker News, 20 September 2025: the H-1B fee's memos led an AI digest as "1B" (a
    # model's size) with "Amazon" (a weak sign).
    memos = "Read the memos sent to Amazon and Microsoft staff about Trump's H-1B changes"
    assert judge(item(memos, url="https://www.businessinsider.com/read-memos")).reason == (
        "off_topic"
    )
    assert judge(item("Amazon ships a 7B model", url="https://news.example/a")).kept


@pytest.mark.parametrize(
    ("title", "url", "points"),
    [
        # a service's changed terms, announced as such
        (
            "LinkedIn Terms Update: Your Data to Be Used for AI Training by Default",
            "https://www.linkedin.com/help/linkedin/answer/a8059228",
            40,
        ),
        # an attack that hijacks
        (
            "Hijacking Claude Code via Injected Marketplace Plugins",
            "https://promptarmor.substack.com/p/hijacking-claude-code-via-injected",
            9,
        ),
        # two organisations partnering
        (
            "Docker and CNCF partner on an open spec for agent permissions",
            "https://www.docker.com/blog/docker-sandbox-kit-spec-cncf/",
            6,
        ),
        # a consequence told as such
        (
            "Czech police forced to turn off facial recognition cameras at the Prague airport",
            "https://edri.org/our-work/czech-police-forced-to-turn-off-facial-recognition/",
            127,
        ),
        # a change announced for later, and a launch being readied
        (
            "JetBrains will start training AI on your code on non-commercial license",
            "https://blog.jetbrains.com/blog/detailed-data-sharing-for-better-ai/",
            47,
        ),
        (
            "OpenAI Prepares Visual Agent Builder",
            "https://www.testingcatalog.com/openai-prepares-to-release-agent-builder/",
            9,
        ),
    ],
)
def test_these_titles_tell_an_event(title: str, url: str, points: int) -> None:
    # Real Hacker News posts on sites that are neither press nor official, under
    # `lift_points`: the event in the title is their sign of news.
    assert judge(item(title, HN.format(points, 1), url=url), aggregator=True).kept
    # The same site's page whose title tells none is no news.
    plain = item("The Claude Code plugin marketplace", HN.format(points, 1), url=url)
    assert judge(plain, aggregator=True).reason == "not_news"


def test_a_pages_folders_say_what_it_is_and_its_slug_does_not() -> None:
    press = "https://press.example/2026/01/28/chief-uploaded-government-docs-to-chatgpt"
    assert judge(item("Official uploaded government files to ChatGPT", url=press)).kept
    manual = "https://tool.example/docs/v3"
    assert judge(item("Agent WebUI with MCP and RAG", url=manual)).reason == "not_news"
    # The press's paid, opinion and advice sections are not its news desk.
    title = "What AI agents mean for every engineering team"
    for url, reason in (
        ("https://www.forbes.com/councils/forbestechcouncil/2026/03/03/agents", "promotion"),
        ("https://www.forbes.com/sites/ibm/brandvoice/2026/03/03/agents", "promotion"),
        ("https://www.reuters.com/commentary/breakingviews/agents-2026-03-11/", "rant"),
        ("https://www.nytimes.com/2026/03/12/technology/personaltech/agents.html", "not_news"),
    ):
        assert judge(item(title, url=url), aggregator=True).reason == reason, url
    news = "https://www.wsj.com/tech/personal-tech/meta-found-negligent-in-trial-35b2830d"
    assert judge(item("Meta's AI chatbot found negligent in trial", url=news)).kept


def test_a_thread_in_a_subreddit_about_ai_is_about_ai_whatever_its_title() -> None:
    # Hacker News linking a thread of r/LocalLLaMA: the subreddit says what it is about.
    title = "The No Fakes Act has a fingerprinting trap that kills open source?"
    thread = "https://old.reddit.com/r/LocalLLaMA/comments/1q7qcux/the_no_fakes_act/"
    assert judge(item(title, HN.format(182, 85), url=thread), aggregator=True).kept
    elsewhere = "https://www.reddit.com/r/politics/comments/1q7qcux/the_no_fakes_act/"
    assert judge(item(title, HN.format(182, 85), url=elsewhere)).reason == "off_topic"
    # About AI is not news: a question there is still a question.
    asked = item("Which laptop should I buy?", url=thread.replace("the_no_fakes_act", "x"))
    assert judge(asked, aggregator=True).reason == "question"
    # Every subreddit of the list, the newer ones too, whatever the title says.
    for sub in ("ClaudeCode", "LLMDevs", "perplexity_ai", "grok"):
        url = f"https://www.reddit.com/r/{sub}/comments/1abc/weekly_limits/"
        assert judge(item("Weekly limits changed again today", url=url)).reason != "off_topic"


def test_a_study_in_a_peer_reviewed_journal_is_a_primary_source() -> None:
    study = "https://journals.plos.org/plosone/article?id=10.1371%2Fjournal.pone.0342824"
    title = "Prevalence of GenAI image misuse among adolescents"
    assert judge(item(title, HN.format(12, 2), url=study), aggregator=True).kept
    blog = item(title, HN.format(12, 2), url="https://someone.example/notes")
    assert judge(blog, aggregator=True).reason == "not_news"


def test_a_labs_repository_is_about_ai_whatever_its_title() -> None:
    release = "https://github.com/huggingface/transformers/releases/tag/v5.0.0"
    assert judge(item("Transformers V5 is out!", url=release)).kept
    other = "https://github.com/someone/transformers/releases/tag/v5.0.0"
    assert judge(item("Transformers V5 is out!", url=other)).reason == "off_topic"


def test_a_labs_own_repository_is_official_but_not_its_issues() -> None:
    assert standing("https://github.com/deepseek-ai/DeepSeek-OCR-2") == 0
    assert standing("https://github.com/openai/codex/releases/tag/v1.0") == 0
    assert standing("https://github.com/anthropics/claude-code/issues/16157") == 2
    assert standing("https://github.com/someone/deepseek-ai-clone") == 2
    assert standing("https://github.com/google-gemini/gemini-cli") == 0
    assert standing("https://github.com/ml-explore/mlx/releases") == 0
    # Conference proceedings are a paper's own site, as arXiv is.
    assert standing("https://proceedings.neurips.cc/paper_files/paper/2025/hash/abc") == 0
    assert standing("https://openaccess.thecvf.com/content/CVPR2025/html/x.html") == 0


def test_a_labs_product_site_is_its_own_and_about_ai() -> None:
    # Labs announce on their products' sites too: a post there is official and about AI
    # whatever its title says, on an aggregator as from a feed.
    for url in (
        "https://grok.com/news/beta",
        "https://chatgpt.com/features/projects",
        "https://gemini.google.com/updates",
        "https://z.ai/blog/glm-5",
    ):
        assert standing(url) == 0, url
        assert judge(item("A new home for your projects", url=url), aggregator=True).kept, url
    elsewhere = item("A new home for your projects", url="https://someone.example/projects")
    assert judge(elsewhere, aggregator=True).reason == "off_topic"
    # What users publish there is theirs: a shared chat, a public artifact, a custom GPT.
    for url in (
        "https://claude.ai/share/5373cca0-f085-40a7-9a58-3f30b4f76195",
        "https://claude.ai/public/artifacts/a62c4bac",
        "https://chatgpt.com/share/6789abcd",
        "https://chatgpt.com/g/g-abc123-my-gpt",
        "https://grok.com/share/xyz",
        "https://huggingface.co/spaces/someone/anatomy-of-a-model",
    ):
        assert standing(url) == 2, url
    assert standing("https://www.anthropic.com/news/claude-sonnet-4-6") == 0
    assert standing("https://huggingface.co/zai-org/GLM-Image") == 0


def test_a_look_back_at_the_year_in_december_is_not_news() -> None:
    december = item("Innovative ways the world used AI in 2025")
    december = replace(december, published=dt.datetime(2025, 12, 30, tzinfo=dt.UTC))
    assert judge(december).reason == "not_news"
    january = replace(december, title="OpenAI plans an AI device in 2026")
    january = replace(january, published=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    assert judge(january).kept
    # Real, July 2026: last year's figure, reported, is no look back; a story of last year
    # resurfaced still is.
    july = dt.datetime(2026, 7, 3, tzinfo=dt.UTC)
    report = item("Google's AI buildout drove 37% increase in electricity use in 2025")
    assert judge(replace(report, published=july)).kept
    again = item("How the AI boom reshaped the chip market in 2025")
    assert judge(replace(again, published=july)).reason == "not_news"


def test_show_hn_below_the_traction_bar_is_promotion() -> None:
    assert (
        judge(item("Show HN: AxonFlow – a control plane for LLM agents", HN.format(12, 3))).reason
        == "promotion"
    )
    assert judge(
        item("Show HN: Mastra 1.0, open-source JavaScript agent framework", HN.format(103, 40))
    ).kept


def test_curated_sources_skip_the_stage_and_nothing_is_lost() -> None:
    items = [
        item("Happy 25th Birthday, Wikipedia", source="lab"),
        item("Happy 25th Birthday, Wikipedia AI"),
    ]
    kept, aside = sift(items, curated={"lab"})
    assert [i.source for i in kept] == ["lab"]
    assert [(i.source, v.reason) for i, v in aside] == [("hn", "not_news")]


def test_hacker_news_boilerplate_is_engagement_not_text() -> None:
    summary = HN.format(315, 120)
    assert engagement(item("x", summary)) == (315, 120)
    assert summary_text("Show HN: x", summary) == ""


def story(ident: int, *items: Item) -> Story:
    return Story(id=ident, day=T0.date(), items=list(items))


def test_the_labs_own_launch_leads_a_minor_post_and_the_feeds_order_does_not_matter() -> None:
    settings = RankSettings()
    end = T0 + dt.timedelta(hours=12)
    minor = story(1, item("Notes from our offsite", source="lab", url="https://lab.example/notes"))
    launch = story(
        2,
        item("Introducing Lumen-3", source="lab", url="https://openai.com/index/lumen-3"),
        item("Lumen-3 is out", HN.format(900, 400), url="https://news.example/lumen"),
    )
    chatter = story(3, item("Thoughts on agents", HN.format(20, 5), url="https://blog.example/a"))
    for order in ([minor, launch, chatter], [chatter, minor, launch]):
        ranked = rank(order, weights={"lab": 2.0}, settings=settings, day_end=end, curated={"lab"})
        assert ranked[0].id == 2
        assert ranked[0].lead.source == "lab"  # the official post is the story's link
    assert [s.id for s in rank([minor, chatter], weights={}, settings=settings, day_end=end)] == [
        s.id for s in rank([chatter, minor], weights={}, settings=settings, day_end=end)
    ]


@pytest.mark.parametrize(
    "title",
    [
        # Real titles of June 2026, must-show stories cut at the digest's end.
        "Continue has been acquired by Cursor",
        "StepFun IPO",
        # Ours.
        "Lumen Labs to acquire Nimbus for its agents",
        "Orvo files for IPO in Hong Kong",
        # A title that presents a new model (January 2026, 212 points).
        "IQuest-Coder: A new open-source code model beats Claude Sonnet 4.5 and GPT 5.1",
    ],
)
def test_a_company_bought_or_going_public_or_a_new_model_ranks_like_a_launch(
    title: str,
) -> None:
    settings = RankSettings()
    end = T0 + dt.timedelta(hours=12)
    deal = story(1, item(title, HN.format(5, 0), url="https://news.example/deal"))
    # The same site, points and time, but no deal: a feature of an app.
    other = story(2, item("Lumen adds folders to its notes app", HN.format(5, 0)))
    ranked = rank([other, deal], weights={}, settings=settings, day_end=end)
    assert ranked[0].id == 1
    assert ranked[0].score - ranked[1].score >= settings.launch_bonus * 0.9
    # A buyer with no name is no deal of note ("buys more time").
    vague = story(3, item("Everyone buys more time", HN.format(5, 0)))
    assert rank([vague], weights={}, settings=settings, day_end=end)[0].score < ranked[0].score


def test_a_makers_post_that_says_introducing_in_its_address_ranks_like_a_launch() -> None:
    settings = RankSettings()
    end = T0 + dt.timedelta(hours=12)
    title = "Lumen Image: pictures built for your world"
    posts = {
        "official": "https://about.fb.com/news/2026/07/introducing-lumen-image/",
        "plain": "https://about.fb.com/news/2026/07/lumen-image/",
        "elsewhere": "https://blog.example/introducing-lumen-image",
    }
    scores = {
        kind: rank([story(1, item(title, url=url))], weights={}, settings=settings, day_end=end)[
            0
        ].score
        for kind, url in posts.items()
    }
    assert scores["official"] - scores["plain"] >= settings.launch_bonus * 0.9
    # Anyone can write "introducing" in an address: only the maker's own post says so.
    no_standing = rank(
        [story(1, item(title, url="https://blog.example/lumen-image"))],
        weights={},
        settings=settings,
        day_end=end,
    )[0].score
    assert scores["elsewhere"] == no_standing


def assert_the_rule_makes_the_second_the_pick(
    day: Callable[[], list[Story]], *, on: RankSettings, off: RankSettings, end: dt.datetime
) -> None:
    """Without the rule stories 1 and 2 lead in that order; with it 2 is the pick, its
    score just above 1's, so the stored order is the shown order."""
    assert [s.id for s in rank(day(), weights={}, settings=off, day_end=end)][:2] == [1, 2]
    ranked = rank(day(), weights={}, settings=on, day_end=end)
    assert [s.id for s in ranked][:2] == [2, 1]
    assert ranked[0].score > ranked[1].score


def test_the_pick_is_the_makers_lifted_post_among_the_first_three() -> None:
    # Real shape, 30 July 2026: a hedge fund's losses told by four outlets ranked above
    # OpenAI's own post on its model's prices (541 points), which the labels lead with.
    end = T0 + dt.timedelta(hours=12)
    sites = ["ft.com", "bloomberg.com", "wsj.com", "reuters.com"]

    def day(points: int = 541) -> list[Story]:
        told = story(
            1,
            *(
                item(
                    f"AI fund seeks capital after rout ({n})",
                    HN.format(12, 3),
                    url=f"https://{s}/a",
                )
                for n, s in enumerate(sites)
            ),
        )
        post = story(
            2,
            item(
                "Advancing the price-performance frontier with Lumen-5",
                HN.format(points, points // 2),
                url="https://openai.com/index/lumen-5-prices/",
            ),
        )
        other = [story(3 + n, item(f"AI chip note {n}", HN.format(40, 9))) for n in range(3)]
        return [told, post, *other]

    # The rule alone: the day's share of engagement would lift the post by itself, and
    # readers lifted it far more than the first story (the readers' pick, tested below).
    on = RankSettings(day_engagement_weight=0.0, readers_pick=0.0)
    off = on.model_copy(update={"official_pick": False})
    assert_the_rule_makes_the_second_the_pick(day, on=on, off=off, end=end)
    # Not a post readers left unlifted, nor one below the first three.
    assert rank(day(points=40), weights={}, settings=on, day_end=end)[0].id == 1
    # Nor one readers lifted less than the first story (17 August 2026: a code host's
    # launch, 188 points, above an investigation four sites told, 423).
    lifted = day()
    lifted[0] = replace(
        lifted[0],
        items=[replace(i, summary=HN.format(700, 300)) for i in lifted[0].items],
    )
    assert rank(lifted, weights={}, settings=on, day_end=end)[0].id == 1
    told = day()[0]
    crowded = [
        story(
            10 + k,
            *(replace(i, title=f"AI deal {k}: {i.title}", url=f"{i.url}{k}") for i in told.items),
        )
        for k in range(3)
    ]
    assert rank(day() + crowded, weights={}, settings=on, day_end=end)[0].id != 2
    # The model's triage has the last word: a post it judged less important stays.
    judged = day()
    judged[0].importance, judged[1].importance = 5, 3
    assert rank(judged, weights={}, settings=on, day_end=end)[0].id == 1
    # A government's release is official but no maker's launch: it is not made the pick
    # (4 August 2026: the Justice Department's settlement with OpenAI, 37 points).
    release = day()
    release[1].items[0] = replace(
        release[1].items[0], url="https://www.justice.gov/opa/pr/settlement-with-lumen"
    )
    assert rank(release, weights={}, settings=on, day_end=end)[0].id == 1


def test_the_story_readers_lifted_most_that_day_stands_out_past_the_cap() -> None:
    # Real shape, 27 August 2026: a $13B acquisition told by one outlet with 2,818 points
    # ranked below a lab's post told twice with 183; past 1,000 points the logarithm
    # gives nothing more. The day's share does.
    end = T0 + dt.timedelta(hours=12)

    def day() -> list[Story]:
        deal = story(
            1,
            item(
                "Chipmaker agrees to acquire model hub Lumen for $13B",
                HN.format(2000, 818),
                url="https://businessinsider.com/lumen-deal",
            ),
        )
        post = story(
            2,
            item(
                "Previewing the Lumen hardware standard",
                HN.format(150, 33),
                url="https://www.anthropic.com/news/lumen-hardware-standard",
            ),
            item("Lumen hardware standard", HN.format(20, 4), url="https://github.com/x/y"),
        )
        return [
            deal,
            post,
            *(story(3 + n, item(f"AI note {n}", HN.format(9, 1))) for n in range(3)),
        ]

    # (The share alone: the readers' pick, tested below, would also make the deal the pick.)
    on = RankSettings(readers_pick=0.0)
    off = on.model_copy(update={"day_engagement_weight": 0.0})
    assert rank(day(), weights={}, settings=off, day_end=end)[0].id == 2
    assert rank(day(), weights={}, settings=on, day_end=end)[0].id == 1
    # A feed without engagement gives no share: the order is the other signals'.
    quiet = [replace(s, items=[replace(i, summary="") for i in s.items]) for s in day()]
    same = rank(quiet, weights={}, settings=off, day_end=end)
    assert [s.id for s in rank(quiet, weights={}, settings=on, day_end=end)] == [s.id for s in same]


def test_the_pick_is_the_second_story_when_readers_lifted_it_four_times_the_first() -> None:
    # Real shape, 27 August 2026: a maker's standards preview told twice (183 points)
    # ranked above a $13B acquisition one outlet told (2,818), which the labels lead with.
    end = T0 + dt.timedelta(hours=12)
    settings = RankSettings(day_engagement_weight=0.0)

    def day(points: int = 2818, source: str = "Hacker News") -> list[Story]:
        post = story(
            1,
            item(
                "Previewing the Lumen hardware standard",
                HN.format(150, 33),
                url="https://www.anthropic.com/news/lumen-hardware-standard",
                source=source,
            ),
            item("Lumen hardware standard", HN.format(20, 4), url="https://github.com/x/y"),
        )
        deal = story(
            2,
            item(
                "Chipmaker agrees to acquire model hub Lumen for $13B",
                HN.format(points * 2 // 3, points // 3),
                url="https://businessinsider.com/lumen-deal",
            ),
        )
        return [
            post,
            deal,
            *(story(3 + n, item(f"AI note {n}", HN.format(9, 1))) for n in range(3)),
        ]

    off = settings.model_copy(update={"readers_pick": 0.0})
    assert_the_rule_makes_the_second_the_pick(day, on=settings, off=off, end=end)
    # Not a story lifted less than four times the first (183 × 4 = 732), nor one under
    # `lift_points` whatever the first's points.
    assert rank(day(points=700), weights={}, settings=settings, day_end=end)[0].id == 1
    small = day()
    small[0] = replace(
        small[0], items=[replace(i, summary=HN.format(3, 0)) for i in small[0].items]
    )
    small[1].items[0] = replace(small[1].items[0], summary=HN.format(100, 40))
    assert rank(small, weights={}, settings=settings, day_end=end)[0].id == 1
    # A lab's own post from a curated source keeps the first place.
    curated = rank(day(source="lab"), weights={}, settings=settings, day_end=end, curated={"lab"})
    assert curated[0].id == 1

    # A first story whose feeds give no points is not compared: the scores decide.
    def quiet() -> list[Story]:
        stories = day(points=150)
        stories[0] = replace(stories[0], items=[replace(i, summary="") for i in stories[0].items])
        stories[1].items[0] = replace(stories[1].items[0], url="https://blog.example/deal")
        return stories

    assert [s.id for s in rank(quiet(), weights={}, settings=off, day_end=end)][:2] == [1, 2]
    assert rank(quiet(), weights={}, settings=settings, day_end=end)[0].id == 1
    # The model's triage has the last word: a story it judged less important stays second.
    judged = day()
    judged[0].importance, judged[1].importance = 5, 3
    assert rank(judged, weights={}, settings=settings, day_end=end)[0].id == 1


def test_buzz_counts_the_days_other_items_that_name_a_story_and_not_kinds_or_letters() -> None:
    vault = story(1, item("Introducing Model Vault: a private platform for AI", source="lab"))
    cars = story(2, item("Carmaker retires Model S and Model X to build robots"))
    lumen = story(3, item("Lumen-3 tops the coding benchmark"))
    others = [story(n, item(t)) for n, t in enumerate(["Lumen-3 costs less", "Why Lumen-3?"], 4)]
    day = [vault, cars, lumen, *others, *(story(9 + n, item(f"Note {n}")) for n in range(5))]
    # "Model" is a kind of news and "S" one letter: the vault and the cars name nothing
    # in common; two other items name Lumen-3.
    assert _buzz(day)[:3] == [0, 0, 2]


def test_one_community_cannot_fill_the_whole_digest() -> None:
    settings = RankSettings(top=4, max_source_share=0.5)
    end = T0 + dt.timedelta(hours=12)
    loud = [story(n, item(f"Hot AI thread {n}", HN.format(900, 500))) for n in range(1, 6)]
    quiet = [story(10, item("A lab note", source="lab", url="https://lab.example/n"))]
    ranked = rank(loud + quiet, weights={}, settings=settings, day_end=end)
    # Two of four places for Hacker News, then the lab's note; the rest is filled from
    # what was held back, since nothing else is left.
    assert [s.lead.source for s in ranked[:4]] == ["hn", "hn", "lab", "hn"]


def test_a_digest_shows_few_stories_only_a_forum_told_even_on_a_thin_day() -> None:
    settings = RankSettings(top=10, max_discussions=2)
    end = T0 + dt.timedelta(hours=12)

    def thread(n: int, title: str, summary: str = "", source: str = "r/LocalLLaMA") -> Item:
        url = f"https://www.reddit.com/r/LocalLLaMA/comments/1t{n}/post_{n}/"
        return item(title, summary, url=url, source=source)

    talk = [story(n, thread(n, f"Kimi K{n} weights are out")) for n in range(1, 6)]
    lifted = story(6, thread(6, "Model 9 is out", HN.format(400, 120), source="hn"))
    told = story(
        7, thread(7, "Model 8 is out"), item("Model 8 is out", url="https://lab.example/8")
    )
    curated = story(8, thread(8, "Model 7 is out", source="r/ourlab"))
    ranked = rank(
        [*talk, lifted, told, curated],
        weights={},
        settings=settings,
        day_end=end,
        curated={"r/ourlab"},
    )
    # Eight stories for ten places: the thin day still shows only two of the five a
    # forum's posts alone told; a thread readers lifted, a story the lab also told and a
    # curated source's post are not chatter.
    shown_ids = {s.id for s in shown(ranked, settings.top)}
    assert len(shown_ids & {1, 2, 3, 4, 5}) == 2 and {6, 7, 8} <= shown_ids
    held = [s for s in ranked if s.id not in shown_ids]
    assert len(held) == 3 and all(s.score < 0 for s in held) and ranked[-3:] == held
    # None at all, when the user says so.
    none = RankSettings(top=10, max_discussions=0)
    again = rank(talk, weights={}, settings=none, day_end=end)
    assert shown(again, none.top) == []


def test_a_labs_own_posts_are_never_cut_on_a_busy_day() -> None:
    settings = RankSettings(top=6, max_source_share=1.0)
    end = T0 + dt.timedelta(hours=12)
    busy = [
        story(
            n, item(f"Hot AI thread {n}", HN.format(900 - n, 500), url=f"https://news.example/{n}")
        )
        for n in range(1, 10)
    ]
    # Two posts of a lab's own blog on a busy day (no engagement, one source each), and a
    # quiet post of a source that is not curated.
    lab = [
        story(20 + n, item(f"A lab note {n}", source="lab", url=f"https://lab.example/{n}"))
        for n in range(2)
    ]
    other = [story(30, item("A vendor note", source="vendor", url="https://vendor.example/n"))]
    day = busy + lab + other
    plain = rank(day, weights={}, settings=settings, day_end=end)
    assert not {s.id for s in plain[:6]} & {20, 21}  # judged by score alone, both are cut
    ranked = rank(day, weights={}, settings=settings, day_end=end, curated={"lab"})
    shown = [s.id for s in ranked[:6]]
    # They take the places of the lowest stories of the top, which stay just below it.
    assert shown == [1, 2, 3, 4, 20, 21]
    assert [s.id for s in ranked[6:8]] == [5, 6]
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True)  # the stored order is the shown order
    # Never more than half the top: with four lab posts, three are lifted.
    many = [
        story(40 + n, item(f"Lab post {n}", source="lab", url=f"https://lab.example/p{n}"))
        for n in range(4)
    ]
    ranked = rank(busy + many, weights={}, settings=settings, day_end=end, curated={"lab"})
    assert sum(s.lead.source == "lab" for s in ranked[:6]) == 3


def test_report_lists_what_a_day_set_aside_with_reasons(tmp_path: Path) -> None:
    from newsdesk.config import load_settings
    from newsdesk.pipeline import prepare_day
    from newsdesk.store import Store
    from tests.helpers import invoke

    config = tmp_path / "newsdesk.toml"
    config.write_text(
        'timezone = "UTC"\ndatabase = "n.db"\n[[sources]]\nname = "hn"\nurl = "https://hn.example/rss"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    with Store(settings.path(settings.database)) as store:
        store.add_items(
            [
                item("Anthropic releases Claude Opus 5", HN.format(900, 300)),
                item("Ask HN: Which LLM do you use for code review?", HN.format(50, 80)),
                item("DuckDB 1.5.0", HN.format(300, 90)),
            ]
        )
        shown = prepare_day(settings, store, T0.date())
    assert [s.lead.title for s in shown] == ["Anthropic releases Claude Opus 5"]
    code, out, err = invoke("--config", config, "report", "--date", T0.date().isoformat())
    assert code == 0
    assert "2 items set aside on 2026-01-14" in err
    assert "question" in err and "off_topic" in err and "DuckDB 1.5.0" in err
    code, out, _ = invoke("--config", config, "report", "--date", T0.date().isoformat(), "--json")
    assert code == 0 and '"reason": "question"' in out
    with Store(settings.path(settings.database)) as store:
        assert store.count_items() == 3  # set aside, not deleted


def test_a_new_model_is_named_by_its_makers_titles() -> None:
    from newsdesk.relevance import learned_names, name_evidence

    lab = "https://www.anthropic.com/news/claude-lyric-6"
    # A capitalised word after a maker's name, followed by a version or holding one; the
    # maker's own post counts for two titles.
    assert name_evidence([("Introducing Claude Lyric 6", lab)]) == {"Lyric": 2}
    assert name_evidence([("Anthropic's Lyric-6 tops a coding leaderboard", "https://p.example")])
    assert name_evidence([("Tencent Hx4: a 300B open MoE", "https://p.example")]) == {"Hx4": 1}
    # A maker's own post that opens by introducing something names it (real, August 2026:
    # Meta's Muse, whose maker's name a title seldom carries); elsewhere it does not, nor
    # does a word that names nothing.
    meta = "https://research.meta.ai/blog/introducing-muse-spark-1-3"
    assert name_evidence([("Introducing Muse Spark 1.3", meta)]) == {"Muse": 2}
    assert name_evidence([("Introducing Muse Spark 1.3", "https://blog.example/m")]) == {}
    assert name_evidence([("Introducing Our New Office in Tokyo", lab)]) == {}
    # One title elsewhere is not enough; two are.
    one = name_evidence([("Claude Lyric 6 first impressions", "https://blog.example/a")])
    assert learned_names([one]) == frozenset()
    two = name_evidence([("Claude Lyric 6 system card, annotated", "https://blog.example/b")])
    assert learned_names([one, two]) == {"Lyric"}
    # Not a name: a tier, a date, a version, a word for a kind of thing, a known term, a
    # word without a version, a word after something that is no AI maker.
    for title in (
        "Mistral Small 4 is out",
        "OpenAI's June 2026 report on malicious uses",
        "OpenAI Summer 2026 update",
        "DeepSeek V4 is out",
        "Claude Code 2.1 adds hooks",
        "OpenAI Codex 2 ships",
        "Claude Lyric arrives",
        "Microsoft Windows 12 preview",
        "Apple WWDC 2026",
    ):
        assert name_evidence([(title, lab)]) == {}, title


def test_a_name_learned_this_week_makes_an_item_about_ai() -> None:
    post = item("Lyric 6 rewrote our billing service overnight")
    assert judge(post).reason == "off_topic"
    assert judge(post, names={"Lyric"}).kept
    # As written: the everyday word is not the name.
    assert judge(item("Writing a lyric every day"), names={"Lyric"}).reason == "off_topic"


def test_the_weeks_new_model_names_keep_its_stories_in_the_digest(tmp_path: Path) -> None:
    from newsdesk.config import load_settings
    from newsdesk.pipeline import prepare_days
    from newsdesk.relevance import NAME_DAYS
    from newsdesk.store import Store

    config = tmp_path / "newsdesk.toml"
    config.write_text(
        'timezone = "UTC"\ndatabase = "n.db"\n[[sources]]\nname = "press"\n'
        'url = "https://press.example/rss"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    launch = T0 - dt.timedelta(days=3)
    late = T0 + dt.timedelta(days=NAME_DAYS)
    later = T0 + dt.timedelta(days=NAME_DAYS + 1)
    follow = "Lyric 6 passes the bar exam on its first try"
    with Store(settings.path(settings.database)) as store:
        store.add_items(
            [
                news_item(
                    "Introducing Claude Lyric 6",
                    at=launch,
                    source="press",
                    url="https://www.anthropic.com/news/claude-lyric-6",
                ),
                news_item(follow, at=T0, source="press"),
                news_item(f"{follow} again", at=late - dt.timedelta(days=3), source="press"),
                news_item(f"{follow}, a month on", at=later, source="press"),
            ]
        )
        days = [T0.date(), (late - dt.timedelta(days=3)).date(), later.date()]
        prepared = prepare_days(settings, store, days)
        titles = {day: [i.title for s in prepared[day] for i in s.items] for day in days}
        assert titles[days[0]] == [follow]
        assert titles[days[1]] == [f"{follow} again"]  # 28 days on: the name still counts
        # More than NAME_DAYS after the launch, the name has to be named again.
        assert titles[days[2]] == []
        assert [why for _, why, _ in store.set_aside(days[2])] == ["off_topic"]


def test_a_data_centre_in_british_spelling_is_a_data_center() -> None:
    from newsdesk.terms import tokens

    # Real, July 2026: a labelled must-show set aside as off-topic.
    assert about_ai("Datacentres drive up big tech's carbon emissions to a third of France's")
    assert about_ai("Ireland's data centres use a fifth of its power")
    assert not about_ai("Data centre outage takes a bank offline")  # operations news
    assert "@datacenter" in tokens("datacentres") & tokens("data centre") & tokens("data centers")


def test_a_memory_maker_and_the_memory_shortage_are_the_ai_build_out() -> None:
    # Real, July 2026: a labelled must-show set aside as off-topic.
    assert about_ai("SK Hynix CEO: worst memory shortage in 2027, will persist beyond 2030")
    assert about_ai("RAM prices soar as Micron sells out")
    # Since session 30 the crunch itself says it: nine labelled must-shows of 2025 and 2026
    # ("The RAMpocalypse has led global PC shipments to drop 20 percent", "Memory prices
    # climb 500% in 12 months") named no other sign. A memory that is no chip's is none.
    assert about_ai("The memory shortage hits phone makers") == "memory shortage"
    assert not about_ai("Memory loss is rising in older adults")


def test_a_notice_that_access_is_extended_reports_an_event() -> None:
    # Real, July 2026: a lab's notice on a mirror of its post, set aside for no event.
    link = "https://xcancel.com/lab/status/1"
    for title in ("Claude access extended until 19 July", "Lumen extends its free AI tier"):
        assert judge(item(title, url=link), aggregator=True).kept, title
    assert judge(item("Extended thinking in Claude, explained", url=link), aggregator=True).reason


@pytest.mark.parametrize(
    "title",
    [
        # Real, late July 2026: labelled must-show stories that were set aside.
        "Amazon Cuts Jobs in Artificial General Intelligence Unit",  # was off-topic
        'Most Americans say "not in my backyard" to AI data centers',  # was an anecdote
        "AI Chatbots Know How to Make Deadly Biological Weapons. Some Will Teach You",  # a how-to
    ],
)
def test_a_quotation_a_known_how_and_agi_spelled_out_are_news(title: str) -> None:
    assert judge(item(title, url="https://www.wsj.com/tech/ai/x"), aggregator=True).kept


@pytest.mark.parametrize(
    "title",
    [
        # Real, 27 July - 2 August 2026: labelled must-show stories set aside as off-topic
        # or without an event (the field's figures, Google's music model, xAI's new name).
        "Coursera Bets $100M That Andrew Ng Can Do What Coursera Can't",
        "Google Flow Music launches Lyria 3.5 with advances in musicality, lyrics, vocals",
        "SpaceXAI sues Minnesota AG over ban on nudifying apps",
        "Lilian Weng (co-founder) leaving Thinking Machines",
    ],
)
def test_the_fields_figures_and_models_are_ai_news(title: str) -> None:
    assert judge(item(title, url="https://x.com/someone/status/1"), aggregator=True).kept


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        # Real, August 2026: shown in digests; labelled promotion.
        ("Welcome to Agents Week", "promotion"),
        ("Day 0 Kimi-K3 Inference Deployment with Atom on AMD Instinct MI355X GPUs", "promotion"),
        # Ours: a welcome that opens no event week, a trial's third day.
        ("Welcome to the age of AI agents", ""),
        ("Day 3 of the OpenAI trial: Musk testifies", ""),
    ],
)
def test_a_vendors_event_week_and_day_zero_support_are_promotion(title: str, reason: str) -> None:
    assert judge(item(title, url="https://blog.example.com/x")).reason == reason


def test_a_phones_jailbreak_is_not_a_models() -> None:
    # Real, July 2026: shown in a digest as AI news.
    assert not about_ai("Relaxin Jailbreak for iOS 17.0-17.3.1 Released")
    assert about_ai("A universal jailbreak for LLMs")
    assert about_ai("New jailbreak makes Lumen explain anything to anyone")


def test_first_person_outside_quotation_marks_is_still_an_anecdote() -> None:
    assert judge(item('I asked Claude "what is my name"')).reason == "anecdote"
    assert judge(item("How to fine-tune Llama on a laptop")).reason == "not_news"
    assert judge(item("A how-to for Claude Code hooks")).reason == "not_news"


def test_chinese_and_english_names_of_one_company_meet() -> None:
    from newsdesk.terms import tokens

    assert "@nvidia" in tokens("英伟达发布 Vera Rubin 平台") & tokens("Nvidia Launches Vera Rubin")
    assert "@zhipu" in tokens("Z.ai Goes Public") & tokens("智谱正式登陆港交所")
    assert "@zhipu" in tokens("Zhipu files for a Hong Kong IPO") & tokens("Z.ai Goes Public")


def test_a_country_an_agency_or_a_paper_by_its_initials_is_the_same_name() -> None:
    from newsdesk.terms import tokens

    # Real, July 2026: one event in two entries, "NYT" in one and the paper's name in the other.
    a = tokens("New York Times and Other Publishers Ask Court to Penalize OpenAI")
    b = tokens("OpenAI faked inability to search training data, hid billions of logs, NYT says")
    assert "@nyt" in a & b
    # Real, December 2025: "NY Times sues Perplexity …" and "New York Times Sues A.I.
    # Startup Perplexity …" were two entries of one lawsuit.
    assert "@nyt" in tokens("NY Times sues Perplexity over scraped content") & a
    assert "@us" in tokens("US Military leaders meet") & tokens("U.S. strikes") & tokens("USA")
    assert "@us" in tokens("United States bans chips")
    assert "@us" not in tokens("Let us know") and "@us" not in tokens("LET US KNOW")
    assert "@us" not in tokens("Startup raises US$5B")  # a sum in dollars
    assert "@uk" in tokens("UK police chief resigns") & tokens("British police used Copilot")
    assert "@doj" in tokens("DOJ sues Nvidia") & tokens("Justice Department sues Nvidia")
    assert "@ftc" in tokens("FTC probes chatbots") & tokens("Federal Trade Commission probe")


def test_integrating_embedding_and_deploying_a_model_into_a_network_are_one_event() -> None:
    from newsdesk.terms import tokens

    a = tokens("Hegseth wants to integrate Grok into Pentagon networks")
    b = tokens("Dept of Defense to embed Grok family of models into GenAI.mil")
    c = tokens("五角大楼将把 Grok 接入军方网络")
    assert {"@deploy", "@pentagon", "grok"} <= a & b & c
    # An embedding model is another thing.
    assert "@deploy" not in tokens("A new embedding model tops the retrieval benchmark")


def test_chinese_and_english_reports_of_one_event_share_its_words() -> None:
    from newsdesk.terms import tokens

    english = tokens("Nimbus blocks third-party use of its coding subscriptions")
    chinese = tokens("Nimbus 封堵第三方客户端，开发者不能再用订阅")
    assert {"@ban", "@third_party", "@subscription"} <= english & chinese
    assert "@probe" in tokens("EU investigates Nimbus over images") & tokens(
        "欧盟对 Nimbus 展开调查"
    )
    assert "@open_source" in tokens("Nimbus TTS is now open sourced") & tokens(
        "Nimbus 开源语音模型"
    )
    # A deal to put models on a military's classified network, told in both languages.
    deal = tokens("Nimbus agrees with Dept. of War to deploy models in its classified network")
    chinese = tokens("Nimbus 与美国战争部达成协议，模型将部署到机密网络")
    assert {"@pentagon", "@agreement", "@deploy", "@classified", "@network"} <= deal & chinese
    # A layoff however it is said.
    assert "@layoff" in tokens("Orbit lays off 1,500 people") & tokens("Orbit 裁员 1500 人")
    assert "@layoff" in tokens("Orbit cuts jobs in its games division") & tokens(
        "Orbit laid off staff"
    )
    # A shutdown however it is said; an accusation of distillation.
    assert "@shutdown" in tokens("Orbit to discontinue its video app") & tokens(
        "Orbit 宣布关停视频应用"
    )
    assert {"@accuse", "@distillation"} <= tokens("Nimbus accuses labs of distillation") & tokens(
        "Nimbus 指控多家实验室“蒸馏”其模型"
    )
    # The defence secretary directs that a company be designated a risk.
    order = tokens("Defense secretary directs Pentagon to designate Nimbus a supply chain risk")
    chinese = tokens("美国防长下令将 Nimbus 列为“供应链风险”")
    assert {"@pentagon", "@order", "@designate", "@risk", "@supply_chain"} <= order & chinese


# Offline axes on the labelled real weeks (themes.jsonl): at least this pure, and citing
# at least this many stories (an axis-less week would be trivially pure).
# January's second week has one two-story theme at most: session 16 kept one more item
# there, and its only axis ("ChatGPT and OpenAI", impure) went, purity 0.83 -> 1.0 and
# stories cited 6 -> 4 (docs/benchmarks.md, "Session 16").
# March fell 0.83 -> 0.74 in session 18 for a right merge: "Nvidia CEO" is Jensen Huang,
# so his two reports of 4 March are one story, the labelled two-story theme they made is
# gone, and the joined story, which names OpenAI and Anthropic, sits on the week's
# Anthropic-Pentagon axis; a story the labellers never saw took the freed shortlist place
# and counts as unlabelled (docs/benchmarks.md, "Session 18").
# Session 19's longer press list brought twelve stories into March's shortlists; labelled
# by the themes guide (themes.jsonl), they make 21 stories cited, 15 of them pure (0.71;
# before, 14 of 19): a new "Iran" axis holds an AWS data center hit in the war (none) and
# Claude's use in the strikes (the Pentagon dispute).
# Session 23 weighed Hacker News points more (engagement_weight 1.5 -> 2.0, for the days'
# leads and must-show stories on six sets): one labelled story left March's shortlists,
# 20 cited, 14 of them pure (0.70).
# Session 24 made a phrase one token ("supply chain" is no longer also "supply" and
# "chain"): a week's "Anthropic and Claude" axis, one labelled story of its theme and one
# of another, no longer has the shared things it needs; 18 cited, 13 pure (0.72).
# Session 26 weighed a story's share of the day's most points (`day_engagement_weight`):
# the weeks' shortlists moved. In January 3 of 4 cited stories are pure (0.75; before, 5
# of 6), a court order on ChatGPT's logs (no theme) on the "ChatGPT and OpenAI" axis; in
# March 13 of 16 (0.81; before, 13 of 18).
# Session 30's new signs of AI (Palantir, the memory crunch, a maker's model page …) kept
# more of March's stories: one labelled story left its shortlists, 15 cited, 12 of them
# pure (0.80).
AXIS_GATES = {"tune": (0.75, 4), "validate": (0.8, 15)}
_NOT_A_NAME = re.compile(
    r"(?i)\b(?:https?|www|com|html|item|ycombinator|the|and|of|to|in|for|with|where|then|"
    r"why|what|how)\b|^\W*\d[\d.,]*\W*$"
)


@pytest.mark.skipif(not editorial.available(), reason="../shared/corpora/real-2026-01 missing")
@pytest.mark.parametrize("split", ["tune", "validate"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_offline_axes_are_pure_themes_named_by_what_they_share(
    split: str, lang: str, tmp_path: Path
) -> None:
    weeks = editorial.axes_of_weeks(split, tmp_path, lang)
    scores = editorial.score_axes(split, weeks)
    purity, cited = AXIS_GATES[split]
    assert scores.purity >= purity and scores.cited >= cited, (
        scores.purity,
        scores.cited,
        scores.mixed,
    )
    labels = {
        names[0 if lang == "zh" else 1]
        for week, _ in weeks.values()
        for names in week.categories.values()
    }
    sources = {
        s.casefold() for week, _ in weeks.values() for t in week.shortlist for s in t.story.sources
    }
    for title in scores.titles:
        label, _, things = title.partition("：" if lang == "zh" else ": ")
        assert label in labels and things, title  # "Category: names" in the post's language
        for name in re.split(r" 与 | and ", things):
            assert not _NOT_A_NAME.search(name), title
            assert name.casefold() not in sources, title


def test_a_term_s_regular_expression_matches_as_it_would_unguarded() -> None:
    """Each "re:" term is searched only in texts holding one of its literals (a speed-up);
    on real titles and on texts written to match, it finds exactly what the bare
    expression finds."""
    import tomllib
    from importlib import resources

    from newsdesk.patterns import literals
    from newsdesk.relevance import Terms, Text

    data = tomllib.loads(
        resources.files("newsdesk").joinpath("data/relevance.toml").read_text("utf-8")
    )

    def expressions(node: object) -> list[str]:
        if isinstance(node, dict):
            return [e for value in node.values() for e in expressions(value)]
        if isinstance(node, list):
            return [t[3:] for t in node if isinstance(t, str) and t.startswith("re:")]
        return []

    found = expressions(data)
    assert len(found) > 40
    # Most of them are guarded; those with a literal of one letter, or none, are not.
    assert sum(literals(source) is not None for source in found) > 25
    assert literals(r"(?-i:\bCursor\b)") == (("Cursor",), True)
    assert literals(r"\b(?:Opus|Sonnet|Haiku) \d") == (("opus", "sonnet", "haiku"), False)
    assert literals(r"GPT-?\d") == (("gpt",), False)
    assert literals(r"\bexports?\b") == (("export",), False)  # the "s" may be absent
    assert literals("abc|def") is None and literals(r"\$\d") is None
    assert literals(r"foo[(]x|bar") is None and literals(r"(?:abc\)|xyz)") is None
    texts = [row["title"] for row in editorial.read_jsonl("junk.jsonl")] + [
        "GPT5 and GPT-5.2 ship", "FLUX.2 [Klein] is out", "A MoE model", "moe berg",
        "AMD MI355X", "Maia 200 chips", "Cursor raises", "the cursor blinks", "Opus 4.6",
        "[P] my project", "[Project] a tool", "这个能用吗？", "My side project with Claude",
        "Ask HN: how do I learn ML?", "A games workshop", "A workshop on LLMs",
        "Why I stopped using Copilot", "Llama 3.1 405B released", "$20 for GPT", "v1.2.3",
        # Ignoring case, "i" matches the Turkish "ı" and "İ", which lower-case otherwise.
        "İs China winning the AI race?", "OpenAI ıs a bubble", "Maıa 200 ships", "WHY İ LEFT",
    ]  # fmt: skip
    for source in found:
        bare = re.compile(source, re.I)
        guarded = Terms([f"re:{source}"])
        for text in texts:
            assert bool(guarded.find(Text(text))) == bool(bare.search(text)), (source, text)


def test_two_companies_are_one_kind_and_the_reason_names_what_counted() -> None:
    assert about_ai("Google and Microsoft ship a model") == "google + model"
    assert about_ai("Google and Microsoft sign a cloud deal") == ""


def test_a_model_family_with_its_version_glued_on_is_ai() -> None:
    # Real, August and September 2026: "Qwen3.8 Weights Released" led a day and was set
    # aside as no AI term, since "Qwen3" is one word and "Qwen" another. A word that only
    # starts like a family's name ("Geminids", the meteor shower) or no family's at all
    # ("web3", "mp3") is none.
    assert about_ai("Qwen3.8 Weights Released") == "Qwen"
    assert about_ai("Running Gemma4 on Apple's Neural Engine") == "Gemma"
    assert about_ai("Samsung to double output of its HBM4 and HBM4E DRAM") == "HBM"
    for title in ("web3 is dead", "An mp3 player from 1998", "Geminids2026 peak tonight"):
        assert not about_ai(title), title
    assert judge(item("Qwen3.8 Weights Released", url="https://modelscope.cn/models/Qwen")).kept


def test_names_the_ai_news_goes_by_without_saying_ai() -> None:
    # Real Hacker News titles of 2025 and 2026 that a day's editor made must-shows and the
    # relevance stage set aside as "no AI term": the field's conferences, its makers of
    # chips, weapons and clouds, the memory crunch its data centers caused, and what only
    # a model does.
    assert about_ai("NeurIPS 2025 Best Paper Awards") == "NeurIPS"
    assert about_ai("Dutch government objects to ASML's China exports") == ""
    assert about_ai("US Tells ASML It's Concerned China May Have Top Chip Tool") == "asml + chip"
    assert about_ai("Memory prices climb 500% in 12 months") == "memory prices"
    assert about_ai("The RAMpocalypse has led global PC shipments to drop 20 percent")
    assert about_ai("The Economics of Recursive Self-Improvement [pdf]")
    assert about_ai("New arXiv policy: 1-year ban for hallucinated references")
    assert about_ai("Spain Orders Blacklist of Palantir from Public and Private Companies")
    assert about_ai("Anduril raises $5B in Series H") == "Anduril"
    # "Etched" is a maker only as it writes its name.
    assert about_ai("Etched fields funding offers at $40B+ valuation") == "Etched"
    assert about_ai("A name etched in stone") == ""
    assert about_ai("Show HN: Hallucinate – Massively Multiplayer Online Rave") == ""
    # Real, November 2025 (the held-out week, read after it was measured): a paper's
    # learning without labels, a robot that learns by reinforcement, DeepMind's folder of
    # Google's blog and Meta's AI site.
    assert about_ai("LeJEPA: Provable and Scalable Self-Supervised Learning") == "self-supervised"
    assert about_ai("A real robot that learns from experience via RL") == "rl + robot"
    assert about_ai("Meet the robot makers IRL") == ""
    # The field's jargon and its GPU stack: three must-shows of 2025 and 2026.
    assert about_ai("AMD ROCm 7.0 Officially Released") == "ROCm"
    assert about_ai("Deep researcher with test-time diffusion") == "test-time"
    assert about_ai("Astra and Fable still hack on simple variants of alignment evals")
    for title, url in [
        (
            "WeatherNext 2: Our most advanced weather forecasting model",
            "https://blog.google/technology/google-deepmind/weathernext-2/",
        ),
        ("Sam 3D: Powerful 3D Reconstruction", "https://ai.meta.com/blog/sam-3d/"),
    ]:
        assert judge(item(title, HN.format(60, 20), url=url), aggregator=True).kept, title
    weather = "https://blog.google/technology/weather/forecasts/"
    assert judge(item("Our most advanced weather forecasts", url=weather)).reason == "off_topic"


def test_a_makers_model_page_in_its_documentation_is_news() -> None:
    # Real, 2026: labs publish a new model as a page of their documentation, titled with
    # its name ("GPT-6 Sol" at developers.openai.com/api/docs/models/gpt-6-sol), and
    # price cuts and shutdowns there too; each was a day's must-show set aside as a guide.
    # A guide's title opens with what to do, and another site's page is no maker's.
    for title, url in [
        ("GPT-6 Sol", "https://developers.openai.com/api/docs/models/gpt-6-sol"),
        ("Claude Fable 5.1", "https://platform.claude.com/docs/en/models/fable-5-1/overview"),
        ("Kimi K3 Is Live", "https://www.kimi.com/code/docs/en/kimi-code/models"),
        ("DeepSeek-v4-flash-vision-exp", "https://api-docs.deepseek.com/guides/vision/"),
        ("GPT 5.6 Sol 20% price reduction", "https://developers.openai.com/api/docs/models/x"),
        (
            "Gemini Code Assist will be shut down on July 17",
            "https://docs.cloud.google.com/gemini/docs/code-review/review-repo-code",
        ),
    ]:
        assert judge(item(title, url=url), aggregator=True).kept, title
    for title, url in [
        ("Migrating to Claude 4", "https://platform.claude.com/docs/en/migrating-to-claude-4"),
        ("Using GPT-5 with the Responses API", "https://developers.openai.com/api/docs/guides/x"),
        ("Prompting best practices for Claude 4", "https://platform.claude.com/docs/en/claude-4"),
        ("GPT-6 Sol", "https://docs.example.com/models/gpt-6-sol"),
    ]:
        assert judge(item(title, url=url), aggregator=True).reason == "not_news", title
    # Real, November 2025: OpenAI launched a model under an essay's opening word, and the
    # day's lead was set aside as a post "Building …". Before no versioned name, or on
    # another site, the word still opens an essay.
    launch = "Building more with GPT-5.1-Codex-Max"
    assert judge(item(launch, url="https://openai.com/index/gpt-5-1-codex-max/")).kept
    assert judge(item(launch, url="https://example.com/codex-max")).reason == "not_news"
    essay = "Building a better chatbot with Claude"
    assert not judge(item(essay, url="https://www.anthropic.com/engineering/x")).kept


def test_a_study_of_a_population_a_paper_and_a_makers_ads_are_no_promotions() -> None:
    # Real leads of 2025 and 2026 set aside as promotions: OpenAI's study of how people use
    # ChatGPT (a population is a study's subject, not a customer), a paper's "[pdf]" whose
    # title names a course, and OpenAI's own post on its ads.
    for title, url in [
        ("How People Use ChatGPT [pdf]", "https://cdn.openai.com/pdf/economic-research.pdf"),
        ("How people are using ChatGPT", "https://openai.com/index/how-people-are-using-chatgpt/"),
        (
            "New AI tutor achieves 0.71-1.30 SD effect size in Dartmouth course [pdf]",
            "https://intextbooks.science.example.nl/workshop2026/files/itb26.pdf",
        ),
        ("OpenAI expands ChatGPT ads with Sponsored Agents", "https://openai.com/index/ads/"),
    ]:
        assert judge(item(title, HN.format(157, 40), url=url), aggregator=True).kept, title
    # A company is a customer, a course on offer an advertisement, a paid post a paid post.
    for title, url in [
        ("How Stripe uses Claude", "https://example.com/stripe"),
        ("How leading retailers are turning AI pilots into profit", "https://example.com/r"),
        ("Deeplearning.ai launched course on building coding agents", "https://example.com/c"),
        ("Sponsored: the best AI tools of the year", "https://example.com/s"),
    ]:
        assert (
            judge(item(title, HN.format(157, 40), url=url), aggregator=True).reason == "promotion"
        )


@pytest.mark.parametrize(
    "title",
    [
        # Real must-shows of 2025 and 2026 set aside as discussion posts with no event.
        "The Instant team joins OpenAI",
        "Class Action Alleges That Google Gemini Was Reading User Emails Without Consent",
        "OpenAI disables ChatGPT app suggestions that looked like ads",
        "DoD poised to move all classified workloads off Anthropic",
        "Poetiq shatters ARC-AGI 2 benchmark at half the cost",
    ],
)
def test_joining_a_class_action_disabling_and_shattering_are_events(title: str) -> None:
    link = "https://blog.example.com/post"
    assert judge(item(title, HN.format(12, 3), url=link), aggregator=True).kept


def test_a_compound_names_what_comes_before_its_hyphen() -> None:
    # Real, January 2026: "… for reasoning-based autonomous vehicles" and "Nvidia unveils
    # 'reasoning' AI technology for self-driving cars" told one launch.
    from newsdesk.terms import tokens

    a = tokens("Nvidia Open AI models and sim. data for reasoning-based autonomous vehicles")
    b = tokens("Nvidia unveils 'reasoning' AI technology for self-driving cars")
    assert {"@reasoning", "@nvidia", "@car"} <= a & b
    assert "@altman" in tokens("Altman-backed startup raises $50M")
    assert "ai-generat" in tokens("AI-generated images flood the shop")  # not a compound


def test_an_ai_domain_is_one_weak_sign() -> None:
    # Real Hacker News titles of August 2026: a start-up's post on its ".ai" site needs
    # one weak term more to be about AI, and one alone is not enough.
    assert about_ai("What happens when a GPU reads memory", site="blog.doubleword.ai")
    assert not about_ai("What happens when a GPU reads memory", site="blog.doubleword.io")
    assert not about_ai("fork() Considered Harmful in macOS", site="formal.ai")
    assert not about_ai("Inference", site="example.com")
    video = "Getting video models to learn better, faster"
    assert judge(item(video, url="https://linum.ai/blog/faster")).reason != "off_topic"
    assert judge(item(video, url="https://linum.io/blog/faster")).reason == "off_topic"
    assert judge(item("CDs vs. NIMBY", url="https://betonit.ai/p/cds")).reason == "off_topic"
    # Real, 2026: on a ".ai" site, a launch or a versioned name is the second sign (a
    # maker's model named on its own blog), on another domain neither is.
    for title, url in [
        ("Mercury 2.5", "https://www.inceptionlabs.example.ai/blog/introducing-mercury-2-5"),
        ("Ember-1", "https://fireworks.example.ai/blog/ember-1"),
        ("SubQ 1.1 Small", "https://subq.ai/subq-1-1-small-technical-report"),
        ("Fireworks – Announcing our Series D", "https://fireworks.example.ai/blog/series-d"),
    ]:
        assert about_ai(title, site=url.split("/")[2]) == ".ai + launch", title
        assert not about_ai(title, site=url.split("/")[2].replace(".ai", ".io")), title
    assert not about_ai("Will I run Boston?", site="getfast.ai")


def test_law_enforcements_agents_are_not_software() -> None:
    # "Meta blocks posts sharing database of ICE agents" is not about AI: an agent's
    # `unless` words veto it.
    assert about_ai("Meta blocks posts sharing database of ICE agents") == ""
    assert about_ai("FBI agents trained on new protocols") == ""
    # September 2026: shown as AI news.
    assert about_ai("Border agents can search cellphones without a warrant") == ""
    assert about_ai("Meta ships agents for its ad tools") == "agents"
    assert about_ai("Ice cream maker trains agents on a new model") != ""  # ICE as written


# Subreddits are not in the corpus; a user's week has them. Self posts with Reddit's stub
# as their summary, judged as an aggregator's items (a thread is one wherever it comes
# from).
REDDIT = "https://www.reddit.com/r/LocalLLaMA/comments/1abc/x/"


@pytest.mark.parametrize(
    ("title", "news"),
    [
        ("Is it just me or has Claude gotten dumber this week?", False),
        ("Rant: ChatGPT keeps refusing simple requests", False),
        ("Anyone else getting rate limited on the Claude API today?", False),
        ("[P] I built a tool that turns PDFs into flashcards with Llama", False),
        ("Thoughts on the new Gemini update?", False),
        ("Finally got Llama 4 running on my 3090!", False),
        ("Daily Discussion Thread - March 05, 2026", False),
        ("Which LLM is best for roleplay?", False),
        ("Me trying to explain to my boss why the AI can't do everything", False),
        ("Qwen3.5-122B-A10B released on Hugging Face", True),
        ("[R] Attention sinks explain long-context failures (paper)", True),
        ("OpenAI just announced GPT-5.5", True),
        ("DeepSeek V4 benchmark results leaked", True),
        ("Meta is laying off 600 people from its AI unit", True),
        # In a subreddit about AI a post is about AI whatever its words; its form and a
        # sign of news still decide.
        ("Just bought a used A6000 for $2k", False),
        ("Finally got my 4x3090 rig working, it hits 40 tok/s", False),
        ("What a time to be alive", False),
        ("PSA: update your build before the weekend", False),
        ("Unsloth releases dynamic 2.0 quants", True),
        # A text post that asks, anywhere in its title, is its poster asking; one that only
        # names models and sizes says no event (posters name them in every question).
        ("Best local model for Home Assistant voice control? 16GB card", False),
        ("Claude Code vs Codex CLI for a Rails monolith, which one do you prefer?", False),
        ("Gemma 4 27B or Qwen3.5 35B-A3B for invoice extraction on one 4090", False),
        ("Opus 4.6 in Claude Code burns the Max 5x allowance in two hours", False),
        # Asking without a question mark: a question's opening, a call for help.
        ("Are there free credits for testing the Realtime API", False),
        ("Best inference provider for agentic coding by the hour", False),
        ("How do you keep Claude Code from rewriting tests", False),
        ("Trouble loading Qwen3.5 VL in llama.cpp, unknown architecture", False),
        ('"Failed to load organization" error in the Codex CLI', False),
        ("[D] Should I learn CUDA or Triton first as an ML engineer", False),
        ("[R] How sparse attention learns to route in long contexts", True),
        # A flair that says news or paper is the subreddit's sign of news; a paper's
        # title may ask, a post that ends asking still asks.
        ("[N] The EU AI Office's first code of practice for model providers", True),
        ("[R] Do reasoning models know when they are wrong? Calibrated chain of thought", True),
        ("[R] Is the ICML rebuttal portal down for anyone else?", False),
        ("[N] AMA with the Hugging Face science team this Thursday", False),
        ("[D] Self-Promotion Thread", False),
        ("[Guide] Hooks in Claude Code: three months of what worked", False),
        ("Local voice agents are a bigger deal than people realize", False),
        # Launch phrasing without a launch verb.
        ("New open-weight speech model from Kyutai under Apache 2.0", True),
        ("Ollama 0.9 is here with native MLX support", True),
        ("llama.cpp now supports multi-token prediction", True),
        ("OpenAI will bring back the GPT-4o picker after user backlash", True),
    ],
)
def test_subreddit_posts_are_judged_as_an_editor_would(title: str, news: bool) -> None:
    post = item(title, "submitted by /u/someone [link] [comments]", url=REDDIT)
    assert judge(post, aggregator=True).kept is news


def test_a_discussion_posts_flair_is_not_what_its_title_says() -> None:
    # "[D]" (a discussion) is no question in itself: the page it links decides.
    official = "https://www.anthropic.com/research/tracing-planning"
    linked = item("[D] Anthropic's interpretability paper on planning in Claude", url=official)
    assert judge(linked, aggregator=True).kept
    # Under the flair, the title's own words: the poster's story.
    story = item(
        "[D] I spent a month distilling a 70B model into 3B, here is what broke", url=REDDIT
    )
    assert judge(story, aggregator=True).reason == "anecdote"
    # A thread Hacker News readers lifted is a story they discuss, asked or not; the same
    # thread unlifted is a question.
    thread = "https://www.reddit.com/r/LocalLLaMA/comments/1q7qcux/is_the_eu_ai_act/"
    asked = "The EU AI Act's training-data template is a trap for open models?"
    assert judge(item(asked, HN.format(240, 90), url=thread), aggregator=True).kept
    verdict = judge(item(asked, HN.format(12, 3), url=thread), aggregator=True)
    assert verdict.reason == "question" and "discussion site" in verdict.detail
    # The same words on a link, a headline's versioned name counts as an event.
    headline = item("Opus 4.6 in Claude Code burns the Max 5x allowance in two hours")
    assert judge(replace(headline, url="https://someone.example/post"), aggregator=True).kept


@pytest.mark.parametrize(
    "link",
    [
        "https://streamable.com/x1y2z3",
        "https://www.youtube.com/shorts/AbCdEf12345",
        "https://www.tiktok.com/@lab/video/7300000000000000000",
    ],
)
def test_a_clip_on_a_site_of_clips_is_a_clip_alone(link: str) -> None:
    clip = item("Figure's humanoid folding towels at full speed", url=link)
    verdict = judge(clip, aggregator=True)
    assert verdict.reason == "meme" and "picture or a clip" in verdict.detail


def write_dumps(folder: Path, stories: dict[str, list[tuple[str, str, int]]]) -> Path:
    """Days of (title, link, points) in the Hacker News archive's format, one file a day."""
    folder.mkdir()
    hn_id = 48_400_000
    for day, rows in stories.items():
        blocks = []
        for title, url, points in rows:
            hn_id += 50
            blocks.append(
                f"Title: {title}\nStory URL: {url}\n"
                f"Hacker News Post URL: https://news.ycombinator.com/item?id={hn_id}\n"
                f"Points: {points}\nComments: {points // 3}\n"
            )
        text = (
            ("-" * 40 + "\n").join(blocks) + "-" * 40 + f"\nend\nTotal number of posts: {len(rows)}"
        )
        (folder / f"{day}.md").write_text(text, encoding="utf-8")
    return folder


def test_the_hacker_news_days_bench_exports_blind_and_judges_labels(tmp_path: Path) -> None:
    # bench/bench_hn_days.py on two days of stories in the archive's format (ours): a
    # launch told by the press, a lab's own post, an Ask HN question and a story not
    # about AI.
    stories = {
        "2026-06-08": [
            ("Lumen Labs raises $2B to train AI models", "https://techcrunch.com/2026/06/08/lumen/", 300),
            ("Ask HN: Which local LLM do you use for coding?", "No URL", 40),
            ("The history of the paperclip", "https://paperclips.example/history", 250),
            ("Nimbus releases Atlas-2, an open AI image model", "https://www.theverge.com/ai/atlas-2", 310),
        ],
        "2026-06-09": [
            ("Introducing Lumen-4", "https://openai.com/index/lumen-4/", 900),
            ("OpenAI releases Lumen-4, its new reasoning model", "https://www.theverge.com/ai/lumen-4", 80),
        ],
    }  # fmt: skip
    dumps = write_dumps(tmp_path / "dumps", stories)
    bench = Path(__file__).resolve().parents[1] / "bench" / "bench_hn_days.py"
    exported = tmp_path / "items.jsonl"
    done = subprocess.run(
        [sys.executable, str(bench), str(dumps), "--export", str(exported), "--aside", "5"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    # Every story: the two shown and the two set aside (the sample takes all of them);
    # nothing says which is which.
    assert sorted(r["title"] for r in rows) == sorted(
        t for day in stories.values() for t, _, _ in day
    )
    assert all(set(r) == {"id", "day", "title", "link", "hn", "points", "comments"} for r in rows)
    verdicts = {
        "OpenAI releases Lumen-4": (False, None, "models"),
        "Lumen Labs raises": (False, None, "industry"),
        "Nimbus releases": (False, None, "models"),
        "Ask HN": (True, "question", None),
        "The history": (True, "off_topic", None),
        "Introducing Lumen-4": (False, None, "models"),
    }
    labels = tmp_path / "labels.jsonl"
    ids = {r["title"].split()[0]: r["id"] for r in rows}
    with labels.open("w", encoding="utf-8") as out:
        for r in rows:
            junk, kind, category = next(v for k, v in verdicts.items() if r["title"].startswith(k))
            line = {"id": r["id"], "junk": junk, "kind": kind, "category": category}
            out.write(json.dumps(line) + "\n")
        # The days' leads (on the 9th the launch, told twice, and a must-show story the
        # digest cut), and the merges a reader meets: the launch's two tellings are one
        # entry, rightly; the 8th's round and its image model are called one event (a
        # repeat left in two entries) to see the recall count it.
        days = [
            {"day": "2026-06-08", "leads": [[ids["Lumen"]]], "must": []},
            {"day": "2026-06-09", "leads": [[ids["Introducing"], ids["OpenAI"]]], "must": [[ids["Ask"]]]},
            {"day": "2026-06-08", "split": [], "repeats": [[ids["Lumen"], ids["Nimbus"]]]},
            {"day": "2026-06-09", "split": [], "repeats": []},
        ]  # fmt: skip
        out.write("".join(json.dumps(d) + "\n" for d in days))
    done = subprocess.run(
        [sys.executable, str(bench), str(dumps), "--labels", str(labels), "--misses"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "2 days, 3 digest entries, 3 labelled" in done.stdout
    assert "junk shown (of labelled shown)   0.000 (0)" in done.stdout
    assert "category accuracy (news shown)   1.000 (3)" in done.stdout
    assert "news among sampled set-aside      0 of 2" in done.stdout
    assert "leads in top 3 (days)            1.000 (2 days)" in done.stdout
    # The 8th's pick is the versioned launch, not the labelled lead (the round).
    assert "pick is a lead (days)            0.500" in done.stdout
    assert "pick not a lead: 2026-06-08: Nimbus releases Atlas-2" in done.stdout
    assert "must-show shown                  0.000 (1)" in done.stdout
    assert "merge precision (as shown)       1.000 (1 merged)" in done.stdout
    assert "merge recall (as shown)          0.500 (1 repeats)" in done.stdout
    assert "same event, two entries: Lumen Labs raises" in done.stdout


def test_the_rank_weights_bench_re_ranks_labelled_days_under_each_weight(tmp_path: Path) -> None:
    # bench/bench_rank_weights.py: one day of ours whose labelled lead readers lifted far
    # (1,200 points and comments) and a versioned launch the press told with few points;
    # with no weight on points the launch is the pick, with much the lead is (the readers'
    # pick, which would make the lead the pick under both, is off).
    dumps = write_dumps(
        tmp_path / "dumps",
        {
            "2026-06-08": [
                ("Nimbus releases Atlas-2, an open AI image model", "https://www.theverge.com/ai/atlas-2", 5),
                ("AI agents now write most of Lumen's code", "https://lumen.example/agents", 900),
            ]
        },
    )  # fmt: skip
    ids = [
        int(line.split("id=")[1])
        for line in (dumps / "2026-06-08.md").read_text().splitlines()
        if "id=" in line
    ]
    labels = tmp_path / "days.jsonl"
    labels.write_text(
        json.dumps({"day": "2026-06-08", "leads": [[ids[1]]], "must": [[ids[0]]]}) + "\n"
    )
    bench = Path(__file__).resolve().parents[1] / "bench" / "bench_rank_weights.py"
    grid = json.dumps({"engagement_weight": [0.0, 3.0], "readers_pick": [0.0]})
    args = ["--grid", grid, "--split", "none", "--days", str(dumps), str(labels)]
    done = subprocess.run(
        [sys.executable, str(bench), *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == '{"engagement_weight": 0.0, "readers_pick": 0.0} | 1.000, 0.000, 1.000'
    assert lines[2] == '{"engagement_weight": 3.0, "readers_pick": 0.0} | 1.000, 1.000, 1.000'
    wrong = subprocess.run(
        [sys.executable, str(bench), "--grid", '{"engagement": [1]}', "--split", "none"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert wrong.returncode == 2 and "not keys of [rank]: engagement" in wrong.stderr
