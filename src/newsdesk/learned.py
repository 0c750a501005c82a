"""Small linear models trained on the editorial development set and shipped as data.

A model is a table: for each feature (a string such as "t:claude" for a title word, with
a value, 1 for present), one weight per class, and one bias per class. A class's score
is its bias plus the sum of value × weight over the features found; the probabilities
are the scores' softmax. Nothing heavier runs at prediction time: a model is a few
dictionary look-ups, and an unknown feature counts for nothing.

Models are trained by `scripts/train_models.py` on the January ("tune") split of
`tests/data/editorial/` and the labelled weeks of `tests/data/hn-weeks/` (multinomial
logistic regression with an L2 penalty, fitted with scipy's L-BFGS), and written to
`data/models/<name>.json`. The March split measures them; the figures are in
docs/benchmarks.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

FORMAT = 1
# Weights smaller than this are left out of the shipped table (they change no decision).
PRUNE = 0.005


@dataclass(frozen=True)
class LinearModel:
    name: str
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    meta: Mapping[str, Any]

    def scores(self, features: Mapping[str, float]) -> list[float]:
        totals = list(self.bias)
        for feature, value in features.items():
            row = self.weights.get(feature)
            if row is not None:
                for number, weight in enumerate(row):
                    totals[number] += value * weight
        return totals

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        """Each class's probability for the features."""
        scores = self.scores(features)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        whole = sum(exps)
        return {c: e / whole for c, e in zip(self.classes, exps, strict=True)}

    def best(self, features: Mapping[str, float]) -> tuple[str, float]:
        """The most likely class and its probability."""
        probabilities = self.probabilities(features)
        chosen = max(self.classes, key=lambda c: (probabilities[c], -self.classes.index(c)))
        return chosen, probabilities[chosen]

    def to_json(self) -> str:
        """The model as JSON, one feature a line (so that a retrained model diffs well)."""
        head = {
            "format": FORMAT,
            "name": self.name,
            "classes": list(self.classes),
            "bias": [round(b, 4) for b in self.bias],
            "meta": dict(self.meta),
        }
        rows = [
            f"{json.dumps(feature, ensure_ascii=False)}: {json.dumps([round(w, 4) for w in row])}"
            for feature, row in sorted(self.weights.items())
        ]
        opening = json.dumps(head, ensure_ascii=False)[:-1]
        return opening + ', "weights": {\n' + ",\n".join(rows) + "\n}}\n"

    @classmethod
    def from_json(cls, text: str) -> LinearModel:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"model format {data.get('format')!r}, expected {FORMAT}")
        classes = tuple(str(c) for c in data["classes"])
        weights = {str(f): tuple(float(w) for w in row) for f, row in data["weights"].items()}
        if any(len(row) != len(classes) for row in weights.values()):
            raise ValueError("a weight row's length differs from the number of classes")
        bias = tuple(float(b) for b in data["bias"])
        return cls(str(data["name"]), classes, bias, weights, dict(data.get("meta", {})))


@cache
def load(name: str) -> LinearModel | None:
    """The packaged model of that name (None when none is shipped)."""
    path = resources.files("newsdesk").joinpath(f"data/models/{name}.json")
    if not path.is_file():
        return None
    return LinearModel.from_json(path.read_text("utf-8"))


def fit(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[str],
    *,
    name: str,
    classes: Sequence[str],
    l2: float = 1.0,
    meta: Mapping[str, Any] | None = None,
) -> LinearModel:
    """Multinomial logistic regression: minimise the labels' log loss plus
    `l2`/2 × the squared weights (not the biases). Deterministic for the same input."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    index = {c: n for n, c in enumerate(classes)}
    vocabulary: dict[str, int] = {}
    cells: list[tuple[int, int, float]] = []
    for number, row in enumerate(rows):
        for feature, value in sorted(row.items()):
            cells.append((number, vocabulary.setdefault(feature, len(vocabulary)), value))
    size, width = len(vocabulary), len(classes)
    matrix = csr_matrix(
        ([v for _, _, v in cells], ([r for r, _, _ in cells], [c for _, c, _ in cells])),
        shape=(len(rows), size),
    )
    truth = np.zeros((len(rows), width))
    truth[np.arange(len(rows)), [index[label] for label in labels]] = 1.0

    def loss(flat: Any) -> tuple[float, Any]:
        weights, bias = flat[: size * width].reshape(size, width), flat[size * width :]
        scores = matrix @ weights + bias
        scores -= scores.max(axis=1, keepdims=True)
        exps = np.exp(scores)
        chances = exps / exps.sum(axis=1, keepdims=True)
        value = -float(np.sum(truth * np.log(chances + 1e-12))) + 0.5 * l2 * float(
            np.sum(weights**2)
        )
        error = chances - truth
        gradient = np.concatenate([(matrix.T @ error + l2 * weights).ravel(), error.sum(axis=0)])
        return value, gradient

    start = np.zeros(size * width + width)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 1000})
    solved = result.x
    table = solved[: size * width].reshape(size, width)
    weights = {
        feature: tuple(float(w) for w in table[n])
        for feature, n in vocabulary.items()
        if float(np.abs(table[n]).max()) >= PRUNE
    }
    bias = tuple(float(b) for b in solved[size * width :])
    return LinearModel(name, tuple(classes), bias, weights, dict(meta or {}))
