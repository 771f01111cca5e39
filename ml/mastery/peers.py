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

Nothing grows with students x concepts or with a sequence's length squared: a log whose
skills are its 12,000 items (806k rows) fits in 39 s and 1.6 GB. Each state is a
prefix of the student's concepts in the order first met, and the weights turn sparse
past DENSE_CELLS. Only the cells the rows read are summed, never a neighbourhood's
table over all concepts. The first version kept each state's whole set and that table,
and ran out of 24 GB on that log. The search is redone only as a student's set grows
by a quarter (SearchedSizes): on a log whose every attempt met a new skill (2.0M rows,
265 skills) that cut the searches 1.53M -> 0.41M, and the fit to 81 s; one network on
assist2015 scored 0.7349 against 0.7351 searching at every concept, on assist2009
0.7987 against 0.7989 (same seed).

On ASSISTments 2015 three networks went from 0.7351 to 0.7361 AUC with these features
(one network 0.7342 to 0.7349), and scored 0.7360 with the search redone as the set grows
by a quarter; on ASSISTments 2009 one network went from 0.7970 to 0.7979.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from ml.mastery.peer_tables import GrowingSets, NeighbourCells, SearchedSizes

__all__ = ["NEIGHBOURS", "PEER_FEATURES", "PeerStats", "PeersOutOfTime", "student_folds"]

NEIGHBOURS = 50  # training students read per row (20: half the gain on ASSISTments 2015)
MAX_REFERENCE = 20_000  # training students kept as possible neighbours (a fixed hash-chosen subset beyond; < 2^15)
FOLDS = 5  # out-of-fold encoding of the training rows (as cohort.py)
PRIOR_ROWS = 10.0  # pseudo-rows at zero residual: neighbours who barely touched a concept say little
WEIGHT_STEPS = 8  # idf weights rounded to 1/8: similarities are exact integer sums
CHUNK = 128  # concept sets per similarity pass
CACHE = 1024  # online: concept sets whose neighbourhood is kept...
CACHE_CELLS = 1 << 22  # ... fewer where the vocabulary is large (each keeps two numbers per concept)
SHARED_SET = 64  # sets up to this many concepts are searched once for all students who have them
DENSE_CELLS = 1 << 23  # reference students x concepts up to this: dense tables (fast products and reads)
LOOKUP_ROWS = 1 << 16  # rows per pass when reading the neighbours' sums (memory: rows x NEIGHBOURS)
SET_GROWTH = 1.25  # the neighbours are searched again when the set has grown by this factor (1: every concept)

PEER_FEATURES: tuple[str, ...] = (
    "peers_residual_on_concept",
    "peers_log_rows_on_concept",
    "peers_residual",
    "peers_similarity",
)


class PeersOutOfTime(TimeoutError):
    """Finding the training rows' neighbours passed the deadline ``PeerStats.fit`` was given."""


