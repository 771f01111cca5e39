"""Recording attempts with the mastery estimates they move, in one transaction; settling the others later.

The few lines of orchestration between the graph (which stores) and the model (which
estimates): the students' states are made ready (``resolvers.replay``), the attempts
are read in time order (a backfill replays the student whole), and the new estimates
are written with the attempts. The estimates of concepts an attempt did not name move
too; they are rewritten here or, off the request path, by ``settle``
(``resolvers.settling``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from graph.attempt_clashes import stored_clashes, what_differs
from graph.attempts import attempts_of, latest_attempt_times, record_attempts
from graph.bundle import CurriculumBundle
from graph.errors import ManyProblems, ReusedClientId
from graph.mastery import estimate_triples, read_estimates, stored_estimate_triples, stored_probabilities
from graph.model import Attempt, MasteryEstimate
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from graph.student_data import StudentData, cached_student_data, student_data
from ml.mastery.predict import OnlineMastery
from ml.mastery.serving import MasteryService
from resolvers.replay import history_loader, place_new, with_new_placed
from resolvers.settled_view import SETTLED_WITHIN
from resolvers.student_reads import student_exists

__all__ = [
    "MAX_ATTEMPT_BATCH",
    "SETTLED_WITHIN",
    "WARM_STUDENTS",
    "record",
    "record_retryable",
    "settle",
    "touched_estimates",
]


def record(
    kg: KnowledgeGraph,
    mastery: MasteryService,
    attempts: Sequence[Attempt],
    *,
    creating: CurriculumBundle | None = None,
    progress: Callable[[int, int], None] | None = None,
    settle_later: Callable[[Sequence[str]], None] | None = None,
    marks: Sequence[Triple] = (),
) -> tuple[int, int, list[MasteryEstimate]]:
    """Store new attempts with the mastery estimates they move, in one transaction.

    ``progress`` hears how many of the new attempts the model has read (a log's import).
    ``settle_later`` (a served ``EstimateSettler.note``) is told the students instead of
    their other estimates being settled in the same transaction.

    ``creating`` (concepts and materials the attempts name, written in the same
    transaction) places its new concepts in the model by their text first. A model
    switch being prepared is told what was stored (``MasteryService.note_recorded``).
    The model reads a student's attempts in time order (then id, as a replay does):
    a batch is sorted first, and a student sent an attempt older than one stored
    (a backfill) is replayed whole rather than updated. The estimate depended on the
    order the attempts arrived in, and disagreed with ``evidence`` for the same history.
    The students' other stored estimates are written again too where the new state
    moved them by more than ``SETTLED_WITHIN`` (``_unsettled``): here, or by the settler.
    ``marks`` go into the same transaction when an attempt is new (``record_attempts``).
    """
    students = [a.student for a in attempts]
    with mastery.lock:
        predictor = mastery.ready(students, history_loader(kg, mastery))
        place_new(kg, predictor, attempts, creating=creating)
        observed: list[Attempt] = []

        def estimate(accepted: Sequence[Attempt]) -> list[MasteryEstimate]:
            ordered = sorted(accepted, key=lambda a: (a.timestamp, a.id))
            observed.extend(ordered)
            latest = _latest_times(kg, sorted({a.student for a in ordered}))
            late = {a.student for a in ordered if a.student in latest and a.timestamp <= latest[a.student]}
            fresh = predictor.update([a for a in ordered if a.student not in late], progress=progress)
            moved = fresh + _replayed_with(kg, predictor, [a for a in ordered if a.student in late])
            if settle_later is not None or not moved:
                return moved
            named = {(e.student, e.concept) for e in moved}
            return moved + _unsettled(kg, predictor, sorted({e.student for e in moved}), named, moved[0].updated_at)

        try:
            result = record_attempts(kg, attempts, estimate=estimate, creating=creating, marks=marks)
        except Exception:
            for student in students:  # the state saw attempts the graph refused
                predictor.forget(student)
            raise
        mastery.note_recorded(observed)
    if settle_later is not None and result[0]:
        settle_later(sorted({a.student for a in observed}))
    return result


def record_retryable(
    kg: KnowledgeGraph,
    mastery: MasteryService,
    attempts: Sequence[Attempt],
    client_ids: Sequence[str | None],
    timed: Sequence[bool],
    settle_later: Callable[[Sequence[str]], None] | None = None,
) -> tuple[int, int, list[MasteryEstimate]]:
    """``record`` for the API, where a client id makes a retry safe.

    A retry answers as the first call did: the current estimates of the concepts it
    touches, not an empty list. A client id reused for another answer (another score,
    or another time where one was given), in the batch or already stored, is refused:
    counting it as a duplicate would drop that answer without a word. ``client_ids``
    and ``timed`` (whether the client gave the time) run beside ``attempts``.

    Raises:
        ReusedClientId: the first attempt whose client id names another answer.
    """
    untimed = {a.id for a, given in zip(attempts, timed, strict=True) if not given}
    named: dict[str, tuple[int, str]] = {}
    reused: list[tuple[int, ReusedClientId]] = []
    for index, (attempt, client) in enumerate(zip(attempts, client_ids, strict=True)):
        if client is None:
            continue
        if attempt.id in named:
            earlier = attempts[named[attempt.id][0]]
            # a UUID clientId is a statement id, one for every learner: another learner's was dropped (an audit)
            differs = what_differs(earlier, attempt, untimed=attempt.id in untimed, labels=("first", "second"))
            if differs is not None:
                field = f"attempts.{index}.clientId"
                reused.append((index, ReusedClientId(client, field=field, in_batch=True, differs=differs)))
        else:
            named[attempt.id] = (index, client)
    clashes = stored_clashes(kg, [attempts[i] for i, _ in named.values()], untimed=untimed)
    for clash, differs in clashes.items():
        index, client = named[clash]
        reused.append((index, ReusedClientId(client, field=f"attempts.{index}.clientId", differs=differs)))
    if reused:
        errors = [error for _, error in sorted(reused, key=lambda found: found[0])]
        raise errors[0] if len(errors) == 1 else ManyProblems(errors)
    accepted, duplicates, estimates = record(kg, mastery, attempts, settle_later=settle_later)
    return accepted, duplicates, touched_estimates(kg, attempts, estimates)


def touched_estimates(
    kg: KnowledgeGraph, attempts: Sequence[Attempt], fresh: Sequence[MasteryEstimate]
) -> list[MasteryEstimate]:
    """The estimate of every (student, concept) the attempts touch: the fresh one, else the stored one (a retry's)."""
    touched = {(a.student, c) for a in attempts for c in a.concepts}
    named = [e for e in fresh if (e.student, e.concept) in touched]
    wanted = touched - {(e.student, e.concept) for e in named}
    if not wanted:
        return named
    stored = read_estimates(kg.store, sorted({s for s, _ in wanted}))
    extra = [e for estimates in stored.values() for e in estimates if (e.student, e.concept) in wanted]
    return [*named, *extra]


WARM_STUDENTS = 10
"""A write naming at most this many students reads the ones not cached into the student cache."""


def _cached(kg: KnowledgeGraph, students: Sequence[str]) -> dict[str, StudentData]:
    """The students' data from the per-process student cache (``graph.student_data``).

    A client's call (a few students) reads those it lacks into the cache once: their
    next attempts, backfills included, read no history from the store. A log's import
    (thousands of students) reads only what it needs, 500 students a round trip.
    """
    if len(students) <= WARM_STUDENTS:
        return {s: student_data(kg, s) for s in students}
    found = {s: cached_student_data(kg, s) for s in students}
    return {s: data for s, data in found.items() if data is not None}


def _latest_times(kg: KnowledgeGraph, students: Sequence[str]) -> dict[str, datetime]:
    """Each student's latest stored attempt time: from the student cache, else from the store."""
    known = _cached(kg, students)
    latest = {s: max(a.timestamp for a in data.attempts) for s, data in known.items() if data.attempts}
    latest.update(latest_attempt_times(kg, [s for s in students if s not in known]))
    return latest


def settle(kg: KnowledgeGraph, mastery: MasteryService, students: Sequence[str]) -> int:
    """Rewrite these students' stored estimates that the model's current states moved past
    ``SETTLED_WITHIN``, in one write (``resolvers.settling``); how many were rewritten."""
    with mastery.lock:
        # one forgotten since their attempt was noted gets no state or cache entry back
        students = [s for s in students if student_exists(kg, s)]
        if mastery.version is None or not students:
            return 0
        predictor = mastery.ready(students, history_loader(kg, mastery))
        moved = _unsettled(kg, predictor, students, set(), datetime.now(UTC))
        if moved:
            deletes = stored_estimate_triples(kg.store, [(e.student, e.concept) for e in moved])
            kg.commit(deletes, [t for e in moved for t in estimate_triples(e)], lambda: None)
    return len(moved)


def _unsettled(
    kg: KnowledgeGraph,
    predictor: OnlineMastery,
    students: Sequence[str],
    named: set[tuple[str, str]],
    now: datetime,
) -> list[MasteryEstimate]:
    """The students' stored estimates (but the ``named`` ones) their states moved by more than ``SETTLED_WITHIN``.

    The network reads a student's whole history, so an attempt on one concept moves the
    estimate of every other. Left as they were, the stored estimates of the concepts an
    attempt did not name depended on how a client had batched its attempts (one call,
    ten, or a backfill: up to 0.2 apart for one history), while ``evidence`` did not.
    Most move by a point or less: those within ``SETTLED_WITHIN`` of the model stay.
    """
    known = _cached(kg, students)
    probabilities = {s: data.probabilities for s, data in known.items()}
    probabilities.update(stored_probabilities(kg.store, [s for s in students if s not in known]))
    out = []
    for student, stored in probabilities.items():
        names = [c for c in sorted(stored) if (student, c) not in named]
        for concept, p in zip(names, predictor.estimate(student, names), strict=True):
            if abs(p - stored[concept]) > SETTLED_WITHIN:
                out.append(MasteryEstimate(student, concept, p, predictor.version, now))
    return out


def _replayed_with(kg: KnowledgeGraph, predictor: OnlineMastery, new: Sequence[Attempt]) -> list[MasteryEstimate]:
    """Replay each student's stored history with ``new`` (older than some of it) in time order; their estimates."""
    if not new:
        return []
    students = sorted({a.student for a in new})
    known = _cached(kg, students)  # a client's few students: cached for their next backfill
    stored = {s: list(data.attempts) for s, data in known.items()}
    stored.update(attempts_of(kg, [s for s in students if s not in known]))  # a log's many: 500 a round trip
    histories = {s: sorted([*stored[s], *(a for a in new if a.student == s)], key=lambda a: (a.timestamp, a.id))
                 for s in students}  # fmt: skip
    for student in students:
        predictor.forget(student)
    predictor.replay(with_new_placed(kg, predictor, histories))
    now = datetime.now(UTC)
    out = []
    for student in students:
        names = list(dict.fromkeys(c for a in new if a.student == student for c in a.concepts))
        out += [MasteryEstimate(student, c, p, predictor.version, now)
                for c, p in zip(names, predictor.estimate(student, names), strict=True)]  # fmt: skip
    return out


MAX_ATTEMPT_BATCH = 500
"""The most attempts one ``recordAttempts`` may carry: a client's queue after a day offline fits.

8,000 attempts in one call (620 KB, under the body limit) held the server for 7 s; a
log goes through ``pathwise attempts import``.
"""
