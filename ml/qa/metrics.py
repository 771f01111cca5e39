"""Retrieval figures: recall@k and mean reciprocal rank from the rank of the gold passage."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["gold_ranks", "retrieval_metrics"]


def gold_ranks(scores: np.ndarray, gold: Sequence[Sequence[int]]) -> np.ndarray:
    """For each query (a row of ``scores``), the 0-based rank of its best-placed gold passage.

    Ties count against the gold passage (a passage scoring the same ranks ahead), so a
    constant scorer earns nothing.

    Examples:
        >>> gold_ranks(np.array([[0.1, 0.9, 0.5], [0.3, 0.3, 0.2]]), [[2], [0, 1]]).tolist()
        [1, 1]
    """
    out = np.zeros(len(gold), dtype=np.int64)
    for i, golds in enumerate(gold):
        best = max(scores[i, g] for g in golds)
        out[i] = int((scores[i] >= best).sum()) - 1
    return out


def retrieval_metrics(ranks: np.ndarray, ks: Sequence[int] = (1, 5, 10)) -> dict[str, float]:
    """Recall@k for each k and MRR (over all queries), rounded to 4 places.

    Examples:
        >>> retrieval_metrics(np.array([0, 1, 12]), ks=(1, 5))
        {'recall@1': 0.3333, 'recall@5': 0.6667, 'mrr': 0.5256}
    """
    if len(ranks) == 0:
        return {**{f"recall@{k}": 0.0 for k in ks}, "mrr": 0.0}
    out = {f"recall@{k}": round(float((ranks < k).mean()), 4) for k in ks}
    out["mrr"] = round(float((1.0 / (ranks + 1)).mean()), 4)
    return out
