"""The one tokeniser that merging, continuity and the week's axes share.

A text becomes a set of tokens: English words (lightly stemmed, stop words and
contractions such as "won't" dropped), numbers with every digit kept and scaled exactly
by their unit ($2B and 20 亿 meet as `#2000000000`; an id such as 47949027 stays whole),
model names without separators, Chinese character bigrams, and concept tokens
("@funding") from a bilingual lexicon, so that a Chinese and an English telling of one
story meet on the names and concepts they share. Each item's tokens are computed once, at collection, and
stored with it (`item_terms`).

This module imports nothing heavy: collection tokenises in its parse workers, which
need neither numpy nor scipy.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

from newsdesk.models import Item

# Characters of an item's summary that are tokenised with its title.
SUMMARY_CHARS = 240

# A forum's label opening a title: Hacker News' "Show HN:", a subreddit's "[D]". It says
# what kind of post it is, not what the post is about, so it is no token.
_TAGS = re.compile(
    r"^\s*(?:(?:show|ask|tell|launch)\s+hn\b\s*[:：\-–—]?|"
    r"(?:\[(?:d|p|r|n|discussion|project|research|news)\]\s*)+)"
)
_WORD = re.compile(r"[a-z0-9]+(?:[.\-+][a-z0-9]+)*")
# Contractions are stop words as a whole ("won't" never leaves "won" and "t"): any word
# with n't, 're, 've, 'll, 'd or 'm, and the 's of pronouns and question words ("it's");
# any other 's is a possessive and only the 's goes.
_CONTRACTION = re.compile(
    r"\b(?:[a-z]+['’](?:t|re|ve|ll|d|m)"
    r"|(?:it|that|what|there|here|let|he|she|who|where|how|when|why)['’]s)(?![a-z0-9])"
)
_POSSESSIVE = re.compile(r"['’]s\b")
# "US" in capitals, alone: the United States ("US Military leaders meet with Anthropic").
_US = re.compile(r"(?<![\w.])US(?![\w.$])")  # (not "US$5B": a sum in dollars)
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_SEPARATORS = re.compile(r"[.\-+]")
_S1 = re.compile(r"(?<![\w\-])s-1(?![\w\-])")
DIGIT = re.compile(r"\d")
# A name and a version in one word: "deepseek-v4", "qwen3.5", "kimi-k2.5", "llama4".
_NAMED_VERSION = re.compile(r"([a-z]{2,})-?([a-z]?\d+(?:\.\d+)?[a-z]?)")
_VERSION = re.compile(r"(?<![a-z0-9.])\d+(?:\.\d+){2,}(?!\.?\d)")  # 1.13.9: one token
# Units of a measure (memory, storage, frequency, power, a chip's process): "8GB" is one
# token, `#8gb`, and a size, not a figure that names a story (see `figure`).
MEASURES = (
    "gb", "tb", "mb", "pb", "gib", "tib", "ghz", "mhz", "nm", "kw", "mw", "gw", "kwh", "mwh",
    "gwh", "tops", "tflops", "pflops",
)  # fmt: skip
_NUMBER = re.compile(
    r"(?<![a-z0-9.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    rf"((?:{'|'.join(sorted(MEASURES, key=len, reverse=True))})(?![a-z])|"
    r"trillion|billion|million|thousand|bn|[kmbt](?![a-z])|万亿|亿|百万|万|千|percent|%|x(?![a-z])|倍)?"
)
_MULTIPLIERS = {
    "trillion": 10**12,
    "t": 10**12,
    "万亿": 10**12,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "亿": 10**8,
    "million": 10**6,
    "m": 10**6,
    "百万": 10**6,
    "万": 10**4,
    "thousand": 10**3,
    "k": 10**3,
    "千": 10**3,
}
# Numbers written as words, the one list of them: the tokeniser drops the small ones
# (`_EN_STOP`), `stop_word` all of them, and none is a name (`common_word`).
_SMALL_NUMBERS = frozenset("one two three four five six seven eight nine ten".split())
_NUMBER_WORDS = _SMALL_NUMBERS | frozenset(
    """
    eleven twelve dozen dozens hundred hundreds thousand thousands million millions billion
    billions trillion trillions
    """.split()
)
_EN_STOP = _SMALL_NUMBERS | frozenset(
    """
    a an the and or but of to in on at for from by with as is are was were be been being it its
    this that these those into over after before about than then new says said say will would
    can could may might has have had not no more most up out via amid how why what who when
    where which while our your their his her they them we you i he she us my just also now get
    gets got make makes made first last week today year years day per all any some other
    such only own same so very vs off next
    """.split()
)
# Words that say nothing of what stories share, beyond the tokeniser's stop words (which
# never become tokens): kept in the stored terms, left out wherever a word must be
# specific (the week's axes and the signals' keywords, `stop_word`).
_EN_FUNCTION = frozenset(
    """
    back still even ever yet again once soon later early ahead away around across
    along within without toward towards upon onto down under above below behind beyond near
    far here there then too really quite rather almost against between through during since
    until whether though although because however whatever anyone anything everyone
    everything someone something nothing nobody half least less lot lots big small large long
    short high low top best better worst way ways thing things time times part kind sort
    several many latest
    """.split()
)
_ZH_STOP = frozenset("的了在是和与及等将对为把被也都就而并这那一个其中已于以之或从向到由让使")
_ZH_STOP_TABLE = str.maketrans("", "", "".join(_ZH_STOP))
# Chinese words that say nothing specific, beyond the characters the tokeniser drops
# (`_ZH_STOP`): pronouns, counts, "today", "new", "said".
_ZH_FUNCTION = frozenset(
    """
    我们 他们 以及 以上 一个 一款 一项 一种 一些 没有 如何 什么 这个 这些 其中 目前 已经 可以 通过
    进行 相关 今天 今日 本周 近日 新的 最新 全新 正式 至少 两家 多家 多个 更多 超过 称
    """.split()
)


def stop_word(token: str) -> bool:
    """Whether a stored token or a word says nothing specific: a stop word of the
    tokeniser's, a function word ("off", "next", "back"), a number written as a word
    ("six", "dozen"), as written or stemmed; or a Chinese function word ("我们", "的")."""
    if HAN_RUN.match(token):
        return token in _ZH_FUNCTION or token in _ZH_STOP
    return any(
        form in _EN_STOP or form in _EN_FUNCTION or form in _OPENERS or form in _NUMBER_WORDS
        for form in (token, _stem(token))
    )


@cache
def _lexicon_data() -> dict[str, Any]:
    """data/lexicon.toml, read and parsed once."""
    text = resources.files("newsdesk").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def _lexicon() -> tuple[dict[str, str], dict[str, str], int]:
    """English word → concept, Chinese term → concept, and the longest Chinese term's length."""
    english: dict[str, str] = {}
    chinese: dict[str, str] = {}
    for concept, forms in _lexicon_data()["concepts"].items():
        for form in forms:
            form = unicodedata.normalize("NFKC", form).casefold()
            if HAN_RUN.fullmatch(form):
                chinese[form] = f"@{concept}"
            elif " " not in form:
                english[_stem(form)] = f"@{concept}"
    return english, chinese, max(map(len, chinese), default=0)


