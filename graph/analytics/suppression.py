"""Small-cell suppression: which figures over a group of students may be shown, and how rounded.

The rule (stated in full in ``graph.analytics``) is one for every figure, so the mastery
statistics, the difficulty rows, the at-risk counts and the trend all read it from here
instead of each keeping a copy: one place to change it, one place to audit it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def visible(count: int, min_cell: int | None) -> bool:
    """Whether a figure over ``count`` students may be shown (zero is under any ``min_cell``).

    Examples:
        >>> visible(3, 5), visible(5, 5), visible(0, 5), visible(3, None), visible(0, 0)
        (False, True, False, True, True)
    """
    return not min_cell or count >= min_cell


def _split_visible(part: int, whole: int, min_cell: int | None) -> bool:
    """Whether a count out of a public whole (a cohort's size) may be shown: it and the rest are both visible."""
    return visible(part, min_cell) and visible(whole - part, min_cell)


def _none_or_visible(rest: int, min_cell: int | None) -> bool:
    """Whether a remainder an analyst can work out by subtraction may stand: none, or a visible group.

    Examples:
        >>> _none_or_visible(0, 5), _none_or_visible(3, 5), _none_or_visible(5, 5)
        (True, False, True)
    """
    return rest == 0 or visible(rest, min_cell)


def _members_visible(part: int, cohort: int, min_cell: int | None) -> bool:
    """Whether a count of the cohort's members (with an estimate, who attempted) may be shown.

    The cohort's size is shown, so the members left out are a count too: they must be
    none or visible (six members and five counted said one had not attempted). None is
    allowed here, unlike in a share: that every member took part says nothing of how
    any of them did.
    """
    return visible(part, min_cell) and (cohort == part or visible(cohort - part, min_cell))


def _share(part: int, whole: int, min_cell: int | None) -> float | None:
    """``part / whole`` when both sides of the split are visible (``None`` also for ``whole == 0``)."""
    if whole == 0 or not (visible(part, min_cell) and visible(whole - part, min_cell)):
        return None
    return _figure(part / whole, min_cell)


def _figure(value: float, min_cell: int | None) -> float:
    """A figure as shown: two decimals under suppression (see ``graph.analytics``' note on differencing)."""
    return round(value, 2) if min_cell else round(value, 12)


def _quartiles(values: npt.NDArray[np.float64], min_cell: int | None) -> tuple[float, float, float]:
    """Q1, median and Q3; under suppression each is the mean of the group of students holding it.

    The sorted values are cut into ``len // min_cell`` consecutive groups of (nearly) equal
    size, each of at least ``min_cell``. Windows of ``min_cell`` values centred on each
    quartile overlapped: over six students Q1 and Q3 were the means of the lowest and the
    highest five, and six times the mean less five times Q3 was the lowest student's value.
    Disjoint groups make every difference of the figures a sum over whole groups.

    Examples:
        >>> _quartiles(np.array([0.1, 0.2, 0.3, 0.4, 1.0]), 5)
        (0.4, 0.4, 0.4)
        >>> _quartiles(np.array([0.35, 0.5, 0.6, 0.7, 0.8, 0.88]), 5)  # under two groups: the mean, thrice
        (0.64, 0.64, 0.64)
        >>> _quartiles(np.array([0.1, 0.2, 0.3, 0.4, 1.0]), None)
        (0.2, 0.3, 0.4)
    """
    if not min_cell or len(values) < min_cell:
        q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
        return _figure(float(q1), min_cell), _figure(float(median), min_cell), _figure(float(q3), min_cell)
    ordered = np.sort(values)
    groups = np.array_split(ordered, len(ordered) // min_cell)
    ends = np.cumsum([len(g) for g in groups])
    out = []
    for q in (0.25, 0.5, 0.75):
        position = int(round(q * (len(ordered) - 1)))
        holding = int(np.searchsorted(ends, position, side="right"))
        out.append(_figure(float(groups[holding].mean()), min_cell))
    return out[0], out[1], out[2]


GRID = 10
"""Under suppression thresholds are multiples of 1/GRID and histograms have bins that divide GRID.

A threshold moved a little at a time flipped a count between shown and withheld exactly
at one student's value (161 queries found two students' estimates to six decimals);
histograms of 7, 8, 9... bins differenced against each other place students just as
finely. On one grid every figure is a sum of the grid's bins, and ``concept_mastery``
shows one only where the grid's own (suppressed) histogram already gives it.
"""
