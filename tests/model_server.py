"""A real OpenAI-compatible endpoint on 127.0.0.1, scripted per test.

POST /v1/chat/completions and GET /v1/models, as the `openai` client speaks them. Every
request is recorded (body and headers). A test queues replies in `script`; when the
queue is empty, `responder` answers (by default a model that follows our prompts and
writes well-formed answers in the language the prompt asks for).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from newsdesk.llm import estimate_messages, estimate_tokens

DATA = re.compile(r"<data>\n(.*)\n</data>", re.S)
BLOCK = re.compile(r"<data>\n(.*?)\n</data>", re.S)
WEEK_TASKS = {"week": '"axes"', "outlook": '"outlook"', "signals": '"matches"'}
SIGNAL = {
    "zh": "Orbit Labs 收紧 Vega-2 开放权重的许可条款",
    "en": "Orbit Labs tightens the licence terms of Vega-2 open weights",
}


@dataclass
class Reply:
    """One scripted answer: a message content, or a raw status with a body."""

    content: str | None = None
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    finish_reason: str = "stop"
    usage: bool = True


@dataclass
class Call:
    body: dict[str, Any]
    headers: dict[str, str]
    at: float

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.body.get("messages", []))

    @property
    def task(self) -> str:
        system = self.messages[0]["content"]
        for task, marker in WEEK_TASKS.items():
            if marker in system:
                return task
        if '"importance"' in system:
            return "triage"
        if '"briefs"' in system:
            return "briefs"
        return "stories" if '"stories"' in system else ("day" if '"trends"' in system else "other")

    @property
    def headline_langs(self) -> list[str]:
        """The languages a triage prompt asks headlines in."""
        return re.findall(r'"(zh|en)": "(?:标题|headline)"', self.messages[0]["content"])

    @property
    def pairs(self) -> list[dict[str, int]]:
        """The same-event pairs a triage prompt asks about."""
        blocks = self.blocks()
        return blocks[1] if len(blocks) > 1 else []

    @property
    def lang(self) -> str:
        return "zh" if "简体中文" in self.messages[0]["content"] else "en"

    def records(self) -> list[dict[str, Any]]:
        """The data block of the first user message, parsed (its last one, when several)."""
        blocks = self.blocks()
        return blocks[-1] if blocks else []

    def blocks(self) -> list[list[dict[str, Any]]]:
        """Every data block of the first user message, parsed."""
        user = next(m["content"] for m in self.messages if m["role"] == "user")
        return [json.loads(block) for block in BLOCK.findall(user)]


def story_notes(record: dict[str, Any], lang: str) -> dict[str, Any]:
    n = record["id"]
    if lang == "zh":
        notes = {
            "lead": f"第{n}号新闻讲的是一项值得关注的人工智能进展。",
            "what": f"模型说明：这条新闻（编号{n}）介绍了相关公司发布的新成果与主要细节。",
            "why": "它改变了同类产品的竞争格局，值得开发者与企业关注。",
            "impact": "相关团队需要重新评估现有方案的成本与收益。",
            "advice": "建议先在小范围内试用，再决定是否全面采用。",
            "headline": f"中文标题{n}" if record.get("translate") else "",
        }
    else:
        notes = {
            "lead": f"Story {n} marks a notable step for the field.",
            "what": f"Model account: story {n} describes what the company released and how it works.",
            "why": "It shifts how teams weigh the cost of building on such systems.",
            "impact": "Product teams and their vendors will have to revisit current plans.",
            "advice": "Try it on one small workload before committing to it.",
            "headline": f"English headline {n}" if record.get("translate") else "",
        }
    return {"id": n, **notes}


def day_answer(records: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    first = records[0]["id"] if records else 0
    if lang == "zh":
        return {
            "headline": "模型总评：今天的人工智能要闻集中在新模型与新工具",
            "lede": "今天的新闻围绕模型发布与开发工具展开。多家公司同时更新了产品。",
            "trends": [
                {"title": "模型趋势甲", "detail": "多条新闻显示模型发布节奏在加快。"},
                {"title": "工具趋势乙", "detail": "开发工具正在向智能体方向演进。"},
                {"title": "产业趋势丙", "detail": "资本继续流向算力与基础设施。"},
            ],
            "watch": [
                {"title": "关注点一", "detail": "看后续的正式发布与价格。"},
                {"title": "关注点二", "detail": "看开发者社区的真实反馈。"},
                {"title": "关注点三", "detail": "看监管部门的回应。"},
            ],
            "concept": {
                "term": "模型概念",
                "explanation": "这是一个由模型解释的概念，用来说明今天的新闻。",
            },
            "pick_id": first,
            "pick_reason": "模型精选理由：这条新闻影响面最广，值得细读。",
        }
    return {
        "headline": "Model synthesis: new models and tools lead the day",
        "lede": "The day's news centres on model releases and developer tools. Several companies shipped updates.",
        "trends": [
            {"title": "Trend alpha", "detail": "Several stories show releases speeding up."},
            {"title": "Trend beta", "detail": "Developer tools are moving towards agents."},
            {"title": "Trend gamma", "detail": "Money keeps flowing into compute."},
        ],
        "watch": [
            {"title": "Watch one", "detail": "Look for the formal launch and its pricing."},
            {"title": "Watch two", "detail": "Look for what developers report."},
            {"title": "Watch three", "detail": "Look for the regulators' response."},
        ],
        "concept": {
            "term": "Model concept",
            "explanation": "A concept the model explains for today's news.",
        },
        "pick_id": first,
        "pick_reason": "Model pick reason: this story reaches the most readers and teams.",
    }


def week_answer(records: list[dict[str, Any]], lang: str, axes: int = 4) -> dict[str, Any]:
    """Axes over the stories sent, in turn, each citing at least two."""
    ids = [r["id"] for r in records]
    groups = [ids[n::axes] for n in range(axes)]
    zh = lang == "zh"
    return {
        "headline": "模型周评：开放权重与推理芯片同时提速"
        if zh
        else "Model review: open weights and inference chips speed up together",
        "lede": "本周的新闻围绕开放权重模型、推理芯片与开发工具展开。"
        if zh
        else "The week's news turned on open-weight models, inference chips and developer tools.",
        "axes": [
            {
                "title": f"模型主轴{n + 1}：开放生态正在扩张"
                if zh
                else f"Model axis {n + 1}: the open ecosystem widens",
                "story_ids": group,
                "evidence": "几条新闻先后说明了同一方向的进展。"
                if zh
                else "Several stories in turn show progress in one direction.",
                "summary": "这条主轴概括了本周相关新闻的共同走向。"
                if zh
                else "This axis sums up where the related stories point.",
                "impacts": (
                    ["开发团队需要重新评估供应商。", "采购方会更看重许可条款。"]
                    if zh
                    else [
                        "Teams will revisit their vendors.",
                        "Buyers will weigh licence terms more.",
                    ]
                ),
            }
            for n, group in enumerate(groups)
        ],
    }


def future_answer(audiences: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    zh = lang == "zh"
    trends = [
        ("许可收紧" if zh else "Licences tighten", SIGNAL[lang], 8),
        (
            "推理降价" if zh else "Inference gets cheaper",
            "至少一家云厂商下调推理价格" if zh else "A cloud provider cuts inference prices",
            12,
        ),
        (
            "智能体进入评审" if zh else "Agents join review",
            "主流代码托管平台内置智能体评审" if zh else "A code host ships agent review built in",
            16,
        ),
        (
            "监管细化" if zh else "Rules get specific",
            "监管机构公布罚款计算细则" if zh else "A regulator publishes how fines are set",
            26,
        ),
    ]
    return {
        "advice": [
            {
                "audience": a["key"],
                "text": f"面向{a['name']}的建议：先小范围试点。"
                if zh
                else f"For {a['name']}: pilot before committing.",
            }
            for a in audiences
        ],
        "outlook": [
            {
                "title": t,
                "detail": "本周的新闻显示这一方向正在形成。"
                if zh
                else "This week's stories show it taking shape.",
                "signal": sig,
                "horizon_weeks": h,
            }
            for t, sig, h in trends
        ],
        "closing": "模型结语：开放与约束将在接下来几个月同时加强。"
        if zh
        else "Model closing: openness and constraint will both grow in the months ahead.",
    }


def matches_answer(
    signals: list[dict[str, Any]], stories: list[dict[str, Any]], lang: str
) -> dict[str, Any]:
    """Every story whose title names the signal's company and licence matches it."""
    matches = []
    for signal in signals:
        if "Orbit" not in signal["signal"]:
            continue
        for story in stories:
            title = story["title"].lower()
            if "orbit" in title and ("licence" in title or "许可" in title):
                note = (
                    "这条新闻表明许可条款确实收紧了。"
                    if lang == "zh"
                    else "The story shows the licence terms did tighten."
                )
                matches.append({"signal_id": signal["id"], "story_id": story["id"], "note": note})
    return {"matches": matches}