@cache
def _phrases() -> dict[tuple[str, str], list[tuple[tuple[str, ...], str, bool]]]:
    """The lexicon's English forms of several words ("goes public", "data center"), by
    their first two words: matched as written, word for word, stop words included; with
    whether the form covers its words (a role, "Nvidia CEO", leaves "Nvidia" its own
    concept)."""
    phrases: dict[tuple[str, str], list[tuple[tuple[str, ...], str, bool]]] = {}
    data = _lexicon_data()
    for section, covers in (("concepts", True), ("roles", False)):
        for concept, forms in data.get(section, {}).items():
            for form in forms:
                words = tuple(_WORD.findall(unicodedata.normalize("NFKC", form).casefold()))
                if " " in form and len(words) > 1:
                    phrases.setdefault(words[:2], []).append((words, f"@{concept}", covers))
    return phrases


# Words that make "<company> chief" another office than the one a role means.
_OFFICES = frozenset(
    """
    scientist scientists technology technical operating financial product products research
    people marketing information security legal commercial strategy economist
    communications revenue business science architect futurist officer of
    """.split()
)


@cache
def _phrase_ends() -> tuple[frozenset[str], frozenset[str]]:
    """The first and the last words of the lexicon's forms of several words."""
    phrases = [phrase for entries in _phrases().values() for phrase, _, _ in entries]
    return frozenset(p[0] for p in phrases), frozenset(p[-1] for p in phrases)


def _phrase_tokens(sequence: list[str], found: set[str], hyphens: bool = True) -> set[int]:
    """Add the concepts whose forms of several words come in a row in `sequence`; the
    positions of the words they cover."""
    covered: set[int] = set()
    phrases = _phrases()
    for index, word in enumerate(sequence) if hyphens else ():
        if "-" in word:  # a form written with hyphens: "supply-chain" is "supply chain"
            parts = tuple(word.split("-"))
            for phrase, token, covers in phrases.get((parts[0], parts[1]), ()):
                if parts == phrase:
                    found.add(token)
                    if covers:
                        covered.add(index)
    firsts, lasts = _phrase_ends()
    if firsts.isdisjoint(sequence) or lasts.isdisjoint(sequence):
        return covered  # most texts: no form of several words can be there
    for index, pair in enumerate(pairwise(sequence)):
        for phrase, token, covers in phrases.get(pair, ()):
            if tuple(sequence[index : index + len(phrase)]) == phrase:
                after = index + len(phrase)
                if not covers and after < len(sequence) and sequence[after] in _OFFICES:
                    continue  # "OpenAI chief scientist" is not OpenAI's chief
                found.add(token)
                if covers:
                    covered.update(range(index, index + len(phrase)))
    return covered


