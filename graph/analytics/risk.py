"""Students at risk on a target (``atRisk``): not mastered, with a weak prerequisite.

The one figure that reads the prerequisite DAG, so the one module here importing
networkx and ``graph.prerequisites``. Every student is read at once, as columns of one
matrix (students x concepts): a loop over students and prerequisites in Python took
7.7 s for 71 targets over 10,000 students (``bench.risk_loop``, the tests' oracle).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.analytics.cells import Cells, at_or_above_shown
from graph.analytics.fixed import check_fixed
from graph.analytics.suppression import _none_or_visible, _split_visible, visible
from graph.analytics.threshold import DEFAULT_THRESHOLD, check_threshold
from graph.prerequisites import prerequisite_closure


@dataclass(frozen=True, slots=True)
class WeakPrerequisite:
    """A prerequisite below the threshold (``probability`` ``None``: no estimate)."""

    concept: str
    probability: float | None


@dataclass(frozen=True, slots=True)
class StudentRisk:
    """A student blocked on a target, with the weak prerequisites (nearest first)."""

    student: str
    weak: tuple[WeakPrerequisite, ...]


@dataclass(frozen=True, slots=True)
class BlockingPrerequisite:
    """A prerequisite of a target and how many at-risk students it is weak for."""

    concept: str
    students: int | None


@dataclass(frozen=True, slots=True)
class TargetRisk:
    """Who is blocked on one target. ``students`` is ``None`` when only aggregates may be shown."""

    target: str
    students_at_risk: int | None
    mastered: int | None
    blocking: tuple[BlockingPrerequisite, ...]
    students: tuple[StudentRisk, ...] | None
    suppressed: bool = False


def check_at_risk(threshold: float, missing_is_weak: bool, min_cell: int | None = None) -> None:
    """Refuse a threshold that is not one, or under suppression ``missing_is_weak`` (see ``graph.analytics.fixed``)."""
    check_threshold(threshold, min_cell=min_cell)
    why = "at risk with and without it differ by the few students missing an estimate"
    check_fixed("missingIsWeak", missing_is_weak, False, min_cell, why)


def at_risk(
    dag: nx.DiGraph[str],
    estimates: Mapping[str, Mapping[str, float]],
    targets: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    missing_is_weak: bool = False,
    min_cell: int | None = None,
) -> list[TargetRisk]:
    """Students whose weak prerequisites block each target, and which prerequisites.

    Args:
        dag: the prerequisite graph, edges prerequisite -> concept.
        estimates: every student of the group, each with their probabilities by concept
            (an empty mapping for a student with none).
        targets: the concepts to reach.
        threshold: below this a concept is weak; at or above, mastered.
        missing_is_weak: whether a prerequisite without an estimate counts as weak (not under ``min_cell``).
        min_cell: when set (an analyst), no student is named and counts under it are
            withheld.

    Returns:
        One ``TargetRisk`` per target, students by key, blocking prerequisites by count.

    Examples:
        >>> g = nx.DiGraph([("add", "mul"), ("mul", "eq")])
        >>> est = {"s1": {"add": 0.9, "mul": 0.3}, "s2": {"add": 0.9, "mul": 0.95}, "s3": {"eq": 0.9}}
        >>> [r] = at_risk(g, est, ["eq"])
        >>> r.students_at_risk, r.mastered, [(s.student, [w.concept for w in s.weak]) for s in r.students]
        (1, 1, [('s1', ['mul'])])
        >>> at_risk(g, est, ["eq"], min_cell=5)[0].students is None
        True
    """
    students = list(estimates)
    concepts = list(dict.fromkeys(c for t in targets for c in [t, *_closure(dag, t)]))
    matrix = np.array([[estimates[s].get(c, np.nan) for c in concepts] for s in students], dtype=np.float64).reshape(
        len(students), len(concepts)
    )
    return at_risk_of(
        dag,
        students,
        concepts,
        matrix,
        targets,
        threshold=threshold,
        missing_is_weak=missing_is_weak,
        min_cell=min_cell,
    )


def at_risk_of(
    dag: nx.DiGraph[str],
    students: Sequence[str],
    concepts: Sequence[str],
    matrix: npt.NDArray[np.floating],
    targets: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    missing_is_weak: bool = False,
    min_cell: int | None = None,
) -> list[TargetRisk]:
    """``at_risk`` over a matrix: ``matrix[i, j]`` is ``students[i]``'s estimate of ``concepts[j]``, NaN where none.

    ``concepts`` holds every target and every prerequisite of one (a missing column
    reads as no estimate). Compared in float64, as one Python float against another.
    """
    check_at_risk(threshold, missing_is_weak, min_cell)
    values = np.asarray(matrix, dtype=np.float64).reshape(len(students), len(concepts))
    order = sorted(range(len(students)), key=students.__getitem__)  # students by key, as a str sorts
    values = values[order]
    names = [students[i] for i in order]
    column = {c: j for j, c in enumerate(concepts)}
    out = []
    for target in targets:
        closure = _closure(dag, target)
        own = _column(values, column, target)
        prerequisites = (
            np.stack([_column(values, column, p) for p in closure], axis=1) if closure else (np.empty((len(names), 0)))
        )
        mastered_rows = own >= threshold  # NaN: no estimate, not mastered
        weak = prerequisites < threshold
        if missing_is_weak:
            weak |= np.isnan(prerequisites)
        weak &= ~mastered_rows[:, None]
        at: npt.NDArray[np.bool_] = np.asarray(weak.any(axis=1))
        blocked = weak[at].sum(axis=0)
        blocking = {p: int(k) for p, k in zip(closure, blocked, strict=True) if k}
        n, mastered = int(at.sum()), int(mastered_rows.sum())
        if min_cell:
            out.append(_suppressed(target, closure, own, prerequisites, threshold, n, mastered, blocking, min_cell))
            continue
        risks = _named(names, closure, prerequisites, weak, at)
        counts = tuple(
            BlockingPrerequisite(c, k) for c, k in sorted(blocking.items(), key=lambda item: (-item[1], item[0]))
        )
        out.append(TargetRisk(target, n, mastered, counts, risks))
    return out


def _named(
    names: Sequence[str],
    closure: Sequence[str],
    prerequisites: npt.NDArray[np.float64],
    weak: npt.NDArray[np.bool_],
    at: npt.NDArray[np.bool_],
) -> tuple[StudentRisk, ...]:
    """Each student at risk with their weak prerequisites, nearest first (built from plain lists: millions of them)."""
    rows = np.flatnonzero(at)
    held = weak[rows]
    row, col = np.nonzero(held)  # row by row, each row's columns in closure order
    values = prerequisites[rows][row, col].tolist()
    found = [WeakPrerequisite(closure[j], None if v != v else v) for j, v in zip(col.tolist(), values, strict=True)]
    ends = np.cumsum(held.sum(axis=1)).tolist()
    starts = [0, *ends][:-1]
    return tuple(StudentRisk(names[i], tuple(found[a:b])) for i, a, b in zip(rows.tolist(), starts, ends, strict=True))


def _closure(dag: nx.DiGraph[str], target: str) -> list[str]:
    """The target's prerequisites, nearest first (none for a concept outside the DAG)."""
    return prerequisite_closure(dag, target) if target in dag else []


