"""Students at risk on a target (``atRisk``): not mastered, with a weak prerequisite.

The one figure that reads the prerequisite DAG, so the one module here importing
networkx and ``graph.prerequisites``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.analytics.cells import at_or_above_shown
from graph.analytics.fixed import check_fixed
from graph.analytics.suppression import _split_visible, visible
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
    check_at_risk(threshold, missing_is_weak, min_cell)
    out = []
    for target in targets:
        closure = prerequisite_closure(dag, target) if target in dag else []
        risks: list[StudentRisk] = []
        mastered = 0
        blocking: Counter[str] = Counter()
        for student in sorted(estimates):
            known = estimates[student]
            own = known.get(target)
            if own is not None and own >= threshold:
                mastered += 1
                continue
            weak = []
            for p in closure:
                value = known.get(p)
                if (value is None and missing_is_weak) or (value is not None and value < threshold):
                    weak.append(WeakPrerequisite(p, value))
            if weak:
                risks.append(StudentRisk(student, tuple(weak)))
                blocking.update(w.concept for w in weak)
        n = len(risks)
        if min_cell:  # every prerequisite, withheld counts last by id: zero and its order would tell one from 1..k-1
            shown = sorted((k, c) for c, k in blocking.items() if visible(k, min_cell))
            counts = tuple(BlockingPrerequisite(c, k) for k, c in sorted(shown, key=lambda kc: (-kc[0], kc[1])))
            counts += tuple(BlockingPrerequisite(c, None) for c in sorted(set(closure) - {c for _, c in shown}))
        else:
            counts = tuple(
                BlockingPrerequisite(c, k) for c, k in sorted(blocking.items(), key=lambda item: (-item[1], item[0]))
            )
        whole = len(estimates)  # the cohort's size, which analysts see: a count's rest is a count too
        row_shown = _split_visible(n, whole, min_cell)
        # mastered counts the students at or above the threshold, as cohortMastery's atOrAbove does: shown only
        # where that is, or a sweep of thresholds rebuilds the histogram cohortMastery withholds.
        held = [v for v in (estimates[s].get(target) for s in estimates) if v is not None]
        mastered_shown = not min_cell or at_or_above_shown(held, threshold, min_cell, whole)
        suppressed = not row_shown or not mastered_shown or any(b.students is None for b in counts)
        out.append(
            TargetRisk(
                target,
                n if row_shown else None,
                mastered if mastered_shown else None,
                counts if row_shown else tuple(BlockingPrerequisite(c, None) for c in sorted(closure)),
                tuple(risks) if not min_cell else None,
                suppressed,
            )
        )
    return out
