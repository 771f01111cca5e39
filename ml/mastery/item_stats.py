"""Item and concept accuracy in the training data: what a row is expected to score.

Item difficulty is the strongest single signal where items recur across students (the
ASSISTments 2009 problems). Rare items are shrunk toward their concept's accuracy
(items of a hard skill are hard), unseen concepts toward the global accuracy. The
network reads each row's smoothed logit accuracy and how many answers it rests on, and
the history features measure a student against that expectation (residuals).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ITEM_FEATURES", "ItemStats"]

ITEM_FEATURES = ("item_logit_accuracy", "log_item_count")
ITEM_PRIOR = 5.0  # pseudo-attempts at the concept's accuracy, shrinking rare items to it


@dataclass
class ItemStats:
    """Per-item answers and successes (attempt level), per-concept and global accuracy."""

    item_sum: dict[str, float] = field(default_factory=dict)
    item_count: dict[str, float] = field(default_factory=dict)
    global_accuracy: float = 0.5
    concept_accuracy: dict[str, float] = field(default_factory=dict)

    @classmethod
    def fit(cls, train: pd.DataFrame) -> ItemStats:
        """Count a training table (the rows of one multi-concept attempt count its item once)."""
        first = train.drop_duplicates(["student", "attempt"])
        first = first[first["item"].astype(str) != ""]
        grouped = first.groupby("item")["correct"]
        return cls(
            item_sum={str(k): float(v) for k, v in grouped.sum().items()},
            item_count={str(k): float(v) for k, v in grouped.count().items()},
            global_accuracy=float(train["correct"].mean()) if len(train) else 0.5,
            concept_accuracy={str(k): float(v) for k, v in train.groupby("concept")["correct"].mean().items()},
        )

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
        return self._values(sums, counts, frame["concept"].astype(str).to_numpy())

    def rows(self, item: str, concepts: Sequence[str]) -> np.ndarray:
        """``features`` of one attempt's rows (online inference: no table to build)."""
        n = len(concepts)
        sums = np.full(n, self.item_sum.get(item, 0.0))
        counts = np.full(n, self.item_count.get(item, 0.0))
        return self._values(sums, counts, np.asarray(concepts, dtype=object))

    def _values(self, sums: np.ndarray, counts: np.ndarray, concepts: np.ndarray) -> np.ndarray:
        accuracy = (sums + ITEM_PRIOR * self.concept_prior(concepts)) / (counts + ITEM_PRIOR)
        accuracy = np.clip(accuracy, 1e-3, 1 - 1e-3)
        return np.stack([np.log(accuracy / (1 - accuracy)), np.log1p(counts)], axis=1)

    def to_json(self) -> dict[str, Any]:
        """The counts as a model folder's config.json holds them (top-level keys)."""
        return {
            "item_sum": self.item_sum,
            "item_count": self.item_count,
            "global_accuracy": self.global_accuracy,
            "concept_accuracy": self.concept_accuracy,
        }

    @classmethod
    def from_json(cls, config: Mapping[str, Any]) -> ItemStats:
        return cls(
            item_sum=dict(config["item_sum"]),
            item_count=dict(config["item_count"]),
            global_accuracy=float(config["global_accuracy"]),
            concept_accuracy=dict(config.get("concept_accuracy", {})),
        )
