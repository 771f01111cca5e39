"""History features of each row, from earlier attempts only: batch and online agree.

A sequence model forgets; counts do not. Each row gets what performance-factor models
use (prior attempts and successes on its concept, the last outcome there and how long
ago, the student's overall and recent accuracy), computed over strictly earlier
attempts so that sibling rows of one multi-skill attempt never see each other.
``history_features`` computes them for a whole table at once (training, evaluation);
``FeatureState`` keeps them for one student as attempts arrive (online inference). A
test holds the two to the same numbers.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["FEATURE_NAMES", "FeatureState", "attempt_bounds", "history_features", "logit", "sigmoid"]

RECENT = 5  # attempts in the "recent accuracy" window
FIRST_CONCEPTS = 4  # the first distinct concepts kept (they name a student's cohort, see cohort.py)

FEATURE_NAMES: tuple[str, ...] = (
    "log_prior_on_concept",
    "log_prior_correct_on_concept",
    "smoothed_accuracy_on_concept",
    "last_on_concept",
    "has_last_on_concept",
    "log_attempts_since_concept",
    "log_prior_attempts",
    "smoothed_accuracy",
    "smoothed_recent_accuracy",
    "log_streak_on_concept",
    "same_concept_as_last_attempt",
    "residual_accuracy",
    "residual_on_concept",
    "recent_residual",
)


def _row_values(
    n_c: float,
    s_c: float,
    last: float,
    has_last: float,
    gap: float,
    n: float,
    s: float,
    recent: list[float],
    streak: float,
    same: float,
    residual: float,
    residual_c: float,
    recent_residual: list[float],
) -> list[float]:
    return [
        math.log1p(n_c),
        math.log1p(s_c),
        (s_c + 1.0) / (n_c + 2.0),
        last,
        has_last,
        math.log1p(gap),
        math.log1p(n),
        (s + 1.0) / (n + 2.0),
        (sum(recent) + 1.0) / (len(recent) + 2.0),
        math.log1p(streak),
        same,
        residual / (n + 2.0),
        residual_c / (n_c + 2.0),
        sum(recent_residual) / (len(recent_residual) + 2.0),
    ]


def history_features(
    frame: pd.DataFrame, expected: np.ndarray | None = None, *, without_residuals: np.ndarray | None = None
) -> np.ndarray:
    """``len(frame) x len(FEATURE_NAMES)`` float32 features, rows in frame order.

    ``frame`` is a canonical attempt table sorted by student then attempt. ``expected``
    is each row's expected success (its item's difficulty) before the student answers;
    residuals (outcome minus expected) measure ability with the items' difficulty taken
    out. Without it the residual features stay zero. ``without_residuals`` is this
    table's ``history_features(frame)``, when already computed: the residual columns
    are the only ones ``expected`` changes, so an ensemble whose members expect
    differently counts the rest once and adds each member's residuals vectorised
    (``residual_features``, equal to the state's to the bit).
    """
    if without_residuals is None:
        return _replayed(frame, expected)
    out = without_residuals.copy()
    if expected is not None and len(frame):
        out[:, _RESIDUAL_COLUMNS] = residual_features(frame, expected)
    return out


def _replayed(frame: pd.DataFrame, expected: np.ndarray | None) -> np.ndarray:
    """Every feature from one pass of ``FeatureState`` per student: the online code, in batch."""
    out = np.zeros((len(frame), len(FEATURE_NAMES)), dtype=np.float32)
    if not len(frame):
        return out
    students = frame["student"].to_numpy()
    starts, ends = attempt_bounds(frame)
    counts = ends - starts
    scores = np.add.reduceat(frame["correct"].to_numpy(dtype=np.float64), starts) / counts
    expectations = None if expected is None else np.add.reduceat(np.asarray(expected, np.float64), starts) / counts
    concepts = [str(c) for c in frame["concept"].to_numpy()]
    state, student = FeatureState(), students[0]
    for a, (i, j) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        if students[i] != student:
            state, student = FeatureState(), students[i]
        for r in range(i, j):
            out[r] = state.features(concepts[r])
        state.observe(concepts[i:j], float(scores[a]), None if expectations is None else float(expectations[a]))
    return out


_RESIDUAL_COLUMNS = [FEATURE_NAMES.index(n) for n in ("residual_accuracy", "residual_on_concept", "recent_residual")]


def residual_features(frame: pd.DataFrame, expected: np.ndarray) -> np.ndarray:
    """The three residual columns of ``history_features``, vectorised (``FeatureState``'s sums, in its order).

    An attempt's surprise is its score minus its rows' mean expectation; a row sees the
    surprises of its student's earlier attempts: all of them, those on its concept (an
    attempt counted once however many of its rows name the concept), and the last RECENT.
    """
    students = frame["student"].to_numpy()
    starts, ends = attempt_bounds(frame)
    counts = ends - starts
    scores = np.add.reduceat(frame["correct"].to_numpy(dtype=np.float64), starts) / counts
    surprise = scores - np.add.reduceat(np.asarray(expected, np.float64), starts) / counts
    first_attempt = np.ones(len(starts), dtype=bool)
    first_attempt[1:] = students[starts[1:]] != students[starts[:-1]]
    student_of = np.cumsum(first_attempt) - 1  # the student's number, per attempt
    position = np.arange(len(starts)) - np.flatnonzero(first_attempt)[student_of]  # earlier attempts of the student
    before = _exclusive_cumsum(surprise, first_attempt)
    recent = np.zeros(len(starts))
    for k in range(RECENT, 0, -1):  # oldest first, as ``sum`` runs over the deque
        shifted = np.zeros(len(starts))
        if k < len(starts):
            shifted[k:] = surprise[:-k]
        recent += np.where(position >= k, shifted, 0.0)
    attempt_of_row = np.repeat(np.arange(len(starts)), counts)
    on_concept = _residual_on_concept(frame["concept"].astype(str).to_numpy(), student_of, attempt_of_row, surprise)
    out = np.empty((len(frame), 3), dtype=np.float32)
    n = position[attempt_of_row].astype(np.float64)
    out[:, 0] = before[attempt_of_row] / (n + 2.0)
    out[:, 1] = on_concept
    out[:, 2] = recent[attempt_of_row] / (np.minimum(n, RECENT) + 2.0)
    return out


def _exclusive_cumsum(values: np.ndarray, group_start: np.ndarray) -> np.ndarray:
    """Each position's sum of the earlier values of its group, added in order (float64)."""
    out = np.zeros(len(values))
    total = 0.0
    for i, (value, start) in enumerate(zip(values.tolist(), group_start.tolist(), strict=True)):
        if start:
            total = 0.0
        out[i] = total
        total += value
    return out


def _residual_on_concept(
    concepts: np.ndarray, student_of: np.ndarray, attempt_of_row: np.ndarray, surprise: np.ndarray
) -> np.ndarray:
    """Each row's earlier surprise on its concept over (earlier attempts on it + 2), as ``FeatureState``."""
    codes = pd.factorize(concepts)[0]
    students = student_of[attempt_of_row]
    order = np.lexsort((attempt_of_row, codes, students))  # by student, concept, attempt
    s, c, a = students[order], codes[order], attempt_of_row[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (s[1:] != s[:-1]) | (c[1:] != c[:-1])
    new_entry = new_group.copy()  # one entry per (student, concept, attempt): repeated rows count once
    new_entry[1:] |= a[1:] != a[:-1]
    entries = np.flatnonzero(new_entry)
    group_start = new_group[entries]
    before = _exclusive_cumsum(surprise[a[entries]], group_start)
    index = np.arange(len(entries))
    seen = index - np.maximum.accumulate(np.where(group_start, index, 0))
    entry_of = np.cumsum(new_entry) - 1
    out = np.empty(len(order))
    out[order] = before[entry_of] / (seen[entry_of] + 2.0)
    return out


_NEVER = (0.0, 0.0, 0.0, -1.0, 0.0, 0.0)  # a concept's counts before its first attempt


def logit(probabilities: Sequence[float] | np.ndarray) -> np.ndarray:
    """Log-odds, clipped away from 0 and 1 (ensembles and fused siblings average these)."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-7, 1 - 1e-7)
    return np.asarray(np.log(p / (1 - p)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Probabilities from log-odds (an item's expected success from its logit accuracy, for one)."""
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64))))


