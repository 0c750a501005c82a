"""A digest reads in its own language: offline, its frame is in the digest's language and
it says once what it could not translate; with a model, every shown story is translated."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from newsdesk.analyze import offline_headline, translated_top
from newsdesk.models import DayAnalysis, StoryAnalysis
from newsdesk.normalize import sentences
from newsdesk.relevance import REASONS
from newsdesk.schemas import check_briefs, check_stories, check_triage, check_week
from newsdesk.screen import in_language
from newsdesk.terms import title_names
from tests import editorial
from tests.conftest import write_config
from tests.helpers import invoke
from tests.model_server import (
    Call,
    ModelServer,
    Reply,
    day_answer,
    good_answer,
    story_notes,
    week_answer,
)
from tests.test_triage import DAY, KEY, LAB, WIRE, ZH_WIRE, daily, desk, rss

HAN = re.compile(r"[\u4e00-\u9fff]")
STYLES = ("daily-brief", "daily-deep", "roundup")


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", KEY)


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
    # The lede is Chinese too: besides the top story's title it quotes, no English word.
    if style != "daily-deep":  # offline, the deep report has no lede
        lede = re.sub(r"「[^」]*」|\bAI\b", "", offline_lede(text))
        assert not re.search(r"[A-Za-z]", lede), lede


@pytest.mark.parametrize("style", STYLES)
def test_offline_an_en_digest_of_chinese_sources_says_so_in_english(
    tmp_path: Path, style: str
) -> None:
    text = body(write(offline_site(tmp_path, ZH_WIRE), style, "en"))
    h1 = next(line for line in text.splitlines() if line.startswith("# "))
    assert "AI" in h1 and not h1[2:].startswith(ZH_WIRE[0][0])
    assert text.count("untranslated") == 1 and "Configure a model" in text
    assert ZH_WIRE[0][0] in text
    if style != "daily-deep":
        lede = re.sub(r'"[^"]*"', "", offline_lede(text))
        assert not HAN.search(lede) and lede.count(" ") > 5, lede


def offline_lede(text: str) -> str:
    """The first paragraph after the H1 that is not the date, a note or a section."""
    paragraphs = [p for p in body(text).split("\n\n") if p.strip()]
    return next(p for p in paragraphs[1:] if not p.startswith(("#", ">", "**", "---", "-")))


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
    # A sentence-case title's opening verb or common word is no name; a name stops at
    # punctuation and before a lower-case ending ("Altman-backed").
    assert title_names("Extracting books from production language models (2026)") == ()
    assert title_names("Statement from Dario Amodei on our talks") == ("Dario Amodei",)
    assert title_names("Heaps do lie: debugging a memory leak in vLLM.") == ("vLLM",)
    assert title_names("Father sues Google, claiming Gemini drove son") == ("Google", "Gemini")
    assert title_names("Musk Seeks $134B Damages from OpenAI, Microsoft") == (
        "Musk",
        "OpenAI",
        "Microsoft",
    )
    assert title_names("Sam Altman-backed fusion startup Helion") == ("Sam Altman", "Helion")
    assert title_names("Nvidia Open-Sources OpenShell: Agent Runtime") == ("Nvidia", "OpenShell")
    assert title_names("Claude Code gets voice mode") == ("Claude Code",)  # a name goes on
    assert title_names("Beijing bans AI toys") == ("Beijing",)


def test_the_offline_headline_is_built_from_names_in_the_digests_language() -> None:
    from tests.test_triage import day_stories

    stories = day_stories(WIRE)
    assert offline_headline(stories, "zh") == "Aurora Labs、Lumen-4、Nimbus 等 7 条 AI 要闻"
    assert offline_headline(stories, "en") == WIRE[0][0]  # already in English
    assert offline_headline([], "zh") == ""


# -- with a model: every story shown, the H1 and the lede in the digest's language ------

LINKED = re.compile(r"\[((?:\\.|[^\]\\])*)\]\([^)\s]*\)")


def read_lines(text: str) -> list[str]:
    """Each sentence a reader reads, outside links: a link's text is the source's own
    title or name, shown as published by design."""
    found = []
    for line in body(text).splitlines():
        line = LINKED.sub(" ", line).strip(" #>*-|:")
        found += [s for s in sentences(line) if s.strip(" *.·（）()：:，,")]
    return found


def check_language(text: str, lang: str, foreign: list[str]) -> None:
    """The digest reads in `lang`: its H1, its lede and every sentence it shows; no title
    of a source in another language is shown outside the link that carries it."""
    h1 = next(line for line in body(text).splitlines() if line.startswith("# "))
    assert in_language(h1[2:], lang), h1
    wrong = [s for s in read_lines(text) if not in_language(s, lang)]
    assert not wrong, wrong
    outside = LINKED.sub(" ", body(text))
    shown = [title for title in foreign if title in outside]
    assert not shown, shown


def lede(text: str) -> str:
    """The paragraph after a daily-brief's date line."""
    parts = body(text).split("\n\n")
    return next(p for n, p in enumerate(parts) if n and parts[n - 1].startswith("**"))


