"""`newsdesk weekly` on a fixture fortnight (2026-W45 and W46, tests/data/week): the raw
list, the axes, the model's advice and outlook, signals followed up a week later, and a
continuing story counted once."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from newsdesk.errors import ConfigError
from newsdesk.models import Continuation, Story
from newsdesk.screen import in_language
from newsdesk.week import best, parse_week, threads, week_days
from tests.helpers import invoke
from tests.model_server import Call, ModelServer, Reply, good_answer

WEEK_DATA = Path(__file__).parent / "data" / "week"
LINK = re.compile(r"(?<!\\)\]\(([^)\s]+)\)")  # a link, not escaped link syntax
SECRET = "sk-week-secret"


def week_site(folder: Path, extra: str = "", site_block: str = '[site]\nout = "site"\n') -> Path:
    """A site whose sources are the fixture fortnight's feeds, collected."""
    for feed in WEEK_DATA.glob("*.xml"):
        shutil.copy(feed, folder / feed.name)
    (folder / "newsdesk.toml").write_text(
        'database = "news.db"\n'
        + site_block
        + '[[sources]]\nname = "Orbit Wire"\nurl = "orbit-wire.xml"\ncurated = true\n'
        '[[sources]]\nname = "星河快讯"\nurl = "xinghe-kuaixun.xml"\ncurated = true\n' + extra,
        encoding="utf-8",
    )
    assert run(folder, "collect")[0] == 0
    return folder


def llm(server: ModelServer) -> str:
    return (
        f'\n[llm]\nbase_url = "{server.base_url}"\nmodel = "test-model"\n'
        'api_key_env = "NEWSDESK_TEST_KEY"\nretries = 0\nconcurrency = 1\n'
        "\n[triage]\nenabled = false\n"
    )


def run(site: Path, *args: str) -> tuple[int, str, str]:
    return invoke("--config", site / "newsdesk.toml", *args)


def weekly(site: Path, *args: str) -> tuple[str, str, str]:
    """The raw list's text, the post's text, and stderr."""
    code, stdout, stderr = run(site, "weekly", *args)
    assert code == 0, stderr
    listing, post = (Path(line) for line in stdout.split())
    return listing.read_text(encoding="utf-8"), post.read_text(encoding="utf-8"), stderr


