"""The one tokeniser that merging, continuity and the week's axes share.

A text becomes a set of tokens: English words (lightly stemmed, stop words dropped),
numbers in a compact form scaled by their unit ($2B and 20 亿 meet), model names
without separators, Chinese character bigrams, and concept tokens ("@funding") from a
bilingual lexicon, so that a Chinese and an English telling of one story meet on the
names and concepts they share. Each item's tokens are computed once, at collection, and
stored with it (`item_terms`).

This module imports nothing heavy: collection tokenises in its parse workers, which
need neither numpy nor scipy.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache, lru_cache
from importlib import resources

from newsdesk.models import Item

# Characters of an item's summary that are tokenised with its title.
SUMMARY_CHARS = 240

_WORD = re.compile(r"[a-z0-9]+(?:[.\-+][a-z0-9]+)*")
_POSSESSIVE = re.compile(r"['’]s\b")
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_SEPARATORS = re.compile(r"[.\-+]")
DIGIT = re.compile(r"\d")
_NUMBER = re.compile(
    r"(?<![a-z0-9.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    r"(trillion|billion|million|thousand|bn|[kmbt](?![a-z])|万亿|亿|百万|万|千|percent|%|x(?![a-z])|倍)?"
)
_MULTIPLIERS = {
    "trillion": 1e12,
    "t": 1e12,
    "万亿": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "亿": 1e8,
    "million": 1e6,
    "m": 1e6,
    "百万": 1e6,
    "万": 1e4,
    "thousand": 1e3,
    "k": 1e3,
    "千": 1e3,
}
_EN_STOP = frozenset(
    """
    a an the and or but of to in on at for from by with as is are was were be been being it its
    this that these those into over after before about than then new says said say will would
    can could may might has have had not no more most up out via amid how why what who when
    where which while our your their his her they them we you i he she us my just also now get
    gets got make makes made one two first last week today year years day per all any some other
    such only own same so very vs
    """.split()
)
_ZH_STOP = frozenset("的了在是和与及等将对为把被也都就而并这那一个其中已于以之或从向到由让使")
_ZH_STOP_TABLE = str.maketrans("", "", "".join(_ZH_STOP))


@cache
def _lexicon() -> tuple[dict[str, str], dict[str, str], int]:
    """English word → concept, Chinese term → concept, and the longest Chinese term's length."""
    text = resources.files("newsdesk").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
    english: dict[str, str] = {}
    chinese: dict[str, str] = {}
    for concept, forms in tomllib.loads(text)["concepts"].items():
        for form in forms:
            form = unicodedata.normalize("NFKC", form).casefold()
            if HAN_RUN.fullmatch(form):
                chinese[form] = f"@{concept}"
            else:
                english[_stem(form)] = f"@{concept}"
    return english, chinese, max(map(len, chinese), default=0)


def chinese_terms() -> list[str]:
    """The Chinese forms in the lexicon."""
    return sorted(_lexicon()[1])


@cache
def _lexicon_heads() -> frozenset[str]:
    """The first two characters of every Chinese lexicon term (the term itself if shorter)."""
    return frozenset(term[:2] for term in _lexicon()[1])


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _numbers(text: str, found: set[str]) -> str:
    """Add one token per number, scaled by its unit ($2B and 20 亿 meet); return the rest."""

    def token(match: re.Match[str]) -> str:
        value = float(match.group(1).replace(",", ""))
        unit = match.group(2)
        if unit in _MULTIPLIERS:
            found.add(f"#{value * _MULTIPLIERS[unit]:g}")
        elif unit in ("percent", "%"):
            found.add(f"#{value:g}%")
        elif unit in ("x", "倍"):
            found.add(f"#{value:g}x")
        elif value >= 2 or "." in match.group(1):
            found.add(f"#{value:g}")
        return " "

    return _NUMBER.sub(token, text)


@lru_cache(maxsize=1 << 14)
def tokens(text: str) -> frozenset[str]:
    """The token set of a text: words, numbers, compact names, Chinese bigrams and concepts.

    Cached for the small texts that are tokenised again (concept glossaries, tests).
    """
    english, chinese, longest = _lexicon()
    found: set[str] = set()
    text = _POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).casefold())
    words = _numbers(text, found) if DIGIT.search(text) else text
    for word in _WORD.findall(words):
        if word in _EN_STOP:
            continue
        compact = _SEPARATORS.sub("", word) if DIGIT.search(word) else _stem(word)
        found.add(english.get(compact, compact))
    heads = _lexicon_heads()
    for run in HAN_RUN.findall(text):
        pairs = [run[i : i + 2] for i in range(len(run))]  # the last one is a single character
        if not heads.isdisjoint(pairs) or not heads.isdisjoint(run):
            for start in range(len(run)):  # every lexicon term in the run, overlaps included
                if pairs[start] not in heads and run[start] not in heads:
                    continue
                for end in range(start + 1, min(start + longest, len(run)) + 1):
                    concept = chinese.get(run[start:end])
                    if concept:
                        found.add(concept)
        run = run.translate(_ZH_STOP_TABLE)
        found.update([run[i : i + 2] for i in range(len(run) - 1)])
    return frozenset(found)


TERMS_VERSION = 1  # raise when `tokens` changes: stored terms are then computed again


def item_terms(title: str, summary: str) -> str:
    """An item's tokens as stored: the title's, a tab, then the summary's other tokens."""
    head = tokens(title)
    rest = tokens(summary[:SUMMARY_CHARS]) - head
    return " ".join(sorted(head)) + "\t" + " ".join(sorted(rest))


def split_terms(item: Item) -> tuple[list[str], list[str]]:
    head, _, rest = (item.terms or item_terms(item.title, item.summary)).partition("\t")
    return head.split(), rest.split()