# Every daily style in both languages, each of a desk whose sources are in the other.
EVERY_DIGEST = pytest.mark.parametrize(
    ("style", "lang"), [(style, lang) for style in STYLES for lang in ("zh", "en")]
)


def foreign(lang: str) -> list[tuple[str, str]]:
    """A wire in the other language than `lang`."""
    return WIRE if lang == "zh" else ZH_WIRE


def foreign_desk(tmp_path: Path, model_server: ModelServer, lang: str) -> Path:
    """A desk with the model whose sources are in the other language than `lang`."""
    return desk(tmp_path, model_server, wire=foreign(lang))


def foreign_titles(lang: str) -> list[str]:
    return [t for t, _ in (WIRE + LAB if lang == "zh" else ZH_WIRE)]


@EVERY_DIGEST
def test_with_a_model_a_digest_reads_in_its_language(
    tmp_path: Path, model_server: ModelServer, style: str, lang: str
) -> None:
    site = foreign_desk(tmp_path, model_server, lang)
    text, _ = daily(site, "--lang", lang, "--style", style)
    check_language(text, lang, foreign_titles(lang))
    if style == "daily-brief":
        assert in_language(lede(text), lang) and len(lede(text)) > 10


MIXED_LEAD = {
    "zh": "This lead was left in English by the model, whatever the prompt said.",
    "en": "这条导语由模型写成了中文，讲的是一家公司发布了新的模型。",
}
LONG_EN = " ".join(["The model explains what the company released and how it works."] * 20)


def mixed(call: Call) -> Reply:
    """A model whose answers read as the right language as a whole, with one field in
    the other: a lead in stories and briefs, the day's headline."""
    zh = call.lang == "zh"
    if call.task == "stories":
        notes = [story_notes(r, call.lang) for r in call.records()]
        for note in notes:
            note["lead"] = MIXED_LEAD[call.lang]
            if not zh:
                note["what"] = LONG_EN
        return Reply(json.dumps({"stories": notes}, ensure_ascii=False))
    if call.task == "day":
        answer = day_answer(call.records(), call.lang)
        answer["headline"] = (
            "Model synthesis: the whole day in English"
            if zh
            else "模型总评：今天的要闻集中在新模型与新工具上"
        )
        if not zh:
            answer["lede"] = LONG_EN
        return Reply(json.dumps(answer, ensure_ascii=False))
    if call.task == "briefs" and zh:
        briefs = [
            {"id": r["id"], "headline": f"第{r['id']}条简讯的中文标题，讲述一项重要进展",
             "lead": "Brief lead left in English."}
            for r in call.records()
        ]  # fmt: skip
        return Reply(json.dumps({"briefs": briefs}, ensure_ascii=False))
    return good_answer(call)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_field_in_the_wrong_language_is_not_shown(
    tmp_path: Path, model_server: ModelServer, lang: str
) -> None:
    site = foreign_desk(tmp_path, model_server, lang)
    model_server.responder = mixed
    text, stderr = daily(site, "--lang", lang)
    check_language(text, lang, foreign_titles(lang))
    assert MIXED_LEAD[lang] not in text and "Brief lead left in English" not in text
    assert "wrong language" in stderr  # the model was told, and the run says so


