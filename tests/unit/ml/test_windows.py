"""Windows: students cut every WINDOW attempts, siblings in one step, padding only per batch."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.mastery.windows import PAD, UNKNOWN, Vocabulary, build_windows


def _frame() -> pd.DataFrame:
    """Student a: three attempts, the second on two concepts; student b: one attempt."""
    rows = [("a", 0, "x", 1.0), ("a", 1, "x", 0.0), ("a", 1, "y", 0.0), ("a", 2, "z", 1.0), ("b", 0, "y", 1.0)]
    frame = pd.DataFrame(rows, columns=["student", "attempt", "concept", "correct"])
    return frame.assign(item="")


def test_students_are_cut_every_window_attempts_and_siblings_share_a_step() -> None:
    frame = _frame()
    windows = build_windows(frame, Vocabulary.build(["x", "y"]), Vocabulary.build([]), window=2)
    assert windows.lengths.tolist() == [2, 1, 1]  # a: attempts 0-1, then 2; b: 0
    assert windows.n_rows == len(frame)
    batch = windows.batch(np.array([0, 2]))
    assert batch.concepts.shape == (2, 2, 2)  # padded to the longer window and the widest attempt
    x, y = 2, 3  # vocabulary: pad, unknown, x, y
    assert batch.concepts.tolist() == [[[x, PAD], [x, y]], [[y, PAD], [PAD, PAD]]]
    assert batch.rows.tolist() == [[[0, -1], [1, 2]], [[4, -1], [-1, -1]]]
    assert batch.labels[0, 1].tolist() == [0.0, 0.0]
    assert batch.labels[1, 0, 0] == 1.0
    assert not batch.features[1, 1].any()  # padding carries no features


def test_a_concept_outside_the_vocabulary_is_unknown_not_padding() -> None:
    windows = build_windows(_frame(), Vocabulary.build(["x", "y"]), Vocabulary.build([]), window=2)
    assert windows.batch(np.array([1])).concepts.tolist() == [[[UNKNOWN, PAD]]]  # z
