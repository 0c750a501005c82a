"""Writes the two feeds of the fixture fortnight (2026-W45 and W46). Run to regenerate;
the stories are fictional and written for these tests."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

TZ = dt.timezone(dt.timedelta(hours=8))
# (day, hour, slug, title, summary)
EN = [
    (
        "2026-11-02",
        9,
        "vega2-release",
        "Orbit Labs releases Vega-2 as an open-weight model",
        "Orbit Labs published the weights of its 30-billion-parameter Vega-2 model under a licence that allows commercial use.",
    ),
    (
        "2026-11-03",
        10,
        "vega2-leaderboard",
        "Orbit Labs Vega-2 open-weight model tops the open leaderboard",
        "A day after the Orbit Labs release, the open-weight Vega-2 model leads the community leaderboard for open models.",
    ),
    (
        "2026-11-02",
        11,
        "hx9-chip",
        "Corvid unveils the HX9 inference chip with 256GB of memory",
        "Corvid says the HX9 inference chip doubles performance per watt and ships to cloud providers next quarter.",
    ),
    (
        "2026-11-04",
        9,
        "hx9-cloud",
        "Two cloud providers order Corvid HX9 inference chips",
        "Two cloud providers placed orders for Corvid's HX9 inference chips for their inference fleets.",
    ),
    (
        "2026-11-05",
        14,
        "memory-prices",
        "Memory prices for AI accelerators rise again",
        "Suppliers raised prices for the high-bandwidth memory used in AI accelerators for a third quarter.",
    ),
    (
        "2026-11-03",
        15,
        "patchwork-agent",
        "Patchwork IDE adds an agent that fixes failing tests",
        "The Patchwork IDE agent reads the failing test, edits the code across files and reruns the suite.",
    ),
    (
        "2026-11-06",
        10,
        "patchwork-review",
        "Patchwork agent now reviews pull requests",
        "Teams can let the Patchwork agent comment on pull requests before a human reviewer looks.",
    ),
    (
        "2026-11-04",
        16,
        "eu-code",
        "EU publishes a code of practice for general-purpose model providers",
        "The code of practice sets out how providers document training data and report incidents.",
    ),
    (
        "2026-11-06",
        12,
        "uk-audit",
        "UK regulator consults on audits of hiring algorithms",
        "The consultation proposes yearly bias audits for automated screening of job applicants.",
    ),
    (
        "2026-11-07",
        9,
        "hostile-1",
        'Curly {{ site.title }} and {% raw %} in a title: "quoted" -- odd...',
        "A feed title carrying template syntax, quotes and dashes, written to test escaping.",
    ),
    (
        "2026-11-07",
        11,
        "hostile-2",
        "Shortcode {{< youtube abc >}} and <script>alert(1)</script> [click](https://evil.example/x)",
        "Another title with shortcode syntax, HTML and Markdown link syntax.",
    ),
    (
        "2026-11-08",
        10,
        "hostile-3",
        "+++ front: matter --- $$5$$ {# note #} 'single' & more",
        "A title with front-matter fences, colons, dollars and a Nunjucks comment.",
    ),
    # W46
    (
        "2026-11-09",
        9,
        "vega2-finetune",
        "Orbit Labs Vega-2 open-weight model gets a community fine-tune",
        "Developers released an instruction-tuned version of the Orbit Labs Vega-2 open-weight model.",
    ),
    (
        "2026-11-10",
        10,
        "vega2-licence",
        "Orbit Labs tightens Vega-2 licence terms for large deployments",
        "Companies with more than 500 million users now need a separate licence from Orbit Labs to deploy the open weights.",
    ),
    (
        "2026-11-10",
        13,
        "licence-explainer",
        "How software licences work: a primer for engineers",
        "A general explainer about software licensing for engineering teams.",
    ),
    (
        "2026-11-11",
        9,
        "hx9-benchmark",
        "Corvid HX9 inference chip posts strong benchmark results",
        "Independent tests show the Corvid HX9 inference chip serving large models at lower cost.",
    ),
    (
        "2026-11-12",
        15,
        "patchwork-funding",
        "Patchwork raises $80 million after its agent launch",
        "Patchwork says the money goes into its agent and enterprise features.",
    ),
    (
        "2026-11-13",
        11,
        "eu-fines",
        "EU explains how fines for model providers will be set",
        "Fines will follow global turnover and the severity of the breach.",
    ),
]
ZH = [
    (
        "2026-11-02",
        12,
        "vega2-zh",
        "Orbit Labs 开源 Vega-2 大模型，权重可商用",
        "Orbit Labs 公布了 300 亿参数的 Vega-2 模型权重，许可证允许商业使用。",
    ),
    (
        "2026-11-05",
        10,
        "sanxing-zh",
        "星河科技发布 Xinghe-2 推理模型",
        "星河科技推出 Xinghe-2，主打数学与代码推理，API 同步开放。",
    ),
    (
        "2026-11-06",
        15,
        "xinghe-users",
        "星河科技 AI 助手月活突破 5000 万",
        "星河科技表示其 AI 助手月活跃用户超过 5000 万。",
    ),
    (
        "2026-11-11",
        10,
        "xinghe-api",
        "星河 Xinghe-2 API 向海外开发者开放",
        "海外开发者现在可以通过兼容接口调用 Xinghe-2。",
    ),
    (
        "2026-11-12",
        9,
        "biaoshi",
        "人工智能生成内容标识办法细则公布",
        "平台需对 AI 生成的内容添加显式标识，并在元数据中嵌入隐式标识。",
    ),
]


def rss(name: str, site: str, lang: str, entries: list[tuple[str, int, str, str, str]]) -> str:
    items = []
    for day, hour, slug, title, summary in entries:
        when = dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)
        items.append(
            f"<item><title>{escape(title)}</title><link>https://{site}/news/{day}/{slug}</link>"
            f"<description>{escape(summary)}</description>"
            f"<pubDate>{format_datetime(when)}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://{site}/</link><language>{lang}</language>\n"
        + "\n".join(items)
        + "\n</channel></rss>\n"
    )


here = Path(__file__).parent
(here / "orbit-wire.xml").write_text(
    rss("Orbit Wire", "orbit-wire.example", "en", EN), encoding="utf-8"
)
(here / "xinghe-kuaixun.xml").write_text(
    rss("星河快讯", "xinghe.example", "zh", ZH), encoding="utf-8"
)