@cache
def name_concepts() -> frozenset[str]:
    """The lexicon's concept tokens that are names ("@nvidia", "@altman"), not kinds of
    news ("@release", "@agent")."""
    kinds = _lexicon_data().get("kinds", {})
    return frozenset(f"@{name}" for name in kinds.get("names", []))


def chinese_terms() -> list[str]:
    """The Chinese forms in the lexicon."""
    return sorted(_lexicon()[1])


@cache
def _lexicon_heads() -> frozenset[str]:
    """The first two characters of every Chinese lexicon term (the term itself if shorter)."""
    return frozenset(term[:2] for term in _lexicon()[1])


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A light English stem that gives a word's forms one token: "running", "runs" and
    "run"; "companies" and "company"; "stopped" and "stop". (Not "preparing" and
    "prepare": a stem without its final e would also cut names, "claude" to "claud".)"""
    n = len(word)
    if n > 5 and word.endswith("ing"):
        return _undouble(word[:-3])
    if n > 6 and word.endswith("ally"):  # "confidentially" → "confidential"
        return word[:-2]
    if n > 4 and word.endswith("ied"):
        return word[:-3] + "y"
    if n > 4 and word.endswith("ed") and word[-3] != "e":  # not "speed", "proceed"
        return _undouble(word[:-2])
    if n > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if n > 4 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if n > 3 and word.endswith("s") and not word.endswith(("ss", "sis")) and word not in _SINGULAR:
        return word[:-1]
    return word


# Words in -s that are one thing ("virus", "status"): their plurals in -es meet them
# ("viruses" → "virus"), and they keep their s (so "virus" is not "viru"). Words in -sis
# keep theirs too ("analysis", "crisis"), while "APIs" and "robotaxis" lose it.
_SINGULAR = frozenset(
    """
    virus status bonus campus census consensus corpus focus genus nexus radius stimulus
    syllabus prospectus opus apparatus walrus chorus circus octopus fungus hiatus impetus
    surplus minus plus versus cactus exodus
    """.split()
)


def _undouble(stem: str) -> str:
    """ "runn" → "run", "stopp" → "stop"; "fall", "pass", "buzz", "add", "staff" and
    "embedd" (not the "embed" of deploying) stay."""
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "aeioulszdf":
        return stem[:-1]
    return stem


# An amount in Chinese numerals before 亿 or 万亿 ("千亿美元", "三千五百亿", "两万亿"), not
# a vague one ("数千亿", "几百亿", "上千亿": some hundreds of billions).
_ZH_AMOUNT = re.compile(r"(?<![数几上近超逾约])([一二两三四五六七八九十百千]+)(万亿|亿)")
_ZH_DIGITS = dict(zip("一二两三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}


# A maker's name written with "AI" as one word ("ManusAI"), for `tokens`.
_NAME_AI = re.compile(r"\b([A-Z][a-z]{2,})AI\b")


def _chinese_amounts(text: str, found: set[str]) -> None:
    """Add the figure of each amount written in Chinese numerals: "千亿美元" is $100B
    (`#100000000000`) as "1000亿美元" and "$100 billion" are."""
    for match in _ZH_AMOUNT.finditer(text):
        total, digit = 0, None
        for char in match.group(1):
            if char in _ZH_DIGITS:
                digit = _ZH_DIGITS[char]
            else:
                total += (1 if digit is None else digit) * _ZH_UNITS[char]
                digit = None
        total += digit or 0
        found.add(f"#{total * _MULTIPLIERS[match.group(2)]}")


def _numbers(text: str, found: set[str]) -> str:
    """Add one token per number, every digit kept and scaled exactly by its unit ($2B and
    20 亿 meet as `#2000000000`, $2.5B and 25 亿 as `#2500000000`); return the rest.
    Versions with two dots or more (1.13.9) are one token each."""

    def version(match: re.Match[str]) -> str:
        found.add(f"#{match.group(0)}")
        return " "

    def token(match: re.Match[str]) -> str:
        digits = match.group(1).replace(",", "")
        unit = match.group(2)
        if unit in MEASURES:
            found.add(f"#{_plain(digits)}{unit}")
        elif unit in _MULTIPLIERS:
            found.add(f"#{_scaled(digits, _MULTIPLIERS[unit])}")
        elif unit in ("percent", "%"):
            found.add(f"#{_plain(digits)}%")
        elif unit in ("x", "倍"):
            found.add(f"#{_plain(digits)}x")
        elif "." in digits or digits.lstrip("0") not in ("", "1"):
            found.add(f"#{_plain(digits)}")
        return " "

    if "." in text:
        text = _VERSION.sub(version, text)
    return _NUMBER.sub(token, text)


def figure(token: str) -> bool:
    """Whether a token is a number or a versioned name (an amount, "#5.4", "gpt-5"), not a
    measure ("#8gb"): two titles with figures and none in common tell two stories."""
    return DIGIT.search(token) is not None and not token.endswith(MEASURES)


_MILLIONS = re.compile(r"#\d{7,}")


def amount(token: str) -> bool:
    """Whether a token is a sum or a count of a million or more ("$7B", "800M users",
    千亿美元): two titles that name one and a name besides tell one event."""
    return _MILLIONS.fullmatch(token) is not None


def _plain(digits: str) -> str:
    """A number as written, without leading zeros or a fraction's trailing zeros."""
    whole, _, fraction = digits.partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _scaled(digits: str, multiplier: int) -> str:
    """`digits` × `multiplier`, exactly: an integer when it is one (2.5 × 10⁹ is
    2500000000, never 2.5e+09)."""
    try:
        value = Decimal(digits) * multiplier
    except InvalidOperation:
        return _plain(digits)
    if value == value.to_integral_value():
        return str(int(value))
    return _plain(format(value, "f"))


