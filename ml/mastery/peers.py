"""Peer features: how the training students who worked on the same concepts did.

Classes follow one teacher's plan, so students who have worked on the same concepts are
often classmates, and classes differ in ability more than a student's few answers can
show. ``cohort.py`` matches the first concepts a student met; this matches all of them.
Each row gets, from the ``NEIGHBOURS`` training students whose concept sets are closest
(idf-weighted cosine) to the concepts of the student's earlier attempts: their mean
residual (outcome minus the concept's training accuracy) on the row's concept and how
many rows it rests on, their mean residual over everything they did, and how close they
are. Only which concepts the student worked on is read, never the student's answers.

Training rows get out-of-fold values: their neighbours come from the other folds of
students only, as for the cohort features (a row must not read its own label back).
The idf weights are whole multiples of 1/WEIGHT_STEPS, so similarities are sums of
integers, exact in any order: batch and online inference pick the same neighbours.

On ASSISTments 2015 three networks went from 0.7351 to 0.7361 AUC with these features
(one network 0.7342 to 0.7349); on ASSISTments 2009 one network 0.7970 to 0.7979.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from ml.mastery.features import attempt_bounds

__all__ = ["NEIGHBOURS", "PEER_FEATURES", "PeerStats", "student_folds"]

NEIGHBOURS = 50  # training students read per row (20: half the gain on ASSISTments 2015)
MAX_REFERENCE = 20_000  # training students kept as possible neighbours (a fixed hash-chosen subset beyond; < 2^15)
FOLDS = 5  # out-of-fold encoding of the training rows (as cohort.py)
PRIOR_ROWS = 10.0  # pseudo-rows at zero residual: neighbours who barely touched a concept say little
WEIGHT_STEPS = 8  # idf weights rounded to 1/8: similarities are exact integer sums
CHUNK = 128  # student sets per similarity pass
CACHE = 1024  # online: concept sets whose neighbours are kept

PEER_FEATURES: tuple[str, ...] = (
    "peers_residual_on_concept",
    "peers_log_rows_on_concept",
    "peers_residual",
    "peers_similarity",
)


def student_folds(students: np.ndarray) -> np.ndarray:
    """Each student's fold, from a hash of the key (the cohort features' folds)."""
    return (pd.util.hash_array(np.asarray(students).astype(str)) % FOLDS).astype(np.int64)


class PeerStats:
    """The reference students: their concept sets (idf-weighted) and residual sums per concept."""

    def __init__(
        self,
        concepts: Sequence[str] = (),
        weights: np.ndarray | None = None,
        sums: sparse.csr_matrix | None = None,
        counts: sparse.csr_matrix | None = None,
        folds: np.ndarray | None = None,
    ) -> None:
        self.concepts = list(concepts)
        self.column = {c: i for i, c in enumerate(self.concepts)}
        n = len(self.concepts)
        self.weights = np.zeros(n) if weights is None else np.asarray(weights, dtype=np.float64)
        self.sums = sparse.csr_matrix((0, n)) if sums is None else sparse.csr_matrix(sums, dtype=np.float64)
        self.counts = sparse.csr_matrix((0, n)) if counts is None else sparse.csr_matrix(counts, dtype=np.float64)
        self.folds = np.zeros(0, dtype=np.int64) if folds is None else np.asarray(folds, dtype=np.int64)
        # students x concepts, each attempted concept's weight: whole numbers, so float32 products
        # and their sums stay exact (below 2^24: thousands of shared concepts)
        self.presence = np.zeros(self.counts.shape, dtype=np.float32)
        counted = self.counts.tocoo()
        self.presence[counted.row, counted.col] = self.weights[counted.col]
        norms = np.sqrt((self.presence.astype(np.float64) ** 2).sum(axis=1))
        self.inverse_norms = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        self._cache: dict[frozenset[int], tuple[np.ndarray, np.ndarray, float, float]] = {}
        self._cache_lock = threading.Lock()  # a served model's and a switching model's threads may both ask

    # --- training -------------------------------------------------------------------------
    @classmethod
    def fit(cls, frame: pd.DataFrame, expected: np.ndarray) -> tuple[PeerStats, np.ndarray]:
        """The statistics of ``frame``'s students, and its rows' out-of-fold features.

        ``expected``: each row's expected success without the student (its concept's accuracy).
        """
        concepts = frame["concept"].astype(str).to_numpy()
        students = frame["student"].astype(str).to_numpy()
        names, student_index = np.unique(students, return_inverse=True)
        keep = np.argsort(pd.util.hash_array(names), kind="stable")[:MAX_REFERENCE]
        reference = np.full(len(names), -1)
        reference[np.sort(keep)] = np.arange(len(keep))
        row_reference = reference[student_index]
        used = (row_reference >= 0) & (concepts != "")
        columns = sorted(set(concepts[used].tolist()))
        column = {c: i for i, c in enumerate(columns)}
        col = np.array([column[c] for c in concepts[used]], dtype=np.int64)
        residual = frame["correct"].to_numpy(np.float64)[used] - np.asarray(expected, np.float64)[used]
        shape = (len(keep), len(columns))
        sums = sparse.csr_matrix((residual, (row_reference[used], col)), shape=shape)
        rows = sparse.csr_matrix((np.ones(len(col)), (row_reference[used], col)), shape=shape)
        attempted = np.bincount(rows.indices, minlength=len(columns))  # students per concept
        idf = np.log((1.0 + len(keep)) / (1.0 + attempted)) + 1.0
        weights = np.round(idf * WEIGHT_STEPS)
        stats = cls(columns, weights, sums, rows, student_folds(names[np.sort(keep)]))
        return stats, stats._features(frame, out_of_fold=True)

    # --- batch inference ----------------------------------------------------------------------
    def features(self, frame: pd.DataFrame) -> np.ndarray:
        """Every row's features, neighbours from all reference students (inference)."""
        return self._features(frame, out_of_fold=False)

    def _features(self, frame: pd.DataFrame, *, out_of_fold: bool) -> np.ndarray:
        out = np.zeros((len(frame), len(PEER_FEATURES)), dtype=np.float32)
        if not len(frame) or not len(self.concepts):
            return out
        state_of_row, sets, owners = self._states(frame)
        if not sets:
            return out
        # students with the same set (and fold) share their neighbours: computed once
        folds = student_folds(np.array(owners)) if out_of_fold else np.zeros(len(sets), dtype=np.int64)
        distinct: dict[tuple[tuple[int, ...], int], int] = {}
        shared = np.array(
            [distinct.setdefault((tuple(c), int(f)), len(distinct)) for c, f in zip(sets, folds, strict=True)]
        )
        keys = list(distinct)
        found_parts, count_parts = [], []  # sparse: a neighbourhood touches few of many concepts
        closeness = np.zeros(len(keys))
        for first in range(0, len(keys), CHUNK):
            part = keys[first : first + CHUNK]
            chosen, closeness[first : first + CHUNK] = self._nearest(
                [c for c, _ in part], np.array([f for _, f in part]) if out_of_fold else None
            )
            found_parts.append(chosen @ self.sums)
            count_parts.append(chosen @ self.counts)
        found, counts = sparse.vstack(found_parts).tocsr(), sparse.vstack(count_parts).tocsr()
        overall = np.asarray(found.sum(axis=1)).ravel() / (np.asarray(counts.sum(axis=1)).ravel() + PRIOR_ROWS)
        state_of_row = np.where(state_of_row >= 0, shared[np.maximum(state_of_row, 0)], -1)
        col = np.array([self.column.get(c, -1) for c in frame["concept"].astype(str).to_numpy()])
        rows = np.flatnonzero(state_of_row >= 0)
        state, known = state_of_row[rows], col[rows] >= 0
        at = np.maximum(col[rows], 0)
        on_sum = np.where(known, np.asarray(found[state, at]).ravel(), 0.0)
        on_rows = np.where(known, np.asarray(counts[state, at]).ravel(), 0.0)
        out[rows] = _values(on_sum, on_rows, overall[state], closeness[state])
        return out

    def _states(self, frame: pd.DataFrame) -> tuple[np.ndarray, list[list[int]], list[str]]:
        """Each row's concept set of earlier attempts (an index into the sets; -1: none yet).

        A student's set only grows, so a new set starts wherever an attempt adds a concept.
        """
        students = frame["student"].astype(str).to_numpy()
        concepts = frame["concept"].astype(str).to_numpy()
        starts, ends = attempt_bounds(frame)
        state_of_row = np.full(len(frame), -1, dtype=np.int64)
        sets: list[list[int]] = []
        owners: list[str] = []
        student: str | None = None
        seen: set[int] = set()
        state, grew = -1, False
        for i, j in zip(starts.tolist(), ends.tolist(), strict=True):
            if students[i] != student:
                student, seen, state, grew = students[i], set(), -1, False
            if grew:
                sets.append(sorted(seen))
                owners.append(str(student))
                state, grew = len(sets) - 1, False
            state_of_row[i:j] = state
            for c in concepts[i:j]:
                index = self.column.get(c)
                if index is not None and index not in seen:
                    seen.add(index)
                    grew = True
        return state_of_row, sets, owners

    def _nearest(
        self, sets: Sequence[Collection[int]], folds: np.ndarray | None
    ) -> tuple[sparse.csr_matrix, np.ndarray]:
        """The chosen neighbours of each set (a 0/1 matrix, columns in order) and their mean similarity.

        Neighbours share at least one concept; ties go to the earlier reference student.
        ``folds``: the sets' students' folds, whose own fold is left out (training rows).
        """
        n_sets, n_students = len(sets), self.presence.shape[0]
        query = np.zeros((n_sets, len(self.concepts)), dtype=np.float32)
        for r, columns in enumerate(sets):
            index = np.fromiter(columns, dtype=np.int64, count=len(columns))
            query[r, index] = self.weights[index]
        query_norms = np.sqrt((query.astype(np.float64) ** 2).sum(axis=1))
        similarity = (query @ self.presence.T).astype(np.float64)  # sums of whole numbers: exact in any order
        similarity *= self.inverse_norms
        similarity *= np.divide(1.0, query_norms, out=np.zeros_like(query_norms), where=query_norms > 0)[:, None]
        if folds is not None:
            similarity[folds[:, None] == self.folds[None, :]] = 0.0
        # one whole-number key per student, unique, smallest first: similarity to 2^-36, then the earlier student
        key = np.floor(similarity * -(2.0**36))
        key *= 2.0**15
        key -= 2.0**15 - 1 - np.arange(n_students)
        k = min(NEIGHBOURS, n_students)
        top = np.sort(np.argpartition(key, k - 1, axis=1)[:, :k], axis=1) if k else np.zeros((n_sets, 0), np.int64)
        close = np.take_along_axis(similarity, top, axis=1)
        keep = close > 0
        taken = keep.sum(axis=1)
        closeness = np.divide(np.where(keep, close, 0.0).sum(axis=1), taken, out=np.zeros(n_sets), where=taken > 0)
        indptr = np.concatenate([[0], np.cumsum(taken)])
        chosen = sparse.csr_matrix((np.ones(int(taken.sum())), top[keep], indptr), shape=(n_sets, n_students))
        return chosen, closeness

    # --- online inference -------------------------------------------------------------------
    def rows(self, earlier: Collection[str], concepts: Sequence[str]) -> np.ndarray:
        """The features of rows on ``concepts`` for a student whose earlier attempts touched ``earlier``."""
        key = frozenset(self.column[c] for c in earlier if c in self.column)
        if not key:
            return np.zeros((len(concepts), len(PEER_FEATURES)))
        found, counts, overall, closeness = self._neighbourhood(key)
        index = np.array([self.column.get(c, -1) for c in concepts], dtype=np.int64)
        known = index >= 0
        on_sum = np.where(known, found[np.maximum(index, 0)], 0.0)
        on_rows = np.where(known, counts[np.maximum(index, 0)], 0.0)
        return _values(on_sum, on_rows, np.full(len(concepts), overall), np.full(len(concepts), closeness))

    def _neighbourhood(self, key: frozenset[int]) -> tuple[np.ndarray, np.ndarray, float, float]:
        """What the neighbours of a concept set did, per concept; the last CACHE sets are kept."""
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        chosen, closeness = self._nearest([sorted(key)], None)
        found, counts = (chosen @ self.sums).toarray()[0], (chosen @ self.counts).toarray()[0]
        value = (found, counts, float(found.sum() / (counts.sum() + PRIOR_ROWS)), float(closeness[0]))
        with self._cache_lock:
            if len(self._cache) >= CACHE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = value
        return value

    # --- persistence ----------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """The statistics as sparse arrays (``numpy.savez``): a few numbers per reference student."""
        sums, rows = self.sums.tocoo(), self.counts.tocoo()
        np.savez_compressed(
            path, concepts=np.array(self.concepts, dtype=str), weights=self.weights, folds=self.folds,
            shape=np.array(self.sums.shape), sum_at=np.stack([sums.row, sums.col]), sums=sums.data,
            rows_at=np.stack([rows.row, rows.col]), rows=rows.data,
        )  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> PeerStats:
        """What ``save`` wrote."""
        with np.load(path, allow_pickle=False) as data:
            shape = (int(data["shape"][0]), int(data["shape"][1]))
            return cls(
                [str(c) for c in data["concepts"]], data["weights"],
                sparse.csr_matrix((data["sums"], tuple(data["sum_at"])), shape=shape),
                sparse.csr_matrix((data["rows"], tuple(data["rows_at"])), shape=shape),
                data["folds"],
            )  # fmt: skip


def _values(on_sum: np.ndarray, on_rows: np.ndarray, overall: np.ndarray, closeness: np.ndarray) -> np.ndarray:
    """(shrunk mean residual on the concept, log rows, mean residual overall, similarity), about unit range."""
    return np.stack([5.0 * on_sum / (on_rows + PRIOR_ROWS), np.log1p(on_rows) / 5.0, 5.0 * overall, closeness], axis=-1)