def triage_answer(call: Call) -> dict[str, Any]:
    """Every story kept, importance 3, no category, a headline in each language asked;
    every pair a different event."""
    stories = [
        {
            "id": r["id"],
            "keep": True,
            "reason": "",
            "importance": 3,
            "category": "",
            "headlines": {
                lang: f"中文标题{r['id']}" if lang == "zh" else f"English headline {r['id']}"
                for lang in call.headline_langs
            },
        }
        for r in call.blocks()[0]
    ]
    pairs = [{"a": p["a"], "b": p["b"], "same": False} for p in call.pairs]
    return {"stories": stories, "pairs": pairs}


def briefs_answer(call: Call) -> dict[str, Any]:
    zh = call.lang == "zh"
    return {
        "briefs": [
            {
                "id": r["id"],
                "headline": f"简讯标题{r['id']}" if zh else f"Brief headline {r['id']}",
                "lead": f"第{r['id']}号简讯的一句话导语。"
                if zh
                else f"Brief {r['id']} in one sentence.",
            }
            for r in call.records()
        ]
    }


def good_answer(call: Call) -> Reply:
    """What a well-behaved model answers to our prompts."""
    lang = call.lang
    if call.task == "triage":
        return Reply(json.dumps(triage_answer(call), ensure_ascii=False))
    if call.task == "briefs":
        return Reply(json.dumps(briefs_answer(call), ensure_ascii=False))
    if call.task == "stories":
        ids = _asked_ids(call)
        records = [r for r in call.records() if r["id"] in ids] if ids else call.records()
        return Reply(
            json.dumps({"stories": [story_notes(r, lang) for r in records]}, ensure_ascii=False)
        )
    if call.task == "day":
        return Reply(json.dumps(day_answer(call.records(), lang), ensure_ascii=False))
    if call.task == "week":
        return Reply(json.dumps(week_answer(call.records(), lang), ensure_ascii=False))
    if call.task == "outlook":
        audiences = call.blocks()[-1]
        return Reply(json.dumps(future_answer(audiences, lang), ensure_ascii=False))
    if call.task == "signals":
        signals, stories = call.blocks()
        return Reply(json.dumps(matches_answer(signals, stories, lang), ensure_ascii=False))
    return Reply('{"ok": true}')


