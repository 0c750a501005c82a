"""The model analyst against a real OpenAI-compatible endpoint on 127.0.0.1, scripted per test."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest

from tests.conftest import demo_site
from tests.helpers import invoke
from tests.model_server import Call, ModelServer, Reply, day_answer, good_answer, story_notes

SECRET = "sk-test-0123456789abcdef-secret"
DAY = "2026-11-11"
LINK = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)*(?<!\\)\]\(([^)\s]+)\)")


def llm_block(server: ModelServer, *, triage: bool = False, **overrides: object) -> str:
    options: dict[str, object] = {
        "base_url": server.base_url,
        "model": "test-model",
        "api_key_env": "NEWSDESK_TEST_KEY",
        "response_format": "json_object",
        "timeout": 2.0,
        "retries": 1,
        "backoff": 0.05,
        "batch_size": 4,
        "concurrency": 1,  # scripted replies then meet the calls in order
        **overrides,
    }
    block = "\n[llm]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in options.items())
    # The triage pass has its own tests (test_triage.py); here the calls are the analysis's.
    return block + ("" if triage else "\n[triage]\nenabled = false\n")


@pytest.fixture
def site(tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    return demo_site(tmp_path, llm_block(model_server))


def run(site: Path, *args: str) -> tuple[int, str, str]:
    return invoke("--config", site / "newsdesk.toml", *args)


def daily(site: Path, *args: str) -> tuple[str, str]:
    code, stdout, stderr = run(site, "daily", "--date", DAY, *args)
    assert code == 0, stderr
    return Path(stdout.strip()).read_text(encoding="utf-8"), stderr


def usage(site: Path) -> dict[str, int]:
    code, stdout, _ = run(site, "report", "--json")
    assert code == 0
    model = json.loads(stdout)["model"]
    assert model is not None
    return dict(model)


def warnings(site: Path) -> list[str]:
    return list(json.loads(run(site, "report", "--json")[1])["warnings"])


def stored_urls(site: Path) -> set[str]:
    with sqlite3.connect(site / "news.db") as conn:
        return {row[0] for row in conn.execute("SELECT url FROM items")}


def test_good_answers_fill_the_deep_report_and_a_rerun_makes_no_call(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = demo_site(tmp_path, llm_block(model_server, concurrency=3))
    text, stderr = daily(site, "--style", "daily-deep")
    calls = list(model_server.calls)
    stories = [c for c in calls if c.task == "stories"]
    shortlisted = sum(len(c.records()) for c in stories)
    assert shortlisted >= 5 and len(stories) == -(-shortlisted // 4)  # batches of 4
    assert [c.task for c in calls].count("day") == 1
    for heading in (
        "# AI 技术深度日报（2026-11-11）",
        "## 1) ",
        "## 今日趋势总结",
        "## 我接下来会关注什么",
        "## 参考线索（今日）",
    ):
        assert heading in text
    for point in ("**是什么**：模型说明", "**为什么重要**：", "**影响**：", "**建议**："):
        assert point in text
    assert "解读由模型 test-model" in text and "模型精选理由" in text
    assert "1. **模型趋势甲**" in text and text.count("关注点") == 3
    assert set(LINK.findall(text)) <= stored_urls(site)
    # The key travels in the Authorization header only.
    assert all(c.headers["authorization"] == f"Bearer {SECRET}" for c in calls)
    assert all(SECRET not in json.dumps(c.body) for c in calls)
    assert SECRET not in text and SECRET not in stderr
    first = usage(site)
    assert first["calls"] == len(calls) and first["cache_hits"] == 0
    assert first["prompt_tokens"] > 0 and first["completion_tokens"] > 0
    assert "model test-model:" in stderr

    again, _ = daily(site, "--style", "daily-deep", "--no-collect")
    assert len(model_server.calls) == len(calls)  # every answer came from the cache
    assert again == text
    second = usage(site)
    assert second["calls"] == 0 and second["cache_hits"] == len(calls)


def test_fetched_text_is_sent_only_inside_the_data_block(
    site: Path, model_server: ModelServer
) -> None:
    daily(site, "--lang", "en")
    with sqlite3.connect(site / "news.db") as conn:
        titles = [row[0] for row in conn.execute("SELECT title FROM items")]
    seen = 0
    for call in model_server.calls:
        system, user = call.messages[0]["content"], call.messages[1]["content"]
        before, _, rest = user.partition("<data>")
        inside, _, after = rest.partition("</data>")
        assert inside and "<" not in inside and ">" not in inside
        for title in titles:
            encoded = json.dumps(title, ensure_ascii=False)[1:-1]
            if (
                len(title) > 20
                and encoded.replace("<", "\\u003c").replace(">", "\\u003e") in inside
            ):
                seen += 1
            for outside in (system, before, after):
                assert title not in outside
    assert seen >= 5


def test_english_digest_asks_for_translated_headlines(
    site: Path, model_server: ModelServer
) -> None:
    text, _ = daily(site, "--lang", "en", "--style", "daily-deep")
    asked = [
        r
        for c in model_server.calls
        if c.task == "stories"
        for r in c.records()
        if r.get("translate")
    ]
    assert asked, "the demo has Chinese-only stories"
    for record in asked:
        assert f"English headline {record['id']}" in text
    assert "**What it is**: Model account" in text


def test_malformed_json_is_repaired(site: Path, model_server: ModelServer) -> None:
    def fenced(call: Call) -> Reply:
        reply = good_answer(call)
        body = (reply.content or "").replace('"lead"', "lead", 1)  # an unquoted key
        return Reply(f"Here you go:\n```json\n{body[:-1]},}}\n```")

    model_server.script = [fenced]
    text, _ = daily(site)
    counts = usage(site)
    assert counts["repaired"] == 1 and counts["reasked"] == 0 and counts["fallbacks"] == 0
    assert text.count("模型说明") >= 1


def test_truncated_answer_is_asked_again_then_falls_back(
    site: Path, model_server: ModelServer
) -> None:
    def truncated(call: Call) -> Reply:
        content = good_answer(call).content or ""
        return Reply(content[: len(content) // 3], finish_reason="length")

    model_server.script = [truncated, truncated]
    text, _ = daily(site, "--style", "daily-deep")
    counts = usage(site)
    first, second = model_server.calls[0], model_server.calls[1]
    assert len(second.messages) == 4 and second.messages[2]["role"] == "assistant"
    assert "cut off" in second.messages[3]["content"]
    assert counts["reasked"] == 1
    # the stories the cut-off answer held whole were kept and not asked for again
    sent = [r["id"] for r in first.records()]
    wanted = re.search(r"id 为 ([\d, ]+) 的条目", second.messages[3]["content"])
    assert wanted is not None
    asked_again = [int(n) for n in wanted.group(1).split(", ")]
    assert sent[0] not in asked_again and set(asked_again) < set(sent)
    # each cut-off answer (a third of a good one) holds its first story whole: one story
    # is kept from the first answer, one from the second, the rest fall back
    assert counts["fallbacks"] == len(sent) - 2 == len(asked_again) - 1
    assert any("analysed offline" in w for w in warnings(site))
    assert "## 今日趋势总结" in text  # the day's synthesis still came from the model
    assert "因模型回答无法使用改为原文摘录" in text


def test_invented_urls_and_unknown_ids_are_removed_and_counted(
    site: Path, model_server: ModelServer
) -> None:
    def inventive(call: Call) -> Reply:
        if call.task == "stories":
            notes = [story_notes(r, "zh") for r in call.records()]
            notes[0]["what"] += " 详见 https://evil.example/a 与 [官网](https://phish.example/b)。"
            notes.append({**story_notes({"id": 999_999}, "zh")})
            return Reply(json.dumps({"stories": notes}, ensure_ascii=False))
        answer = day_answer(call.records(), "zh")
        answer["pick_id"] = 424_242
        answer["lede"] += " 访问 www.evil.example/x 获取更多。"
        return Reply(json.dumps(answer, ensure_ascii=False))

    model_server.responder = inventive
    text, _ = daily(site)
    assert "evil" not in text and "phish" not in text
    assert "官网" in text  # a Markdown link keeps its text
    assert set(LINK.findall(text)) <= stored_urls(site)
    counts = usage(site)
    assert counts["urls_removed"] >= 3
    assert counts["ids_dropped"] >= 2  # the invented story and the invented pick
    assert "模型精选理由" not in text  # the pick falls back to the top story


def test_wrong_language_is_asked_again_then_written_offline(
    site: Path, model_server: ModelServer
) -> None:
    def english(call: Call) -> Reply:
        if call.task == "stories":
            return Reply(json.dumps({"stories": [story_notes(r, "en") for r in call.records()]}))
        return Reply(json.dumps(day_answer(call.records(), "en")))

    model_server.responder = english
    text, _ = daily(site)
    reasks = [c for c in model_server.calls if len(c.messages) == 4]
    assert reasks and all("Chinese" in c.messages[3]["content"] for c in reasks)
    counts = usage(site)
    # Every analysis call was asked again; then the stories shown in English got briefs,
    # which (also English) were left out.
    briefs = [c for c in model_server.calls if c.task == "briefs"]
    assert briefs and all("简体中文" in c.messages[0]["content"] for c in briefs)
    assert counts["fallbacks"] >= 2 and counts["calls"] - len(briefs) == 2 * counts["reasked"]
    assert "Model account" not in text and "Trend alpha" not in text
    assert text.startswith("# ") and "## 🎯 今日精选" in text  # complete, from the feed text


def test_rate_limit_honours_retry_after(site: Path, model_server: ModelServer) -> None:
    model_server.script = [Reply(status=429, headers={"Retry-After": "1"})]
    started = time.monotonic()
    daily(site)
    first, second = model_server.calls[0], model_server.calls[1]
    assert second.at - first.at >= 1.0
    assert time.monotonic() - started < 30
    counts = usage(site)
    assert counts["retries"] == 1 and counts["waited_ms"] == 1000 and counts["fallbacks"] == 0


def test_retry_after_beyond_max_wait_is_not_waited_for(
    site: Path, model_server: ModelServer
) -> None:
    model_server.script = [Reply(status=429, headers={"Retry-After": "3600"})]
    started = time.monotonic()
    text, _ = daily(site)
    assert time.monotonic() - started < 30
    assert any("rate-limited" in w for w in warnings(site))
    assert "## 🎯 今日精选" in text


def test_server_errors_are_retried(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = demo_site(tmp_path, llm_block(model_server, retries=2))
    model_server.script = [Reply(status=500), Reply(status=503)]
    text, _ = daily(site)
    counts = usage(site)
    assert counts["retries"] == 2 and counts["fallbacks"] == 0
    assert "模型说明" in text


def test_a_hanging_endpoint_times_out_and_the_digest_is_still_complete(
    site: Path, model_server: ModelServer
) -> None:
    model_server.responder = lambda call: Reply(delay=5.0, content="{}")
    started = time.monotonic()
    text, stderr = daily(site)
    elapsed = time.monotonic() - started
    # the first section waits out the timeout twice (one retry), then the endpoint is given up
    assert len(model_server.calls) == 2
    assert elapsed < 20
    assert "no answer within llm.timeout" in stderr
    counts = usage(site)
    assert counts["calls"] == 0 and counts["fallbacks"] >= 2
    assert text.startswith("# ") and "## 🎯 今日精选" in text


def test_token_budget_is_a_hard_cap(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = demo_site(
        tmp_path, llm_block(model_server, max_tokens_per_run=3000, max_tokens=1200, concurrency=1)
    )
    text, _ = daily(site)
    counts = usage(site)
    assert counts["budget_stops"] >= 1 and counts["fallbacks"] >= 1
    assert 0 < counts["prompt_tokens"] + counts["completion_tokens"] <= 3000
    assert any("max_tokens_per_run" in w for w in warnings(site))
    assert text.startswith("# ")


def test_refused_response_format_steps_down(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = demo_site(tmp_path, llm_block(model_server, response_format="json_schema"))

    def no_schema(call: Call) -> Reply:
        if call.body.get("response_format", {}).get("type") == "json_schema":
            return Reply(
                status=400,
                body={"error": {"message": "response_format json_schema is not supported"}},
            )
        return good_answer(call)

    model_server.responder = no_schema
    text, _ = daily(site)
    formats = [c.body.get("response_format", {}).get("type") for c in model_server.calls]
    assert formats[0] == "json_schema" and formats[-1] == "json_object"
    assert any('response_format = "json_object"' in w for w in warnings(site))
    assert usage(site)["fallbacks"] == 0 and "模型说明" in text


def test_missing_key_writes_offline_and_says_which_variable(
    site: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSDESK_TEST_KEY")
    text, stderr = daily(site)
    assert not model_server.calls
    assert "NEWSDESK_TEST_KEY is not set" in stderr
    assert text.startswith("# ")


def test_offline_flag_and_demo_use_no_model(
    site: Path, model_server: ModelServer, tmp_path: Path
) -> None:
    text, _ = daily(site, "--offline")
    code, _, stderr = run(site, "demo", "--out", str(tmp_path / "demo"), "--lang", "zh")
    assert code == 0, stderr
    assert not model_server.calls
    assert text.startswith("# ") and "模型说明" not in text


def doctor(site: Path) -> tuple[int, dict[str, tuple[str, str]]]:
    code, stdout, _ = run(site, "doctor", "--json")
    return code, {c["name"]: (c["status"], c["detail"]) for c in json.loads(stdout)}


def test_doctor_reports_a_working_endpoint(site: Path, model_server: ModelServer) -> None:
    code, checks = doctor(site)
    assert code == 0
    assert checks["key"] == ("ok", "NEWSDESK_TEST_KEY is set")
    assert checks["endpoint"][0] == "ok" and checks["answer"][0] == "ok"
    assert re.search(r"answered in \d+ ms", checks["answer"][1])
    assert checks["json"] == ("ok", "json_object works")
    assert SECRET not in json.dumps(checks)


@pytest.mark.parametrize(
    ("overrides", "env", "check", "says"),
    [
        ({}, None, "key", "NEWSDESK_TEST_KEY is not set"),
        ({"base_url": "http://127.0.0.1:9/v1"}, SECRET, "endpoint", "check llm.base_url"),
        ({"model": "no-such-model"}, SECRET, "model", "set llm.model"),
    ],
)
def test_doctor_says_what_to_change(
    tmp_path: Path,
    model_server: ModelServer,
    monkeypatch: pytest.MonkeyPatch,
    overrides: dict[str, object],
    env: str | None,
    check: str,
    says: str,
) -> None:
    if env:
        monkeypatch.setenv("NEWSDESK_TEST_KEY", env)
    else:
        monkeypatch.delenv("NEWSDESK_TEST_KEY", raising=False)
    site = demo_site(tmp_path, llm_block(model_server, **overrides))
    code, checks = doctor(site)
    assert code == 1
    status, detail = checks[check]
    assert status == "fail" and says in detail


def test_doctor_finds_the_response_format_that_works(
    tmp_path: Path, model_server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_KEY", SECRET)
    site = demo_site(tmp_path, llm_block(model_server, response_format="json_schema"))
    model_server.responder = lambda call: (
        Reply(status=400, body={"error": {"message": "json_schema is not supported"}})
        if call.body.get("response_format", {}).get("type") == "json_schema"
        else Reply('{"ok": true}')
    )
    code, checks = doctor(site)
    assert code == 0
    assert (
        checks["json"][0] == "warn"
        and 'set llm.response_format = "json_object"' in checks["json"][1]
    )


def test_doctor_without_a_model(tmp_path: Path) -> None:
    code, checks = doctor(demo_site(tmp_path))
    assert code == 0 and checks["model"][0] == "skip" and "offline analyst" in checks["model"][1]
    assert checks["database"][0] == "ok" and checks["config"][0] == "ok"


def test_a_refused_request_costs_its_section_only(site: Path, model_server: ModelServer) -> None:
    too_long = "This model's maximum context length is 8192 tokens"
    model_server.script = [Reply(status=400, body={"error": {"message": too_long}})]
    text, _ = daily(site)
    counts = usage(site)
    assert counts["fallbacks"] == len(model_server.calls[0].records())  # the first batch
    assert counts["calls"] == len(model_server.calls) - 1
    assert any(too_long in w for w in warnings(site))
    assert "模型说明" in text and "模型精选理由" in text
