"""The tables the peer search reads: each row's growing concept set, and the neighbours' sums.

Apart from ``ml.mastery.peers`` (the features and the search) because these are its
storage: a student's set kept once as a prefix of the concepts in the order first met,
and the reference students' residual sums per concept, dense where small, sorted
cells where not.
"""

from __future__ import annotations

import bisect
import math

import numpy as np
import pandas as pd
from scipy import sparse

from ml.mastery.features import attempt_bounds

__all__ = ["GrowingSets", "NeighbourCells", "SearchedSizes"]


class SearchedSizes:
    """How many of a student's first concepts the neighbour search reads, given how many were met.

    The search is the cost of peer features (one pass over every reference student per
    distinct set), so it is redone only when the set has grown by ``growth``: sizes 1, 2,
    3, 4, 5, 7, 9, 12, 15, 19, 24, ... at 1.25. A class shows in a student's first
    concepts; a log whose every attempt meets a new concept would otherwise search once
    per row. ``growth`` 1: every concept (models saved before the growth was stored).
    """

    def __init__(self, growth: float) -> None:
        self.growth = float(growth)
        self._sizes = [0]
        while self.growth > 1 and self._sizes[-1] < 1 << 20:  # a million concepts
            self._sizes.append(max(self._sizes[-1] + 1, math.ceil(self._sizes[-1] * self.growth)))

    def __call__(self, known: int) -> int:
        if self.growth <= 1:
            return known
        return self._sizes[bisect.bisect_right(self._sizes, known) - 1]


class GrowingSets:
    """Each row's set of concepts from the student's earlier attempts, stored once per student.

    A student's set only grows, so a new set (a state) starts wherever the searched size
    (SearchedSizes) grows, and every state is a prefix of the student's concepts in the
    order first met: memory follows the rows, not a long sequence's length squared.
    """

    def __init__(self) -> None:
        self.state_of_row = np.zeros(0, dtype=np.int64)  # -1: no earlier concept yet
        self.owners: list[str] = []  # each state's student
        self.order: list[int] = []  # the students' concepts in the order first met, one after another
        self.starts: list[int] = []  # each state's student's first position in ``order``
        self.sizes = np.zeros(0, dtype=np.int64)  # each state's number of concepts

    @classmethod
    def of(cls, frame: pd.DataFrame, column: dict[str, int], searched: SearchedSizes) -> GrowingSets:
        sets = cls()
        students = frame["student"].astype(str).to_numpy()
        concepts = frame["concept"].astype(str).to_numpy()
        begins, ends = attempt_bounds(frame)
        state_of_row = np.full(len(frame), -1, dtype=np.int64)
        sizes: list[int] = []
        student: str | None = None
        seen: set[int] = set()
        start, state, published = 0, -1, 0
        for i, j in zip(begins.tolist(), ends.tolist(), strict=True):
            if students[i] != student:
                student, seen, state, published, start = students[i], set(), -1, 0, len(sets.order)
            size = searched(len(seen))
            if size > published:
                sets.owners.append(str(student))
                sets.starts.append(start)
                sizes.append(size)
                state, published = len(sizes) - 1, size
            state_of_row[i:j] = state
            for c in concepts[i:j]:
                index = column.get(c)
                if index is not None and index not in seen:
                    seen.add(index)
                    sets.order.append(index)
        sets.state_of_row, sets.sizes = state_of_row, np.array(sizes, dtype=np.int64)
        return sets

    def concepts_of(self, state: int) -> list[int]:
        start = self.starts[state]
        return self.order[start : start + int(self.sizes[state])]


class NeighbourCells:
    """The reference students' residual sums and row counts per concept, read by neighbour.

    Dense tables (a zero row last, for "no neighbour") where they are small, read by index;
    otherwise the stored cells, sorted, read by binary search.
    """

    def __init__(self, sums: sparse.csr_matrix, counts: sparse.csr_matrix, *, dense: bool) -> None:
        self.students, self.width = counts.shape
        self.student_sums = np.append(np.asarray(sums.sum(axis=1), dtype=np.float64).ravel(), 0.0)
        self.student_counts = np.append(np.asarray(counts.sum(axis=1), dtype=np.float64).ravel(), 0.0)
        self.sums, self.counts = sums, counts
        self.dense: tuple[np.ndarray, np.ndarray] | None = None
        if dense:
            self.dense = (
                np.vstack([sums.toarray(), np.zeros((1, self.width))]),
                np.vstack([counts.toarray(), np.zeros((1, self.width))]),
            )
            return
        self.at, self.count_values = _stored_cells(counts)  # every cell with rows: the sums' cells are among them
        sum_at, sum_values = _stored_cells(sums)
        self.sum_values = np.zeros(len(self.at))
        np.add.at(self.sum_values, np.searchsorted(self.at, sum_at), sum_values)

    def read(self, neighbours: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row: the neighbours' (-1: none) summed residuals and rows on the row's column (-1: unknown: 0)."""
        known = columns >= 0
        if self.dense is not None:
            who = np.where(neighbours >= 0, neighbours, self.students)
            col = np.maximum(columns, 0)[:, None]
            sums, counts = self.dense
            return sums[who, col].sum(axis=1) * known, counts[who, col].sum(axis=1) * known
        cell = _cell_of(self.at, neighbours, columns, self.width)
        found = cell >= 0
        on_sum = np.where(found, self.sum_values[np.maximum(cell, 0)], 0.0).sum(axis=1)
        on_rows = np.where(found, self.count_values[np.maximum(cell, 0)], 0.0).sum(axis=1)
        return on_sum, on_rows

    def totals(self, neighbours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row: the neighbours' residual sum and rows over every concept."""
        who = np.where(neighbours >= 0, neighbours, self.students)
        return self.student_sums[who].sum(axis=1), self.student_counts[who].sum(axis=1)

    def per_concept(self, neighbours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One neighbourhood's summed residuals and rows on every concept (online, kept per set)."""
        chosen = neighbours[neighbours >= 0]
        if self.dense is not None:
            return self.dense[0][chosen].sum(axis=0), self.dense[1][chosen].sum(axis=0)
        return (
            np.asarray(self.sums[chosen].sum(axis=0), dtype=np.float64).ravel(),
            np.asarray(self.counts[chosen].sum(axis=0), dtype=np.float64).ravel(),
        )


def _stored_cells(matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """A sparse matrix's stored cells as sorted keys (row * columns + column) and their values."""
    matrix = matrix.tocsr(copy=True)
    matrix.sum_duplicates()
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    return rows * matrix.shape[1] + matrix.indices.astype(np.int64), matrix.data.astype(np.float64)


def _cell_of(at: np.ndarray, students: np.ndarray, columns: np.ndarray, width: int) -> np.ndarray:
    """Per row and student (-1: none): the position in ``at`` of the cell (student, the row's column), or -1."""
    if not len(at):
        return np.full(students.shape, -1, dtype=np.int64)
    wanted = np.maximum(students, 0) * width + np.maximum(columns, 0)[:, None]
    position = np.minimum(np.searchsorted(at, wanted), len(at) - 1)
    found = (students >= 0) & (columns >= 0)[:, None] & (at[position] == wanted)
    return np.where(found, position, -1)
