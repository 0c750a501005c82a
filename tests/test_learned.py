"""The learned models (newsdesk.learned) and their use by the classifier."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from newsdesk import learned
from newsdesk.classify import Classifier
from newsdesk.config import CategorySettings, load_settings
from newsdesk.learned import LinearModel, fit
from tests import editorial
from tests.hn_days import WEEKS, held_out_weeks
from tests.test_classify_rank import REAL, story

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def test_fit_learns_which_words_say_which_class_and_round_trips() -> None:
    rows = [{"w:court": 1.0}, {"w:judge": 1.0}, {"w:chip": 1.0}, {"w:gpu": 1.0}] * 3
    labels = ["law", "law", "infra", "infra"] * 3
    model = fit(rows, labels, name="toy", classes=["law", "infra"], l2=0.1, meta={"n": 12})
    assert model.best({"w:court": 1.0})[0] == "law"
    assert model.best({"w:gpu": 1.0})[0] == "infra"
    chosen, chance = model.best({"w:judge": 1.0, "w:unknown": 1.0})
    assert chosen == "law" and chance > 0.8
    assert sum(model.probabilities({}).values()) == pytest.approx(1.0)
    again = LinearModel.from_json(model.to_json())
    assert again.to_json() == model.to_json()
    assert again.best({"w:chip": 1.0})[0] == "infra"
    assert again.meta == {"n": 12}


def test_a_damaged_model_file_is_refused() -> None:
    good = json.loads(fit([{"a": 1.0}], ["x"], name="t", classes=["x", "y"]).to_json())
    with pytest.raises(ValueError, match="format"):
        LinearModel.from_json(json.dumps({**good, "format": 99}))
    with pytest.raises(ValueError, match="length"):
        LinearModel.from_json(json.dumps({**good, "weights": {"a": [1.0]}}))


def test_the_packaged_category_model_is_for_the_packaged_table() -> None:
    settings = load_settings(None)
    model = learned.load("category")
    assert model is not None
    assert list(model.classes) == [c.key for c in settings.categories]
    assert model.meta["trained_on"].startswith("tests/data/editorial tune split;")
    # Every labelled week but those held out, and none of those.
    held = held_out_weeks()
    assert held, "tests/data/hn-weeks/held-out.txt lists the weeks the model never sees"
    weeks = sorted(p.parent.name for p in WEEKS.glob("*/labels.jsonl"))
    learned_from = [week for week in weeks if week not in held]
    assert f"tests/data/hn-weeks {', '.join(learned_from)}" in model.meta["trained_on"]
    assert not any(week in model.meta["trained_on"] for week in held)
    assert learned.load("no-such-model") is None


def test_with_the_model_real_items_still_land_where_an_editor_puts_them() -> None:
    settings = load_settings(None)
    classifier = Classifier(
        settings.categories, settings.default_category, model=learned.load("category")
    )
    assert classifier.model is not None
    wrong = [
        (title, expected, got)
        for title, summary, expected in REAL
        if (got := classifier.category(story(1, title, summary))) != expected
    ]
    assert len(wrong) <= len(REAL) // 10, wrong


def test_a_customised_table_never_uses_the_model() -> None:
    table = [CategorySettings(key=k, zh=k, en=k, keywords=[f"{k}^3"]) for k in ("law", "chips")]
    classifier = Classifier(table, "law", model=learned.load("category"))
    assert classifier.model is None
    assert classifier.category(story(1, "New chips")) == "chips"


def test_the_model_can_be_turned_off(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "newsdesk.toml"
    path.write_text("learned_categories = false\n", encoding="utf-8")
    assert load_settings(path).learned_categories is False


@pytest.mark.skipif(not editorial.available(), reason="../shared/corpora/real-2026-01 missing")
def test_the_shipped_category_model_is_what_its_training_script_gives() -> None:
    # A change to the tokeniser, the keyword table or the pipeline changes the model's
    # features: the shipped model must then be trained again (scripts/train_models.py).
    spec = importlib.util.spec_from_file_location("train_models", SCRIPTS / "train_models.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    rows, labels, _ = script.training_rows(["tune"], script.labelled_weeks())
    shipped = learned.load("category")
    assert shipped is not None
    fresh = fit(rows, labels, name="category", classes=shipped.classes, l2=shipped.meta["l2"])
    same = sum(shipped.best(row)[0] == fresh.best(row)[0] for row in rows)
    assert same / len(rows) >= 0.99, "run: python scripts/train_models.py"
    assert shipped.meta["rows"] == len(rows)