def attempt_bounds(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) row of every attempt: its sibling rows share student and number."""
    students = frame["student"].to_numpy()
    attempts = frame["attempt"].to_numpy()
    new_attempt = np.ones(len(frame), dtype=bool)
    new_attempt[1:] = (students[1:] != students[:-1]) | (attempts[1:] != attempts[:-1])
    starts = np.flatnonzero(new_attempt)
    return starts, np.append(starts[1:], len(frame))


@dataclass
class FeatureState:
    """One student's running counts; ``observe`` one attempt, ``features`` for a concept."""

    attempts: int = 0
    correct: float = 0.0
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT))
    on_concept: dict[str, list[float]] = field(default_factory=dict)  # concept -> [n, s, last, at, streak, residual]
    last_concepts: frozenset[str] = frozenset()
    residual: float = 0.0
    recent_residual: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT))
    first_concepts: list[str] = field(default_factory=list)  # distinct, in order, at most FIRST_CONCEPTS

    def features(self, concept: str) -> list[float]:
        """The features of a row on ``concept`` given everything observed so far."""
        n_c, s_c, last, at, streak, residual_c = self.on_concept.get(concept, _NEVER)
        has_last = 1.0 if at >= 0 else 0.0
        gap = self.attempts - at if at >= 0 else 0.0
        same = 1.0 if concept in self.last_concepts else 0.0
        return _row_values(
            n_c, s_c, last, has_last, gap, self.attempts, self.correct, list(self.recent), streak, same,
            self.residual, residual_c, list(self.recent_residual),
        )  # fmt: skip

    def observe(self, concepts: list[str], score: float, expected: float | None = None) -> None:
        """Record one attempt (all its concepts at once: siblings never see each other).

        ``expected``: the attempt's expected success before it was answered, if known.
        """
        surprise = 0.0 if expected is None else score - expected
        for c in dict.fromkeys(concepts):
            n_c, s_c, _, _, streak, residual_c = self.on_concept.get(c, _NEVER)
            streak = streak + 1.0 if score >= 0.5 else 0.0
            self.on_concept[c] = [n_c + 1.0, s_c + score, score, float(self.attempts), streak, residual_c + surprise]
        if expected is not None:
            self.residual += surprise
            self.recent_residual.append(surprise)
        for c in concepts:
            if len(self.first_concepts) < FIRST_CONCEPTS and c not in self.first_concepts:
                self.first_concepts.append(c)
        self.last_concepts = frozenset(concepts)
        self.attempts += 1
        self.correct += score
        self.recent.append(score)
