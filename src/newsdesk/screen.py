"""Screening of text on its way to and from a model.

Fetched text is material to analyse, never instructions. Before any analyst reads a
story, sentences that address a model (ignore previous instructions, add this link,
reveal your prompt, answer in another language, chat-template markup …) are flagged
and left out. On the way back, URLs in the model's text are removed and counted, and
text that itself reads as an instruction is caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsdesk.models import Story
from newsdesk.normalize import sentences
from newsdesk.terms import common_word, known_name

_EN_PREVIOUS = r"(?:all\s+|any\s+|the\s+|your\s+|of\s+)*(?:previous|prior|above|earlier|preceding|original|system)"
# kind -> patterns; each names one way a text tries to steer a model.
_PATTERNS: dict[str, list[str]] = {
    "override": [
        rf"\b(?:ignore|disregard|forget|override|bypass)\s+{_EN_PREVIOUS}\s+(?:instructions?|prompts?|rules|directions|guidelines|context|messages?)",
        r"\b(?:ignore|disregard)\s+(?:all|everything)\s+(?:above|before|else)",
        r"\bnew\s+(?:instructions?|task|rules)\s*:",
        r"\binstead,?\s+(?:you\s+)?(?:must|should|will)\s+(?:write|say|output|respond|reply)",
        r"(?:忽略|无视|忘记|忘掉|不要理会|跳过)(?:掉)?(?:之前|以上|上面|前面|先前|此前|原来|原有|所有|全部|系统)(?:的|所有|全部)*(?:指令|指示|提示|要求|规则|设定|命令)",
        r"新的?(?:指令|任务|要求)\s*[:：]",
    ],
    "role": [
        r"\byou\s+are\s+now\b",
        r"\b(?:act|behave|respond)\s+as\s+(?:an?\s+)?(?:unrestricted|different|new|evil|jailbroken|dan\b)",
        r"\b(?:developer|god|jailbreak|dan)\s+mode\b",
        r"(?im)^\s*(?:system|assistant|user)\s*:",
        r"(?:你现在是|你现在扮演|从现在起你是|进入开发者模式|越狱模式)",
    ],
    "address": [
        r"\b(?:note|message|attention|instructions?)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:ai|llm|language\s+model|assistant|chatbot|summari[sz]er|bot)s?\b",
        r"\b(?:if|when)\s+you\s+are\s+an?\s+(?:ai|llm|large\s+language\s+model|language\s+model|assistant|chatbot|summari[sz]er)\b",
        r"\b(?:ai|llm|language\s+model|assistant)s?\s+(?:reading|summari[sz]ing|processing|analy[sz]ing)\s+this\b",
        r"(?:致|给|写给|告诉)(?:所有|正在阅读的)?(?:AI|人工智能|大模型|语言模型|AI\s*助手|智能助手)",
        r"如果你是(?:一个)?(?:AI|人工智能|大模型|语言模型|助手)",
    ],
    "link": [
        r"\b(?:add|include|insert|append|put|place)\s+(?:this|the\s+following|a|the|my|our)\s+(?:link|url|hyperlink|reference)",
        r"\b(?:link|point)\s+(?:readers|users|people)?\s*to\s+(?:https?://|www\.)",
        r"\balways\s+(?:mention|recommend|promote|link\s+to|cite)\s+(?:this|our|my|the\s+following|https?://|www\.)",
        r"(?:添加|加入|插入|附上|附加)(?:这个|以下|下面的|该)?(?:链接|网址|超链接)",
        r"(?:务必|一定要|总是)(?:推荐|提到|宣传)(?:本|我们|这个|以下)",
    ],
    "leak": [
        r"\b(?:reveal|print|show|repeat|output|tell\s+me|disclose|leak|dump)\s+(?:me\s+)?(?:your\s+(?:system\s+|initial\s+|hidden\s+|full\s+)*|the\s+(?:system|initial|hidden)\s+)(?:prompt|instructions|configuration|api\s*key|secret|token|password)s?",
        r"\b(?:api[\s_-]*key|secret\s+key|access\s+token|environment\s+variables?)\b.{0,40}\b(?:reveal|print|include|output|send|show)",
        r"(?:泄露|透露|输出|显示|告诉我|打印)(?:你的|系统的?)?(?:系统)?(?:提示词|提示|指令|密钥|api\s*key|令牌|密码|环境变量)",
    ],
    "language": [
        r"(?:(?:^|[.!?。！？:：\n])\W*|please\s+|you\s+(?:must|should)\s+|from\s+now\s+on,?\s+)(?:respond|reply|answer|write|output|translate\s+everything)\s+(?:only\s+|exclusively\s+)?in\s+(?:english|chinese|french|german|spanish|japanese|russian|korean|pirate)\b",
        r"\bswitch\s+(?:the\s+|your\s+)?(?:output\s+)?language\b",
        r"(?:用|改用|请用|只用)(?:英文|英语|中文|法语|日语|德语)(?:回答|回复|输出|写作|书写)",
        r"(?:切换|更改|改变)(?:输出)?语言",
    ],
    "markup": [
        r"<\|(?:im_start|im_end|system|endoftext|begin_of_text|start_header_id)\|?>",
        r"\[/?INST\]|<<SYS>>|<</SYS>>",
        r"</?\s*(?:data|system|instructions?|prompt)\s*>",
        r"(?im)^#{2,}\s*(?:instruction|system|response)s?\s*:?\s*$",
    ],
}
_COMPILED = [
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, group in _PATTERNS.items()
    for pattern in group
]
_URL = re.compile(
    r"\[([^\]\n]{0,200})\]\(\s*[^)\s]+\s*\)"  # a Markdown link: keep its text
    r"|<?\b(?:https?|ftp)://[^\s<>\"'）)\]]+>?"
    r"|\bwww\.[^\s<>\"'）)\]]+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|ai|cn|co|dev|app|xyz|info|me|ly|gg)/[^\s<>\"'）)\]]*",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][\w.\-+]*")
# Below this many letters and characters, a text is judged by what it is made of, not by
# the share of each script: a name or two in Latin letters may stand in Chinese, and two
# Chinese characters are not English.
SHORT = 12


def instruction_kinds(text: str) -> list[str]:
    """The kinds of instruction `text` addresses to a model, in a stable order."""
    return sorted({kind for kind, pattern in _COMPILED if pattern.search(text)})


def without_instructions(text: str) -> str:
    """`text` without the sentences that address a model."""
    if not instruction_kinds(text):
        return text
    return " ".join(s for s in sentences(text) if not instruction_kinds(s))


@dataclass(frozen=True, slots=True)
class Screened:
    """A story's flags and the sentences that carried them."""

    story_id: int
    kinds: list[str]
    spans: list[str]