_DOTTED_AI = re.compile(r"\ba\.i\.")


@lru_cache(maxsize=1 << 14)
def tokens(text: str) -> frozenset[str]:
    """The token set of a text: words, numbers, compact names, Chinese bigrams and concepts.

    Cached for the small texts that are tokenised again (concept glossaries, tests).
    """
    english, chinese, longest = _lexicon()
    found: set[str] = set()
    text = unicodedata.normalize("NFKC", text)
    if "US" in text and any(c.islower() for c in text):
        # The country, as headlines write it (lower-cased, "us" is a pronoun; a text all in
        # capitals writes the pronoun so too).
        text = _US.sub("USA", text)
    if "AI" in text:
        # A maker written with "AI" as one word is the maker: "ManusAI Joins Meta" meets
        # "Meta acquires Manus AI" ("OpenAI" is no "open": an everyday word stays apart).
        for match in _NAME_AI.finditer(text):
            name = _stem(match.group(1).casefold())
            if name not in _plain_words():
                found.add(english.get(name, name))
    text = text.casefold()
    if "'" in text or "’" in text:
        text = _POSSESSIVE.sub("", _CONTRACTION.sub(" ", text))
    text = _TAGS.sub("", text, count=1)
    if "s-1" in text:  # the SEC's S-1 is a company's filing to go public
        text = _S1.sub(" ipo ", text)
    if "artificial intelligence" in text:  # one subject, however it is written: "AI"
        text = text.replace("artificial intelligence", "ai")
    if "a.i." in text:  # the New York Times's "A.I."
        text = _DOTTED_AI.sub("ai", text)
    words = _numbers(text, found) if DIGIT.search(text) else text
    if "亿" in text:
        _chinese_amounts(text, found)
    sequence = _WORD.findall(words)
    covered = _phrase_tokens(sequence, found, "-" in words)
    for index, word in enumerate(sequence):
        if word in _EN_STOP:
            continue
        digit = DIGIT.search(word) is not None
        if index in covered:
            continue  # a word of a phrase gives no token of its own: "data center" is
            # `@datacenter`, not also `@dataset` ("data") nor "center", and so not two or
            # three things two stories share for one
        if not digit and "-" in word:
            head, _, tail = word.rpartition("-")
            if tail in _COMPOUND_TAILS and head:
                # "reasoning-based", "Altman-backed": the compound names its first part
                # ("… for reasoning-based autonomous vehicles" meets "… 'reasoning' AI").
                found |= tokens(head)
                continue
            parts = _hyphen_parts(word)
            names = name_concepts()
            if len(parts) > 1 and any(english.get(_stem(part)) in names for part in parts):
                # A compound of a known name ("Qwen-Image", "Google-Anthropic") also gives
                # its parts' tokens: "Qwen-Image: …" meets "Qwen Image".
                for part in parts:
                    found |= tokens(part)
        compact = _SEPARATORS.sub("", word) if digit else _stem(word)
        concept = english.get(compact)
        found.add(concept or compact)
        if digit and "-" in word:
            # A hyphenated name with a version also gives its parts' tokens: "Kimi-K2.7-Code"
            # and "Kimi K2.7-Code" meet on "kimi" and "k27", not only on two compact forms.
            for part in _hyphen_parts(word):
                found |= tokens(part)
        if digit:
            named = _NAMED_VERSION.fullmatch(word)
            if named and named.group(1) not in _EN_STOP:
                # A name and its version written as one word ("DeepSeek-V4", "Qwen3.5")
                # also gives the tokens of the two written apart ("DeepSeek V4", "Qwen 3.5").
                name, version = _stem(named.group(1)), named.group(2)
                found.add(english.get(name, name))
                plain = version.replace(".", "").isdigit()
                found.add(f"#{_plain(version)}" if plain else _SEPARATORS.sub("", version))
    heads = _lexicon_heads()
    for run in HAN_RUN.findall(text):
        pairs = [run[i : i + 2] for i in range(len(run))]  # the last one is a single character
        if not heads.isdisjoint(pairs) or not heads.isdisjoint(run):
            spans = []  # every lexicon term in the run, overlaps included
            for start in range(len(run)):
                if pairs[start] not in heads and run[start] not in heads:
                    continue
                for end in range(start + 1, min(start + longest, len(run)) + 1):
                    concept = chinese.get(run[start:end])
                    if concept:
                        spans.append((start, end, concept))
            # but not one inside a longer one: 数据中心 is `@datacenter`, not also 数据
            found.update(
                concept
                for start, end, concept in spans
                if not any(a <= start and end <= b and b - a > end - start for a, b, _ in spans)
            )
        run = run.translate(_ZH_STOP_TABLE)
        found.update([run[i : i + 2] for i in range(len(run) - 1)])
    if "@judge" in found:
        # A judge who rules, blocks or bans decides a court case: "Judge rules Anthropic's
        # blacklisting was illegal" and "Judge blocks Pentagon blacklist of Anthropic" are
        # one ruling, not a regulation and a ban.
        found.add("@lawsuit")
    return frozenset(found)