def _check_time(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise PeersOutOfTime("the peer features' neighbour search passed its deadline")


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
        growth: float = SET_GROWTH,
    ) -> None:
        self.concepts = list(concepts)
        self.searched = SearchedSizes(growth)
        self.column = {c: i for i, c in enumerate(self.concepts)}
        n = len(self.concepts)
        self.weights = np.zeros(n) if weights is None else np.asarray(weights, dtype=np.float64)
        self.sums = sparse.csr_matrix((0, n)) if sums is None else sparse.csr_matrix(sums, dtype=np.float64)
        self.counts = sparse.csr_matrix((0, n)) if counts is None else sparse.csr_matrix(counts, dtype=np.float64)
        self.folds = np.zeros(0, dtype=np.int64) if folds is None else np.asarray(folds, dtype=np.int64)
        n_students = self.counts.shape[0]
        # concepts x students, each attempted concept's weight. Whole numbers, so products and their
        # sums are exact in float64 in any order. Sparse where a vocabulary of thousands of concepts
        # would make a dense matrix of gigabytes; dense (fast products) where it is small.
        counted = self.counts.tocoo()
        counted.sum_duplicates()
        presence = sparse.csr_matrix(
            (self.weights[counted.col], (counted.col, counted.row)), shape=(n, n_students), dtype=np.float64
        )
        self._presence: sparse.csr_matrix | np.ndarray = (
            presence.toarray() if n * n_students <= DENSE_CELLS else presence
        )
        norms = np.sqrt(np.asarray(presence.multiply(presence).sum(axis=0), dtype=np.float64).ravel())
        self.inverse_norms = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        self._cells = NeighbourCells(self.sums, self.counts, dense=n * n_students <= DENSE_CELLS)
        self._cache: dict[frozenset[int], tuple[np.ndarray, np.ndarray, float, float]] = {}
        self._cache_size = max(16, min(CACHE, CACHE_CELLS // max(n, 1)))
        self._cache_lock = threading.Lock()  # a served model's and a switching model's threads may both ask

    # --- training -------------------------------------------------------------------------
    @classmethod
    def fit(
        cls, frame: pd.DataFrame, expected: np.ndarray, *, deadline: float | None = None
    ) -> tuple[PeerStats, np.ndarray]:
        """The statistics of ``frame``'s students, and its rows' out-of-fold features.

        ``expected``: each row's expected success without the student (its concept's accuracy).

        Raises:
            PeersOutOfTime: ``time.monotonic()`` passed ``deadline`` (checked between passes).
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
        stats = cls(columns, weights, sums, rows, student_folds(names[np.sort(keep)]), SET_GROWTH)
        return stats, stats._features(frame, out_of_fold=True, deadline=deadline)

    # --- batch inference ----------------------------------------------------------------------
    def features(self, frame: pd.DataFrame) -> np.ndarray:
        """Every row's features, neighbours from all reference students (inference)."""
        return self._features(frame, out_of_fold=False)

    def _features(self, frame: pd.DataFrame, *, out_of_fold: bool, deadline: float | None = None) -> np.ndarray:
        out = np.zeros((len(frame), len(PEER_FEATURES)), dtype=np.float32)
        if not len(frame) or not len(self.concepts):
            return out
        sets = GrowingSets.of(frame, self.column, self.searched)
        if not sets.owners:
            return out
        # students with the same small set (and fold) share their neighbours: searched once
        folds = student_folds(np.array(sets.owners)) if out_of_fold else np.zeros(len(sets.owners), dtype=np.int64)
        distinct: dict[tuple[object, int], int] = {}
        members: list[int] = []  # a state of each distinct set
        shared = np.empty(len(sets.owners), dtype=np.int64)
        for state, fold in enumerate(folds.tolist()):
            size = int(sets.sizes[state])
            key: object = tuple(sorted(sets.concepts_of(state))) if size <= SHARED_SET else ("own", state)
            index = distinct.setdefault((key, fold), len(distinct))
            if index == len(members):
                members.append(state)
            shared[state] = index
        neighbours = np.full((len(members), NEIGHBOURS), -1, dtype=np.int64)
        closeness = np.zeros(len(members))
        for first in range(0, len(members), CHUNK):
            _check_time(deadline)
            part = members[first : first + CHUNK]
            found, closeness[first : first + CHUNK] = self._nearest(
                [sets.concepts_of(s) for s in part], folds[part] if out_of_fold else None
            )
            neighbours[first : first + CHUNK, : found.shape[1]] = found
        state_of_row = np.where(sets.state_of_row >= 0, shared[np.maximum(sets.state_of_row, 0)], -1)
        col = np.array([self.column.get(c, -1) for c in frame["concept"].astype(str).to_numpy()], dtype=np.int64)
        rows = np.flatnonzero(state_of_row >= 0)
        # a student's rows on one concept between two new concepts read the same cells: once
        width = len(self.concepts) + 1
        pairs, row_pair = np.unique(state_of_row[rows] * width + col[rows] + 1, return_inverse=True)
        values = np.zeros((len(pairs), len(PEER_FEATURES)))
        for first in range(0, len(pairs), LOOKUP_ROWS):
            _check_time(deadline)
            chunk = pairs[first : first + LOOKUP_ROWS]
            of_pair = chunk // width
            values[first : first + LOOKUP_ROWS] = self._values(
                neighbours[of_pair], chunk % width - 1, closeness[of_pair]
            )
        out[rows] = values[row_pair.ravel()]
        return out

    def _nearest(self, sets: Sequence[Collection[int]], folds: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Each set's chosen neighbours (reference indices in order, -1 beyond them) and their mean similarity.

        Neighbours share at least one concept; ties go to the earlier reference student.
        ``folds``: the sets' students' folds, whose own fold is left out (training rows).
        """
        n_sets, n_students = len(sets), len(self.inverse_norms)
        lengths = np.fromiter((len(c) for c in sets), dtype=np.int64, count=n_sets)
        index = np.fromiter((i for c in sets for i in c), dtype=np.int64, count=int(lengths.sum()))
        values = self.weights[index]
        query = sparse.csr_matrix(
            (values, index, np.concatenate([[0], np.cumsum(lengths)])), shape=(n_sets, len(self.concepts))
        )
        query_norms = np.sqrt(np.add.reduceat(values**2, np.r_[0, np.cumsum(lengths)[:-1]])) if len(index) else 0
        query_norms = np.where(lengths > 0, query_norms, 0.0)
        if isinstance(self._presence, np.ndarray):
            similarity = query.toarray() @ self._presence  # sums of whole numbers: exact in any order
        else:
            similarity = (query @ self._presence).toarray()
        similarity *= self.inverse_norms
        similarity *= np.divide(1.0, query_norms, out=np.zeros(n_sets), where=query_norms > 0)[:, None]
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
        return np.where(keep, top, -1), closeness

    def _values(self, neighbours: np.ndarray, columns: np.ndarray, closeness: np.ndarray) -> np.ndarray:
        """The features of rows on ``columns`` (-1: unknown) whose neighbours are ``neighbours`` (rows x k)."""
        on_sum, on_rows = self._cells.read(neighbours, columns)
        total, total_rows = self._cells.totals(neighbours)
        return _values(on_sum, on_rows, total / (total_rows + PRIOR_ROWS), closeness)

    # --- online inference -------------------------------------------------------------------
    def rows(self, earlier: Collection[str], concepts: Sequence[str]) -> np.ndarray:
        """The features of rows on ``concepts`` for a student whose earlier attempts touched ``earlier``."""
        met = [self.column[c] for c in earlier if c in self.column]  # in the order first met
        key = frozenset(met[: self.searched(len(met))])
        if not key:
            return np.zeros((len(concepts), len(PEER_FEATURES)))
        found, counts, overall, closeness = self._neighbourhood(key)
        index = np.array([self.column.get(c, -1) for c in concepts], dtype=np.int64)
        known = index >= 0
        on_sum = np.where(known, found[np.maximum(index, 0)], 0.0)
        on_rows = np.where(known, counts[np.maximum(index, 0)], 0.0)
        return _values(on_sum, on_rows, np.full(len(concepts), overall), np.full(len(concepts), closeness))

    def _neighbourhood(self, key: frozenset[int]) -> tuple[np.ndarray, np.ndarray, float, float]:
        """What the neighbours of a concept set did, per concept; the last sets asked for are kept."""
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        neighbours, closeness = self._nearest([sorted(key)], None)
        found, counts = self._cells.per_concept(neighbours[0])
        total, total_rows = self._cells.totals(neighbours)
        value = (found, counts, float(total[0] / (total_rows[0] + PRIOR_ROWS)), float(closeness[0]))
        with self._cache_lock:
            if len(self._cache) >= self._cache_size:
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
            rows_at=np.stack([rows.row, rows.col]), rows=rows.data, growth=np.array(self.searched.growth),
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
                data["folds"], float(data["growth"]) if "growth" in data.files else 1.0,
            )  # fmt: skip


def _values(on_sum: np.ndarray, on_rows: np.ndarray, overall: np.ndarray, closeness: np.ndarray) -> np.ndarray:
    """(shrunk mean residual on the concept, log rows, mean residual overall, similarity), about unit range."""
    return np.stack([5.0 * on_sum / (on_rows + PRIOR_ROWS), np.log1p(on_rows) / 5.0, 5.0 * overall, closeness], axis=-1)
