"""Students, attempts and mastery: the graph stores, the mastery model estimates.

The few lines of orchestration between the two live here: the model's state for a
student is replayed from the graph on first use, and new estimates are written in the
same transaction as the attempts that produced them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from contextlib import nullcontext
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from graph import queries
from graph.attempts import (
    attempts_of,
    conflicting_duplicates,
    latest_attempt_times,
    list_students,
    record_attempts,
    stored_attempts,
    voided_marker,
)
from graph.bundle import CurriculumBundle
from graph.erasures import ErasureLog
from graph.errors import InvalidInput, ManyProblems, NotFound, ReusedClientId
from graph.forget import Forgotten, export_student, forget_student
from graph.ids import iri_of
from graph.mastery import (
    estimate_triples,
    read_estimates,
    stored_estimate_triples,
    stored_probabilities,
)
from graph.model import Attempt, MasteryEstimate
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph, Page, paginate
from graph.store import OxigraphStore
from graph.student_data import StudentData, cached_student_data, student_data
from ml.mastery.data import concept_texts, material_texts
from ml.mastery.predict import Evidence, OnlineMastery
from ml.mastery.serving import HistoryLoader, MasteryService

__all__ = [
    "evidence",
    "export",
    "forget",
    "forget_each",
    "history_loader",
    "mastery_of",
    "page_of_students",
    "record",
    "record_retryable",
    "estimates_again",
    "reload_histories",
    "rewrite_estimates",
    "retract",
    "touched_estimates",
    "student_exists",
]


log = logging.getLogger("pathwise.mastery")
erasure_log = logging.getLogger("pathwise.erasure")  # counts only: a key, even a pseudonym, is not logged


def history_loader(kg: KnowledgeGraph, mastery: MasteryService) -> HistoryLoader:
    """Stored attempts of students, for replaying them into the served model (what is new to it placed first)."""

    def load(students: Sequence[str]) -> dict[str, list[Attempt]]:
        return with_new_placed(kg, mastery.predictor, attempts_of(kg, students))

    return load


def with_new_placed(
    kg: KnowledgeGraph, predictor: OnlineMastery, histories: dict[str, list[Attempt]]
) -> dict[str, list[Attempt]]:
    """Histories about to be replayed, once the exercises and concepts in them new to the model are placed."""
    place_new(kg, predictor, [a for h in histories.values() for a in h])
    return histories


def place_new(
    kg: KnowledgeGraph,
    predictor: OnlineMastery,
    attempts: Sequence[Attempt],
    *,
    creating: CurriculumBundle | None = None,
) -> None:
    """Give the model the text of the exercises and concepts it was not trained on, before it reads attempts on them.

    A new exercise or concept is then placed by its wording (``PathwiseKT.add_items``,
    ``add_concepts``) the same way whether its attempts arrive now or are replayed after
    a restart or a model switch. A model trained without item texts has nothing to read
    them with: the materials stay unknown items. ``creating``: concepts written in the
    same transaction as the attempts, not in the graph yet.
    """
    if predictor.model.item_text_table is not None:
        known_items = predictor.model.items.index
        unknown_items = sorted({a.material for a in attempts if a.material and a.material not in known_items})
        if unknown_items:
            predictor.add_items(material_texts(m for m in kg.materials_by_ids(unknown_items) if m is not None))
    concepts = {c for a in attempts for c in a.concepts}
    known = predictor.model.concepts.index
    unknown = sorted(c for c in concepts if c not in known and kg.projection.has_concept(c))
    placed = [c for c in kg.concepts_by_ids(unknown) if c is not None]
    if creating is not None:
        placed += [c for c in creating.concepts if c.id in concepts and c.id not in known]
    if placed:
        predictor.add_concepts(concept_texts(placed))


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
            same_time = attempt.id in untimed or earlier.timestamp == attempt.timestamp
            if earlier.score != attempt.score or not same_time:
                reused.append((index, ReusedClientId(client, field=f"attempts.{index}.clientId", in_batch=True)))
        else:
            named[attempt.id] = (index, client)
    for clash in conflicting_duplicates(kg, [attempts[i] for i, _ in named.values()], untimed=untimed):
        index, client = named[clash]
        reused.append((index, ReusedClientId(client, field=f"attempts.{index}.clientId")))
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


SETTLED_WITHIN = 0.02
"""How far a stored estimate of a concept an attempt did not name may drift from the model's before it is rewritten."""


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

MAX_FORGET_BATCH = 1000
"""The most students one ``forgetStudents`` may name (a school's leavers fit; larger sets in several calls)."""


