"""The week's axes, offline: a deterministic clustering of the stories' text into a few
themes, each named from its salient terms.

Clustering reads the tokens same-story merging already stored for every item (words,
Chinese bigrams and cross-language concepts, dedupe.tokens), weighted by TF-IDF over the
week. Names are read from the text in the post's language: Chinese segmented with jieba,
English split into words, each term scored by how many of the axis's stories carry it
against how common it is in the week.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

import numpy as np
import rjieba

from newsdesk.dedupe import SUMMARY_WEIGHT, chinese_terms, split_terms, tokens
from newsdesk.models import Axis, Thread, display_item
from newsdesk.terms import summary_text

RESTARTS = 6
ITERATIONS = 40
NAME_TERMS = 3
MAX_ENTRIES = 8  # stories an axis cites at most: those closest to its centre
MIN_FIT = 0.12  # a story less like its axis's centre than this is left to the raw list
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*")
# Words every news week is full of, which name no theme.
_EN_STOP = frozenset(
    """a an and are as at be been by can could for from has have how in into is it its
    new news of on or our over says said than that the their this to up was we were what
    when which will with more most after about amid ahead says report reports reported
    launch launches launched announce announces announced release releases released unveil
    unveils unveiled introduce introduces introducing update updates updated today week
    first now just also other use uses using via year years why who you your not all
    latest model models company companies ai two three four five several many least some
    any ship ships shipped keep keeps make makes get gets add adds added open opens opened cut
    cuts find finds found plan plans set sets take takes bring brings win wins show shows
    help helps start starts begin begins while""".split()
)
_ZH_STOP = frozenset(
    """发布 推出 宣布 表示 公司 今天 今日 本周 近日 正式 新的 最新 全新 相关 进行 可以 通过 已经
    我们 他们 以及 以上 一个 一款 一项 一种 没有 如何 什么 这个 这些 其中 目前 成为 开始 支持 提供
    使用 用于 报道 消息 显示 认为 称 将 的 了 在 是 和 与 及 等 对 为 把 被 也 都 就 而 并 这 那 之
    上线 带来 方面 情况 问题 能力 模型 人工智能 AI 至少 两家 多家 一些 多个 更多 超过""".split()
)


def offline_axes(
    shortlist: Sequence[Thread], *, lang: str, min_axes: int, max_axes: int
) -> list[Axis]:
    """4-6 (min_axes..max_axes) themes over the shortlist, best first; each cites at
    least two threads, in the order their stories came. Fewer when the week is too thin
    for that many themes of two."""
    if len(shortlist) < 2:
        return []
    matrix = _vectors(shortlist)
    labels = _choose(matrix, min_axes=min_axes, max_axes=max_axes)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    groups = {label: _closest(matrix, members) for label, members in groups.items()}
    ranked = sorted(
        groups.values(), key=lambda members: (-sum(shortlist[m].score for m in members), members)
    )
    texts = [_name_tokens(thread, lang) for thread in shortlist]
    document_frequency = Counter(term for terms in texts for term in set(terms))
    axes = []
    for members in ranked:
        chosen = [shortlist[m] for m in members]
        terms = _salient([texts[m] for m in members], document_frequency, len(shortlist))
        chain = sorted(chosen, key=lambda t: (t.story.day, -t.score, t.id))
        axes.append(
            Axis(
                title=("、" if lang == "zh" else ", ").join(terms),
                story_ids=[t.id for t in chain],
            )
        )
    return axes


def _vectors(shortlist: Sequence[Thread]) -> np.ndarray:
    """Unit TF-IDF rows over the stored item tokens (title tokens weigh more)."""
    counts: list[dict[str, float]] = []
    for thread in shortlist:
        weights: dict[str, float] = {}
        for item in thread.items:
            head, rest = split_terms(item)
            for token in head:
                weights[token] = max(weights.get(token, 0.0), 1.0)
            for token in rest:
                weights[token] = max(weights.get(token, 0.0), SUMMARY_WEIGHT)
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


def _choose(matrix: np.ndarray, *, min_axes: int, max_axes: int) -> np.ndarray:
    """The clustering, for the number of axes in range, that separates the stories best
    (highest silhouette), with no axis of one story."""
    n = len(matrix)
    upper = max(1, min(max_axes, n // 2))
    lower = max(1, min(min_axes, upper))
    similarity = matrix @ matrix.T
    best: tuple[float, np.ndarray] | None = None
    for k in range(lower, upper + 1):
        labels = _no_singletons(_kmeans(matrix, k), similarity)
        if len(set(labels.tolist())) < lower and best is not None:
            continue
        score = _silhouette(similarity, labels)
        if best is None or score > best[0] + 1e-9:
            best = (score, labels)
    assert best is not None
    return best[1]


def _kmeans(matrix: np.ndarray, k: int) -> np.ndarray:
    """Spherical k-means with k-means++ starts from fixed seeds: the same week gives the
    same axes on every run."""
    best: tuple[float, np.ndarray] | None = None
    for seed in range(RESTARTS):
        rng = np.random.default_rng(seed)
        centres = [matrix[0]]  # the best story anchors the first axis
        while len(centres) < k:
            nearest = np.max(matrix @ np.array(centres).T, axis=1)
            distance = np.clip(1 - nearest, 0, None) ** 2
            total = distance.sum()
            pick = int(rng.choice(len(matrix), p=distance / total)) if total > 0 else len(centres)
            centres.append(matrix[pick])
        centre = np.array(centres)
        labels = np.zeros(len(matrix), dtype=int)
        for _ in range(ITERATIONS):
            fresh = np.argmax(matrix @ centre.T, axis=1)
            if _ and np.array_equal(fresh, labels):
                break
            labels = fresh
            for c in range(k):
                members = matrix[labels == c]
                if len(members):
                    mean = members.sum(axis=0)
                    norm = np.linalg.norm(mean)
                    centre[c] = mean / norm if norm > 0 else mean
        fit = float(np.sum(np.max(matrix @ centre.T, axis=1)))
        if best is None or fit > best[0] + 1e-9:
            best = (fit, labels)
    assert best is not None
    return best[1]


def _no_singletons(labels: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """Move each story that is alone in its cluster to the cluster it is most like."""
    labels = labels.copy()
    while True:
        sizes = Counter(labels.tolist())
        alone = [i for i, label in enumerate(labels.tolist()) if sizes[label] == 1]
        if not alone or len(sizes) == 1:
            break
        index = alone[0]
        others = sorted(set(labels.tolist()) - {int(labels[index])})
        mean = [float(similarity[index, labels == c].mean()) for c in others]
        labels[index] = others[int(np.argmax(mean))]
    _, renumbered = np.unique(labels, return_inverse=True)
    return np.asarray(renumbered)


def _silhouette(similarity: np.ndarray, labels: np.ndarray) -> float:
    clusters = sorted(set(labels.tolist()))
    if len(clusters) < 2:
        return -1.0
    distance = 1 - similarity
    scores = []
    for i in range(len(labels)):
        own = labels == labels[i]
        if own.sum() <= 1:
            scores.append(0.0)
            continue
        a = float(distance[i, own].sum() / (own.sum() - 1))
        b = min(float(distance[i, labels == c].mean()) for c in clusters if c != labels[i])
        scores.append((b - a) / max(a, b) if max(a, b) > 0 else 0.0)
    return float(np.mean(scores))


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
            if len(word) >= 2 and word not in _ZH_STOP:
                found.add(word)
            continue
        key = word.casefold()
        if len(key) >= 3 and key not in _EN_STOP and not key.isdigit():
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


def _name_tokens(thread: Thread, lang: str) -> list[str]:
    """The naming terms of a thread in `lang`: from its title, and its summary's start."""
    item = display_item(thread.story, lang)
    found: list[str] = []
    summary = summary_text(item.title, item.summary)
    for word in segment(f"{item.title} {summary[:160]}"):
        if _HAN.search(word):
            if lang == "zh" and len(word) >= 2 and word not in _ZH_STOP:
                found.append(word)
        elif len(word) >= 3 and word.casefold() not in _EN_STOP and not word.isdigit():
            found.append(word)
    return found