def _hyphen_parts(word: str) -> list[str]:
    """The parts of a hyphenated word that say something ("Kimi-K2.7-Code", "Qwen-Image")."""
    return [part for part in word.split("-") if part and part not in _EN_STOP]


TOKENISER_VERSION = 27  # raise when `tokens` changes: stored terms are then computed again
# The endings after a hyphen that make a compound of what comes before: "reasoning-based"
# is about reasoning, "Altman-backed" about Altman.
_COMPOUND_TAILS = frozenset(
    "based powered driven enabled backed led funded owned focused native".split()
)


@cache
def terms_version() -> str:
    """The version of the stored item terms: the tokeniser's and its lexicon's (an edited
    lexicon gives other tokens, so the terms stored before are computed again)."""
    import hashlib

    text = resources.files("newsdesk").joinpath("data/lexicon.toml").read_bytes()
    return f"{TOKENISER_VERSION}-{hashlib.sha256(text).hexdigest()[:12]}"


# What feeds put in a summary that says nothing about the news: Hacker News' "Article URL:
# … Comments URL: … Points: 12 # Comments: 3", Reddit's "submitted by /u/x [link]
# [comments]", and addresses alone.
_BOILERPLATE = re.compile(
    r"(?i)(?:Article|Comments) URL:\s*\S*|Points:\s*\d+|#\s*Comments:\s*\d+"
    r"|submitted by\s+/?u/\S+|\[(?:link|comments)\]"
)
_BOILERPLATE_MARKS = (
    "URL:",
    "url:",
    "Points:",
    "Comments:",
    "submitted by",
    "[link]",
    "[comments]",
)
_FILLER = re.compile(r"(?i)(?:https?://\S+|www\.\S+|\b(?:discussion|comments?|link)\b|[\W_])+")
_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def summary_text(title: str, summary: str) -> str:
    """The text of an item's summary, or "" when it says nothing the title does not:
    boilerplate (a Hacker News or Reddit stub, bare addresses, "Discussion") or the title
    again. Analysis and merging read this, never the raw summary."""
    if not summary:
        return ""
    if any(mark in summary for mark in _BOILERPLATE_MARKS):
        summary = _SPACES.sub(" ", _BOILERPLATE.sub(" ", summary)).strip()
    if not summary or _FILLER.fullmatch(summary):
        return ""
    if len(summary) > 2 * len(title) + 8:  # too long to be the title again
        return summary
    said, named = _key(summary), _key(title)
    if said == named:
        return ""
    if not named or not (said.startswith(named) or said.endswith(named)):
        return summary
    # The title again with a scraper's debris around it, as collection cleans titles: a
    # date and a section label ("Mar 5, 2026Economic ResearchLabor market impacts of
    # AI…"), a reading time.
    from newsdesk.normalize import clean_title

    return "" if _key(clean_title(summary)) == named else summary


