"""Cohort figures from the graph: gather the inputs, then call the pure ``graph.analytics``.

The API and the ``pathwise report`` commands both call these, so a figure means the same
in a GraphQL answer, a CSV file and a heatmap. Estimates come from the per-process
``EstimateTable`` (no estimate round trip per request), attempts from the per-process
``AttemptTable`` when it is current, or when the cohort is big enough
(``TABLE_MEMBERS``) to be worth loading it for; a small cohort's attempts are otherwise
read from the store (``attempts_of``): a class's report in a one-off ``pathwise report``
does not load a district's attempts, nor wait for the server's first load. Either way the
figures are the same (``graph.cohort_attempts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo

import numpy as np

from graph import analytics
from graph.analytics import (
    DEFAULT_BINS,
    DEFAULT_THRESHOLD,
    Attempters,
    ConceptDifficulty,
    ConceptMastery,
    Interval,
    Matrix,
    TargetRisk,
    Trend,
    TrendEvent,
)
from graph.attempt_table import AttemptTable, attempt_table, current_attempt_table
from graph.attempts import attempts_of
from graph.cohorts import list_cohorts, members
from graph.errors import InvalidInput
from graph.estimate_table import estimate_table
from graph.prerequisites import prerequisite_closure
from graph.repository import KnowledgeGraph

__all__ = [
    "TABLE_MEMBERS",
    "DifficultyReport",
    "Grid",
    "at_risk",
    "cohort_grid",
    "cohort_mastery",
    "concept_difficulty",
    "mastery_trend",
    "student_grid",
]


@dataclass(frozen=True)
class DifficultyReport:
    """Difficulty per concept, and the concepts where the cohort is most stuck."""

    concepts: list[ConceptDifficulty]
    most_stuck: list[ConceptDifficulty]


@dataclass(frozen=True)
class Grid:
    """A rows x concepts matrix of probabilities (NaN: none, or withheld) for a heatmap or a CSV."""

    rows: list[str]
    concepts: list[str]
    values: Matrix


TABLE_MEMBERS = 1_000
"""A cohort this big reads its attempts from the ``AttemptTable``, loading it if need be.

From the store a member's attempts cost about 55 µs each (36 attempts a member in the
assist2015 district: 2 ms a member); loading the table costs about 20 µs per attempt of
the whole store, once per process. Smaller cohorts use the table only when it is current.
"""


def _table(kg: KnowledgeGraph, students: Sequence[str]) -> AttemptTable | None:
    """The attempt table to read ``students``' attempts from, or ``None``: read them from the store."""
    table = current_attempt_table(kg)
    if table is None and len(students) >= TABLE_MEMBERS:
        table = attempt_table(kg)
    return table


def _attempters(kg: KnowledgeGraph, students: Sequence[str], streak: int) -> dict[str, Attempters]:
    table = _table(kg, students)
    if table is None:
        return analytics.attempters(attempts_of(kg, students), streak)
    return table.cohort(students).attempters(streak)


def _events(kg: KnowledgeGraph, students: Sequence[str], concept: str) -> list[TrendEvent]:
    table = _table(kg, students)
    if table is None:
        return analytics.trend_events(attempts_of(kg, students), concept)
    return table.cohort(students, concept).events(concept)


def _concepts(kg: KnowledgeGraph, concepts: Sequence[str] | None, field: str = "conceptIds") -> list[str]:
    if concepts is None:
        return kg.projection.sorted_concepts()
    out = list(dict.fromkeys(concepts))
    kg.require_concepts([(field, c) for c in out])  # every unknown one named, with the closest (the first alone was)
    return out


def cohort_mastery(
    kg: KnowledgeGraph,
    cohort: str,
    concepts: Sequence[str] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    min_cell: int | None = None,
) -> list[ConceptMastery]:
    """Mastery statistics of a cohort's members, per concept (every concept when ``None``).

    Raises:
        NotFound: an unknown cohort or concept.
    """
    analytics.check_threshold(threshold, min_cell=min_cell)
    analytics.bin_edges(bins, min_cell)
    students = members(kg, cohort)
    names = _concepts(kg, concepts)
    matrix = estimate_table(kg).matrix(students, names)
    return analytics.mastery_by_concept(names, matrix, threshold=threshold, bins=bins, min_cell=min_cell)