def _column(values: npt.NDArray[np.float64], column: Mapping[str, int], concept: str) -> npt.NDArray[np.float64]:
    """One concept's estimates of every student (NaN where none, and for a concept with no column)."""
    j = column.get(concept)
    return values[:, j] if j is not None else np.full(values.shape[0], np.nan)


def _suppressed(
    target: str,
    closure: Sequence[str],
    own: npt.NDArray[np.float64],
    prerequisites: npt.NDArray[np.float64],
    threshold: float,
    n: int,
    mastered: int,
    blocking: Mapping[str, int],
    min_cell: int,
) -> TargetRisk:
    """An analyst's row: each count on whole cells of its own values, and what is left between them none or visible.

    Each count is one value per student against the threshold: ``mastered`` the target's
    estimate (at or above: as ``atOrAbove``), ``studentsAtRisk`` the larger of the
    target's estimate and the weakest prerequisite's (below), a prerequisite's
    ``students`` the larger of the target's and its own (below). On whole cells, one count
    at two thresholds differs by whole cells. Within the answer, the cohort less the
    students at risk less those who mastered it (60 - 49 - 10: one student) and the
    students at risk less a prerequisite's (31 - 30) are remainders too, none or visible.
    ``mastered`` is known (here or from ``cohortMastery``) only where the threshold cuts
    the target's estimates between whole cells, so the first remainder is checked against
    each such ``mastered`` at this threshold or above (they are apart from those at risk
    here): the cohort less either is that remainder plus whole cells. Withheld counts are
    listed after the shown ones by id: a zero, or the order of withheld counts, would tell
    one from 1..k-1.
    """
    whole = len(own)  # the cohort's size, which analysts see: a count's rest is a count too
    held = own[~np.isnan(own)]
    floor = np.where(np.isnan(own), -np.inf, own)  # at risk only below the target's own estimate
    present = ~np.isnan(prerequisites)
    weakest = np.where(present, prerequisites, np.inf).min(axis=1, initial=np.inf)
    risk_values = np.maximum(floor, weakest)[present.any(axis=1)]
    lifted = np.maximum(floor[:, None], prerequisites)
    target_cells = Cells.of(held, min_cell)
    under = int((held < threshold).sum())
    neither = whole - n - mastered
    apart = [c - under for c in target_cells.cuts if c >= under]  # mastered here and at each threshold above
    row_shown = (
        _split_visible(n, whole, min_cell)
        and Cells.of(risk_values, min_cell).splits(n)
        and all(_none_or_visible(neither + gap, min_cell) for gap in apart)
    )

    def shown(j: int, p: str) -> int | None:
        count = blocking.get(p, 0)
        if not (row_shown and visible(count, min_cell) and _none_or_visible(n - count, min_cell)):
            return None
        return count if Cells.of(lifted[present[:, j], j], min_cell).splits(count) else None

    found = {p: shown(j, p) for j, p in enumerate(closure)}
    counts = tuple(
        BlockingPrerequisite(p, k)
        for p, k in sorted(found.items(), key=lambda pk: (-(pk[1] or 0), pk[0]))
        if k is not None
    )
    counts += tuple(BlockingPrerequisite(p, None) for p in sorted(p for p, k in found.items() if k is None))
    mastered_shown = at_or_above_shown(held, threshold, min_cell, whole)
    return TargetRisk(
        target,
        n if row_shown else None,
        mastered if mastered_shown else None,
        counts,
        None,
        suppressed=not row_shown or not mastered_shown or None in found.values(),
    )