def item_terms(title: str, summary: str) -> str:
    """An item's tokens as stored: the title's, a tab, then the other tokens of what the
    summary says (`summary_text`: no boilerplate)."""
    head = tokens(title)
    rest = tokens(summary_text(title, summary[: 4 * SUMMARY_CHARS])[:SUMMARY_CHARS]) - head
    return " ".join(sorted(head)) + "\t" + " ".join(sorted(rest))


def split_terms(item: Item) -> tuple[list[str], list[str]]:
    head, _, rest = (item.terms or item_terms(item.title, item.summary)).partition("\t")
    return head.split(), rest.split()


_TITLE_WORD = re.compile(r"[^\W_][\w.\-+]*")


@lru_cache(maxsize=1 << 14)
def name_tokens(title: str) -> frozenset[str]:
    """The tokens of a title's words that are written as names: all capitals ("GPU",
    "xAI"), inner capitals ("OpenAI"), letters with digits ("GPT-5.2"), or capitalised
    inside a title that is not in title case ("the Ofcom probe")."""
    words = _TITLE_WORD.findall(title)
    long = [w for w in words if len(w) > 3 and w.isalpha()]
    title_case = bool(long) and sum(w[0].isupper() for w in long) * 10 >= len(long) * 7
    found: set[str] = set()
    for position, word in enumerate(words):
        if not word.isascii():
            continue
        inner = any(c.isupper() for c in word[1:])
        digits = DIGIT.search(word) is not None and any(c.isalpha() for c in word)
        capital = word[0].isupper() and position > 0 and not title_case
        if inner or digits or capital:
            found |= tokens(word)
    return frozenset(found)


def naming_token(token: str) -> bool:
    """Whether a token of `name_tokens` names someone or something: not a kind of news
    the lexicon knows ("Model" in "Model Vault" is @model), not a number or an amount
    ("$30B"), not a generic name ("AI"), not one letter ("Model S")."""
    if token.startswith("@"):
        return token in name_concepts()
    return len(token) > 1 and not token.startswith("#") and token not in _GENERIC_NAMES


# Capitalised words that open a title without naming anything.
_OPENERS = frozenset(
    """
    a an the this that these those how why what when where who which is are was can will
    should does do did new our we i my your it its in on at for from by with as after
    before about show ask tell introducing announcing inside meet beyond breaking report
    exclusive watch here there today first more most why's what's how's
    """.split()
)
# The verbs and particles that end the name a Chinese headline opens with.
_ZH_NAME_END = re.compile(
    r"(?:发布|宣布|推出|完成|开源|上线|获得|获|就|将|与|和|的|称|被|再|正式|首次|公布|披露|起诉|收购|在|已|也|对|向|把|于|：|:|，|,|\s)"
)
# What a Chinese report opens with before its subject ("消息称 Anthropic 正以…").
_ZH_OPENER = re.compile(r"^(?:消息称|消息人士称|据报道|报道称|据悉|据传|独家|传闻|曝)[：:，,\s]*")
_NAME_WORD = re.compile(r"[^\W_][\w.\-+]*")
# An amount or a count written like a name ("10B", "$350B", "100K"): not a name.
_AMOUNT = re.compile(r"\$?\d[\d.,]*\s*(?:[KMGT]?B|[KMBT]|x|%)?", re.I)


# Words written as names that name no one in particular.
_GENERIC_NAMES = frozenset(
    "ai a.i llm llms gpu gpus cpu cpus npu tpu api apis ceo ceos cto hn ml agi ui ux us uk u.s u.k"
    " pdf".split()
)
# Common English words that open a headline or are capitalised in one without naming
# anyone ("Statement from …", "Father sues …", "Heaps do lie"): a name never starts with
# one, though a name may go on with one ("Claude Code", "Vera Rubin"). With the stop
# words, the openers, verbs ending in -ing or -ed and the lexicon's kinds of news
# ("Updates", "Memory"), they are the words `title_names` does not take for names.
_COMMON_WORDS = _NUMBER_WORDS | frozenset(
    """
    about above across again against ago ahead all almost alone already always among
    another anyone anything around away back bad because become becomes best better
    between big both bring brings build builds but call calls cancel case cause change
    cheap children city clear close code come comes computer court critics daily dark
    data dead deal deep department did different each early easy either else end enough even
    ever every everyone everything everywhere exactly experts fake family far fast father
    feel few fight file final find finds fine fix former forget forward free full fun
    future game gamers give gives global go goes going gone good government great group
    guide half hands happy hard heap heaps help here high history home hope hot house huge
    human idea ideas if important inside instead interview into judge jury just
    keep keeps key kids kill kind know known large late later law lawmakers least leave
    less lessons let life like little live local long look looking lose lost lot low
    major make man many maybe me men met might military mind mom money month
    months more mother move moves much murder must myself near nearly need needs never
    next nice nobody none nothing notes now number off office official officials often
    oil old once online open opinion order others over own paper parents part past pay
    people perhaps person personal place plan play players please police post power
    private problem project public push put quick quiet quite rather read ready real
    really reason rest review rise risk run runs safe save scientists see seems self
    set sets short should show side simple since small so social some someone something
    sometimes soon start state statement still stop story strong study such suit sure
    survey switch system take talk teens than thanks thing things think those though
    thoughts through time tips together too top toward tried true try
    turn under until update use used useful users very want war watch water way ways
    well what whatever while whole why wide wife win without woman women word words
    work workers working world worse worst write wrong yes yet young
    latest cybersecurity reverse failure
    understand customize explore discover learn create deploy train choose connect manage
    protect secure automate scale ship track measure compare meet join ask tell share
    """.split()
)