def forget(
    kg: KnowledgeGraph,
    mastery: MasteryService | None,
    student: str,
    *,
    erasures: ErasureLog | None = None,
    rewrite_wait: float | None = None,
) -> Forgotten:
    """Remove every trace of a student: their triples (one transaction), then the model's state.

    The graph's caches follow through its write listeners. Question answering keeps
    nothing per student (``ml.qa``: the index holds materials only, questions are not
    logged), so there is nothing of theirs to purge there. Holding the model's lock
    keeps a concurrent ``record`` from replaying the student back in between. An
    embedded Oxigraph store is then rewritten, because its files keep deleted strings;
    this returns once a rewrite begun after the delete has finished, or after
    ``rewrite_wait`` seconds with the rewrite going on (``purged`` says which). Queries and writes
    go on meanwhile, and forgets arriving together share one rewrite
    (``OxigraphStore.rewrite``; the API runs this off the event loop). The erasure is
    logged in ``erasures`` once the delete committed, so a restored backup forgets the
    student again (``graph.erasures``, ``graph.backup``).

    Raises:
        NotFound: the graph holds nothing about ``student``.
    """
    outcome = forget_each(kg, mastery, [student], erasures=erasures, rewrite_wait=rewrite_wait)[0]
    if isinstance(outcome, NotFound):
        raise outcome
    return outcome


def forget_each(
    kg: KnowledgeGraph,
    mastery: MasteryService | None,
    students: Sequence[str],
    *,
    erasures: ErasureLog | None = None,
    rewrite_wait: float | None = None,
) -> list[Forgotten | NotFound]:
    """Forget each student in turn (one transaction each, as ``forget``), then rewrite the store once.

    A rewrite costs seconds per million triples whatever it erases, so a batch of
    erasure requests (a school leaving) pays for one, not one per student. Outcomes
    come in the order asked. A student with nothing stored whom ``erasures`` logs as
    forgotten (a retry after a lost answer, a student named twice) is ``Forgotten``
    with ``earlier`` set and that erasure's time, so retrying an erasure is safe; one
    never forgotten is ``NotFound``. Neither stops the others.

    Raises:
        InvalidInput: more than ``MAX_FORGET_BATCH`` students.
    """
    if len(students) > MAX_FORGET_BATCH:
        raise InvalidInput(
            f"at most {MAX_FORGET_BATCH} students can be forgotten in one call, got {len(students)}", field="ids"
        )
    outcomes: list[Forgotten | NotFound] = []
    store = kg.store
    # a retry whose first call's rewrite has not finished (the store says one is pending) waits for one too
    pending_before = isinstance(store, OxigraphStore) and store.rewrite_pending
    # on disk before the first delete: a crash after it commits still leaves the rewrite to the next start
    promised = store.promise_rewrite() if isinstance(store, OxigraphStore) else None
    for student in students:
        with mastery.lock if mastery is not None else nullcontext():
            try:
                deleted = forget_student(kg, student)
            except NotFound as missing:
                outcomes.append(missing)
                continue
            at = datetime.now(UTC)
            outcomes.append(replace(deleted, at=at))
            if erasures is not None:
                erasures.record([student], at)  # after the commit: an entry older than a backup means it lacks them
            if mastery is not None:
                mastery.note_forgotten(student)
                if mastery.version is not None:
                    mastery.predictor.forget(student)
    missing_keys = [o.ident for o in outcomes if isinstance(o, NotFound)]
    if erasures is not None and missing_keys:
        earlier = erasures.last_forgotten(missing_keys)
        outcomes = [
            Forgotten(o.ident, 0, 0, 0, 0, at=earlier[o.ident], earlier=True)
            if isinstance(o, NotFound) and o.ident in earlier
            else o
            for o in outcomes
        ]
    needed = any(isinstance(o, Forgotten) and not o.earlier for o in outcomes)
    retried = any(isinstance(o, Forgotten) and o.earlier for o in outcomes)
    deleted_now = [o for o in outcomes if isinstance(o, Forgotten) and not o.earlier]
    if deleted_now:
        erasure_log.info(
            "forgot %d student(s): %d attempts, %d estimates, %d triples deleted%s",
            len(deleted_now),
            sum(o.attempts for o in deleted_now),
            sum(o.estimates for o in deleted_now),
            sum(o.triples for o in deleted_now),
            "; rewriting the store so they leave its files" if isinstance(store, OxigraphStore) else "",
        )
    if not isinstance(store, OxigraphStore) or promised is None:
        return outcomes
    if not needed:
        store.withdraw_rewrite(promised)  # nothing was deleted: the request before it (if any) is back
    if not needed and retried and pending_before and store.rewrite_running:
        # the first call's rewrite is copying: wait for it, as the first call did; another would start over
        finished = store.wait_for_rewrite(rewrite_wait)
    elif needed or (retried and pending_before):  # an embedded store: make the deleted bytes leave its files
        if rewrite_wait is None:
            store.rewrite()
            finished = True
        else:
            finished = store.rewrite_within(rewrite_wait)
    else:
        finished = True
    purged = finished and not store.rewrite_pending  # another forget's request may still wait for its own
    return [replace(o, purged=purged) if isinstance(o, Forgotten) else o for o in outcomes]