def _salient(texts: list[list[str]], frequency: Counter[str], total: int) -> list[str]:
    """The terms most of the axis's stories carry and few others do; an English word in
    the form most often written (OpenAI, not openai)."""
    forms: dict[str, Counter[str]] = {}
    carried: Counter[str] = Counter()
    for terms in texts:
        seen = set()
        for term in terms:
            key = term.casefold()
            forms.setdefault(key, Counter())[term] += 1
            if key not in seen:
                seen.add(key)
                carried[key] += 1
    folded: Counter[str] = Counter()
    for term, count in frequency.items():
        folded[term.casefold()] += count

    def score(key: str) -> tuple[float, str]:
        share = carried[key] / len(texts)
        rarity = math.log(1 + total / folded[key])
        return (share * rarity * (1.5 if carried[key] > 1 else 1.0), key)

    chosen: list[str] = []
    concepts: set[str] = set()
    for key in sorted(carried, key=score, reverse=True):
        if any(key in c.casefold() or c.casefold() in key for c in chosen):
            continue
        concept = {t for t in tokens(key) if t.startswith("@")}
        if concept & concepts:  # agent and 智能体 name the same thing
            continue
        concepts |= concept
        chosen.append(forms[key].most_common(1)[0][0])
        if len(chosen) == NAME_TERMS:
            break
    return chosen
