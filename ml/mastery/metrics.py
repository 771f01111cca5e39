"""Scores of one-step-ahead predictions, computed the same way for every model.

Implemented with numpy alone (no scikit-learn in the project's dependencies), so the
numbers do not depend on which optional packages happen to be installed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["EPSILON", "auc", "evaluate_predictions", "expected_calibration_error", "json_safe"]

EPSILON = 1e-7
"""Probabilities are clipped to [EPSILON, 1 - EPSILON] for the log loss only."""


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve via the rank-sum (Mann-Whitney) statistic, ties averaged.

    ``y`` counts as positive where it is at least 0.5 (scores may be partial credit).
    Returns NaN when only one class is present, since the AUC is then undefined.
    """
    positive = np.asarray(y, dtype=np.float64) >= 0.5
    scores = np.asarray(p, dtype=np.float64)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)  # 1-based rank of each tie group's last member
    average_rank = ends - (counts - 1) / 2.0
    rank_sum = float(average_rank[inverse][positive].sum())
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Weighted mean |mean(y) - mean(p)| over ``bins`` equal-width probability bins.

    Equal-width bins (not equal-mass) make the number comparable across models whose
    predictions cluster differently. The top edge (p = 1) falls in the last bin.
    """
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if len(y) == 0:
        return math.nan
    index = np.minimum((p * bins).astype(np.int64), bins - 1)
    sum_y = np.bincount(index, weights=y, minlength=bins)
    sum_p = np.bincount(index, weights=p, minlength=bins)
    return float(np.abs(sum_y - sum_p).sum() / len(y))


def evaluate_predictions(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Return auc, accuracy (threshold 0.5), rmse, log_loss, ece and n for labels ``y``, probabilities ``p``."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if y.shape != p.shape:
        raise ValueError(f"y and p differ in shape: {y.shape} vs {p.shape}")
    n = len(y)
    if n == 0:
        nan = math.nan
        return {"auc": nan, "accuracy": nan, "rmse": nan, "log_loss": nan, "ece": nan, "n": 0}
    clipped = np.clip(p, EPSILON, 1.0 - EPSILON)
    return {
        "auc": auc(y, p),
        "accuracy": float(np.mean((p >= 0.5) == (y >= 0.5))),
        "rmse": float(np.sqrt(np.mean((y - p) ** 2))),
        "log_loss": float(-np.mean(y * np.log(clipped) + (1.0 - y) * np.log(1.0 - clipped))),
        "ece": expected_calibration_error(y, p),
        "n": n,
    }


def json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinity as ``None``, so it is JSON that strict parsers read.

    An AUC is undefined on a log whose answers are all right; written as ``NaN`` it made
    ``metrics.json``, ``evaluate --json`` and the ``masteryModels`` answer invalid JSON
    (``JSON.parse`` refuses it).

    Examples:
        >>> json_safe({"auc": float("nan"), "n": [1.0, float("inf")], "name": "x"})
        {'auc': None, 'n': [1.0, None], 'name': 'x'}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value