def concept_difficulty(
    kg: KnowledgeGraph,
    cohort: str,
    concepts: Sequence[str] | None = None,
    *,
    streak: int = analytics.DEFAULT_STREAK,
    stuck_after: int = analytics.DEFAULT_STUCK_AFTER,
    limit: int = 5,
    min_cell: int | None = None,
) -> DifficultyReport:
    """Difficulty per concept from the members' attempts (every attempted concept when ``None``)."""
    analytics.check_difficulty(streak, stuck_after, min_cell)
    students = members(kg, cohort)
    names = _concepts(kg, concepts) if concepts is not None else None
    rows = analytics.difficulty_rows(
        _attempters(kg, students, streak), len(students), names, stuck_after=stuck_after, min_cell=min_cell
    )
    return DifficultyReport(rows, analytics.most_stuck(rows, limit))


def at_risk(
    kg: KnowledgeGraph,
    cohort: str,
    targets: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    missing_is_weak: bool = False,
    min_cell: int | None = None,
) -> list[TargetRisk]:
    """Members whose weak prerequisites block each target."""
    analytics.check_at_risk(threshold, missing_is_weak, min_cell)
    if not targets:
        raise InvalidInput("name at least one target concept", field="targets")
    students = members(kg, cohort)
    wanted = _concepts(kg, targets, "targets")
    involved = list(dict.fromkeys([*wanted, *(p for t in wanted for p in prerequisite_closure(kg.projection.dag, t))]))
    matrix = estimate_table(kg).matrix(students, involved)
    return analytics.at_risk_of(
        kg.projection.dag,
        students,
        involved,
        matrix,
        wanted,
        threshold=threshold,
        missing_is_weak=missing_is_weak,
        min_cell=min_cell,
    )


def mastery_trend(
    kg: KnowledgeGraph,
    cohort: str,
    concept: str,
    interval: Interval = "week",
    *,
    window: int = analytics.DEFAULT_WINDOW,
    threshold: float = DEFAULT_THRESHOLD,
    min_cell: int | None = None,
    zone: tzinfo = UTC,
) -> Trend:
    """A concept's trend over the members' attempt history, bucketed from midnights in ``zone``.

    Attempts without a time (an import of a log without times dated them in 1970) are
    left out and counted (``Trend.untimed``).
    """
    students = members(kg, cohort)
    [name] = _concepts(kg, [concept], "conceptId")
    analytics.check_trend(interval, window, threshold, min_cell)
    return analytics.trend(
        _events(kg, students, name),
        len(students),
        interval,
        window=window,
        threshold=threshold,
        min_cell=min_cell,
        zone=zone,
    )


def student_grid(kg: KnowledgeGraph, cohort: str, concepts: Sequence[str] | None = None) -> Grid:
    """Members x concepts: each member's latest probability (names students: not for analysts).

    Raises:
        NotFound: an unknown cohort or concept.
        InvalidInput: the cohort has no members (there would be nothing to draw).
    """
    students = members(kg, cohort)
    if not students:
        raise InvalidInput(f"cohort {cohort!r} has no members: enrol students in it first", field="cohort")
    names = _concepts(kg, concepts)
    return Grid(students, names, estimate_table(kg).matrix(students, names))


def cohort_grid(
    kg: KnowledgeGraph,
    cohorts: Sequence[str] | None = None,
    concepts: Sequence[str] | None = None,
    *,
    min_cell: int | None = None,
) -> Grid:
    """Cohorts x concepts: the mean probability of each cohort (NaN where withheld or none).

    Raises:
        NotFound: an unknown cohort or concept.
        InvalidInput: there are no cohorts (there would be nothing to draw).
    """
    ids = [c.id for c in list_cohorts(kg)] if cohorts is None else list(dict.fromkeys(cohorts))
    if not ids:
        raise InvalidInput("there are no cohorts: create one first", field="cohorts")
    names = _concepts(kg, concepts)
    table = estimate_table(kg)
    values = np.full((len(ids), len(names)), np.nan)
    for i, ident in enumerate(ids):
        stats = analytics.mastery_by_concept(names, table.matrix(members(kg, ident), names), min_cell=min_cell)
        values[i] = [s.mean if s.mean is not None else np.nan for s in stats]
    return Grid(ids, names, values)
