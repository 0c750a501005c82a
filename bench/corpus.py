"""Synthetic AI-news corpora for the benchmarks: N items over RSS files, with planted
same-story duplicates told in English and Chinese by different feeds.

    python bench/corpus.py --items 100000 --out bench/out/corpus-100000

writes feed-NNN.xml files and truth.json (item link → story number).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

START = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
SYLLABLES = (
    "ka lo mi ra ven tor ix an el quo zen dra ly fi nu bel cor ost pra vi sol ter ma gen".split()
)
SUFFIXES = ["Labs", "AI", "Systems", "Compute", "Robotics", "Cloud"]
HAN = "深言智谱云启元象星河光年极创新维度量子澜舟天工百川月之暗面零一万物"
EVENTS = {
    "release": (
        [
            "{co} releases {prod}, a new {adj} model",
            "{prod} arrives: {co} ships its {adj} model",
            "{co} unveils {prod} with {num}B parameters",
        ],
        [
            "{co} 发布{adj_zh}模型 {prod}",
            "{co} 推出 {prod}，参数规模 {num}B",
            "{prod} 正式上线：{co} 新一代{adj_zh}模型",
        ],
    ),
    "funding": (
        [
            "{co} raises ${num} million in new funding",
            "{co} closes a ${num}M round led by investors",
            "Investors put ${num} million into {co}",
        ],
        [
            "{co} 完成 {num_wan} 万美元融资",
            "{co} 获 {num_wan} 万美元新一轮投资",
            "融资 {num_wan} 万美元：{co} 再获资本加注",
        ],
    ),
    "chip": (
        [
            "{co} unveils the {prod} chip for inference",
            "{co}'s {prod} accelerator targets data centers",
            "{co} launches {prod}, claiming {small}x efficiency",
        ],
        [
            "{co} 发布 {prod} 推理芯片",
            "{co} 推出 {prod} 加速器，能效提升 {small} 倍",
            "数据中心新芯片：{co} 发布 {prod}",
        ],
    ),
    "security": (
        [
            "Researchers find a flaw in {co}'s {prod}",
            "{co} patches a vulnerability in {prod}",
            "Security bug in {prod} exposed user data, {co} says",
        ],
        [
            "{co} 的 {prod} 曝出安全漏洞",
            "{co} 修复 {prod} 漏洞",
            "研究人员发现 {prod} 存在漏洞，{co} 已修复",
        ],
    ),
    "partner": (
        [
            "{co} partners with {co2} on {prod}",
            "{co} and {co2} team up to build {prod}",
            "{co2} to supply {co} for {prod}",
        ],
        [
            "{co} 与 {co2} 合作推进 {prod}",
            "{co} 携手 {co2} 打造 {prod}",
            "{co2} 将为 {co} 的 {prod} 提供支持",
        ],
    ),
}
ADJ = [
    ("reasoning", "推理"),
    ("multimodal", "多模态"),
    ("open-weight", "开源"),
    ("small", "轻量"),
    ("coding", "编程"),
]


def company(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return "".join(rng.sample(HAN, 2)) + "科技"
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{name} {rng.choice(SUFFIXES)}"


def filler(rng: random.Random, words: list[str], zh: bool) -> str:
    """A sentence of filler drawn Zipf-like, as word and character frequencies are."""
    if zh:
        return "".join(rng.choices(CHARS, ZIPF_CHARS, k=rng.randint(30, 60))) + "。"
    sentence = " ".join(rng.choices(words, ZIPF_WORDS, k=rng.randint(14, 26)))
    return sentence.capitalize() + "."


CHARS = [chr(0x4E00 + n * 7) for n in range(2500)]
ZIPF_CHARS = [1 / (rank + 1) for rank in range(len(CHARS))]
ZIPF_WORDS = [1 / (rank + 1) for rank in range(4000)]


def generate(
    n_items: int,
    out: Path,
    *,
    feeds: int = 200,
    days: int = 30,
    seed: int = 7,
    start: dt.datetime = START,
) -> dict[str, int]:
    rng = random.Random(seed)
    words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(4000)]
    companies = [company(rng) for _ in range(max(50, n_items // 40))]
    per_feed: list[list[str]] = [[] for _ in range(feeds)]
    truth: dict[str, int] = {}
    story = 0
    made = 0
    while made < n_items:
        event = rng.choice(list(EVENTS))
        slots = {
            "co": rng.choice(companies),
            "co2": rng.choice(companies),
            "prod": f"{rng.choice(SYLLABLES).capitalize()}{rng.choice(SYLLABLES)}-{rng.randint(2, 99)}",
            "num": rng.randint(2, 900),
            "small": rng.randint(2, 9),
        }
        slots["num_wan"] = slots["num"] * 100
        adj = rng.choice(ADJ)
        slots["adj"], slots["adj_zh"] = adj
        tellings = 1 if rng.random() < 0.7 else rng.randint(2, 3)
        tellings = min(tellings, n_items - made)
        moment = start + dt.timedelta(seconds=rng.randrange(days * 86400))
        english, chinese = EVENTS[event]
        for feed in rng.sample(range(feeds), tellings):
            zh = rng.random() < 0.4
            title = rng.choice(chinese if zh else english).format(**slots)
            lead = rng.choice(english).format(**slots)
            summary = (
                (title + "。" if zh else lead + ". ")
                + filler(rng, words, zh)
                + " "
                + filler(rng, words, zh)
            )
            link = f"https://feed{feed}.example/{story}/{made}?utm_source=rss"
            when = moment + dt.timedelta(minutes=rng.randint(0, 360))
            per_feed[feed].append(
                f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
                f"<guid>{escape(link)}</guid><pubDate>{format_datetime(when)}</pubDate>"
                f"<description>{escape('<p>' + summary + '</p>')}</description></item>"
            )
            truth[f"https://feed{feed}.example/{story}/{made}"] = story
            made += 1
        story += 1
    out.mkdir(parents=True, exist_ok=True)
    for number, items in enumerate(per_feed):
        (out / f"feed-{number:03d}.xml").write_text(
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {number}</title>'
            f"<link>https://feed{number}.example/</link>" + "\n".join(items) + "</channel></rss>",
            encoding="utf-8",
        )
    (out / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return truth


def ensure(n_items: int, root: Path) -> Path:
    folder = root / f"corpus-{n_items}"
    if not (folder / "truth.json").is_file():
        generate(n_items, folder)
    return folder


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    args = parser.parse_args()
    print(ensure(args.items, args.out))
