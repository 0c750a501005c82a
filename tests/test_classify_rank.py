from __future__ import annotations

import datetime as dt
import math

from newsdesk.classify import Classifier
from newsdesk.config import RankSettings, load_settings
from newsdesk.models import Story
from newsdesk.rank import rank
from tests.test_dedupe import T0, make


def story(
    n: int,
    title: str,
    summary: str = "",
    *,
    sources: tuple[str, ...] = ("s",),
    at: dt.datetime = T0,
) -> Story:
    return Story(
        id=n,
        day=at.date(),
        items=[make(n * 10 + k, title, summary, source=s, at=at) for k, s in enumerate(sources)],
    )


def test_default_table_puts_stories_where_a_reader_expects() -> None:
    settings = load_settings(None)
    classifier = Classifier(settings.categories, settings.default_category)
    cases = {
        "Aurora releases an open-weight reasoning model": "models",
        "深言科技发布新一代多模态大模型": "models",
        "Forge IDE adds an agent to its code editor for developers": "devtools",
        "Nimbus AI raises $2 billion at a $30 billion valuation": "industry",
        "Quanta unveils an inference chip for data centers": "infra",
        "EU regulators open a privacy probe into a chatbot": "safety",
        "论文：小模型学会自我验证数学证明": "research",
        "Tidewater launches a browser app for consumers": "products",
        "Something happened somewhere": "other",
    }
    for title, expected in cases.items():
        assert classifier.category(story(1, title)) == expected, title


def test_rank_follows_the_documented_score() -> None:
    settings = RankSettings(half_life_hours=24, source_bonus=1.0, boost={"open source": 0.5})
    end = T0 + dt.timedelta(hours=24)
    single = story(1, "A", sources=("a",), at=T0)
    triple = story(2, "B", sources=("a", "b", "c"), at=T0)
    boosted = story(3, "C open source", sources=("heavy",), at=end)
    ranked = rank([single, triple, boosted], weights={"heavy": 1.5}, settings=settings, day_end=end)
    assert math.isclose(single.score, 0.5 * 1.0, rel_tol=1e-5)
    assert math.isclose(triple.score, 0.5 * (1.0 + math.log2(3)), rel_tol=1e-5)
    assert math.isclose(boosted.score, 1.5 + 0.5, rel_tol=1e-5)
    assert [s.id for s in ranked] == [3, 2, 1]
