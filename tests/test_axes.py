"""The week's axes offline (axes.py): what counts as evidence that two stories belong
under one heading. The labelled real weeks pin purity in test_editorial.py."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk.axes import _specific, keywords, offline_axes
from newsdesk.models import Story, Thread
from newsdesk.terms import common_word, item_terms, stop_word
from tests.helpers import news_item

T0 = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)
OTHER = [
    "Harbor Robotics unveils a humanoid robot for warehouses",
    "EU regulators open a probe into the Vega chatbot's data use",
    "Quanta ships an AI accelerator for phones",
]


def threads(titles: list[str]) -> list[Thread]:
    """One story a title, a thread each, on consecutive days."""
    found = []
    for n, title in enumerate(titles):
        item = news_item(title, at=T0 + dt.timedelta(days=n % 7), source="Wire", ident=n + 1)
        item = replace(item, terms=item_terms(item.title, item.summary))
        found.append(Thread(Story(n + 1, item.published.date(), [item], "industry", 1.0)))
    return found


def grouped(titles: list[str]) -> list[set[str]]:
    axes = offline_axes(threads(titles), lang="en", max_axes=6)
    return [{titles[i - 1] for i in axis.story_ids} for axis in axes]


def test_stories_that_share_two_names_make_an_axis() -> None:
    pair = [
        "Musk's Grok generated undressed images on X",
        "Government demands Musk act on appalling Grok deepfakes",
    ]
    assert grouped([*pair, *OTHER]) == [set(pair)]


def test_a_hyphenated_word_is_one_piece_of_evidence() -> None:
    # "self-driving" is stored with its parts ("self", "driv"): one thing, not three.
    pair = [
        "BYD's cheapest electric cars get self-driving tech",
        "Wayve tests self-driving software in Tokyo",
    ]
    assert grouped([*pair, *OTHER]) == []


def test_one_company_s_name_alone_makes_no_axis() -> None:
    # "Nvidia" counts once (as a name and as a word), and "deal" says nothing specific.
    pair = ["Nvidia signs a chip deal with Cohere", "Oracle and Nvidia end their cloud deal"]
    assert grouped([*pair, *OTHER]) == []


@pytest.mark.parametrize(
    "pair",
    [
        ["Aurora Labs hires a chief scientist", "Aurora Labs moves its office to Berlin"],
        ["Jensen Huang visits suppliers in Taipei", "Jensen Huang says robots come next"],
        ["Designing frontends with GPT-5.4", "GPT-5.4 Thinking System Card"],
    ],
)
def test_one_name_alone_is_one_thing_whatever_its_words(pair: list[str]) -> None:
    # "Aurora Labs" is one name, not two things; "GPT-5.4" one model with its version.
    assert grouped([*pair, *OTHER]) == []


@pytest.mark.parametrize(
    "pair",
    [
        [
            "Orbit Labs Vega-2 open-weight model gets a community fine-tune",
            "Orbit Labs tightens Vega-2 licence terms for large deployments",
        ],
        ["Corvid HX9 chips reach cloud providers", "Corvid HX9 posts strong benchmark results"],
        ["Claude Opus 4.6 solves an old puzzle", "Eval awareness in Claude Opus 4.6"],
    ],
)
def test_a_maker_and_its_model_or_a_product_and_its_version_make_an_axis(
    pair: list[str],
) -> None:
    # Two things each: a maker and its model ("Orbit Labs" and "Vega-2", written as one
    # run or apart; "Corvid" and "HX9"), a product and its version ("Claude Opus", 4.6).
    # (Beside stories that do not name Vega: a name in most of a week's stories says
    # nothing of any.)
    others = [OTHER[0], OTHER[2], "Patchwork IDE adds an agent that fixes failing tests"]
    assert grouped([*pair, *others]) == [set(pair)]


@pytest.mark.parametrize("token", ["off", "next", "six", "back", "ahead", "dozen", "支持", "开源"])
def test_function_words_and_kinds_of_news_say_nothing_specific(token: str) -> None:
    assert not _specific(token)


@pytest.mark.parametrize("token", ["nemotron", "grok", "@nvidia", "dram", "英伟"])
def test_names_and_rare_words_are_specific(token: str) -> None:
    assert _specific(token)


@pytest.mark.parametrize(
    "word", ["twelve", "dozen", "hundred", "million", "several", "latest", "back", "我们", "今日"]
)
def test_a_word_that_says_nothing_is_no_evidence_and_no_signal_keyword(word: str) -> None:
    # The axes and the signals read the stop and function words of `terms`, one list.
    assert not _specific(word)
    assert keywords(f"Orbit {word} Vega") == {"orbit", "vega"}


@pytest.mark.parametrize("word", ["six", "twelve", "dozen", "hundred", "million", "billion"])
def test_a_number_written_as_a_word_is_a_stop_word_and_no_name(word: str) -> None:
    assert stop_word(word) and common_word(word.title())


def test_an_axis_is_named_alike_in_every_process() -> None:
    # Two names two stories share equally: the order is the stories', never a set's (a
    # rerun of the week in a new process names the axis alike).
    script = (
        "from tests.test_axes import OTHER, threads\n"
        "from newsdesk.axes import offline_axes\n"
        "pair = ['Musk says Grok will change', 'Grok images draw a Musk reply']\n"
        "print([a.title for a in offline_axes(threads([*pair, *OTHER]), lang='en', max_axes=6)])"
    )
    root = Path(__file__).parent.parent
    titles = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(4)
    }
    assert len(titles) == 1 and "Musk and Grok" in titles.pop()
