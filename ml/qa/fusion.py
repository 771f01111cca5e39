"""Fusing lexical (BM25) and dense (cosine) scores into one ranking.

BM25 scores are unbounded and query-dependent; cosines sit in [-1, 1]. Each is turned
into a z-score over the candidate rows (how many standard deviations above the mean a
row stands for this query), and the two are mixed with one weight. Both signals then
count by how much a row stands out, not by their raw scales.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LEXICAL_WEIGHT", "fuse", "standardize", "top_k"]

LEXICAL_WEIGHT = 0.5
"""Default share of the lexical z-score in the fused score (the rest is dense)."""


def standardize(scores: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Z-scores along the last axis, over the rows in ``mask`` (all rows when None); 0 where flat.

    Examples:
        >>> [round(float(z), 3) for z in standardize(np.array([1.0, 2.0, 3.0]))]
        [-1.225, 0.0, 1.225]
        >>> standardize(np.array([2.0, 2.0])).tolist()
        [0.0, 0.0]
    """
    live = scores if mask is None else scores[..., mask]
    if live.shape[-1] == 0:
        return np.zeros_like(scores)
    mean = live.mean(axis=-1, keepdims=True)
    std = live.std(axis=-1, keepdims=True)
    return np.where(std > 1e-9, (scores - mean) / np.maximum(std, 1e-9), 0.0).astype(np.float32)


def fuse(
    lexical: np.ndarray, dense: np.ndarray, *, weight: float = LEXICAL_WEIGHT, mask: np.ndarray | None = None
) -> np.ndarray:
    """``weight`` x z(lexical) + (1 - weight) x z(dense), over the rows in ``mask``.

    Examples:
        >>> fuse(np.array([0.0, 4.0, 1.0]), np.array([0.9, 0.1, 0.2])).argmax().item()
        1
    """
    return weight * standardize(lexical, mask) + (1.0 - weight) * standardize(dense, mask)


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Indices of the ``k`` highest scores (only rows in ``mask``), best first.

    Examples:
        >>> top_k(np.array([0.1, 0.9, 0.5, 0.7]), 2).tolist()
        [1, 3]
    """
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
        k = min(k, int(mask.sum()))
    k = min(k, scores.shape[-1])
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]
