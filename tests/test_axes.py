"""The week's axes offline (axes.py): what counts as evidence that two stories belong
under one heading. The labelled real weeks pin purity in test_editorial.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from newsdesk.axes import _specific, offline_axes
from newsdesk.models import Story, Thread
from newsdesk.terms import item_terms
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


@pytest.mark.parametrize("token", ["off", "next", "six", "back", "ahead", "dozen", "支持", "开源"])
def test_function_words_and_kinds_of_news_say_nothing_specific(token: str) -> None:
    assert not _specific(token)


@pytest.mark.parametrize("token", ["nemotron", "grok", "@nvidia", "dram", "英伟"])
def test_names_and_rare_words_are_specific(token: str) -> None:
    assert _specific(token)
