"""Cohort features: how students who began with the same concepts did in training.

Students who start with the same sequence of concepts are usually one class following
one teacher's plan, and classes differ in ability more than a student's first few
answers can show. Each row gets, for the first 1..``DEPTH`` distinct concepts of its
student (the row's own concept counts once it is among them), the training students'
mean residual (outcome minus the concept's training accuracy) and how many rows that
mean rests on. Only concept identities are read, never the student's own outcomes, so
batch and online agree by construction.

Training rows get out-of-fold values (the statistics of the other folds of students):
leave-one-out encodings leak the label backwards (a row's own residual is subtracted
from its group's sum), which trees and networks learn to exploit. On ASSISTments 2015
a gradient-boosted model dropped from 0.724 to 0.599 AUC with leave-one-out cohort
features and rose to 0.729 with out-of-fold ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ml.mastery.features import FIRST_CONCEPTS, attempt_bounds

__all__ = ["COHORT_FEATURES", "DEPTH", "CohortStats", "cohort_keys", "prefix_keys"]

DEPTH = FIRST_CONCEPTS  # cohorts by the first 1..DEPTH distinct concepts
FOLDS = 5  # out-of-fold encoding of the training rows
PRIOR_ROWS = 20.0  # pseudo-rows at zero residual: small cohorts say little
MIN_STUDENTS = 5
"""Training students a beginning must be shared by to be kept: a rarer one is one student's record.

