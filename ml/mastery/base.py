"""What every mastery model offers the harness: ``fit`` then one-step-ahead ``predict``.

The evaluation protocol (docs/students-and-mastery.md, "The mastery model"):

- data sets are canonical attempt tables (``ingest.columns``), one row per
  (attempt, concept), sorted by student then attempt;
- splits are by student: test students are never seen in training;
- ``predict(frame)`` returns, for every row, the probability that it is correct given
  only that student's *earlier attempts in ``frame``* (rows sharing the row's
  ``attempt`` number are siblings of one multi-skill attempt and are never history);
- a student's first attempt is not scored; AUC is pooled over all scored rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

__all__ = ["MasteryModel", "Progress", "TrainingArguments", "budget_seconds"]

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: how far a long step is (the CLI draws bars from it)."""


@dataclass(frozen=True)
class TrainingArguments:
    """Knobs shared by every model's training (each model may add its own).

    ``texts`` maps concept ids and ``item_texts`` item ids to text for models that embed
    it (an exercise's title and wording); ``log_dir``
    receives TensorBoard logs; ``threads`` caps torch's intra-op threads.
    ``max_train_seconds`` is a budget for the whole ``fit`` (features included), kept
    to within one batch and one validation pass; ``progress`` hears of every batch and
    ``label`` names the run in it (an ensemble's member, say).
    """

    seed: int = 7
    max_epochs: int = 30
    patience: int = 3
    batch_size: int = 64
    learning_rate: float = 1e-3
    valid_fraction: float = 0.1
    threads: int = 1
    log_dir: Path | None = None
    texts: Mapping[str, str] = field(default_factory=dict)
    item_texts: Mapping[str, str] = field(default_factory=dict)
    max_train_seconds: float | None = None
    progress: Progress | None = None
    label: str = ""


class MasteryModel(Protocol):
    """A knowledge-tracing model under the shared protocol."""

    name: str

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None, args: TrainingArguments) -> None:
        """Learn from ``train``; use ``valid`` (other students) for early stopping."""
        ...

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """One-step-ahead probability of each row of ``frame``, in row order."""
        ...


def budget_seconds(minutes: float | None) -> float | None:
    """A ``--max-minutes`` value as seconds; 0 or None: no limit."""
    return None if not minutes else 60.0 * minutes