def _asked_ids(call: Call) -> set[int]:
    """On a re-ask, the ids the last message asks for again."""
    if len(call.messages) <= 2:
        return set()
    last = call.messages[-1]["content"]
    match = re.search(r"(?:ids|id 为)\s*([\d, ]+)", last)
    return {int(n) for n in re.findall(r"\d+", match.group(1))} if match else set()


def serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """A threaded server for `handler` on a free port of 127.0.0.1, and its (unstarted) thread."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    return httpd, threading.Thread(target=httpd.serve_forever, daemon=True)


class ModelServer:
    def __init__(self, models: tuple[str, ...] = ("test-model",)) -> None:
        self.models = list(models)
        self.calls: list[Call] = []
        self.script: list[Reply | Callable[[Call], Reply]] = []
        self.responder: Callable[[Call], Reply] = good_answer
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    data = [
                        {"id": m, "object": "model", "created": 0, "owned_by": "t"}
                        for m in server.models
                    ]
                    self._send(200, {"object": "list", "data": data})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                headers = {k.lower(): v for k, v in self.headers.items()}
                if not self.path.endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                call = Call(body, headers, time.monotonic())
                with server.lock:
                    server.calls.append(call)
                    step = server.script.pop(0) if server.script else server.responder
                reply = step(call) if callable(step) else step
                if reply.delay:
                    server.stopping.wait(reply.delay)
                if reply.status != 200 or reply.body is not None:
                    self._send(
                        reply.status,
                        reply.body or {"error": {"message": "scripted"}},
                        reply.headers,
                    )
                    return
                model = body.get("model", "")
                if model not in server.models:
                    self._send(404, {"error": {"message": f"The model `{model}` does not exist"}})
                    return
                content = reply.content or ""
                answer: dict[str, Any] = {
                    "id": f"chatcmpl-{len(server.calls)}",
                    "object": "chat.completion",
                    "created": 0,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": reply.finish_reason,
                        }
                    ],
                }
                if reply.usage:
                    prompt = estimate_messages(body.get("messages", []))
                    completion = estimate_tokens(content)
                    answer["usage"] = {
                        "prompt_tokens": prompt,
                        "completion_tokens": completion,
                        "total_tokens": prompt + completion,
                    }
                self._send(200, answer, reply.headers)

            def _send(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd, self.thread = serve(Handler)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> ModelServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