def export(kg: KnowledgeGraph, student: str) -> dict[str, Any]:
    """Everything stored about a student (``graph.forget.export_student``)."""
    return export_student(kg, student)


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
) -> list[MasteryEstimate]:
    """Stored estimates; asked-for concepts without one are estimated now from the history.

    Served from the per-process student cache when the student is in it (a frontend
    reads the mastery of a student whose path or attempts it has just handled);
    otherwise from ``stored`` (read for a page of students at once) or read from the
    store, without caching the history a page of students would bring in.
    """
    cached = cached_student_data(kg, student)
    if cached is not None:
        estimates = dict(cached.estimates)
    else:
        read = stored if stored is not None else read_estimates(kg.store, [student])[student]
        estimates = {e.concept: e for e in read}
    if concepts is None:
        return [estimates[c] for c in sorted(estimates)]
    kg.require_concepts([("conceptIds", c) for c in concepts])  # each unknown one, with the closest id
    missing = [c for c in concepts if c not in estimates]
    if missing:
        with mastery.lock:
            predictor = mastery.ready([student], history_loader(kg, mastery))
            now = datetime.now(UTC)
            for c, p in zip(missing, predictor.estimate(student, missing), strict=True):
                estimates[c] = MasteryEstimate(student, c, p, predictor.version, now)
    return [estimates[c] for c in concepts]


def evidence(kg: KnowledgeGraph, mastery: MasteryService, student: str, concept: str, limit: int) -> list[Evidence]:
    """The student's attempts that moved this concept's estimate most."""
    kg.require_concepts([("conceptId", concept)])
    cached = cached_student_data(kg, student)  # a page that read the student's path or mastery: no store read
    history = list(cached.attempts) if cached is not None else attempts_of(kg, [student])[student]
    with mastery.lock:
        return mastery.predictor.evidence(history, concept, limit)


def reload_histories(kg: KnowledgeGraph, predictor: OnlineMastery, histories: dict[str, list[Attempt]]) -> None:
    """Replay these histories; a student with none (forgotten) keeps no state at all."""
    for student in [s for s, history in histories.items() if not history]:
        predictor.forget(student)
    predictor.replay(with_new_placed(kg, predictor, {s: h for s, h in histories.items() if h}))


def rewrite_estimates(kg: KnowledgeGraph, predictor: OnlineMastery, students: Sequence[str]) -> int:
    """Estimate again, from ``predictor``'s states, every concept these students have an estimate of; one write."""
    deletes, inserts, count = estimates_again(kg, predictor, students)
    if count:
        kg.commit(deletes, inserts, lambda: None)
    return count


def estimates_again(
    kg: KnowledgeGraph, predictor: OnlineMastery, students: Sequence[str]
) -> tuple[list[Any], list[Any], int]:
    """The write that replaces these students' stored estimates with ``predictor``'s: deletes, inserts, how many."""
    now = datetime.now(UTC)
    fresh = []
    for student, stored in read_estimates(kg.store, students).items():
        names = [e.concept for e in stored]
        for c, p in zip(names, predictor.estimate(student, names), strict=True):
            fresh.append(MasteryEstimate(student, c, p, predictor.version, now))
    if not fresh:
        return [], [], 0
    deletes = stored_estimate_triples(kg.store, [(e.student, e.concept) for e in fresh])
    return deletes, [t for e in fresh for t in estimate_triples(e)], len(fresh)


def retract(kg: KnowledgeGraph, mastery: MasteryService | None, attempt_ids: Sequence[str]) -> list[str]:
    """Delete stored attempts (an xAPI void that arrived after its statement) and estimate their students again.

    A void reached only statements read with it: an LRS voids later by nature, so a
    voided answer kept counting. The attempts' triples and the students' estimates, made
    again from the history that is left, go in one write, under the model's lock (a
    ``record`` in between would replay the voided attempt back in). Returns the ids of
    the attempts that were stored and are now gone.
    """
    if not attempt_ids:
        return []
    with mastery.lock if mastery is not None else nullcontext():
        deletes, owners = stored_attempts(kg, attempt_ids)
        if not owners:
            return []
        students = sorted(set(owners.values()))
        gone = set(owners)
        inserts: list[Any] = [voided_marker(a) for a in sorted(gone)]
        histories = {s: [a for a in h if a.id not in gone] for s, h in attempts_of(kg, students).items()}
        # a student left with no attempt keeps no estimate: one that rests on nothing read as evidence-free mastery
        emptied = [s for s, history in histories.items() if not history]
        for student, stored in read_estimates(kg.store, emptied).items():
            deletes += stored_estimate_triples(kg.store, [(student, e.concept) for e in stored])
        served = mastery is not None and mastery.version is not None
        if served:
            assert mastery is not None
            reload_histories(kg, mastery.predictor, histories)  # the states as if the voided answers never came
            more_deletes, more_inserts, _ = estimates_again(
                kg, mastery.predictor, [s for s in students if s not in emptied]
            )
            deletes += more_deletes
            inserts += more_inserts
        try:
            kg.commit(deletes, inserts, lambda: None)
        except Exception:
            if served:
                assert mastery is not None
                for student in students:  # the states left the voided answers out; the store still has them
                    mastery.predictor.forget(student)
            raise
        if mastery is not None:
            for student in students:
                mastery.note_forgotten(student)  # a switch being prepared reads them again from the store
    return sorted(gone)
