"""A digest reads in its own language: offline, its frame is in the digest's language and
it says once what it could not translate; with a model, every shown story is translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsdesk.analyze import offline_headline
from newsdesk.terms import title_names
from tests.conftest import write_config
from tests.helpers import invoke
from tests.test_triage import DAY, WIRE, ZH_WIRE, rss

HAN = re.compile(r"[\u4e00-\u9fff]")
STYLES = ("daily-brief", "daily-deep", "roundup")


def offline_site(folder: Path, wire: list[tuple[str, str]]) -> Path:
    feeds = folder / "feeds"
    feeds.mkdir(parents=True)
    (feeds / "wire.xml").write_text(rss(wire, "wire.example"), encoding="utf-8")
    write_config(
        folder,
        'timezone = "UTC"\ndatabase = "news.db"\n[site]\nout = "site"\n'
        '[[sources]]\nname = "Wire"\nurl = "feeds/wire.xml"\n',
    )
    assert invoke("--config", folder / "newsdesk.toml", "collect")[0] == 0
    return folder


def write(site: Path, style: str, lang: str) -> str:
    code, stdout, stderr = invoke(
        "--config", site / "newsdesk.toml", "daily", "--date", DAY, "--style", style,
        "--lang", lang,
    )  # fmt: skip
    assert code == 0, stderr
    return Path(stdout.strip()).read_text(encoding="utf-8")


def body(text: str) -> str:
    """The post without its front matter."""
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


@pytest.mark.parametrize("style", STYLES)
def test_offline_a_zh_digest_of_english_sources_has_a_chinese_frame(
    tmp_path: Path, style: str
) -> None:
    text = body(write(offline_site(tmp_path, WIRE), style, "zh"))
    h1 = next(line for line in text.splitlines() if line.startswith("# "))
    assert HAN.search(h1), h1
    assert not any(h1[2:].startswith(title) for title, _ in WIRE)  # not an English title
    # Said once: the stories are shown as published, and a model would translate them.
    assert text.count("未作翻译") == 1 and "配置模型" in text
    assert WIRE[0][0] in text  # the original title, not an invented translation
    frame = [
        line
        for line in text.splitlines()
        if line.startswith(("#", ">")) and not any(t in line for t, _ in WIRE)
    ]
    assert frame and all(HAN.search(line) for line in frame), frame


@pytest.mark.parametrize("style", STYLES)
def test_offline_an_en_digest_of_chinese_sources_says_so_in_english(
    tmp_path: Path, style: str
) -> None:
    text = body(write(offline_site(tmp_path, ZH_WIRE), style, "en"))
    h1 = next(line for line in text.splitlines() if line.startswith("# "))
    assert "AI" in h1 and not h1[2:].startswith(ZH_WIRE[0][0])
    assert text.count("untranslated") == 1 and "Configure a model" in text
    assert ZH_WIRE[0][0] in text


def test_a_digest_in_the_sources_language_has_no_translation_note(tmp_path: Path) -> None:
    text = write(offline_site(tmp_path, WIRE), "daily-brief", "en")
    assert "untranslated" not in text and "Configure a model" not in text


def test_title_names_are_the_names_a_title_is_about() -> None:
    assert title_names(WIRE[0][0]) == ("Aurora Labs", "Lumen-4")
    assert title_names("Nimbus raises $2 billion to build inference chips") == ("Nimbus",)
    assert title_names("The quiet revolution of AI companions") == ()
    assert title_names("Anthropic Drops Flagship Safety Pledge") == ("Anthropic",)
    assert title_names("Show HN: Gemini CLI for the terminal") == ("Gemini CLI",)
    assert title_names("星河科技发布开源大模型 Polaris-2") == ("星河科技",)
    # A report's opening ("消息称", "据悉") is not the subject.
    assert title_names("消息称 Nimbus 正以 200 亿美元估值融资") == ("Nimbus",)
    assert title_names("据悉，星河科技将开源新模型") == ("星河科技",)


def test_the_offline_headline_is_built_from_names_in_the_digests_language() -> None:
    from tests.test_triage import day_stories

    stories = day_stories(WIRE)
    assert offline_headline(stories, "zh") == "Aurora Labs、Nimbus 等 7 条 AI 要闻"
    assert offline_headline(stories, "en") == WIRE[0][0]  # already in English
    assert offline_headline([], "zh") == ""