@cache
def _plain_words() -> frozenset[str]:
    """The ordinary words of `specific`, as written and as the tokeniser stems them."""
    words = _COMMON_WORDS | _EN_FUNCTION | _OPENERS | _GENERIC_NAMES | _EN_STOP
    return frozenset(words | {_stem(word) for word in words})


def generic(token: str) -> bool:
    """Whether a token is one every AI story may carry ("ai", "llm", "api")."""
    return token in _GENERIC_NAMES


def specific(token: str) -> bool:
    """Whether a stored token can name the thing a story is about: a name the lexicon
    knows ("@nvidia"), a number or a version, a Chinese bigram (whose meaning the
    tokeniser cannot tell), or a word that is no ordinary one ("nscale", "lyria"); not a
    kind of news ("@release", "@model") nor an everyday word ("use", "moves", "end"), nor
    the subject every AI story shares ("ai")."""
    if token.startswith("@"):
        return token in name_concepts() or token in _PLACES
    if DIGIT.search(token) or HAN_RUN.match(token):  # numbers ("#10", "gpt-5") included
        return True
    return token not in _plain_words()


@cache
def _known_names() -> frozenset[str]:
    """Casefolded names the relevance stage's word lists know (data/relevance.toml): labs,
    models, products and companies written with a capital."""
    from importlib import resources

    text = resources.files("newsdesk").joinpath("data/relevance.toml").read_text("utf-8")
    lists = tomllib.loads(text)["ai"]
    terms = [*lists["strong"], *lists["weak"]]
    return frozenset(t.casefold() for t in terms if t[:1].isupper() and " " not in t)


def known_name(word: str) -> bool:
    """Whether a word is a name whatever the title around it: one the relevance lists
    or the lexicon know ("Anthropic", "英伟达"), or one written as only a name is
    (inner capitals "OpenAI", letters with digits "GPT-5", capitals "EU")."""
    if word.casefold() in _known_names() or tokens(word) & name_concepts():
        return True
    if DIGIT.search(word) and any(c.isalpha() for c in word) and not _AMOUNT.fullmatch(word):
        return True
    return any(
        any(c.isupper() for c in part[1:]) and part.casefold() not in _GENERIC_NAMES
        for part in word.split("-")  # "Open-Sources" is two words, "AI-generated" no name
    )


def common_word(word: str) -> bool:
    """Whether a capitalised word is an ordinary English word rather than a name: a stop
    word, a headline's opener, a common word, a verb in -ing or -ed, a nationality
    ("Chinese", "Canadian"), a kind of news the lexicon knows ("Updates"); for a
    hyphenated word, its first part ("Murder-suicide")."""
    if known_name(word):
        return False
    parts = word.casefold().rstrip(".").split("-")
    if parts[0] in _GENERIC_NAMES or parts[0] in _CALENDAR:  # "AI-Proof", "March"
        return True
    folded = parts[0]
    if folded in _EN_STOP or folded in _OPENERS or folded in _COMMON_WORDS:
        return True
    verb = (len(folded) > 5 and folded.endswith("ing") and folded not in _NOT_VERBS) or (
        len(folded) > 4 and folded.endswith("ed")
    )
    if verb or folded in _NATIONALITIES:
        return True
    kinds = {t for t in tokens(folded) if t.startswith("@")} - name_concepts() - _PLACES
    return bool(kinds)


