"""The evaluation protocol every mastery model is held to, as shared helpers.

Protocol (see ``ml.mastery.base``):

1. Frames are canonical attempt tables (``ingest.columns``): one row per (attempt,
   concept), each student's rows contiguous and in attempt order.
2. Train, validation and test sets are split *by student* (:func:`split_by_student`), so
   no test student's history is ever seen in training.
3. ``predict`` is one-step-ahead: a row's probability may depend only on the same
   student's *strictly earlier* attempts. Rows sharing an ``attempt`` number are siblings
   of one multi-skill attempt; they share the response, so letting one see another leaks
   the label (pyKT's assist2009 "label leakage").
4. The first attempt of each student has no history and is not scored
   (:func:`scored_mask`); AUC and the other metrics pool all scored rows.

The helpers here turn frames into integer arrays (:func:`encode`) and compute
history features (:func:`prior_counts`) in a way that honours rule 3 by construction,
so each model does not have to get it right on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Encoded",
    "build_vocab",
    "check_order",
    "encode",
    "prior_counts",
    "scored_mask",
    "split_by_student",
]

UNKNOWN = 0
"""Vocabulary index of every value not seen in training (and of padding)."""


def split_by_student(frame: pd.DataFrame, fraction: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` into (rest, held-out) with about ``fraction`` of the students held out.

    Splitting by student, not by row, keeps a held-out student's whole history out of the
    other part, as the protocol requires. Row order is kept in both parts.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be in [0, 1], got {fraction}")
    students = np.asarray(pd.unique(frame["student"]))
    rng = np.random.default_rng(seed)
    n_held = round(fraction * len(students))
    if fraction > 0 and n_held == 0 and len(students) > 1:
        n_held = 1
    held = set(rng.permutation(students)[:n_held].tolist())
    mask = frame["student"].isin(held).to_numpy()
    return frame.loc[~mask].reset_index(drop=True), frame.loc[mask].reset_index(drop=True)


def scored_mask(frame: pd.DataFrame) -> np.ndarray:
    """Return a bool per row: False on the rows of each student's first attempt.

    A first attempt has no history, so any score on it measures the base rate, not
    knowledge tracing.
    """
    attempts = frame["attempt"].to_numpy()
    first = frame.groupby("student", sort=False)["attempt"].transform("min").to_numpy()
    return np.asarray(attempts != first, dtype=bool)


def check_order(frame: pd.DataFrame) -> None:
    """Raise ``ValueError`` unless each student's rows are contiguous and in attempt order.

    Every model walks histories row by row; a shuffled frame would silently turn later
    attempts into history.
    """
    students = frame["student"].to_numpy()
    attempts = frame["attempt"].to_numpy()
    if len(students) < 2:
        return
    new = students[1:] != students[:-1]
    if bool(np.any((~new) & (attempts[1:] < attempts[:-1]))):
        raise ValueError("attempts must be non-decreasing within each student")
    starts = int(np.count_nonzero(new)) + 1
    if starts != len(pd.unique(students)):
        raise ValueError("each student's rows must be contiguous (sort by student, then attempt)")


def build_vocab(values: Iterable[object]) -> dict[str, int]:
    """Map each distinct value (as text) to 1..n in sorted order; 0 stays for unknown values."""
    return {value: index for index, value in enumerate(sorted({str(v) for v in values}), start=1)}


@dataclass(frozen=True)
class Encoded:
    """A frame as arrays, row order kept.

    ``student`` numbers students 0.. in order of appearance; ``step`` numbers each
    student's distinct attempts 0.. (siblings share a step); ``concept`` and ``item`` are
    vocabulary indices with 0 for unknown values; ``concept_key`` numbers the raw concept
    texts (distinct unknown concepts stay distinct); ``first`` marks each student's first row.
    """

    student: np.ndarray
    step: np.ndarray
    concept: np.ndarray
    concept_key: np.ndarray
    item: np.ndarray
    correct: np.ndarray
    first: np.ndarray

    @property
    def n_students(self) -> int:
        """Number of distinct students."""
        return int(self.student[-1]) + 1 if len(self.student) else 0


def _lookup(values: pd.Series, vocab: Mapping[str, int] | None) -> np.ndarray:
    if vocab is None:
        return np.zeros(len(values), dtype=np.int64)
    return values.astype(str).map(vocab).fillna(UNKNOWN).to_numpy(dtype=np.int64, copy=True)


def encode(frame: pd.DataFrame, concepts: Mapping[str, int], items: Mapping[str, int] | None = None) -> Encoded:
    """Encode ``frame`` (checked with :func:`check_order`) with the given vocabularies."""
    check_order(frame)
    n = len(frame)
    students = frame["student"].to_numpy()
    attempts = frame["attempt"].to_numpy(dtype=np.int64)
    first = np.ones(n, dtype=bool)
    new_attempt = np.ones(n, dtype=bool)
    if n > 1:
        first[1:] = students[1:] != students[:-1]
        new_attempt[1:] = first[1:] | (attempts[1:] != attempts[:-1])
    student = np.cumsum(first) - 1
    # step = (number of attempt starts so far) - (that count at the student's first row)
    starts = np.cumsum(new_attempt) - 1
    step = starts - starts[np.flatnonzero(first)][student]
    return Encoded(
        student=student.astype(np.int64),
        step=step.astype(np.int64),
        concept=_lookup(frame["concept"], concepts),
        concept_key=pd.factorize(frame["concept"].astype(str))[0].astype(np.int64),
        item=_lookup(frame["item"], items),
        correct=frame["correct"].to_numpy(dtype=np.float64, copy=True),
        first=first,
    )


def prior_counts(enc: Encoded) -> tuple[np.ndarray, np.ndarray]:
    """Per row: summed scores and summed failures on the row's concept in *earlier* attempts.

    Counts are taken over whole earlier attempts of the same student, so a sibling row (or
    a duplicate row of the same concept in the same attempt) never contributes. Concepts
    are told apart by their raw text, so two concepts unknown to the vocabulary do not
    share counts.
    """
    n = len(enc.concept)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    key = pd.DataFrame(
        {"s": enc.student, "c": enc.concept_key, "t": enc.step, "y": enc.correct, "f": 1.0 - enc.correct}
    )
    per_attempt = key.groupby(["s", "c", "t"], sort=True)[["y", "f"]].sum()
    cumulative = per_attempt.groupby(level=["s", "c"], sort=False).cumsum() - per_attempt
    joined = key[["s", "c", "t"]].merge(cumulative, left_on=["s", "c", "t"], right_index=True, how="left")
    return joined["y"].to_numpy(dtype=np.float64), joined["f"].to_numpy(dtype=np.float64)