def screen_stories(stories: Iterable[Story]) -> list[Screened]:
    """The stories whose title, summaries or article text address a model, with the
    kinds and sentences found, for the store and the run report."""
    found = []
    for story in stories:
        texts = [story.text] + [t for item in story.items for t in (item.title, item.summary)]
        spans = [s for text in texts if text for s in sentences(text) if instruction_kinds(s)]
        kinds = sorted({kind for span in spans for kind in instruction_kinds(span)})
        if kinds:
            found.append(Screened(story.id, kinds, list(dict.fromkeys(spans))))
    return found


def strip_urls(text: str) -> tuple[str, int]:
    """`text` without URLs (a Markdown link keeps its text), and how many were removed."""
    count = 0

    def drop(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return match.group(1) or ""

    cleaned = _URL.sub(drop, text)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip(), count


def in_language(text: str, lang: str) -> bool:
    """Whether `text` reads as `lang`: Chinese text is mostly Han characters (names and
    terms in Latin letters allowed); English text has next to none. A short text
    (`SHORT`) is English when it has fewer than two Han characters, and Chinese when it
    has any, or when its Latin words are only names, acronyms and versions ("GPT-5",
    "Claude Code"): "New chip" is not Chinese, "英伟达发布新芯片" not English."""
    han = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if han + latin < SHORT:
        if lang == "zh":
            return han > 0 or names_only(text)
        return han < 2
    share = han / (han + latin / 3)  # a Latin word of ~3 letters weighs like one character
    return share >= 0.35 if lang == "zh" else share <= 0.08


def names_only(text: str) -> bool:
    """Whether the Latin words of `text` are only names, acronyms and versions: each
    capitalised or written as a name ("GPT-5", "vLLM", "MCP"), and the first no common
    word ("Claude Code" and "Aurora Labs" are names, "Big News" and "Agent" are not)."""
    words = [w for w in _LATIN_WORD.findall(text) if any(c.isalpha() for c in w)]
    if not words:
        return True
    if not all(w[0].isupper() or known_name(w) for w in words):
        return False
    first = words[0]
    return first.isupper() or known_name(first) or not common_word(first)
