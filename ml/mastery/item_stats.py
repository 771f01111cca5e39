"""Item and concept accuracy in the training data: what a row is expected to score.

Item difficulty is the strongest single signal where items recur across students (the
ASSISTments 2009 problems). Rare items are shrunk toward their concept's accuracy
(items of a hard skill are hard), unseen concepts toward the global accuracy. The
network reads each row's smoothed logit accuracy and how many answers it rests on, and
the history features measure a student against that expectation (residuals).

Where items have text (an exercise's wording), the wording says something about its
difficulty before anyone has answered it: a ridge regression from the items' text
embeddings to how far each item's accuracy sits from its concept's moves the prior a
rare or new item is shrunk toward (``text_offset``). Training items get out-of-fold
offsets (their own answers never shape their own prior); a new item gets the full fit's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ml.mastery.features import logit, sigmoid

__all__ = ["ITEM_FEATURES", "ItemStats"]

ITEM_FEATURES = ("item_logit_accuracy", "log_item_count")
ITEM_PRIOR = 5.0  # pseudo-attempts at the concept's accuracy, shrinking rare items to it
MIN_TEXT_ITEMS = 20  # fewer answered items with text: too few to learn wording -> difficulty from
TEXT_FOLDS = 5
RIDGE_ALPHAS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)


@dataclass
class ItemStats:
    """Per-item answers and successes (attempt level), per-concept and global accuracy."""

    item_sum: dict[str, float] = field(default_factory=dict)
    item_count: dict[str, float] = field(default_factory=dict)
    global_accuracy: float = 0.5
    concept_accuracy: dict[str, float] = field(default_factory=dict)
    text_offset: dict[str, float] = field(default_factory=dict)  # item -> logit shift of its prior, from its text
    text_weights: list[float] = field(default_factory=list)  # the ridge fit, for items that arrive later
    text_intercept: float = 0.0

    @classmethod
    def fit(cls, train: pd.DataFrame, item_text: Mapping[str, np.ndarray] | None = None) -> ItemStats:
        """Count a training table (the rows of one multi-concept attempt count its item once).

        ``item_text``: text embeddings of the items that have text, to learn their priors from.
        """
        first = train.drop_duplicates(["student", "attempt"])
        first = first[first["item"].astype(str) != ""]
        grouped = first.groupby("item")["correct"]
        stats = cls(
            item_sum={str(k): float(v) for k, v in grouped.sum().items()},
            item_count={str(k): float(v) for k, v in grouped.count().items()},
            global_accuracy=float(train["correct"].mean()) if len(train) else 0.5,
            concept_accuracy={str(k): float(v) for k, v in train.groupby("concept")["correct"].mean().items()},
        )
        if item_text:
            concepts = train[train["item"].astype(str) != ""].groupby("item")["concept"].agg(list)
            stats._fit_text(item_text, {str(k): [str(c) for c in v] for k, v in concepts.items()})
        return stats

    def _fit_text(self, item_text: Mapping[str, np.ndarray], item_concepts: Mapping[str, list[str]]) -> None:
        """Ridge from an item's text embedding to its logit accuracy minus its concepts' (alpha by leave-one-out)."""
        items = [i for i in item_text if self.item_count.get(i, 0.0) > 0 and i in item_concepts]
        if len(items) < MIN_TEXT_ITEMS:
            return
        x = np.stack([np.asarray(item_text[i], dtype=np.float64) for i in items])
        sums = np.array([self.item_sum[i] for i in items])
        counts = np.array([self.item_count[i] for i in items])
        base = np.array([np.mean(logit(self.concept_prior(item_concepts[i]))) for i in items])
        accuracy = np.clip((sums + ITEM_PRIOR * sigmoid(base)) / (counts + ITEM_PRIOR), 1e-3, 1 - 1e-3)
        target = logit(accuracy) - base
        alpha = min(RIDGE_ALPHAS, key=lambda a: _loo_error(x, target, a))
        folds = np.arange(len(items)) % TEXT_FOLDS
        np.random.default_rng(0).shuffle(folds)
        for fold in range(TEXT_FOLDS):
            held = folds == fold
            weights, intercept = _ridge(x[~held], target[~held], alpha)
            for i, value in zip(np.asarray(items)[held], x[held] @ weights + intercept, strict=True):
                self.text_offset[str(i)] = float(value)
        weights, self.text_intercept = _ridge(x, target, alpha)
        self.text_weights = [float(w) for w in weights]

    def add_item_texts(self, item_text: Mapping[str, np.ndarray]) -> None:
        """Priors for items that arrived after training, from the full ridge fit (nothing learnt: no change)."""
        if not self.text_weights:
            return
        weights = np.asarray(self.text_weights)
        for item, embedding in item_text.items():
            if item not in self.text_offset:
                self.text_offset[item] = float(np.asarray(embedding, dtype=np.float64) @ weights + self.text_intercept)

    def concept_prior(self, concepts: Sequence[str] | np.ndarray) -> np.ndarray:
        """Each concept's accuracy in training (the global one if unseen): what an unknown student is expected to do."""
        return np.array([self.concept_accuracy.get(str(c), self.global_accuracy) for c in concepts])

    def features(self, frame: pd.DataFrame, *, leave_one_out: bool = False) -> np.ndarray:
        """``len(frame) x 2``: the smoothed logit accuracy of each row's item, and log1p of its count.

        ``leave_one_out`` for the training rows: each leaves its own attempt out of its
        item's counts, else the feature would contain the label.
        """
        items = frame["item"].astype(str).to_numpy()
        sums = np.array([self.item_sum.get(i, 0.0) for i in items])
        counts = np.array([self.item_count.get(i, 0.0) for i in items])
        if leave_one_out:
            own = frame.groupby(["student", "attempt"])["correct"].transform("mean").to_numpy()
            seen = counts > 0
            sums = np.where(seen, sums - own, sums)
            counts = np.where(seen, counts - 1.0, counts)
        return self._values(sums, counts, frame["concept"].astype(str).to_numpy(), items)

    def rows(self, item: str, concepts: Sequence[str]) -> np.ndarray:
        """``features`` of one attempt's rows (online inference: no table to build)."""
        n = len(concepts)
        sums = np.full(n, self.item_sum.get(item, 0.0))
        counts = np.full(n, self.item_count.get(item, 0.0))
        return self._values(sums, counts, np.asarray(concepts, dtype=object), np.full(n, item, dtype=object))

    def _values(self, sums: np.ndarray, counts: np.ndarray, concepts: np.ndarray, items: np.ndarray) -> np.ndarray:
        prior = self.concept_prior(concepts)
        if self.text_offset:
            offsets = np.array([self.text_offset.get(i, 0.0) for i in items])
            prior = np.where(offsets != 0.0, sigmoid(logit(prior) + offsets), prior)
        accuracy = (sums + ITEM_PRIOR * prior) / (counts + ITEM_PRIOR)
        accuracy = np.clip(accuracy, 1e-3, 1 - 1e-3)
        return np.stack([np.log(accuracy / (1 - accuracy)), np.log1p(counts)], axis=1)

    def to_json(self) -> dict[str, Any]:
        """The counts as a model folder's config.json holds them (top-level keys)."""
        return {
            "item_sum": self.item_sum,
            "item_count": self.item_count,
            "global_accuracy": self.global_accuracy,
            "concept_accuracy": self.concept_accuracy,
            "item_text_offset": self.text_offset,
            "item_text_weights": self.text_weights,
            "item_text_intercept": self.text_intercept,
        }

    @classmethod
    def from_json(cls, config: Mapping[str, Any]) -> ItemStats:
        return cls(
            item_sum=dict(config["item_sum"]),
            item_count=dict(config["item_count"]),
            global_accuracy=float(config["global_accuracy"]),
            concept_accuracy=dict(config.get("concept_accuracy", {})),
            text_offset=dict(config.get("item_text_offset", {})),
            text_weights=list(config.get("item_text_weights", [])),
            text_intercept=float(config.get("item_text_intercept", 0.0)),
        )


def _ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """Ridge regression with an unpenalised intercept: (weights, intercept)."""
    mean_x, mean_y = x.mean(0), float(y.mean())
    xc = x - mean_x
    weights = np.linalg.solve(xc.T @ xc + alpha * np.eye(x.shape[1]), xc.T @ (y - mean_y))
    return weights, mean_y - float(mean_x @ weights)


def _loo_error(x: np.ndarray, y: np.ndarray, alpha: float) -> float:
    """Mean squared leave-one-out error of ``_ridge`` (closed form through the hat matrix)."""
    xc, yc = x - x.mean(0), y - y.mean()
    inverse = np.linalg.inv(xc.T @ xc + alpha * np.eye(x.shape[1]))
    hat = np.einsum("ij,jk,ik->i", xc, inverse, xc) + 1.0 / len(y)
    residual = yc - xc @ (inverse @ (xc.T @ yc))
    return float(np.mean((residual / np.clip(1.0 - hat, 1e-6, None)) ** 2))
