"""Mastery statistics of a concept over a group (``cohortMastery``): mean, quartiles, histogram, share.

The one figure read from estimates, not attempts. Its histogram under suppression
(``_on_grid``) reads the grid's cells (``graph.analytics.cells``), as every count at a
threshold does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graph.analytics.cells import Cells
from graph.analytics.suppression import GRID, _figure, _members_visible, _quartiles, _share, _split_visible, visible
from graph.analytics.threshold import DEFAULT_THRESHOLD, check_threshold
from graph.errors import InvalidInput

DEFAULT_BINS = 10
MAX_BINS = 100
"""More bins than this resolve nothing a reader can see, and each bin costs memory per concept."""

Matrix = npt.NDArray[np.float64]


def bin_edges(bins: int = DEFAULT_BINS, min_cell: int | None = None) -> list[float]:
    """The ``bins + 1`` edges of equal-width histogram bins over [0, 1] (under suppression, on the grid).

    Examples:
        >>> bin_edges(4)
        [0.0, 0.25, 0.5, 0.75, 1.0]
        >>> bin_edges(4, min_cell=5)
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: bins must divide 10 (1, 2, 5 or 10) with a minimum cell size, not 4
    """
    if not 1 <= bins <= MAX_BINS:
        raise InvalidInput(f"bins must be between 1 and {MAX_BINS}, not {bins}", field="bins")
    if min_cell and GRID % bins:
        divisors = [d for d in range(1, GRID + 1) if GRID % d == 0]
        listed = ", ".join(map(str, divisors[:-1])) + f" or {divisors[-1]}"
        raise InvalidInput(f"bins must divide {GRID} ({listed}) with a minimum cell size, not {bins}", field="bins")
    return [i / bins for i in range(bins + 1)]


@dataclass(frozen=True, slots=True)
class ConceptMastery:
    """Mastery statistics of one concept over a group of students.

    ``students`` counts those with an estimate; ``histogram`` holds one count per bin
    of ``bin_edges``; ``at_or_above`` is the share at or above the threshold. ``None``
    marks a figure withheld (``suppressed``) or undefined (no estimate at all).
    """

    concept: str
    students: int | None
    mean: float | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    histogram: tuple[int | None, ...] | None = None
    at_or_above: float | None = None
    suppressed: bool = False


def concept_mastery(
    concept: str,
    probabilities: Sequence[float] | Matrix,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    min_cell: int | None = None,
) -> ConceptMastery:
    """Statistics of one concept from its students' probabilities (NaN entries are skipped).

    Args:
        concept: the concept id, echoed in the result.
        probabilities: one estimate per student; NaN means no estimate.
        threshold: the mastery threshold of ``at_or_above``.
        bins: the number of equal-width histogram bins over [0, 1].
        min_cell: suppress figures over fewer students than this (``None``: never).

    Returns:
        The concept's ``ConceptMastery``.

    Examples:
        >>> s = concept_mastery("slope", [0.1, 0.3, 0.5, 0.9, float("nan")], bins=2, threshold=0.5)
        >>> s.students, s.mean, (s.q1, s.median, s.q3), s.histogram, s.at_or_above
        (4, 0.45, (0.25, 0.4, 0.6), (2, 2), 0.5)
        >>> hidden = concept_mastery("slope", [0.1, 0.3, 0.5, 0.9], min_cell=5)
        >>> hidden.students, hidden.mean, hidden.histogram, hidden.suppressed
        (None, None, None, True)
        >>> concept_mastery("slope", [0.1] * 5 + [0.9], bins=2, min_cell=5).histogram  # 5 of 6 says 1 is not
        (None, None)
        >>> concept_mastery("slope", [0.1] * 5 + [0.9] * 6, bins=2, min_cell=5).histogram
        (5, 6)
    """
    values = np.asarray(probabilities, dtype=np.float64)
    members = int(values.size)  # the group, those without an estimate (NaN) included
    values = values[~np.isnan(values)]
    n = int(values.size)
    edges = bin_edges(bins, min_cell)
    check_threshold(threshold, min_cell=min_cell)
    if not visible(n, min_cell):
        return ConceptMastery(concept, None, suppressed=True)
    if n == 0:
        return ConceptMastery(concept, 0, histogram=(0,) * bins)
    q1, median, q3 = _quartiles(values, min_cell)
    counted = _members_visible(n, members, min_cell)
    above = int(np.count_nonzero(values >= threshold))
    if min_cell:
        histogram, share = _on_grid(values, bins, threshold, above, min_cell, counted)
    else:
        histogram = tuple(int(c) for c in np.histogram(values, bins=edges)[0])
        share = _share(above, n, min_cell)
    suppressed = None in histogram or share is None or not counted
    mean = _figure(float(values.mean()), min_cell)
    shown_n = n if counted else None
    return ConceptMastery(concept, shown_n, mean, q1, median, q3, histogram, share, suppressed=suppressed)


def _on_grid(
    values: npt.NDArray[np.float64], bins: int, threshold: float, above: int, min_cell: int, counted: bool
) -> tuple[tuple[int | None, ...], float | None]:
    """The histogram and share shown under suppression: sums of whole cells of one partition.

    The partition depends on the values alone, never on the query: the grid's bins are
    taken left to right into cells of at least ``min_cell`` students (a short last cell
    joins the one before; ``graph.analytics.cells``). A bin edge or a threshold may be used
    where as many students lie below it as below a cell boundary (a boundary, or in the
    empty stretch beside one), so every shown count is a sum of whole cells, and so is any
    difference of two of them, from one query or many. When the group's size is withheld,
    so is the share, and bins covering the smallest cell are too, or the bins would add up to it.
    """
    cells = Cells.of(values, min_cell)
    cuts = cells.cuts
    sealed = None if counted else min(cells.spans(), key=lambda cell: (cell[1] - cell[0], cell[0]))
    n = len(values)

    def count(first: int, last: int) -> int | None:
        """Students between two grid edges, when both fall on cell boundaries (and no sealed cell is inside)."""
        low, high = cells.below[first], cells.below[last]
        if low not in cuts or high not in cuts:
            return None
        if sealed is not None and low <= sealed[0] and sealed[1] <= high:
            return None
        return high - low

    width = GRID // bins
    histogram: list[int | None] = []
    for b in range(bins):
        shown = count(b * width, (b + 1) * width)
        histogram.append(shown if shown is not None and _split_visible(shown, n, min_cell) else None)
    share = None
    if counted and cells.at_or_above(threshold) == above:
        share = _share(above, n, min_cell)
    return tuple(histogram), share


def mastery_by_concept(
    concepts: Sequence[str],
    matrix: Matrix,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    min_cell: int | None = None,
) -> list[ConceptMastery]:
    """``concept_mastery`` of each column of a students x concepts matrix (NaN: no estimate).

    Examples:
        >>> m = np.array([[0.2, 0.9], [0.4, float("nan")]])
        >>> [(s.concept, s.students, s.mean) for s in mastery_by_concept(["a", "b"], m)]
        [('a', 2, 0.3), ('b', 1, 0.9)]
    """
    if matrix.ndim != 2 or matrix.shape[1] != len(concepts):
        raise InvalidInput(f"a matrix of shape {matrix.shape} does not hold {len(concepts)} concepts")
    return [
        concept_mastery(c, matrix[:, j], threshold=threshold, bins=bins, min_cell=min_cell)
        for j, c in enumerate(concepts)
    ]
