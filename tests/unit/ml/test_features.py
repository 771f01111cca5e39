"""Batch history features equal a replay of the online state, residuals included."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.mastery.features import FEATURE_NAMES, FeatureState, attempt_bounds, history_features, residual_features

RESIDUALS = ["residual_accuracy", "residual_on_concept", "recent_residual"]


def _log(seed: int = 3, students: int = 12) -> pd.DataFrame:
    """Students with single- and multi-concept attempts, a concept named twice in one attempt included."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(students):
        for attempt in range(int(rng.integers(1, 40))):
            concepts = list(rng.choice(["a", "b", "c", "d"], size=int(rng.integers(1, 4))))
            correct = float(rng.random() < 0.6)
            rows += [{"student": f"s{s}", "attempt": attempt, "concept": c, "correct": correct} for c in concepts]
    return pd.DataFrame(rows)


def _replayed(frame: pd.DataFrame, expected: np.ndarray) -> np.ndarray:
    """What the online state gives, row by row (sibling rows see the state before their attempt)."""
    starts, ends = attempt_bounds(frame)
    out = np.zeros((len(frame), len(FEATURE_NAMES)), dtype=np.float32)
    states: dict[str, FeatureState] = {}
    for i, j in zip(starts, ends, strict=True):
        state = states.setdefault(frame["student"].iat[i], FeatureState())
        concepts = [str(c) for c in frame["concept"].iloc[i:j]]
        for r, concept in zip(range(i, j), concepts, strict=True):
            out[r] = state.features(concept)
        state.observe(concepts, float(frame["correct"].iloc[i:j].mean()), float(np.mean(expected[i:j])))
    return out


def test_batch_features_equal_the_online_state_to_the_bit() -> None:
    frame = _log()
    expected = np.random.default_rng(0).uniform(0.2, 0.9, len(frame))
    assert np.array_equal(history_features(frame, expected), _replayed(frame, expected))


def test_only_the_residual_columns_follow_the_expectation() -> None:
    frame = _log(seed=5)
    expected = np.random.default_rng(1).uniform(0.1, 0.9, len(frame))
    counted = history_features(frame)
    columns = [FEATURE_NAMES.index(n) for n in RESIDUALS]
    assert not counted[:, columns].any()
    full = history_features(frame, expected)
    assert np.array_equal(np.delete(full, columns, axis=1), np.delete(counted, columns, axis=1))
    assert np.array_equal(history_features(frame, expected, without_residuals=counted), full)
    assert np.array_equal(residual_features(frame, expected), full[:, columns])
    assert not counted[:, columns].any()  # the shared table is copied, not written to


def test_a_concept_named_twice_in_one_attempt_counts_once() -> None:
    frame = pd.DataFrame(
        {"student": ["s"] * 3, "attempt": [0, 0, 1], "concept": ["a", "a", "a"], "correct": [1.0, 1.0, 0.0]}
    )
    features = history_features(frame, np.array([0.5, 0.5, 0.5]))
    on_concept = FEATURE_NAMES.index("residual_on_concept")
    assert features[2, on_concept] == np.float32(0.5 / 3.0)  # one earlier attempt, surprise 0.5
    assert features[0, on_concept] == features[1, on_concept] == 0.0
