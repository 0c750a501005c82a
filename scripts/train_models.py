"""Train the learned models shipped in src/newsdesk/data/models/ (see newsdesk.learned).

    python scripts/train_models.py            # train on January and the labelled weeks
    python scripts/train_models.py --check    # train and compare with the shipped files
    python scripts/train_models.py --splits tune validate --weeks --out /tmp/category.json
                                              # a model for a measurement, not shipped

The model learns from the "tune" split (January) of tests/data/editorial/ and from every
labelled week of Hacker News in tests/data/hn-weeks/ but those its held-out.txt lists
(`--weeks` names others, or none);
the penalty is chosen by 5-fold cross-validation over their days (the lowest log-loss).
The "validate" split (March) stays unseen: the gates in tests/test_editorial.py and
bench/bench_editorial.py measure the models on it. Trained on January alone, the model
placed 0.703 of four August weeks' stories right; trained on January and the other three
weeks, 0.725 of each week left out (docs/benchmarks.md, "Session 26"). `--splits` trains
on other splits for a measurement, `--out` writes that model elsewhere than the shipped
file. Needs the corpus in ../shared/corpora/real-2026-01/.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from newsdesk.classify import Classifier, features  # noqa: E402
from newsdesk.config import load_settings  # noqa: E402
from newsdesk.learned import LinearModel, fit  # noqa: E402
from newsdesk.models import Story  # noqa: E402
from tests import editorial, hn_days  # noqa: E402

MODELS = ROOT / "src" / "newsdesk" / "data" / "models"
WEEKS = ROOT / "tests" / "data" / "hn-weeks"
PENALTIES = (1.0, 3.0, 5.0, 10.0, 30.0)
FOLDS = 5


# A labelled story: the story the labelled item ended in, the model's features of it, the
# label, and the day (the folds keep a day's stories together).
Labelled = tuple[Story, dict[str, float], str, str]


def split_stories(split: str) -> list[Labelled]:
    """Each labelled item of a split of tests/data/editorial, in the story it ended in."""
    with tempfile.TemporaryDirectory() as folder:
        outcome = editorial.run_split(split, Path(folder), learned_categories=False)
        config = editorial.settings(Path(folder))
    classifier = Classifier(config.categories, config.default_category)
    stories: dict[editorial.Key, tuple[str, Story]] = {}
    for day, day_stories in outcome.days.items():
        for story in day_stories:
            for item in story.items:
                stories[(item.source, item.url)] = (day.isoformat(), story)
    out: list[Labelled] = []
    for label in editorial.read_jsonl("categories.jsonl"):
        found = stories.get(outcome.find(label)) if label["split"] == split else None
        if found is None:
            continue
        day, story = found
        scores = classifier.scores(story)
        chosen = classifier.by_keywords(scores)
        out.append(
            (story, features(story, scores, classifier.keys, chosen), label["category"], day)
        )
    return out


def week_stories(week: Path) -> list[Labelled]:
    """The same for a labelled week of Hacker News (tests/data/hn-weeks/<week>): each
    labelled story in the entry it ended in, replayed through the pipeline."""
    labels = {
        ident: (row["category"], row["day"])
        for ident, row in hn_days.read_labels([week / "labels.jsonl"]).items.items()
        if row.get("category")
    }
    run = hn_days.replay(week / "days")
    config = load_settings(None, timezone="UTC")
    classifier = Classifier(config.categories, config.default_category)
    out: list[Labelled] = []
    for day_stories in run.days.values():
        for story in day_stories:
            scores = classifier.scores(story)
            chosen = classifier.by_keywords(scores)
            for item in story.items:
                told = run.by_link.get(item.url)
                label = labels.get(int(told["id"])) if told else None
                if label is not None:
                    found = features(story, scores, classifier.keys, chosen)
                    out.append((story, found, label[0], label[1]))
    return out


def _columns(
    labelled: Sequence[Labelled],
) -> tuple[list[dict[str, float]], list[str], list[str]]:
    return [f for _, f, _, _ in labelled], [y for _, _, y, _ in labelled], [d for *_, d in labelled]


def category_rows(split: str) -> tuple[list[dict[str, float]], list[str], list[str]]:
    """Features of the story each labelled item of a split ended in, its label, its day."""
    return _columns(split_stories(split))


def week_rows(week: Path) -> tuple[list[dict[str, float]], list[str], list[str]]:
    """The same for a labelled week of Hacker News."""
    return _columns(week_stories(week))


def training_rows(
    splits: Sequence[str], weeks: Sequence[Path]
) -> tuple[list[dict[str, float]], list[str], list[str]]:
    """The rows, labels and days of the splits and weeks, in that order."""
    rows: list[dict[str, float]] = []
    labels: list[str] = []
    days: list[str] = []
    for split_rows, split_labels, split_days in [
        *(category_rows(split) for split in splits),
        *(week_rows(week) for week in weeks),
    ]:
        rows += split_rows
        labels += split_labels
        days += split_days
    return rows, labels, days


def labelled_weeks() -> list[Path]:
    """Every week of tests/data/hn-weeks with its labels, but those held out
    (tests/data/hn-weeks/held-out.txt)."""
    held = hn_days.held_out_weeks()
    weeks = (path.parent for path in WEEKS.glob("*/labels.jsonl"))
    return sorted(week for week in weeks if week.name not in held)


def cross_validate(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[str],
    days: Sequence[str],
    classes: Sequence[str],
    l2: float,
) -> tuple[float, float]:
    """Accuracy and mean log-loss (of the labelled class's probability) over the folds."""
    order = sorted(set(days))
    fold_of = {day: n % FOLDS for n, day in enumerate(order)}
    right = 0
    loss = 0.0
    for fold in range(FOLDS):
        train = [n for n, d in enumerate(days) if fold_of[d] != fold]
        test = [n for n, d in enumerate(days) if fold_of[d] == fold]
        model = fit(
            [rows[n] for n in train], [labels[n] for n in train], name="cv", classes=classes, l2=l2
        )
        for n in test:
            right += model.best(rows[n])[0] == labels[n]
            loss -= math.log(max(1e-12, model.probabilities(rows[n])[labels[n]]))
    return right / len(rows), loss / len(rows)


def train_category(splits: Sequence[str] = ("tune",), weeks: Sequence[Path] = ()) -> LinearModel:
    """The penalty with the lowest cross-validated log-loss: the model's probability is
    used as its confidence (the triage lets the model's category stand against the
    classifier's only below `triage.SURE`), so it must be a calibrated one, and log-loss,
    unlike accuracy, rarely ties on a few hundred rows."""
    rows, labels, days = training_rows(splits, weeks)
    with tempfile.TemporaryDirectory() as folder:
        classes = [c.key for c in editorial.settings(Path(folder)).categories]
    scored = {l2: cross_validate(rows, labels, days, classes, l2) for l2 in PENALTIES}
    for l2, (accuracy, loss) in scored.items():
        print(f"category  l2={l2:<5g} 5-fold by day: accuracy {accuracy:.3f}, log-loss {loss:.3f}")
    l2 = min(PENALTIES, key=lambda p: (scored[p][1], p))
    trained_on = (
        f"tests/data/editorial {' and '.join(splits)} split{'s' if len(splits) > 1 else ''}"
    )
    if weeks:
        trained_on += f"; tests/data/hn-weeks {', '.join(week.name for week in weeks)}"
    meta = {"trained_on": trained_on, "rows": len(rows), "l2": l2}
    meta["cv_accuracy"] = round(scored[l2][0], 3)
    meta["cv_log_loss"] = round(scored[l2][1], 3)
    return fit(rows, labels, name="category", classes=classes, l2=l2, meta=meta)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--splits", nargs="+", default=["tune"], choices=("tune", "validate"))
    parser.add_argument(
        "--weeks",
        nargs="*",
        type=Path,
        default=None,
        help="labelled weeks to learn from (default: every one in tests/data/hn-weeks)",
    )
    parser.add_argument("--out", type=Path, default=None, help="write the model here instead")
    args = parser.parse_args()
    if not editorial.available():
        print(f"the corpus is missing: {editorial.CORPUS}", file=sys.stderr)
        return 2
    weeks = labelled_weeks() if args.weeks is None else args.weeks
    model = train_category(args.splits, weeks)
    path = args.out or MODELS / "category.json"
    if args.check:
        same = path.is_file() and path.read_text("utf-8") == model.to_json()
        print(f"{path.relative_to(ROOT)}: {'up to date' if same else 'differs'}")
        return 0 if same else 1
    MODELS.mkdir(parents=True, exist_ok=True)
    path.write_text(model.to_json(), encoding="utf-8")
    print(f"wrote {path}: {len(model.weights)} features, {model.meta}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