A saved model's tables (``config.json``) kept every beginning, and most depth-4 keys of
the demo belonged to one student: their residual sum and row count, kept after an
erasure (an audit). Below this a row reads the shorter beginnings, as a new one does.
"""
SHARED_CACHE = 4096  # online: prefixes whose shared row is kept
COHORT_FEATURES: tuple[str, ...] = tuple(
    name for k in range(1, DEPTH + 1) for name in (f"cohort{k}_residual", f"cohort{k}_log_rows")
)


def cohort_keys(first_concepts: Sequence[str], concept: str) -> list[str]:
    """The DEPTH cohort keys of a row on ``concept`` after ``first_concepts`` (earlier attempts).

    ``first_concepts`` are the student's first distinct concepts (at most DEPTH are needed);
    the row's own concept joins them if new. A key is empty where the prefix is shorter.
    """
    prefix = list(first_concepts[:DEPTH])
    if concept not in prefix and len(prefix) < DEPTH:
        prefix.append(concept)
    return ["\x1f".join(prefix[: k + 1]) if len(prefix) > k else "" for k in range(DEPTH)]


def prefix_keys(frame: pd.DataFrame) -> list[np.ndarray]:
    """``cohort_keys`` of every row of a canonical table (sorted by student, attempt), one array per depth."""
    if not len(frame):
        return [np.empty(0, dtype=object) for _ in range(DEPTH)]
    students = frame["student"].to_numpy()
    concepts = [str(c) for c in frame["concept"].to_numpy()]
    starts, ends = attempt_bounds(frame)
    first: list[str] = []
    known = tuple(cohort_keys(first, ""))  # the keys of a row whose concept is already in ``first``
    student = students[0]
    keys: list[tuple[str, ...]] = []
    for i, j in zip(starts.tolist(), ends.tolist(), strict=True):
        if students[i] != student:
            first, student = [], students[i]
            known = tuple(cohort_keys(first, ""))
        for c in concepts[i:j]:
            # most rows repeat a concept of the prefix, or the prefix is full: the keys are known
            keys.append(known if len(first) == DEPTH or c in first else tuple(cohort_keys(first, c)))
        if len(first) < DEPTH:
            for c in concepts[i:j]:
                if c not in first and len(first) < DEPTH:
                    first.append(c)
            known = tuple(cohort_keys(first, first[0]))
    table = np.empty((len(keys), DEPTH), dtype=object)
    table[:] = keys
    return [table[:, k] for k in range(DEPTH)]


@dataclass
class CohortStats:
    """Per depth, cohort key -> (sum of residuals, rows), from the training students."""

    tables: list[dict[str, tuple[float, float]]] = field(default_factory=lambda: [{} for _ in range(DEPTH)])
    # online: a prefix's row (shared by every concept already in it), computed once per prefix
    _shared: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def fit(self, frame: pd.DataFrame, expected: np.ndarray) -> np.ndarray:
        """Learn the tables from ``frame``; return its rows' out-of-fold features.

        ``expected``: each row's expected success without the student (its concept's accuracy).
        """
        self._shared.clear()  # rows of the tables being replaced
        keys = prefix_keys(frame)
        residual = frame["correct"].to_numpy(dtype=np.float64) - np.asarray(expected, dtype=np.float64)
        fold = pd.util.hash_array(frame["student"].astype(str).to_numpy()) % FOLDS
        out = np.zeros((len(frame), len(COHORT_FEATURES)), dtype=np.float32)
        self.tables = []
        students = frame["student"].astype(str).to_numpy()
        for k in range(DEPTH):
            table = pd.DataFrame({"key": keys[k], "r": residual, "student": students})
            self.tables.append(_sums(table))
            for q in range(FOLDS):
                rows = fold == q
                found = _lookup(_sums(table[~rows]), keys[k][rows])
                out[rows, 2 * k : 2 * k + 2] = _values(found[:, 0], found[:, 1])
        return out

    def features(self, frame: pd.DataFrame, keys: list[np.ndarray] | None = None) -> np.ndarray:
        """Every row's features from the full tables (inference); ``keys``: ``prefix_keys(frame)`` if known."""
        keys = prefix_keys(frame) if keys is None else keys
        out = np.zeros((len(frame), len(COHORT_FEATURES)), dtype=np.float32)
        for k in range(DEPTH):
            found = _lookup(self.tables[k], keys[k])
            out[:, 2 * k : 2 * k + 2] = _values(*_as_one_fold_out(found[:, 0], found[:, 1]))
        return out

    def row(self, first_concepts: Sequence[str], concept: str) -> list[float]:
        """One row's features (online inference)."""
        values: list[float] = []
        for k, key in enumerate(cohort_keys(first_concepts, concept)):
            total, rows = self.tables[k].get(key, (0.0, 0.0))
            values += [float(v) for v in _values(*_as_one_fold_out(total, rows))]
        return values

    def rows(self, first_concepts: Sequence[str], concepts: Sequence[str]) -> np.ndarray:
        """``row`` for several concepts at once (online estimates ask for many).

        Rows differ only where the prefix is still short and the concept is new to it: then
        the concept adds one key at the next depth. Everything else is shared.
        """
        prefix = list(first_concepts[:DEPTH])
        key = tuple(prefix)
        shared = self._shared.get(key)
        if shared is None:
            if len(self._shared) >= SHARED_CACHE:
                self._shared.clear()  # (one call, safe beside readers in other threads)
            shared = self._shared[key] = np.array(self.row(prefix, prefix[0] if prefix else ""), dtype=np.float64)
        out = np.tile(shared, (len(concepts), 1))
        if len(prefix) < DEPTH:
            depth = len(prefix)
            base = "\x1f".join(prefix)
            for i, concept in enumerate(concepts):
                if concept in prefix:
                    continue
                longer = f"{base}\x1f{concept}" if base else concept
                total, n = self.tables[depth].get(longer, (0.0, 0.0))
                out[i, 2 * depth : 2 * depth + 2] = _values(*_as_one_fold_out(total, n))
        return out

    def to_json(self) -> list[dict[str, list[float]]]:
        return [{key: [s, n] for key, (s, n) in table.items()} for table in self.tables]

    @classmethod
    def from_json(cls, data: Sequence[Mapping[str, Sequence[float]]]) -> CohortStats:
        return cls([{key: (float(v[0]), float(v[1])) for key, v in table.items()} for table in data])


def _sums(table: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """key -> (sum of residuals, rows), the empty key and keys of fewer than MIN_STUDENTS students left out."""
    grouped = (
        table[table["key"] != ""]
        .groupby("key")
        .agg(total=("r", "sum"), rows=("r", "count"), students=("student", "nunique"))
    )
    kept = grouped[grouped["students"] >= MIN_STUDENTS]
    return {str(key): (float(s), float(n)) for key, s, n in kept[["total", "rows"]].itertuples()}


def _lookup(table: Mapping[str, tuple[float, float]], keys: np.ndarray) -> np.ndarray:
    """(sum, rows) of each key, n x 2; (0, 0) where a key is unknown or empty."""
    return np.array([table.get(key, (0.0, 0.0)) for key in keys], dtype=np.float64).reshape(-1, 2)


def _as_one_fold_out(total: np.ndarray | float, rows: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Scale full-table sums to what training rows saw (the other FOLDS-1 folds)."""
    share = (FOLDS - 1) / FOLDS
    return np.asarray(total) * share, np.asarray(rows) * share


def _values(total: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(shrunk mean residual, log rows), scaled to about unit range."""
    return np.stack([5.0 * total / (rows + PRIOR_ROWS), np.log1p(rows) / 5.0], axis=-1)
