"""The week's axes, offline: the stories grouped by the specific things they share, each
group named from those things and its category.

A story is read as the tokens same-story merging already stored for every item (words,
Chinese bigrams and cross-language concepts, `terms.tokens`) and the names its titles
are about (`terms.title_names`: "Aurora Labs", "Claude Code", 英伟达 = Nvidia). Only
specific tokens count: those in at least two stories and at most half of them, and not
a kind of news (the lexicon's "@release", "@agent" …, or its Chinese words "开源"), a
stop, function or number word (`terms.stop_word`, the list every stage shares: "off",
"next", "six"; "我们"), or one of the words AI news is full of (`_GENERIC`: "ai",
"model", "deal", "launches", "支持"; documents: "system card", "paper", "pdf").

Two stories are alike only on `EVIDENCE` (3) of what their titles share, each thing
counted once: a hyphenated word with its parts ("self-driving" is not three things), a
name with its word, and a name with all its words ("Aurora Labs", "Jensen Huang" are one
thing each). A word with a digit is a model of its own beside its maker's name ("Orbit
Labs Vega-2", "Corvid HX9": two things each; "GPT-5.4" one), and a version written
apart from its name one more ("Claude Opus 4.6"). A shared name or model weighs
`NAME_EVIDENCE` (2), a word or a version 1: two names ("Musk" and "Grok"), a maker and
its model, a product and its version, or a name and a specific word make a pair; one
name alone ("OpenAI", "Nvidia", with "deal" or "launch" beside it) never does. Alike
stories are joined by average linkage while their mean cosine similarity reaches
`LINK`. A thin week gets fewer axes rather than forced ones: on the labelled real weeks
(tests/data/editorial/themes.jsonl) a lower bar doubled the axes and halved their
purity.

An axis is named in the post's language from what its stories share: the category most
of them have, then the names two or more of them carry (else the most specific terms),
"编程工具：Claude Code 与 Codex", "Safety & governance: Grok and xAI". Numbers, URL parts,
function words and source names never name an axis.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from itertools import combinations

import numpy as np
import rjieba

from newsdesk.dedupe import SUMMARY_WEIGHT, chinese_terms, split_terms, tokens
from newsdesk.models import Axis, Thread
from newsdesk.terms import DIGIT, name_concepts, stop_word, title_names

NAME_TERMS = 2
NAME_WEIGHT = 1.0
EVIDENCE = 3  # specific evidence two stories must share to count as alike at all
NAME_EVIDENCE = 2  # what a shared name weighs in it (a word weighs 1)
LINK = 0.15  # the mean similarity two groups of alike stories need to join
MAX_ENTRIES = 8  # stories an axis cites at most: those closest to its centre
MIN_FIT = 0.12  # a story less like its axis's centre than this is left to the raw list
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*")
_DOTTED = re.compile(r"#\d+(?:\.\d+)+")  # a number token with a dot: a version ("#4.6")
# Words and tokens too common in AI news to say what a group of stories is about, beyond
# the stop and function words every stage shares (`terms.stop_word`) and the lexicon's
# kinds of news ("@release"): the one list of them, for the axes' evidence and the
# signals' keywords. A word is looked up as written and trimmed ("adds" is "add").
_GENERIC = frozenset(
    """
    ai model llm agent agentic use user tool data code coding new open source app
    system company compani people work year week day time way launch releas report deal
    generat generated power powered driven based native first back
    card paper pdf preprint blog post whitepaper
    http https www com org html item news ycombinator github
    add announce announced begin bring cut find found help introduce keep launches plan
    release set ship shipped start take unveil update updated using win
    发布 推出 宣布 表示 公司 上线 带来 方面 情况 问题 能力 模型 人工智能 成为 开始 支持 提供 使用
    用于 报道 消息 显示 认为
    """.split()
)


def offline_axes(
    shortlist: Sequence[Thread],
    *,
    lang: str,
    max_axes: int,
    categories: Mapping[str, tuple[str, str]] | None = None,
) -> list[Axis]:
    """Up to `max_axes` themes over the shortlist, best first; each cites at least two
    threads, in the order their stories came; as many as the week has groups of stories
    that share something specific (none in a week of unrelated stories)."""
    if len(shortlist) < 2:
        return []
    names = [_thread_names(thread) for thread in shortlist]
    matrix = _vectors(shortlist, names, SUMMARY_WEIGHT)
    # Two stories are alike only on evidence: `EVIDENCE` specific things their titles
    # share (a lab's long summaries share many words that say nothing).
    shared = _evidence(shortlist, names)
    similarity = np.where(shared >= EVIDENCE, matrix @ matrix.T, 0.0)
    groups = [g for g in _agglomerate(similarity, LINK) if len(g) >= 2]
    groups = [_closest(matrix, members) for members in groups]
    ranked = sorted(groups, key=lambda m: (-sum(shortlist[i].score for i in m), m))[:max_axes]
    axes = []
    for members in ranked:
        chosen = [shortlist[m] for m in members]
        title = _axis_title(
            chosen, [names[m] for m in members], lang=lang, categories=categories or {}
        )
        chain = sorted(chosen, key=lambda t: (t.story.day, -t.score, t.id))
        axes.append(Axis(title=title, story_ids=[t.id for t in chain]))
    return axes


def _thread_names(thread: Thread) -> dict[str, str]:
    """The names a thread's titles are about: a key (its specific tokens) → as written."""
    found: dict[str, str] = {}
    for item in thread.items:
        for name in title_names(item.title):
            key = _name_key(name)
            if key:
                found.setdefault(key, name)
    return found


