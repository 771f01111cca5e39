"""Canonical attempt tables to padded tensors: students cut into windows of attempts.

A window is up to ``WINDOW`` consecutive attempts of one student; the GRU starts each
window from zero, in training and in prediction alike, so both see the same thing.
Long-term history is not lost: the row features carry it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.mastery.features import attempt_bounds, history_features, sigmoid

__all__ = ["WINDOW", "Vocabulary", "Windows", "build_windows"]

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
class Windows:
    """Padded arrays, W windows x T attempts x K concepts; ``rows`` maps back to frame rows."""

    concepts: np.ndarray  # W T K int64
    items: np.ndarray  # W T int64
    correct: np.ndarray  # W T float32 (the attempt's score)
    features: np.ndarray  # W T K F float32
    labels: np.ndarray  # W T K float32
    rows: np.ndarray  # W T K int64, -1 where padded
    lengths: np.ndarray  # W attempts per window


def build_windows(
    frame: pd.DataFrame,
    concepts: Vocabulary,
    items: Vocabulary,
    *,
    window: int = WINDOW,
    extra: np.ndarray | None = None,
) -> Windows:
    """Cut a canonical table (sorted by student, attempt) into padded windows.

    ``extra`` holds more per-row features (rows x E) appended to the history features; its
    first column is the item's logit success rate, the expectation residuals are taken from.
    """
    expected = None if extra is None else sigmoid(extra[:, 0])
    feats = history_features(frame, expected)
    if extra is not None:
        feats = np.concatenate([feats, extra.astype(np.float32)], axis=1)
    c_idx = concepts.encode(frame["concept"].to_numpy())
    i_idx = items.encode(frame["item"].to_numpy())
    correct = frame["correct"].to_numpy(dtype=np.float32)
    students = frame["student"].to_numpy()
    starts, ends = attempt_bounds(frame)
    scores = np.add.reduceat(correct, starts) / (ends - starts) if len(starts) else correct
    k_max = int((ends - starts).max()) if len(starts) else 1
    # window boundaries: new student or every `window` attempts
    new_student = np.ones(len(starts), dtype=bool)
    new_student[1:] = students[starts[1:]] != students[starts[:-1]]
    position = np.zeros(len(starts), dtype=np.int64)
    run = 0
    for a in range(len(starts)):
        run = 0 if new_student[a] else run + 1
        position[a] = run
    window_start = new_student | (position % window == 0)
    window_of = np.cumsum(window_start) - 1
    n_windows = int(window_of[-1]) + 1 if len(starts) else 0
    slot = position % window
    lengths = np.bincount(window_of, minlength=n_windows)
    t_max = int(lengths.max()) if n_windows else 1
    f = feats.shape[1]
    out = Windows(
        concepts=np.zeros((n_windows, t_max, k_max), dtype=np.int64),
        items=np.zeros((n_windows, t_max), dtype=np.int64),
        correct=np.zeros((n_windows, t_max), dtype=np.float32),
        features=np.zeros((n_windows, t_max, k_max, f), dtype=np.float32),
        labels=np.zeros((n_windows, t_max, k_max), dtype=np.float32),
        rows=np.full((n_windows, t_max, k_max), -1, dtype=np.int64),
        lengths=lengths,
    )
    for a, (s, e) in enumerate(zip(starts, ends, strict=True)):
        w, t = window_of[a], slot[a]
        k = e - s
        out.concepts[w, t, :k] = np.maximum(c_idx[s:e], UNKNOWN)
        out.items[w, t] = i_idx[s]
        out.correct[w, t] = scores[a]
        out.features[w, t, :k] = feats[s:e]
        out.labels[w, t, :k] = correct[s:e]
        out.rows[w, t, :k] = np.arange(s, e)
    return out
