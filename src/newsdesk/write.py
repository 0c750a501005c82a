"""Render digests with Jinja2 templates: one file per style and language, overridable."""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    Template,
    TemplateError,
)

from newsdesk.config import CategorySettings
from newsdesk.errors import ConfigError
from newsdesk.models import (
    Digest,
    Evidence,
    Item,
    Signal,
    SourceOutcome,
    Story,
    StoryAnalysis,
    Thread,
    WeekAnalysis,
    display_item,
)
from newsdesk.normalize import shown_title
from newsdesk.publish.post import ANALYSIS_FIELDS
from newsdesk.screen import in_language
from newsdesk.styles import (
    DAILY_STYLES,
    WEEKLY_STYLES,
)
from newsdesk.week import Week

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\s*)([#>+=:-]|\d+[.)])")
_ENDS_SENTENCE = re.compile(r"[。！？!?.…」”\"')）]$")
_AUTOLINK = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)")
_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")
_WHITESPACE = re.compile(r"\s+")
_REPEATED = re.compile(r"([-.])(?=\1)")
_ENTITY = {"-": "&#45;", ".": "&#46;"}
# Plain Markdown: what CommonMark (and GitHub's autolinks and strikethrough) would read as
# markup, and nothing else: `_` between letters and a lone `&` stay as they are.
_PLAIN_SPECIAL = re.compile(r"[\\`*\[\]<~]|(?<![^\W_])_|_(?![^\W_])|&(?=#?[0-9A-Za-z]+;)")
_PLAIN_LINE_START = re.compile(r"^(?:#+(?=\s|$)|>|[-+](?=\s|$)|-(?=[-\s]*$)|=(?==*$))")
_PLAIN_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
# The `md` filter marks where a text value sits; the publisher escapes each marked value
# for its output (`finish`), as the site generator or a raw reader needs it.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKED = re.compile(f"{_OPEN}(.*?){_CLOSE}", re.DOTALL)


def escape_markdown(text: str) -> str:
    """Text that renders as itself, and never as a link or a tag, in Markdown and in
    Liquid (Jekyll), Nunjucks (Eleventy) and Go templates (Hugo shortcodes)."""
    text = _WHITESPACE.sub(" ", text).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("{", "&#123;").replace("}", "&#125;")
    # Typographers (Hugo's Goldmark, Jekyll's kramdown) would curl quotes and join
    # dashes and dots; kramdown reads $$ as maths. As entities they stay as written.
    text = text.replace('"', "&quot;").replace("'", "&#39;").replace("$", "&#36;")
    text = _REPEATED.sub(lambda m: _ENTITY[m.group(1)], text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # Bare addresses in source text must not become links (generators auto-link them):
    # every link in a digest comes from the store, as a link we place ourselves.
    text = _AUTOLINK.sub(lambda m: m.group(0).replace(":", "&#58;").replace(".", "&#46;", 1), text)
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def escape_plain_markdown(text: str) -> str:
    """Text that renders as itself in plain Markdown and still reads as written raw:
    Markdown's backslash escapes, only where a character would otherwise be markup."""
    text = _WHITESPACE.sub(" ", text).strip()
    text = _PLAIN_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    text = _AUTOLINK.sub(lambda m: m.group(0).replace(":", "\\:").replace(".", "\\.", 1), text)
    text = _PLAIN_ORDERED.sub(r"\1\\\2", text)
    return _PLAIN_LINE_START.sub(lambda m: "\\" + m.group(0), text)


def mark_text(text: str) -> str:
    """The `md` filter: a text value, marked to be escaped for the output by `finish`."""
    return _OPEN + text.replace(_OPEN, "").replace(_CLOSE, "") + _CLOSE


def finish(body: str, escape: Callable[[str], str]) -> str:
    """Rendered text with every marked value escaped by `escape` (a site format's)."""
    return _MARKED.sub(lambda m: escape(m.group(1)), body)


def unmarked(text: str) -> str:
    """Rendered text with its marked values as they are, for front matter."""
    return finish(text, lambda value: _WHITESPACE.sub(" ", value).strip())


def escape_url(url: str) -> str:
    """A URL safe inside Markdown link parentheses and template languages."""
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def sentence(text: str) -> str:
    """Text ending in sentence punctuation: a full stop of its own script if it has none."""
    text = text.strip()
    if not text or _ENDS_SENTENCE.search(text):
        return text
    return f"{text}。" if _CJK_END.search(text) else f"{text}."


def environment(user_templates: Path | None = None) -> Environment:
    loaders: list[Any] = []
    if user_templates and user_templates.is_dir():
        loaders.append(FileSystemLoader(user_templates))
    loaders.append(PackageLoader("newsdesk", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = mark_text
    env.filters["url"] = escape_url
    env.filters["sentence"] = sentence
    env.filters["short_date"] = short_date
    return env


def short_date(day: dt.date, lang: str) -> str:
    """2月3日 or Feb 3."""
    return f"{day.month}月{day.day}日" if lang == "zh" else f"{day:%b} {day.day}"


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered post: its title and description for front matter, and its body, whose
    text values are marked for the publisher to escape (`finish`)."""

    title: str
    description: str
    body: str
    # The post's content as data for the feed and the channels (`digest_data`).
    data: dict[str, Any] = field(default_factory=dict)


def _render(env: Environment, name: str, values: dict[str, Any]) -> Rendered:
    try:
        template = env.get_template(name)
    except TemplateError as exc:  # a syntax error carries its file and line
        raise ConfigError(template_problem(name, exc)) from None
    try:
        module = template.make_module(values)
    except TemplateError as exc:
        raise ConfigError(template_problem(name, exc, template)) from None
    body = re.sub(r"\n{3,}", "\n\n", str(module)).strip() + "\n"
    title, description = (
        unmarked(str(getattr(module, key, ""))) for key in ("post_title", "description")
    )
    return Rendered(title, description, body, digest_data(values))


# A story's analysis as a daily digest holds it (StoryAnalysis), kept where written.


def digest_data(values: dict[str, Any]) -> dict[str, Any]:
    """A post's content as plain data: its headline and lede, and its sections of
    entries (a daily digest's categories, with their `key`; a weekly post's axes, whose
    `key` is ""), each entry with the store's title and link, its category's key, the
    model's or the extract's headline and lead, its analysis (what, why, impact, advice,
    body: those written) and its other sources; the pick and the concept of a daily
    digest."""
    grouped = [
        *(s for d in values.get("days", []) for s in d["sections"]),
        *values.get("sections", []),
    ]
    category = {e["id"]: s.get("key", "") for s in grouped for e in s["entries"]}

    def entry(e: dict[str, Any]) -> dict[str, Any]:
        found = {
            "id": e["id"],
            "title": e["title"],
            "category": category.get(e["id"], ""),
            "headline": e.get("headline", ""),
            "lead": e.get("lead", ""),
            "url": e["url"],
            "source": e["source"],
            "others": [{"name": o["name"], "url": o["url"]} for o in e.get("others", [])],
        }
        analysis = {key: e[key] for key in ANALYSIS_FIELDS if e.get(key)}
        if analysis:
            found["analysis"] = analysis
        return found

    if "axes" in values:
        sections = [
            {
                "key": "",
                "name": a["title"],
                "emoji": "",
                "entries": [entry(e) for e in a["entries"]],
            }
            for a in values["axes"]
        ]
    else:
        sections = [
            {
                "key": s.get("key", ""),
                "name": s["name"],
                "emoji": s["emoji"],
                "entries": [entry(e) for e in s["entries"]],
            }
            for s in values.get("sections", [])
        ]
    data: dict[str, Any] = {
        "headline": values.get("headline", ""),
        "lede": values.get("lede", ""),
        "sections": sections,
    }
    pick = values.get("pick")
    if pick:
        data["pick"] = {**entry(pick), "text": values.get("pick_text", "")}
    concept = values.get("concept")
    if concept:
        data["concept"] = {"term": concept.term, "explanation": concept.explanation}
    for key in ("trends", "watch"):
        points = values.get(key) or []
        if points:
            data[key] = [{"title": p.title, "detail": p.detail} for p in points]
    return data


def template_problem(name: str, exc: TemplateError, template: Template | None = None) -> str:
    """Which template file and line went wrong, and how, for the person who wrote it."""
    filename = getattr(exc, "filename", None) or (template.filename if template else None)
    line = getattr(exc, "lineno", None)
    if line is None and template is not None:  # while rendering: the template's own frame
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename == template.filename and frame.lineno:
                line = template.get_corresponding_lineno(frame.lineno)
                break
    where = str(filename or name) + (f", line {line}" if line else "")
    message = getattr(exc, "message", None) or str(exc)
    return f"template {where}: {message}; fix the template, or remove it to use the built-in one"


def render(
    digest: Digest,
    *,
    env: Environment,
    categories: Sequence[CategorySettings],
    post_url: Callable[[dt.date], str | None],
) -> Rendered:
    """Render one digest with its style's template in its language."""
    if digest.style not in DAILY_STYLES:
        raise ConfigError(
            f"{digest.style!r} is not a daily style; use one of {', '.join(DAILY_STYLES)}"
        )
    values = context(digest, categories=categories, post_url=post_url)
    return _render(env, f"{digest.style}.{digest.lang}.md.j2", values)


@dataclass(frozen=True, slots=True)
class WeekPost:
    """Everything a weekly template needs, besides the week itself."""

    lang: str
    style: str
    analysis: WeekAnalysis
    audiences: dict[str, str]  # key → name in the post's language
    followups: list[tuple[Signal, list[Evidence]]]
    list_title: str
    list_url: str


def render_week(
    week: Week,
    post: WeekPost,
    *,
    env: Environment,
    categories: Sequence[CategorySettings],
    post_url: Callable[[dt.date], str | None],
) -> Rendered:
    """A weekly post (`post.style`) or, with style "weekly-list", the raw weekly list."""
    if post.style not in (*WEEKLY_STYLES, "weekly-list"):
        raise ConfigError(
            f"{post.style!r} is not a weekly style; use one of {', '.join(WEEKLY_STYLES)}"
        )
    values = week_context(week, post, categories=categories, post_url=post_url)
    return _render(env, f"{post.style}.{post.lang}.md.j2", values)


def week_context(
    week: Week,
    post: WeekPost,
    *,
    categories: Sequence[CategorySettings],
    post_url: Callable[[dt.date], str | None],
) -> dict[str, Any]:
    """The plain values a weekly template sees; every URL and title comes from the store."""
    lang = post.lang
    analysis = post.analysis
    texts = {**week.analyses, **analysis.stories}  # the headlines written for the week too
    entries = {t.id: _thread_entry(t, lang, texts, post_url) for t in week.threads}
    by_story = {s.id: t.id for t in week.threads for s in t.stories}
    names = {c.key: (c.zh if lang == "zh" else c.en) for c in categories}
    emoji = {c.key: c.emoji for c in categories}
    order = {c.key: n for n, c in enumerate(categories)}
    days = []
    for day in week.days:
        threads = [t for t in week.threads if t.story.day == day]
        groups: dict[str, list[dict[str, Any]]] = {}
        for thread in sorted(threads, key=lambda t: order.get(t.story.category, len(order))):
            groups.setdefault(thread.story.category, []).append(entries[thread.id])
        if groups:
            days.append(
                {
                    "day": day,
                    "sections": [
                        {
                            "key": k,
                            "name": names.get(k, k),
                            "emoji": emoji.get(k, ""),
                            "entries": v,
                        }
                        for k, v in groups.items()
                    ],
                }
            )
    followups = []
    for signal, found in post.followups:
        evidence: list[dict[str, Any]] = []
        for e in found:
            entry = entries.get(by_story.get(e.story_id, -1))
            if entry is not None and all(x["entry"]["id"] != entry["id"] for x in evidence):
                evidence.append({"entry": entry, "note": e.note, "day": e.day})
        if evidence:
            followups.append(
                {
                    "week": signal.week,
                    "title": signal.title,
                    "signal": signal.signal,
                    "expires": signal.expires,
                    "evidence": evidence,
                }
            )
    return {
        "week": week.label,
        "lang": lang,
        "first": week.first,
        "last": week.last,
        "headline": analysis.headline,
        "lede": analysis.lede,
        "axes": [
            {
                "title": a.title,
                "evidence": a.evidence,
                "summary": a.summary,
                "impacts": a.impacts,
                "entries": [entries[i] for i in a.story_ids if i in entries],
            }
            for a in analysis.axes
        ],
        "advice": [
            {"audience": post.audiences.get(a.audience, a.audience), "text": a.text}
            for a in analysis.advice
        ],
        "outlook": [
            {
                "title": o.title,
                "detail": o.detail,
                "signal": o.signal,
                "weeks": o.horizon_weeks,
                "until": week.last + dt.timedelta(weeks=o.horizon_weeks),
            }
            for o in analysis.outlook
        ],
        "closing": analysis.closing,
        "followups": followups,
        "model": analysis.model,
        "fallbacks": analysis.fallbacks,
        "days": days,
        "story_count": len(week.threads),
        "shortlist_count": len(week.shortlist),
        "item_count": week.item_count,
        "source_count": week.source_count,
        "list_title": post.list_title,
        "list_url": post.list_url,
    }


def _thread_entry(
    thread: Thread,
    lang: str,
    analyses: dict[int, StoryAnalysis],
    post_url: Callable[[dt.date], str | None],
) -> dict[str, Any]:
    item = display_item(thread.story, lang)
    analysis = analyses.get(thread.id)
    links = [{"name": i.source, "url": i.url, "title": shown_title(i.title)} for i in thread.items]
    others = _other_sources(item, thread.items)
    first = None
    if thread.first_day:
        first = {
            "day": thread.first_day,
            "url": post_url(thread.first_day),
            "title": shown_title(thread.first_title),
        }
    return {
        "id": thread.id,
        "title": shown_title(item.title),
        "headline": analysis.headline if analysis else "",
        "url": item.url,
        "source": item.source,
        "day": thread.story.day,
        "lead": (analysis.lead if analysis else "") or "",
        "links": links,
        # one link per other source (a source is never named twice), and, for the raw
        # list, every other report with its own title
        "others": [
            {"name": name, "url": _seen_at(name, i), "title": shown_title(i.title)}
            for name, i in others
        ],
        "reports": [link for link in links if link["url"] != item.url],
        "later": sorted({s.day for s in thread.later}),
        "first": first,
    }


def _seen_at(source: str, item: Item) -> str:
    """The link a digest gives for `source` as one of a story's other sources: its own
    item's link, or, when it carried the link of an item another source stored, the page
    where it discusses it (a Hacker News item page), else that link."""
    if source == item.source:
        return item.url
    return item.discussed_at(source) or item.url


def _other_sources(shown: Item, items: Sequence[Item]) -> list[tuple[str, Item]]:
    """Each source other than the shown item's with one item it carried, in the story's
    order: a source that sent several reports is named and counted once, and a source
    whose feed carried a link stored under another (`Item.also`) is named with it."""
    seen = {shown.source}
    others = []
    for item in (shown, *items):
        for name in item.sources:
            if name not in seen:
                seen.add(name)
                others.append((name, item))
    return others


def context(
    digest: Digest,
    *,
    categories: Sequence[CategorySettings],
    post_url: Callable[[dt.date], str | None],
) -> dict[str, Any]:
    """The plain values a daily template sees; every URL and title comes from the store."""
    lang = digest.lang
    analysis = digest.analysis
    entries = {s.id: _entry(s, digest, post_url) for s in digest.stories}
    sections = []
    for category in categories:
        members = [entries[s.id] for s in digest.stories if s.category == category.key]
        if members:
            name = category.zh if lang == "zh" else category.en
            sections.append(
                {"key": category.key, "emoji": category.emoji, "name": name, "entries": members}
            )
    counts = Counter(s.category for s in digest.stories)
    names = {c.key: (c.zh if lang == "zh" else c.en) for c in categories}
    pick = entries.get(analysis.pick_id) if analysis.pick_id is not None else None
    return {
        "day": digest.day,
        "lang": lang,
        "headline": analysis.headline,
        "lede": analysis.lede,
        "sections": sections,
        "story_count": len(digest.stories),
        "source_count": len({name for s in digest.stories for name in s.sources}),
        "fronts": [names.get(key, key) for key, _ in counts.most_common(3)],
        "pick": pick,
        "pick_text": analysis.pick_text,
        "concept": analysis.concept,
        "stories": [entries[s.id] for s in digest.stories],
        # Stories shown in another language than the digest's, whose headline or lead
        # is shown as published; and, when a configured model wrote none of the digest,
        # whether it gave no answer or gave answers that could not be used.
        "untranslated": sum(1 for e in entries.values() if untranslated(e, lang)),
        "model_unavailable": not analysis.model and analysis.unavailable,
        "model_unusable": not analysis.model
        and not analysis.unavailable
        and analysis.fallbacks > 0,
        "trends": analysis.trends,
        "watch": analysis.watch,
        "model": analysis.model,
        "fallbacks": analysis.fallbacks,
        "considered": digest.considered,
        "item_count": digest.items,
        "all_sources": digest.sources,
        "failed": [
            {"name": o.source, "reason": fault_text(o, lang)} for o in digest.failed_sources
        ],
        "retried": [
            {"name": o.source, "reason": fault_text(o, lang)} for o in digest.retried_sources
        ],
        "generated": digest.generated,
    }


def untranslated(entry: dict[str, Any], lang: str) -> bool:
    """Whether a story shown in another language than `lang` keeps its source's words:
    no headline in `lang`, or a lead (the deep report's "what") that is not in `lang`."""
    if entry["lang"] == lang:
        return False
    text = entry["lead"] or entry["what"]
    return not entry["headline"] or (bool(text) and not in_language(text, lang))


def _entry(
    story: Story, digest: Digest, post_url: Callable[[dt.date], str | None]
) -> dict[str, Any]:
    item = display_item(story, digest.lang)
    text = digest.analysis.stories.get(story.id)
    others = [{"name": n, "url": _seen_at(n, i)} for n, i in _other_sources(item, story.items)]
    continues = None
    if story.continues:
        continues = {
            "day": story.continues.day,
            "url": post_url(story.continues.day),
            "title": shown_title(story.continues.title),
        }
    return {
        "id": story.id,
        "title": shown_title(item.title),
        "lang": item.lang,
        "url": item.url,
        "source": item.source,
        "headline": text.headline if text else "",
        "lead": text.lead if text else "",
        "body": text.body if text else "",
        "what": text.what if text else "",
        "why": text.why if text else "",
        "impact": text.impact if text else "",
        "advice": text.advice if text else "",
        "by_model": text.by_model if text else False,
        "others": others,
        "continues": continues,
        "source_count": len(story.sources),
    }


# What went wrong with a source, in the digest's language; the technical reason stays on
# the run report (`newsdesk report`).
FAULTS = {
    "timeout": ("超时", "timed out"),
    "rate_limited": ("被限流", "rate-limited"),
    "http_error": ("服务器返回错误", "server error"),
    "unreachable": ("无法连接", "unreachable"),
    "too_large": ("内容超过大小上限", "over the size limit"),
    "redirects": ("重定向过多", "too many redirects"),
    "refused": ("地址被拒绝", "address refused"),
    "parse_error": ("无法解析", "could not be parsed"),
    "crash": ("内部错误", "internal error"),
    "config": ("配置有误", "misconfigured"),
    "dead": ("连续多次失败，已暂停", "paused after failing run after run"),
}


# An HTTP error by its status: what the server said, rather than blaming the server for
# a missing page. Other 4xx statuses say the request was refused; 5xx is the server's fault.
HTTP_STATUSES = {
    401: ("需要授权", "access denied"),
    403: ("拒绝访问", "access denied"),
    404: ("未找到", "not found"),
    410: ("已移除", "gone"),
}
HTTP_STATUS = re.compile(r"\bHTTP ([1-5]\d\d)\b")


def fault_label(outcome: SourceOutcome) -> tuple[str, str]:
    """The fault in Chinese and English; an HTTP error names its status (`HTTP 404`)."""
    zh, en = FAULTS.get(outcome.fault, ("读取失败", "could not be read"))
    found = HTTP_STATUS.search(outcome.reason) if outcome.fault == "http_error" else None
    if found is None:
        return zh, en
    status = int(found[1])
    if status < 500:
        zh, en = HTTP_STATUSES.get(status, ("请求被拒绝", "request refused"))
    return f"{zh} (HTTP {status})", f"{en} (HTTP {status})"


def fault_text(outcome: SourceOutcome, lang: str) -> str:
    """A short, translated account of a source's trouble: the fault, the retries, the wait."""
    zh, en = fault_label(outcome)
    seconds = round(outcome.waited_ms / 1000)
    if lang == "zh":
        parts = [zh]
        if outcome.retries:
            parts.append(f"等待 {seconds} 秒后重试 {outcome.retries} 次")
        if outcome.status not in ("error", "skipped"):
            parts.append("最终读取成功")
        return "，".join(parts)
    parts = [en]
    if outcome.retries:
        times = "once" if outcome.retries == 1 else f"{outcome.retries} times"
        parts.append(f"retried {times} after waiting {seconds} s")
    if outcome.status not in ("error", "skipped"):
        parts.append("then read")
    return ", ".join(parts)