# A short field in the other language: too short for the share of each script to tell.
SHORT_WRONG = {"zh": "New chip", "en": "英伟达发布新芯片"}
SHORT_RIGHT = {"zh": "新芯片发布", "en": "New chip"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_short_field_in_the_wrong_language_is_caught_in_every_answer(lang: str) -> None:
    wrong, right = SHORT_WRONG[lang], SHORT_RIGHT[lang]
    other_lead = MIXED_LEAD["en" if lang == "zh" else "zh"]  # a long lead in `lang`
    # A brief: a short headline in the other language leaves the brief out, whatever
    # its lead; a short lead in the other language is dropped, the headline stands.
    briefs = {
        "briefs": [
            {"id": 1, "headline": wrong, "lead": other_lead},
            {"id": 2, "headline": right, "lead": SHORT_WRONG[lang]},
            {"id": 3, "headline": "Claude Code", "lead": other_lead},  # a name stands
        ]
    }
    found = check_briefs(json.dumps(briefs, ensure_ascii=False), ids={1, 2, 3}, lang=lang)
    assert sorted(found) == [2, 3] and found[2].lead == "" and found[3].lead == other_lead
    # A story's headline.
    notes = {**story_notes({"id": 1, "translate": True}, lang), "headline": wrong}
    checked = check_stories(json.dumps({"stories": [notes]}), wanted={1: True}, lang=lang)
    assert not checked.stories and "headline: written in the wrong language" in checked.errors[0]
    # A triage headline.
    triage = {
        "stories": [{"id": 1, "headlines": {lang: wrong}}, {"id": 2, "headlines": {lang: "GPT-5"}}]
    }
    judged = check_triage(
        json.dumps(triage, ensure_ascii=False),
        ids={1, 2},
        pairs=set(),
        langs=(lang,),
        categories=set(),
        reasons=set(REASONS),
    )
    assert judged.stories[1].headlines == {} and judged.stories[2].headlines == {lang: "GPT-5"}
    # An axis's title.
    week = week_answer([{"id": n} for n in range(1, 9)], lang)
    week["axes"][0]["title"] = wrong
    checked = check_week(
        json.dumps(week, ensure_ascii=False),
        ids=set(range(1, 9)),
        lang=lang,
        min_axes=2,
        max_axes=6,
    )
    assert checked.answer is None
    assert checked.errors == [
        "axis 1 title: written in the wrong language: "
        f"write in {'Chinese (中文)' if lang == 'zh' else 'English (英文)'}"
    ]


# -- degraded: what the model could not do, said honestly ---------------------------------


def failing(task: str, reply: Reply) -> Callable[[Call], Reply]:
    """A well-behaved model whose `task` calls fail with `reply`."""
    return lambda call: reply if call.task == task else good_answer(call)


BOOM = Reply(status=500, body={"error": {"message": "boom"}})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_translated_headline_over_a_lead_as_published_is_counted_in_the_note(
    tmp_path: Path, model_server: ModelServer, lang: str
) -> None:
    site = foreign_desk(tmp_path, model_server, lang)
    model_server.responder = failing("briefs", BOOM)
    text, _ = daily(site, "--lang", lang)
    # Beyond the shortlist, the triage's headline in the digest's language over the
    # lead as the source wrote it.
    shown = re.findall(r"^\*\*(.+?)\*\* (.+?) \[", body(text), re.M)
    as_published = [h for h, lead in shown if not in_language(lead, lang)]
    assert as_published and all(in_language(h, lang) for h, _ in shown)
    if lang == "zh":
        assert f"有 {len(as_published)} 条新闻来自其他语言的来源，模型未能译出" in text
        assert "配置模型" not in text
    else:
        assert (
            f"Note: {len(as_published)} stories come from sources in another language; "
            "the model could not translate" in text
        )
        assert "Configure a model" not in text


@EVERY_DIGEST
def test_when_the_day_synthesis_fails_the_frame_stays_in_the_digests_language(
    tmp_path: Path, model_server: ModelServer, style: str, lang: str
) -> None:
    site = foreign_desk(tmp_path, model_server, lang)
    model_server.responder = failing("day", BOOM)
    text, stderr = daily(site, "--lang", lang, "--style", style)
    assert "synthesis written offline" in stderr
    check_language(text, lang, foreign_titles(lang))  # the H1, the lede, the pick


def briefs_only(call: Call) -> Reply:
    """A model whose only usable answers are briefs, each with its lead in the other
    language: the top story is named in the digest's language and has no text in it."""
    if call.task != "briefs":
        return Reply("Sorry, I cannot help with that.")
    headline = "简讯标题{}" if call.lang == "zh" else "Brief headline {}"
    briefs = [
        {"id": r["id"], "headline": headline.format(r["id"]), "lead": MIXED_LEAD[call.lang]}
        for r in call.records()
    ]
    return Reply(json.dumps({"briefs": briefs}, ensure_ascii=False))


@EVERY_DIGEST
def test_a_pick_with_no_text_in_the_digests_language_keeps_its_headline_and_link(
    tmp_path: Path, model_server: ModelServer, style: str, lang: str
) -> None:
    site = foreign_desk(tmp_path, model_server, lang)
    model_server.responder = briefs_only
    text, stderr = daily(site, "--lang", lang, "--style", style)
    assert "synthesis written offline" in stderr
    check_language(text, lang, foreign_titles(lang))
    h1 = next(line for line in body(text).splitlines() if line.startswith("# "))
    headline = r"简讯标题\d+" if lang == "zh" else r"Brief headline \d+"
    if style == "roundup":  # no pick section: the H1 is the top story's headline
        assert re.fullmatch(f"# {headline}", h1), h1
        return
    pick = re.search(rf"^## (?:🎯 )?(?:今日精选：|Pick of the day: )({headline})$", text, re.M)
    assert pick, text
    # No text in the other language, and none invented: the headline, then its link.
    after = text[pick.end() :].lstrip("\n")
    assert after.startswith(("[查看详情 →](https://", "[Read more →](https://")), after


@pytest.mark.parametrize(
    ("offline", "shown"),
    [("这条新闻的一段中文摘录，来自抓取的正文。", True), (WIRE[0][1], False)],
)
def test_a_pick_without_a_translated_lead_keeps_an_offline_text_in_the_digests_language(
    offline: str, shown: bool
) -> None:
    from tests.test_triage import day_stories

    stories = day_stories(WIRE)
    top = stories[0].id
    analysis = DayAnalysis(
        headline="Aurora Labs、Lumen-4 等 7 条 AI 要闻",
        lede="",
        stories={top: StoryAnalysis(lead="", body="", headline="极光实验室发布 Lumen-4")},
        pick_id=top,
        pick_text=offline,
    )
    framed = translated_top(analysis, stories, "zh")
    assert framed.headline == "极光实验室发布 Lumen-4"
    assert framed.pick_text == (offline if shown else "")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("cause", ["rate-limited", "budget"])
def test_a_model_that_was_unavailable_is_not_a_model_to_configure(
    tmp_path: Path, model_server: ModelServer, lang: str, cause: str
) -> None:
    if cause == "budget":  # every call would pass the run's budget: none is made
        site = desk(tmp_path, model_server, wire=foreign(lang), max_tokens_per_run=1000)
    else:
        site = foreign_desk(tmp_path, model_server, lang)
        model_server.script = [Reply(status=429, body={"error": {"message": "slow down"}})]
    text, stderr = daily(site, "--lang", lang)
    said = {"budget": "max_tokens_per_run", "rate-limited": "rate-limited"}[cause]
    assert said in stderr and len(model_server.calls) == (cause != "budget")  # then no more
    if lang == "zh":
        assert "未作翻译。本次运行时模型不可用。" in text and "配置模型" not in text
    else:
        assert "untranslated. The model was unavailable for this run." in text
        assert "Configure a model" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("style", ["daily-brief", "daily-deep"])
def test_a_model_whose_answers_were_unusable_is_not_said_to_be_unavailable(
    tmp_path: Path, model_server: ModelServer, lang: str, style: str
) -> None:
    site = foreign_desk(tmp_path, model_server, lang)
    model_server.responder = lambda call: Reply("Sorry, I cannot help with that.")
    text, stderr = daily(site, "--lang", lang, "--style", style)
    assert model_server.calls and "written offline" in stderr
    if lang == "zh":
        assert "未作翻译。本次运行中模型的回答无法使用。" in text
        assert "不可用" not in text and "配置模型" not in text
    else:
        assert "untranslated. The model's answers could not be used for this run." in text
        assert "unavailable" not in text and "Configure a model" not in text
    if style == "daily-deep":
        assert (
            "本次运行中模型的回答无法使用，本版为原文摘录"
            if lang == "zh"
            else "could not be used for this run: this edition quotes"
        ) in text


# -- offline H1s on the real weeks ---------------------------------------------------------

# What the offline H1s of real days once named (session 14's audit): the verbs and
# common words titles open with ("Extracting books from …", "Statement from …").
NOT_NAMES = frozenset(
    """
    extracting designing heaps unrolling measuring statement father cancel partnering switch
    military gamers updates memory big met he advancing put latest scaling agreement
    murder-suicide understand customize notes ai-generated ai-resistant ai-proof a.i ceos
    march trillion-parameter open-sources
    """.split()
)
_VERB = re.compile(r"[A-Z][a-z]{2,}(?:ing|ed)")


@pytest.mark.skipif(not editorial.available(), reason="../shared/corpora/real-2026-01 missing")
@pytest.mark.parametrize("split", ["tune", "validate"])
def test_offline_h1s_of_real_days_are_built_from_names(split: str, tmp_path: Path) -> None:
    outcome = editorial.run_split(split, tmp_path)
    built = 0
    for stories in outcome.days.values():
        shown = stories[: outcome.top]
        for h1, pattern, joint in (
            (offline_headline(shown, "zh"), r"(.+) 等 \d+ 条 AI 要闻", "、"),
            (offline_headline(shown, "en"), r"(.+) and more: \d+ AI stories today", ", "),
        ):
            found = re.fullmatch(pattern, h1)
            for name in found.group(1).split(joint) if found else []:
                built += 1
                first = name.split()[0]
                assert first.casefold() not in NOT_NAMES, h1
                assert not _VERB.fullmatch(first) and not first.islower(), h1
    assert built >= 40  # most real days' tops are English: their zh H1 is built from names
