"""``atRisk`` as it ran until 2026-12-01: a loop over students and prerequisites in Python.

Kept as ``bench.cohorts``' baseline and as the tests' oracle for the vectorised
``graph.analytics.risk`` (the same figures, read one student at a time). With 71
targets over 10,000 students it took 7.7 s.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

import networkx as nx

from graph.analytics.cells import Cells, at_or_above_shown
from graph.analytics.risk import BlockingPrerequisite, StudentRisk, TargetRisk, WeakPrerequisite
from graph.analytics.suppression import _none_or_visible, _split_visible, visible
from graph.analytics.threshold import DEFAULT_THRESHOLD
from graph.prerequisites import prerequisite_closure

__all__ = ["at_risk_loop"]


def at_risk_loop(
    dag: nx.DiGraph[str],
    estimates: Mapping[str, Mapping[str, float]],
    targets: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    missing_is_weak: bool = False,
    min_cell: int | None = None,
) -> list[TargetRisk]:
    """``graph.analytics.risk.at_risk`` (the same arguments and figures), one student and prerequisite at a time."""
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
        if min_cell:
            out.append(_suppressed(target, closure, estimates, threshold, len(risks), mastered, blocking, min_cell))
            continue
        counts = tuple(
            BlockingPrerequisite(c, k) for c, k in sorted(blocking.items(), key=lambda item: (-item[1], item[0]))
        )
        out.append(TargetRisk(target, len(risks), mastered, counts, tuple(risks)))
    return out


def _suppressed(
    target: str,
    closure: Sequence[str],
    estimates: Mapping[str, Mapping[str, float]],
    threshold: float,
    n: int,
    mastered: int,
    blocking: Counter[str],
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
    whole = len(estimates)  # the cohort's size, which analysts see: a count's rest is a count too
    held: list[float] = []
    risk_values: list[float] = []
    prerequisite_values: dict[str, list[float]] = {p: [] for p in closure}
    for known in estimates.values():
        own = known.get(target)
        floor = -math.inf if own is None else own  # at risk only below the target's own estimate
        if own is not None:
            held.append(own)
        present = [known[p] for p in closure if p in known]
        if present:
            risk_values.append(max(floor, min(present)))
        for p in closure:
            if p in known:
                prerequisite_values[p].append(max(floor, known[p]))
    target_cells = Cells.of(held, min_cell)
    under = sum(1 for v in held if v < threshold)
    neither = whole - n - mastered
    apart = [c - under for c in target_cells.cuts if c >= under]  # mastered here and at each threshold above
    row_shown = (
        _split_visible(n, whole, min_cell)
        and Cells.of(risk_values, min_cell).splits(n)
        and all(_none_or_visible(neither + gap, min_cell) for gap in apart)
    )

    def shown(p: str) -> int | None:
        count = blocking.get(p, 0)
        if not (row_shown and visible(count, min_cell) and _none_or_visible(n - count, min_cell)):
            return None
        return count if Cells.of(prerequisite_values[p], min_cell).splits(count) else None

    found = {p: shown(p) for p in closure}
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
