"""Canonical attempt tables to the network's arrays: students cut into windows of attempts.

A window is up to ``WINDOW`` consecutive attempts of one student; the GRU starts each
window from zero, in training and in prediction alike, so both see the same thing.
Long-term history is not lost: the row features carry it. Windows are kept unpadded
and a batch of them is padded when the network reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.mastery.features import attempt_bounds, history_features, sigmoid

__all__ = ["WINDOW", "Batch", "Vocabulary", "Windows", "build_windows"]

WINDOW = 200
PAD, UNKNOWN = 0, 1


@dataclass
class Vocabulary:
    """Ids to indices; 0 pads, 1 is "unknown"."""

    names: list[str]

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.names)}

    @classmethod
    def build(cls, names: list[str]) -> Vocabulary:
        """A vocabulary over ``names`` (sorted, without repeats or the empty name)."""
        return cls(["<pad>", "<unknown>", *sorted({n for n in names if n})])

    def encode(self, names: np.ndarray) -> np.ndarray:
        """Indices of ``names``; empty names pad, unseen names are unknown."""
        get = self.index.get
        return np.fromiter((PAD if not n else get(n, UNKNOWN) for n in names), dtype=np.int64, count=len(names))


@dataclass
class Batch:
    """Padded arrays of some windows, B windows x T attempts x K concepts (T: the longest of them)."""

    concepts: np.ndarray  # B T K int64, PAD where padded
    items: np.ndarray  # B T int64
    correct: np.ndarray  # B T float32 (the attempt's score)
    features: np.ndarray  # B T K F float32
    labels: np.ndarray  # B T K float32
    rows: np.ndarray  # B T K int64, -1 where padded
    lengths: np.ndarray  # B attempts per window


@dataclass
class Windows:
    """A table's attempts cut into windows, stored without padding; ``batch`` pads a few.

    Padding every window to the longest would cost memory in proportion to the longest
    window times their number: students with a few dozen attempts beside some with
    hundreds (ASSISTments) made that five times the data. Attempts are stored flat, in
    table order (a window is a run of them), each with its K concept slots.
    """

    concepts: np.ndarray  # A K int64 (PAD in unused slots)
    items: np.ndarray  # A int64
    correct: np.ndarray  # A float32 (the attempt's score)
    features: np.ndarray  # A K F float32
    labels: np.ndarray  # A K float32
    rows: np.ndarray  # A K int64, -1 in unused slots
    starts: np.ndarray  # W: each window's first attempt
    lengths: np.ndarray  # W attempts per window

    @property
    def n_rows(self) -> int:
        """Table rows held (concept slots in use)."""
        return int((self.rows >= 0).sum())

    def batch(self, index: np.ndarray) -> Batch:
        """The windows ``index`` padded to the longest of them, as the network reads them."""
        lengths = self.lengths[index]
        t = int(lengths.max()) if len(index) else 1
        steps = np.arange(t)
        real = steps[None, :] < lengths[:, None]  # B T
        at = np.where(real, self.starts[index][:, None] + steps[None, :], 0)
        slots = real[:, :, None]
        return Batch(
            concepts=np.where(slots, self.concepts[at], PAD),
            items=np.where(real, self.items[at], PAD),
            correct=np.where(real, self.correct[at], np.float32(0)),
            features=np.where(slots[..., None], self.features[at], np.float32(0)),
            labels=np.where(slots, self.labels[at], np.float32(0)),
            rows=np.where(slots, self.rows[at], -1),
            lengths=lengths,
        )


def build_windows(
    frame: pd.DataFrame,
    concepts: Vocabulary,
    items: Vocabulary,
    *,
    window: int = WINDOW,
    extra: np.ndarray | None = None,
    history: np.ndarray | None = None,
) -> Windows:
    """Cut a canonical table (sorted by student, attempt) into windows.

    ``extra`` holds more per-row features (rows x E) appended to the history features; its
    first column is the item's logit success rate, the expectation residuals are taken from.
    ``history``: the table's ``history_features(frame)`` when already computed (shared).
    """
    expected = None if extra is None else sigmoid(extra[:, 0])
    feats = history_features(frame, expected, without_residuals=history)
    if extra is not None:
        feats = np.concatenate([feats, extra.astype(np.float32)], axis=1)
    c_idx = concepts.encode(frame["concept"].to_numpy())
    i_idx = items.encode(frame["item"].to_numpy())
    correct = frame["correct"].to_numpy(dtype=np.float32)
    students = frame["student"].to_numpy()
    starts, ends = attempt_bounds(frame)
    counts = ends - starts
    scores = np.add.reduceat(correct, starts) / counts if len(starts) else correct
    k_max = int(counts.max()) if len(starts) else 1
    # window boundaries: new student or every `window` attempts
    new_student = np.ones(len(starts), dtype=bool)
    new_student[1:] = students[starts[1:]] != students[starts[:-1]]
    student_start = np.maximum.accumulate(np.where(new_student, np.arange(len(starts)), 0))
    position = np.arange(len(starts)) - student_start  # the attempt's place in its student's history
    window_starts = np.flatnonzero(new_student | (position % window == 0))
    lengths = np.diff(np.append(window_starts, len(starts)))
    # each row's attempt and sibling slot
    attempt_of = np.repeat(np.arange(len(starts)), counts)
    slot = np.arange(len(frame)) - starts[attempt_of]
    out = Windows(
        concepts=np.full((len(starts), k_max), PAD, dtype=np.int64),
        items=i_idx[starts].astype(np.int64),
        correct=scores.astype(np.float32),
        features=np.zeros((len(starts), k_max, feats.shape[1]), dtype=np.float32),
        labels=np.zeros((len(starts), k_max), dtype=np.float32),
        rows=np.full((len(starts), k_max), -1, dtype=np.int64),
        starts=window_starts.astype(np.int64),
        lengths=lengths.astype(np.int64),
    )
    out.concepts[attempt_of, slot] = np.maximum(c_idx, UNKNOWN)
    out.features[attempt_of, slot] = feats
    out.labels[attempt_of, slot] = correct
    out.rows[attempt_of, slot] = np.arange(len(frame))
    return out