def stored(site: Path, query: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(site / "news.db") as db:
        return list(db.execute(query, params))


def week_urls(site: Path, first: str, last: str) -> set[str]:
    rows = stored(
        site,
        "SELECT i.url FROM stories s JOIN story_items si ON si.story_id = s.id "
        "JOIN items i ON i.id = si.item_id WHERE s.day BETWEEN ? AND ?",
        first,
        last,
    )
    return {str(r[0]) for r in rows}


def sections(post: str, marker: str) -> list[str]:
    return re.split(rf"^### {marker}", post, flags=re.M)[1:]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return week_site(tmp_path)


def test_raw_list_has_every_story_once_with_every_link(site: Path) -> None:
    listing, post, _ = weekly(site, "--week", "2026-W45", "--offline")
    assert listing.startswith("# AI Weekly Digest — 2026-W45\n")
    assert set(LINK.findall(listing)) == week_urls(site, "2026-11-02", "2026-11-08")
    # Vega-2 ran on Monday and Tuesday (and in two languages): one entry with every link.
    entries = [line for line in listing.splitlines() if line.startswith("- ")]
    vega = [line for line in entries if "vega2-leaderboard" in line]
    assert len(vega) == 1 and "vega2-release" in vega[0] and "后续：11月3日" in vega[0]
    threads = stored(
        site,
        "SELECT count(*) FROM stories WHERE day BETWEEN '2026-11-02' AND '2026-11-08' "
        "AND (continues_id IS NULL OR continues_day < '2026-11-02')",
    )[0][0]
    assert len(entries) == threads == 12
    assert "共 12 个事件、15 条报道" in listing
    assert post.rstrip().endswith(
        "[AI Weekly Digest — 2026-W45](weekly_news/ai_news_2026-W45.md)："
        "本周全部 12 个事件，按日期与类别列出，附全部来源链接"
    )


def test_offline_axes_cite_real_stories_and_leave_model_sections_out(site: Path) -> None:
    # Offline, an axis is a group of stories that share specific things: in W46, the
    # Vega-2 stories share a maker and its model ("Orbit Labs", "Vega-2"). W45's pairs
    # share one name each (星河科技, Patchwork): one name alone makes no axis.
    _, post, _ = weekly(site, "--week", "2026-W45", "--offline")
    assert not sections(post, "主轴")
    _, post, _ = weekly(site, "--week", "2026-W46", "--offline")
    axes = sections(post, "主轴")
    assert len(axes) == 1 and "Orbit Labs" in axes[0] and "Vega-2" in axes[0]
    urls = week_urls(site, "2026-11-09", "2026-11-15")
    for axis in axes:
        body = axis.split("\n### ")[0]
        story_lines = [line for line in body.splitlines() if line.startswith("- 11月")]
        assert len(story_lines) >= 2, axis
        # Each cited story's link (and its other sources') is a stored link of the week.
        assert set(LINK.findall(body)) <= urls, axis
        assert len({LINK.findall(line)[0] for line in story_lines}) == len(story_lines)
    assert "离线聚类" in post
    for section in ("对不同角色的短期建议", "趋势展望", "结语", "影响判断："):
        assert section not in post


def test_week_is_deterministic(site: Path) -> None:
    first = weekly(site, "--week", "2026-W45", "--offline")
    again = weekly(site, "--week", "2026-W45", "--offline")
    assert first[:2] == again[:2]


def test_model_week_writes_axes_advice_outlook_and_stores_signals(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = week_site(tmp_path, llm(model_server))
    _, post, stderr = weekly(site, "--week", "2026-W45", "--lang", "en")
    tasks = [c.task for c in model_server.calls]
    # The axes, one briefs call for the cited stories no one titled in English yet (the
    # Chinese source's), then advice and outlook.
    assert tasks == ["week", "briefs", "outlook"]
    briefed = model_server.calls[1].records()
    assert briefed and all(re.search(r"[\u4e00-\u9fff]", r["title"]) for r in briefed)
    # The week's call reads the stored stories' ids and leads, never a URL.
    week_call = model_server.calls[0]
    sent = week_call.records()
    assert {r["id"] for r in sent} == {
        int(r[0])
        for r in stored(
            site,
            "SELECT id FROM stories WHERE day BETWEEN '2026-11-02' AND '2026-11-08' "
            "AND (continues_id IS NULL OR continues_day < '2026-11-02')",
        )
    }
    assert all("://" not in json.dumps(block) for block in week_call.blocks())
    assert post.startswith("# AI Weekly (2026-W45): Model review: open weights")
    axes = sections(post, "Axis")
    assert len(axes) == 4
    for axis in axes:
        assert "Evidence: Several stories" in axis and axis.count("](https://") >= 2
        assert "Impact:\n\n- Teams will revisit their vendors." in axis
    assert "### Short-term advice by role" in post
    for name in (
        "Decision makers",
        "Product and engineering teams",
        "Researchers and infrastructure providers",
        "Policy makers and regulators",
    ):
        assert f"- **{name}**: For {name}: pilot before committing." in post
    assert "Signal: Orbit Labs tightens the licence terms of Vega-2 open weights" in post
    assert "(watch for 8 weeks, until 2027-01-03)" in post
    assert "### Closing\n\nModel closing:" in post
    signals = stored(site, "SELECT week, lang, signal, expires FROM signals ORDER BY id")
    assert len(signals) == 4
    assert signals[0] == (
        "2026-W45",
        "en",
        "Orbit Labs tightens the licence terms of Vega-2 open weights",
        "2027-01-03",
    )
    assert "model test-model: 3 calls" in stderr
    # A rerun reads the week's answers from the cache.
    weekly(site, "--week", "2026-W45", "--lang", "en")
    assert len(model_server.calls) == 3


def test_signal_is_followed_up_the_next_week_offline(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = week_site(tmp_path, llm(model_server))
    weekly(site, "--week", "2026-W45", "--lang", "en")
    _, post, _ = weekly(site, "--week", "2026-W46", "--lang", "en", "--offline")
    section = post.split("### Earlier signals that moved\n")[1].split("\n### ")[0]
    assert "**Licences tighten** (named in 2026-W45)" in section
    assert "vega2-licence" in section
    # Near misses: a licence primer, and another Vega-2 story without the licence.
    assert "licence-explainer" not in section and "vega2-finetune" not in section
    evidence = stored(site, "SELECT story_id, day, by_model FROM signal_evidence")
    assert [(day, by_model) for _, day, by_model in evidence] == [("2026-11-10", 0)]
    # The week before has nothing to follow up.
    _, earlier, _ = weekly(site, "--week", "2026-W45", "--lang", "en", "--offline")
    assert "Earlier signals" not in earlier


def test_a_daily_run_with_a_model_checks_open_signals(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = week_site(tmp_path, llm(model_server))
    weekly(site, "--week", "2026-W45")
    code, _, stderr = run(site, "daily", "--date", "2026-11-10", "--no-collect")
    assert code == 0, stderr
    signal_calls = [c for c in model_server.calls if c.task == "signals"]
    assert len(signal_calls) == 1
    signals, stories = signal_calls[0].blocks()
    assert signals[0]["signal"] == "Orbit Labs 收紧 Vega-2 开放权重的许可条款"
    assert any("licence" in s["title"] for s in stories)
    rows = stored(site, "SELECT e.day, e.note, e.by_model FROM signal_evidence e")
    assert rows == [("2026-11-10", "这条新闻表明许可条款确实收紧了。", 1)]
    _, post, _ = weekly(site, "--week", "2026-W46")
    assert "### 此前信号的进展" in post and "这条新闻表明许可条款确实收紧了" in post


def test_continuing_story_links_its_first_coverage_and_counts_once(site: Path) -> None:
    code, stdout, _ = run(site, "daily", "--date", "2026-11-02", "--no-collect")
    assert code == 0
    first_post = Path(stdout.strip()).name
    listing, post, _ = weekly(site, "--week", "2026-W46", "--offline")
    entries = [line for line in listing.splitlines() if line.startswith("- ")]
    vega = [line for line in entries if "vega2-finetune" in line]
    assert len(vega) == 1
    assert f"持续跟踪：[11月2日首次报道](../{first_post})" in vega[0]  # from weekly_news/
    assert (site / "site" / "weekly_news" / ".." / first_post).is_file()
    hx9 = next(line for line in entries if "hx9-benchmark" in line)
    assert f"持续跟踪：[11月2日首次报道](../{first_post})" in hx9
    # In the post, the Vega-2 stories make an axis; the continuing one links its first
    # coverage. (The HX9 benchmark is alone in its week: it shares nothing with another
    # story, so it is in the list, not on an axis.)
    continuing = next(line for line in post.splitlines() if "vega2-finetune" in line)
    assert f"持续跟踪：[11月2日首次报道]({first_post})" in continuing
    assert "hx9-benchmark" not in post
    assert "共 8 个事件、8 条报道" in listing
    assert post.count("vega2-finetune") <= 1


def test_unusable_week_answer_falls_back_to_clustering(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = week_site(tmp_path, llm(model_server))
    bad = json.dumps({"headline": "x", "lede": "y", "axes": [{"title": "t", "story_ids": [99999]}]})
    model_server.script = [Reply(bad), Reply(bad)]
    model_server.responder = good_answer
    _, post, stderr = weekly(site, "--week", "2026-W46", "--lang", "en")
    assert "the axes were clustered offline" in stderr
    assert "offline clustering" not in post  # the outlook came from the model
    assert len(sections(post, "Axis")) >= 1
    assert "### Outlook: signals to watch" in post


def test_week_argument_and_style_errors(site: Path) -> None:
    assert parse_week("2026w6") == "2026-W06"
    assert week_days("2026-W01")[0].isoformat() == "2025-12-29"
    with pytest.raises(ConfigError, match="ISO week"):
        parse_week("2026-13")
    code, _, stderr = run(site, "weekly", "--week", "2026-W60")
    assert code != 0 and "ISO week" in stderr
    code, _, stderr = run(site, "weekly", "--week", "2025-W10")
    assert code != 0 and "no stories are stored for 2025-W10" in stderr


def test_styles_lists_all_five_and_user_overrides(site: Path) -> None:
    code, stdout, _ = run(site, "styles")
    assert code == 0
    for name in ("roundup", "weekly-axes", "weekly-overview", "daily-deep", "daily-brief"):
        assert name in stdout
    folder = site / "templates"
    folder.mkdir()
    (folder / "weekly-overview.en.md.j2").write_text(
        '{% set post_title = "Mine " ~ week %}# Mine {{ week }}\n\n'
        "{% for a in axes %}- {{ a.title | md }}\n{% endfor %}",
        encoding="utf-8",
    )
    code, stdout, _ = run(site, "styles")
    assert f"weekly-overview.en: {folder / 'weekly-overview.en.md.j2'}" in stdout
    _, post, _ = weekly(site, "--week", "2026-W45", "--lang", "en", "--style", "weekly-overview")
    assert post.startswith("# Mine 2026-W45\n")


def test_an_offline_rerun_keeps_the_model_s_daily_analysis(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = week_site(tmp_path, llm(model_server))
    for extra in ((), ("--offline",)):
        code, _, stderr = run(site, "daily", "--date", "2026-11-02", "--no-collect", *extra)
        assert code == 0, stderr
    rows = stored(site, "SELECT by_model, lead FROM analyses WHERE day = '2026-11-02'")
    assert rows and all(by_model == 1 for by_model, _ in rows)
    notes = stored(site, "SELECT model, headline FROM day_notes WHERE day = '2026-11-02'")
    assert notes == [("test-model", "模型总评：今天的人工智能要闻集中在新模型与新工具")]
    # The weekly prompt reads those stored leads, not the stories' text.
    weekly(site, "--week", "2026-W45")
    sent = next(c for c in model_server.calls if c.task == "week").records()
    assert any(r["lead"].startswith("第") and "号新闻" in r["lead"] for r in sent)


CITED = re.compile(r"\[((?:\\.|[^\]\\])+)\]\((https?://[^)\s]+)\)")


def plain(text: str) -> str:
    """A name as the post shows it, as the store holds it: escapes undone."""
    return " ".join(html.unescape(re.sub(r"\\(.)", r"\1", text)).split())


def cited_names(post: str) -> list[str]:
    """The name of each story an axis of a weekly-overview cites: quoted in the sentence
    before its source link, or the link's own text."""
    names = []
    for theme in post.split("\n### ")[1:-1]:  # the axes, not the references
        for line in theme.splitlines()[1:]:
            start = 0
            for link in CITED.finditer(line):
                sentence = line[start : link.start()]
                start = link.end()
                quoted = re.findall(r"「([^」]+)」|“([^”]+)”", sentence)
                names.append(plain("".join(quoted[-1]) if quoted else link.group(1)))
    return names


def week_titles(
    site: Path, lang: str | None = None, days: tuple[str, str] = ("2026-11-02", "2026-11-08")
) -> set[str]:
    """The titles of the week's stored items (in `lang` only, when given)."""
    rows = stored(
        site,
        "SELECT i.title, i.lang FROM stories s JOIN story_items si ON si.story_id = s.id "
        "JOIN items i ON i.id = si.item_id WHERE s.day BETWEEN ? AND ?",
        *days,
    )
    return {" ".join(str(title).split()) for title, found in rows if lang in (None, found)}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_weekly_overview_names_every_story_it_cites(site: Path, lang: str) -> None:
    _, post, _ = weekly(
        site, "--week", "2026-W46", "--offline", "--lang", lang, "--style", "weekly-overview"
    )
    names = cited_names(post)
    assert len(names) >= 2
    # Offline, each story is named by its own stored title (never by its source).
    titles = week_titles(site, days=("2026-11-09", "2026-11-15"))
    assert all(name in titles for name in names), names


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_with_a_model_the_weekly_overview_names_cited_stories_in_its_language(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = week_site(tmp_path, llm(model_server))
    _, post, _ = weekly(site, "--week", "2026-W45", "--lang", lang, "--style", "weekly-overview")
    names = cited_names(post)
    assert len(names) >= 8
    # A story from a source in the post's language by its title; any other by the
    # headline the model wrote in the post's language (one briefs call for them all).
    foreign = week_titles(site) - week_titles(site, lang)
    for name in names:
        assert name not in foreign and in_language(name, lang), name
    assert [c.task for c in model_server.calls].count("briefs") == 1
    calls = len(model_server.calls)
    again = weekly(site, "--week", "2026-W45", "--lang", lang, "--style", "weekly-overview")[1]
    assert len(model_server.calls) == calls and again == post  # the headlines are cached


def test_the_weeks_headlines_are_asked_in_batches_each_cached(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of two (as the day's briefs are batched, only smaller): the first answer
    # is cut off at the token limit and loses only its own batch.
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    monkeypatch.setattr("newsdesk.analyze.BRIEF_BATCH", 2)
    extra = llm(model_server).replace("concurrency = 1\n", "concurrency = 1\nbatch_size = 1\n")
    site = week_site(tmp_path, extra)
    cut: list[Call] = []

    def cut_once(call: Call) -> Reply:
        if call.task == "briefs" and not cut:
            cut.append(call)
            return Reply('{"briefs": [{"id": 1, "headl', finish_reason="length")
        return good_answer(call)

    model_server.responder = cut_once
    _, post, _ = weekly(site, "--week", "2026-W45", "--style", "weekly-overview")
    asked = [c.records() for c in model_server.calls if c.task == "briefs"]
    assert len(asked) >= 3 and all(len(records) <= 2 for records in asked)
    named = [n for n in cited_names(post) if n.startswith("简讯标题")]
    assert len(named) >= sum(map(len, asked[1:]))  # every batch but the cut one
    # A rerun asks again for the batch that was cut, and for nothing else.
    calls = len(model_server.calls)
    weekly(site, "--week", "2026-W45", "--style", "weekly-overview")
    again = [c.records() for c in model_server.calls[calls:] if c.task == "briefs"]
    assert again == asked[:1]


def test_a_thread_only_a_forums_chatter_told_is_not_among_the_weeks_best() -> None:
    monday = dt.date(2026, 11, 9)
    told = Story(id=1, day=monday, items=[], score=2.0)
    held = Story(id=2, day=monday, items=[], score=-1e-6)
    again = Story(
        id=3,
        day=monday + dt.timedelta(days=1),
        items=[],
        score=-2e-6,
        continues=Continuation(2, monday, "Kimi K3 weights are out"),
    )
    # Held on two days (a thread of days would otherwise rise): still not the week's.
    assert [t.id for t in best(threads([told, held, again]), 5)] == [1]
