"""Reading students: whether one is stored, a page of them, their mastery, its evidence, their export.

The reads of the students API, apart from its writes (``resolvers.recording``,
``resolvers.forgetting``): served from the per-process student cache where the student
is in it, estimating now only the asked-for concepts without a stored estimate.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from graph import queries
from graph.attempts import attempts_of, list_students
from graph.forget import export_student
from graph.ids import iri_of
from graph.mastery import read_estimates
from graph.model import MasteryEstimate
from graph.repository import KnowledgeGraph, Page, paginate
from graph.student_data import cached_student_data
from ml.mastery.predict import Evidence
from ml.mastery.serving import MasteryService
from resolvers.replay import history_loader
from resolvers.settled_view import settled

__all__ = ["evidence", "export", "mastery_of", "page_of_students", "student_exists"]


def export(kg: KnowledgeGraph, student: str, *, themself: bool = False) -> dict[str, Any]:
    """Everything stored about a student (``graph.forget.export_student``; ``themself``: their own request)."""
    return export_student(kg, student, themself=themself)


def student_exists(kg: KnowledgeGraph, student: str) -> bool:
    """Whether the graph holds this student."""
    return bool(queries.describe_types(kg.store, [iri_of("student", student)]))


def page_of_students(
    kg: KnowledgeGraph, *, first: int, after: str | None, among: Collection[str] | None = None
) -> Page:
    """Student keys in order, one page; only those in ``among`` when given (what the caller may see)."""
    keys = list_students(kg)
    return paginate(keys if among is None else [s for s in keys if s in among], first, after)


def mastery_of(
    kg: KnowledgeGraph,
    mastery: MasteryService,
    student: str,
    concepts: Sequence[str] | None,
    *,
    stored: Sequence[MasteryEstimate] | None = None,
    unsettled: bool = False,
) -> list[MasteryEstimate]:
    """Stored estimates; asked-for concepts without one are estimated now from the history.

    Served from the per-process student cache when the student is in it (a frontend
    reads the mastery of a student whose path or attempts it has just handled);
    otherwise from ``stored`` (read for a page of students at once) or read from the
    store, without caching the history a page of students would bring in.
    ``unsettled``: the stored estimates may lag the model (an attempt moved them and the
    settler has not rewritten them yet), so every one given is estimated now, as a
    learning path does: for half a minute after an answer the mastery screen showed
    0.879 where the path beside it said 0.928 (an audit). One the model moved by no more
    than ``SETTLED_WITHIN`` stays as stored, as the settler will leave it.
    """
    cached = cached_student_data(kg, student)
    if cached is not None:
        estimates = dict(cached.estimates)
    else:
        read = stored if stored is not None else read_estimates(kg.store, [student])[student]
        estimates = {e.concept: e for e in read}
    if concepts is not None:
        kg.require_concepts([("conceptIds", c) for c in concepts])  # each unknown one, with the closest id
    given = sorted(estimates) if concepts is None else list(dict.fromkeys(concepts))
    missing = [c for c in given if unsettled or c not in estimates]
    if missing:
        with mastery.lock:
            predictor = mastery.ready([student], history_loader(kg, mastery))
            now = datetime.now(UTC)
            for c, p in zip(missing, predictor.estimate(student, missing), strict=True):
                kept = estimates.get(c)
                if kept is not None and settled(kept.probability, float(p)) == kept.probability:
                    continue  # what the settler will leave: the figure changed with no answer when it did
                # rounded as the graph stores estimates, so the figure is the one the settler will write
                estimates[c] = MasteryEstimate(student, c, round(float(p), 6), predictor.version, now)
    return [estimates[c] for c in (given if concepts is None else concepts)]


def evidence(kg: KnowledgeGraph, mastery: MasteryService, student: str, concept: str, limit: int) -> list[Evidence]:
    """The student's attempts that moved this concept's estimate most."""
    kg.require_concepts([("conceptId", concept)])
    cached = cached_student_data(kg, student)  # a page that read the student's path or mastery: no store read
    history = list(cached.attempts) if cached is not None else attempts_of(kg, [student])[student]
    with mastery.lock:
        return mastery.predictor.evidence(history, concept, limit)