def _name_key(name: str) -> str:
    specific = sorted(t for t in tokens(name) if _specific(t))
    return " ".join(specific)


def _specific(token: str) -> bool:
    """Whether a token can say what stories share: not generic, not a kind of news (nor
    a Chinese word for one, "开源"), not a stop or function word ("off", "next", "six":
    `terms.stop_word`; "支持"), not a bare number."""
    if token.startswith("@"):
        return token in name_concepts()
    if stop_word(token) or _generic(token):
        return False
    if _HAN.match(token):
        kinds = {t for t in tokens(token) if t.startswith("@")} - name_concepts()
        return not kinds
    if token.startswith(("ai-", "#")) or len(token) < 2:  # "AI-generated"; "#5.4"
        return False
    return not token.replace(".", "").isdigit()


def _generic(word: str) -> bool:
    """Whether a word or token is one AI news is full of (`_GENERIC`), as written or
    trimmed."""
    return word in _GENERIC or _trim(word) in _GENERIC


def _vectors(
    shortlist: Sequence[Thread], names: Sequence[dict[str, str]], summary_weight: float
) -> np.ndarray:
    """Unit TF-IDF rows over the specific stored item tokens (title tokens weigh more,
    a hyphenated token counts its parts too: "grok-generated" is about Grok) and the
    tokens of the names (`NAME_WEIGHT`)."""
    counts: list[dict[str, float]] = []
    for thread, own in zip(shortlist, names, strict=True):
        weights: dict[str, float] = {}
        for item in thread.items:
            head, rest = split_terms(item)
            for weight, found in ((1.0, head), (summary_weight, rest)):
                for token in _with_parts(found):
                    if weight and _specific(token):
                        weights[token] = max(weights.get(token, 0.0), weight)
        for key in own:
            for token in key.split():
                weights[f"name:{token}"] = NAME_WEIGHT
        counts.append(weights)
    frequency = Counter(token for weights in counts for token in weights)
    # A token in only one story links nothing; one in most of them separates nothing.
    columns = {
        token: n
        for n, token in enumerate(
            sorted(t for t, f in frequency.items() if 2 <= f <= max(2, len(shortlist) // 2))
        )
    }
    matrix = np.zeros((len(shortlist), max(1, len(columns))))
    total = len(shortlist)
    for row, weights in enumerate(counts):
        for token, weight in weights.items():
            column = columns.get(token)
            if column is not None:
                matrix[row, column] = weight * math.log(1 + total / frequency[token])
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: np.ndarray = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    return unit


def _evidence(shortlist: Sequence[Thread], names: Sequence[dict[str, str]]) -> np.ndarray:
    """How much specific evidence each two stories' titles share, each thing counted once:
    a hyphenated word with its parts ("self-driving", "self", "driving"), a name with its
    word ("Nvidia" as a name and as a token) and with all its words ("Aurora Labs"), a
    model beside its maker's name (`_name_things`), a version written apart
    (`_versions`). A name or a model weighs `NAME_EVIDENCE`, a word or a version 1: one
    name alone is never enough. Only tokens in two stories or more and in at most half
    of them count, as in the vectors."""
    units: list[dict[str, tuple[str, float]]] = []  # token → (the thing, its weight)
    for thread, own in zip(shortlist, names, strict=True):
        found = _name_things(own)
        for item in thread.items:
            for token in split_terms(item)[0]:
                weight = NAME_EVIDENCE if token in name_concepts() else 1.0
                for part in _with_parts([token]):
                    if _specific(part):
                        found.setdefault(part, (token, weight))
        for version in _versions(thread, own):
            found.setdefault(version, (version, 1.0))
        units.append(found)
    frequency = Counter(token for found in units for token in found)
    most = max(2, len(shortlist) // 2)
    shared = np.zeros((len(shortlist), len(shortlist)))
    for a, b in combinations(range(len(shortlist)), 2):
        common = [t for t in units[a] if t in units[b] and frequency[t] <= most]
        shared[a, b] = shared[b, a] = min(
            sum(dict(units[side][t] for t in common).values()) for side in (a, b)
        )
    return shared


def _name_things(names: Mapping[str, str]) -> dict[str, tuple[str, float]]:
    """Each token of a story's names → the thing it is part of, weighing `NAME_EVIDENCE`.
    A name's words are one thing, in the longest of the story's names that has them:
    "Aurora Labs" is one, "Jensen Huang" is one, and "Aurora" beside "Aurora Labs" the
    same one. A word with a digit, a model or a version ("Vega-2", "HX9", "V3"), is a
    thing of its own beside its maker's name: "Orbit Labs Vega-2" is two, as "Orbit
    Labs" and "Vega-2" written apart are."""
    found: dict[str, tuple[str, float]] = {}
    for key, written in sorted(names.items(), key=lambda pair: (-len(pair[0].split()), pair)):
        models = {
            token: f"model:{word}"
            for word in written.split()
            if DIGIT.search(word)
            for token in _name_key(word).split()
        }
        maker = "name:" + " ".join(t for t in key.split() if t not in models)
        for token in key.split():
            found.setdefault(token, (models.get(token, maker), NAME_EVIDENCE))
    return found


def _versions(thread: Thread, names: Mapping[str, str]) -> set[str]:
    """The versions a thread's titles write apart from a name, as tokens: a number with a
    dot ("Claude Opus 4.6", "vLLM 1.13.9"). A version written onto a name is part of that
    name's word ("GPT-5.4", "Vega-2": `_name_things`); other numbers (years, amounts,
    counts) say nothing specific."""
    dotted = {t for item in thread.items for t in split_terms(item)[0] if _DOTTED.fullmatch(t)}
    onto = {t for name in names.values() for word in name.split() for t in tokens(word)}
    return dotted - onto


def _with_parts(found: Sequence[str]) -> list[str]:
    out = list(found)
    for token in found:
        if "-" in token and not token.startswith("@"):
            out.extend(part for part in token.split("-") if len(part) > 1)
    return out


def _agglomerate(similarity: np.ndarray, link: float) -> list[list[int]]:
    """Average-linkage groups: the two groups whose stories are most alike on average
    merge, while that mean reaches `link`; deterministic (ties go to the lower index)."""
    groups = [[i] for i in range(len(similarity))]
    while len(groups) > 1:
        best = (link, -1, -1)
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                mean = float(similarity[np.ix_(groups[a], groups[b])].mean())
                if mean >= best[0] + 1e-12 or (mean >= link and best[1] < 0):
                    best = (mean, a, b)
        if best[1] < 0:
            break
        _, a, b = best
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    return groups


def _closest(matrix: np.ndarray, members: list[int]) -> list[int]:
    """The members that fit their axis: near its centre, at most MAX_ENTRIES, two at least."""
    centre = matrix[members].sum(axis=0)
    norm = np.linalg.norm(centre)
    fit = matrix[members] @ (centre / norm) if norm > 0 else np.zeros(len(members))
    order = sorted(range(len(members)), key=lambda n: (-fit[n], members[n]))
    kept = [members[n] for n in order if fit[n] >= MIN_FIT][:MAX_ENTRIES]
    if len(kept) < 2:
        kept = [members[n] for n in order[:2]]
    return sorted(kept)


def _axis_title(
    chosen: Sequence[Thread],
    names: Sequence[dict[str, str]],
    *,
    lang: str,
    categories: Mapping[str, tuple[str, str]],
) -> str:
    """ "Category: A and B" in the post's language: the category most of the axis's
    stories have, and the names two or more of them carry (a name's token is enough:
    "Musk" and "Elon Musk" share it), else the names of its best stories."""
    carried: Counter[str] = Counter()  # ties go to the first story's names, in order
    for own in names:
        carried.update(list(dict.fromkeys(token for key in own for token in key.split())))
    picked: list[str] = []
    for token, count in carried.most_common():
        if count < 2 or len(picked) == NAME_TERMS:
            break
        written = Counter(
            name for own in names for key, name in own.items() if token in key.split()
        )
        name = min(written, key=lambda n: (-written[n], len(n), n))
        if not any(
            name.casefold() in p.casefold() or p.casefold() in name.casefold() for p in picked
        ):
            picked.append(name)
    if not picked:  # no name two stories share: the names of its best stories
        for own in sorted(names, key=lambda own: -len(own))[:1] or [{}]:
            picked.extend(list(own.values())[:NAME_TERMS])
    sources = {s.casefold() for t in chosen for s in t.story.sources}
    picked = [p for p in picked if p.casefold() not in sources]
    kinds = Counter(t.story.category for t in chosen)
    order = [t.story.category for t in chosen]
    best_kind = max(kinds, key=lambda k: (kinds[k], -order.index(k)))
    zh, en = categories.get(best_kind, ("", ""))
    label = zh if lang == "zh" else en
    things = (" 与 " if lang == "zh" else " and ").join(picked)
    if not label or not things:
        return label or things
    return f"{label}：{things}" if lang == "zh" else f"{label}: {things}"


# -- names ---------------------------------------------------------------------------


@cache
def _jieba() -> rjieba.Jieba:
    """jieba's dictionary and segmentation (jieba-rs through rjieba, which loads in a
    tenth of the time of the pure-Python jieba), knowing the Chinese terms of our
    lexicon (智能体 stays one word)."""
    segmenter = rjieba.Jieba()
    for term in chinese_terms():
        segmenter.add_word(term, None, None)
    return segmenter


def segment(text: str) -> list[str]:
    """Words of a text: jieba's segmentation for Chinese, whole words for Latin script."""
    words: list[str] = []
    for piece in re.split(r"(\s+)", text):
        if _HAN.search(piece):
            words.extend(w for w in _jieba().cut(piece) if w.strip())
        else:
            words.extend(_LATIN_WORD.findall(piece))
    return _names(words)


def _names(words: list[str]) -> list[str]:
    """Capitalised Latin words in a row are one name (Aurora Labs)."""
    joined: list[str] = []
    for word in words:
        if (
            joined
            and word[:1].isupper()
            and joined[-1][:1].isupper()
            and word.isascii()
            and joined[-1].isascii()
            and joined[-1].count(" ") < 2
        ):
            joined[-1] = f"{joined[-1]} {word}"
        else:
            joined.append(word)
    return joined


def keywords(text: str) -> set[str]:
    """The content words of a text, case-folded, English plurals and tenses trimmed:
    what an outlook signal and a later story are compared on offline."""
    found = set()
    for word in segment(text):
        if _HAN.search(word):
            if len(word) >= 2 and not stop_word(word) and not _generic(word):
                found.add(word)
            continue
        key = word.casefold()
        if len(key) >= 3 and not key.isdigit() and not stop_word(key) and not _generic(key):
            found.add(_trim(key))
    return found


def _trim(word: str) -> str:
    for suffix, keep in (("ies", 4), ("ing", 5), ("ed", 4), ("s", 3)):
        if (
            word.endswith(suffix)
            and len(word) - len(suffix) >= keep - 1
            and not word.endswith("ss")
        ):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word
