"""Cohorts and their figures: arguments in, one call into ``graph/``, domain objects out."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graph import cohort_queries, cohort_reports, cohorts
from graph.analytics import ConceptMastery, Interval, TargetRisk, Trend
from graph.cohort_reports import DifficultyReport
from graph.cohorts import Cohort, RosterReport
from graph.erasures import ErasureLog
from graph.ids import iri_of, is_valid_id
from graph.repository import KnowledgeGraph
from graph.time_zone import time_zone
from ingest.roster import import_roster

__all__ = [
    "at_risk",
    "cohort_mastery",
    "concept_difficulty",
    "create",
    "delete",
    "enrol",
    "find",
    "import_csv",
    "listing",
    "mastery_trend",
    "members_of",
    "remove",
    "set_teachers",
]


def find(kg: KnowledgeGraph, ident: str) -> Cohort | None:
    """One cohort, or ``None``."""
    return cohorts.cohorts_by_ids(kg, [ident])[0]


def listing(kg: KnowledgeGraph, visible: frozenset[str] | None) -> list[Cohort]:
    """Every cohort (only the ``visible`` ones when given), by id."""
    return [c for c in cohorts.list_cohorts(kg) if visible is None or c.id in visible]


def members_of(kg: KnowledgeGraph, idents: Sequence[str]) -> dict[str, list[str]]:
    """The members of several cohorts, one round trip."""
    return cohort_queries.memberships(kg.store, [iri_of("cohort", i) for i in idents if is_valid_id(i)])


def create(kg: KnowledgeGraph, ident: str, name: str, teachers: Sequence[str], *, claimed: bool = False) -> Cohort:
    """Create a cohort (``claimed``: by a teacher, see ``graph.cohorts.create_cohort``)."""
    return cohorts.create_cohort(kg, ident, name, teachers, claimed=claimed)


def delete(kg: KnowledgeGraph, ident: str) -> None:
    """Delete a cohort."""
    cohorts.delete_cohort(kg, ident)


def enrol(kg: KnowledgeGraph, ident: str, students: Sequence[str]) -> Cohort:
    """Enrol students."""
    return cohorts.enrol_students(kg, ident, students)


def remove(kg: KnowledgeGraph, ident: str, students: Sequence[str]) -> Cohort:
    """Remove students."""
    return cohorts.remove_students(kg, ident, students)


def set_teachers(kg: KnowledgeGraph, ident: str, teachers: Sequence[str]) -> Cohort:
    """Replace a cohort's teachers."""
    return cohorts.set_teachers(kg, ident, teachers)


def rename(kg: KnowledgeGraph, ident: str, name: str) -> Cohort:
    """Rename a cohort ("" clears its name)."""
    return cohorts.rename_cohort(kg, ident, name)


def import_csv(
    kg: KnowledgeGraph,
    text: str,
    replace: bool,
    student_key: Callable[[str], str],
    erasures: ErasureLog | None = None,
) -> RosterReport:
    """Import a CSV roster, all or nothing, its students under their keys; forgotten students left out."""
    forgotten = (lambda keys: erasures.last_forgotten(keys).keys()) if erasures is not None else None
    return import_roster(kg, text, source="csv", replace=replace, student_key=student_key, forgotten=forgotten)


def cohort_mastery(
    kg: KnowledgeGraph, cohort: str, concepts: Sequence[str] | None, threshold: float, bins: int, min_cell: int | None
) -> list[ConceptMastery]:
    """Mastery statistics per concept."""
    return cohort_reports.cohort_mastery(kg, cohort, concepts, threshold=threshold, bins=bins, min_cell=min_cell)


def concept_difficulty(
    kg: KnowledgeGraph,
    cohort: str,
    concepts: Sequence[str] | None,
    *,
    streak: int,
    stuck_after: int,
    limit: int,
    min_cell: int | None,
) -> DifficultyReport:
    """Difficulty per concept and the most stuck concepts."""
    return cohort_reports.concept_difficulty(
        kg, cohort, concepts, streak=streak, stuck_after=stuck_after, limit=limit, min_cell=min_cell
    )


def at_risk(
    kg: KnowledgeGraph,
    cohort: str,
    targets: Sequence[str],
    *,
    threshold: float,
    missing_is_weak: bool,
    min_cell: int | None,
) -> list[TargetRisk]:
    """Students blocked on each target."""
    return cohort_reports.at_risk(
        kg, cohort, targets, threshold=threshold, missing_is_weak=missing_is_weak, min_cell=min_cell
    )


def mastery_trend(
    kg: KnowledgeGraph,
    cohort: str,
    concept: str,
    interval: Interval,
    *,
    window: int,
    threshold: float,
    min_cell: int | None,
    zone: str = "UTC",
) -> Trend:
    """A concept's trend over the cohort's history, its buckets starting at midnights in ``zone`` (an IANA name)."""
    return cohort_reports.mastery_trend(
        kg, cohort, concept, interval, window=window, threshold=threshold, min_cell=min_cell, zone=time_zone(zone)
    )