_NATIONALITIES = frozenset(
    """
    american australian austrian belgian brazilian british canadian chinese croatian czech
    danish dutch egyptian english estonian european filipino finnish french german greek
    hungarian indian indonesian iranian irish israeli italian japanese korean latvian
    lithuanian malaysian mexican nigerian norwegian pakistani palestinian polish portuguese
    romanian russian saudi scottish serbian singaporean spanish swedish swiss syrian taiwanese
    thai turkish ukrainian vietnamese welsh western eastern asian african arab
    """.split()
)
_CALENDAR = frozenset(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday era
    """.split()
)
# Names that end as verbs in -ing do.
_NOT_VERBS = frozenset("beijing nanjing boeing peking viking kunming harbin".split())
# The lexicon's concepts that are places: capitalised, they name one ("China", "EU").
_PLACES = frozenset({"@china", "@europe", "@us", "@uk"})


@lru_cache(maxsize=1 << 12)
def title_names(title: str) -> tuple[str, ...]:
    """The names a title is about, as written, in order: runs of words written as names
    ("Aurora Labs", "Lumen-4", "EU"), with the opening word when it is a known name or
    the title is in sentence case and it is no common word ("Statement", "Extracting");
    for a Chinese title, the name it opens with ("星河科技" in "星河科技发布…"). Generic
    words ("AI", "CEO") name no one; a run stops at punctuation ("OpenAI, Microsoft")."""
    stripped = _ZH_OPENER.sub("", title.strip())
    if HAN_RUN.match(stripped):
        head = _ZH_NAME_END.split(stripped, maxsplit=1)[0]
        return (head,) if 2 <= len(head) <= 12 else ()
    spans = list(_NAME_WORD.finditer(stripped))
    words = [_SUFFIXED.sub("", m.group(0).rstrip(".")) for m in spans]
    named = name_tokens(title)
    long = [w for w in words if len(w) > 3 and w.isalpha()]
    title_case = bool(long) and sum(w[0].isupper() for w in long) * 10 >= len(long) * 7

    def is_name(position: int, going_on: bool) -> bool:
        word = words[position]
        folded = word.casefold()
        if not word[:1].isupper() and not any(c.isupper() for c in word[1:]):
            return False
        if folded in _OPENERS or folded in _GENERIC_NAMES or folded in _EN_STOP:
            return False
        if _AMOUNT.fullmatch(word):  # "Sarvam 105B" is Sarvam
            return False
        if known_name(word):
            return True
        if _TITLED_PARTS.fullmatch(word):  # "Purpose-Built", "Open-Source": no name
            return position == 0 and not title_case and not common_word(word)
        if not (tokens(word) & named or (position == 0 and not title_case)):
            return False
        # A common word goes on with a name ("Claude Code") but never starts one; a
        # verb, a month or a day does neither ("Claude March 2026 usage promotion").
        verb = _VERB_FORM.search(folded) or folded in _CALENDAR
        return not common_word(word) or (going_on and not verb)

    runs = _runs(stripped, spans, words, is_name)
    return tuple(dict.fromkeys(r for r in runs if not _AMOUNT.fullmatch(r)))


def _runs(
    text: str,
    spans: Sequence[re.Match[str]],
    words: Sequence[str],
    is_name: Callable[[int, bool], bool],
) -> list[str]:
    """The runs of adjacent words `is_name` takes (told whether a run is going on);
    anything but a space between two words ends a run."""
    runs: list[str] = []
    current: list[str] = []
    for position, word in enumerate(words):
        joined = (
            position > 0 and not text[spans[position - 1].end() : spans[position].start()].strip()
        )
        if current and not joined:
            runs.append(" ".join(current))
            current = []
        if is_name(position, bool(current)):
            current.append(word)
        elif current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs


_VERB_FORM = re.compile(r"(?:ing|ed|s)$")
# Capitalised words joined by hyphens, as title case writes any compound.
_TITLED_PARTS = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)+")
# A lower-case ending after a hyphen ("Altman-backed", "Grok-generated"): not the name.
_SUFFIXED = re.compile(r"(?<=[A-Za-z0-9])-[a-z][a-z-]*$")


def headline_names(titles: Sequence[str], limit: int) -> list[str]:
    """Up to `limit` names for a headline from the day's titles: first each title's
    first name that is known (`known_name`) or that another title names too; then,
    while too few, the first name of each of the first `limit` titles. In the order the
    titles and their names come."""
    found = [title_names(title) for title in titles]
    folded = [title.casefold() for title in titles]

    def recurs(name: str, own: int) -> bool:
        return any(name.casefold() in t for n, t in enumerate(folded) if n != own)

    picked: dict[str, tuple[int, int]] = {}
    for n, names in enumerate(found):
        good = [m for m in names if any(map(known_name, m.split())) or recurs(m, n)]
        _add(picked, [(m, (n, names.index(m))) for m in good[:1]], limit)
    for n, names in enumerate(found[:limit]):
        _add(picked, [(m, (n, 0)) for m in names[:1]], limit)
    return sorted(picked, key=picked.__getitem__)


def _add(
    picked: dict[str, tuple[int, int]], names: list[tuple[str, tuple[int, int]]], limit: int
) -> None:
    """Add names (with where they stand) that no name picked contains or is part of."""
    for name, where in names:
        if len(picked) < limit and not any(
            name.casefold() in p.casefold() or p.casefold() in name.casefold() for p in picked
        ):
            picked[name] = where
