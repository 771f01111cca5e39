"""Students' attempts in the graph: stored once per id, checked against the curriculum.

Issue-level scope: what the demo's simulated students and later the attempt importers
write. Mastery estimates live beside them (``pw:Mastery``), written by the ML layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from rdflib import Literal, URIRef

from graph import queries
from graph.attempt_clashes import stored_clashes
from graph.bundle import CurriculumBundle
from graph.errors import ConceptNotFound, InvalidInput, NotFound
from graph.ids import id_of, iri_of
from graph.mastery import estimate_triples, stored_estimate_triples
from graph.model import Attempt, MasteryEstimate, timestamp_problem
from graph.rdf_mapping import Triple, decimal_literal
from graph.repository import KnowledgeGraph
from graph.store import select_text
from graph.vocab import PW, RDF, XSD

__all__ = [
    "Estimator",
    "attempt_triples",
    "attempts_of",
    "conflicting_duplicates",
    "count_of_type",
    "count_students",
    "latest_attempt_times",
    "list_students",
    "mark_voided",
    "voided_among",
    "materials_attempted",
    "UUID_FORM",
    "record_attempts",
    "statement_form",
    "stored_attempts",
    "stored_time",
    "voided_marker",
    "with_stored_twins",
]

Estimator = Callable[[Sequence[Attempt]], Sequence[MasteryEstimate]]
"""Given the new attempts (in order), the mastery estimates they change."""


def attempt_triples(attempt: Attempt) -> Iterator[Triple]:
    """The triples of one attempt and of its student."""
    s = iri_of("attempt", attempt.id)
    student = iri_of("student", attempt.student)
    yield student, RDF.type, PW.Student
    yield s, RDF.type, PW.Attempt
    yield s, PW.student, student
    yield s, PW.score, decimal_literal(attempt.score)
    yield s, PW.timestamp, Literal(attempt.timestamp)
    if attempt.material:
        yield s, PW.material, iri_of("material", attempt.material)
    for c in attempt.concepts:
        yield s, PW.concept, iri_of("concept", c)
    if attempt.source:
        yield s, PW.source, Literal(attempt.source)


def record_attempts(
    kg: KnowledgeGraph,
    attempts: Sequence[Attempt],
    estimate: Estimator | None = None,
    *,
    creating: CurriculumBundle | None = None,
    marks: Sequence[Triple] = (),
) -> tuple[int, int, list[MasteryEstimate]]:
    """Store new attempts and the estimates they move, in one transaction.

    Returns ``(accepted, duplicates, estimates)``. An attempt whose id is already stored
    (or repeated in the batch) is a duplicate and is skipped, so replaying a log adds
    nothing. ``estimate`` (the mastery model, from the caller) is asked for the new
    estimates of the accepted attempts; they replace the stored ones. ``creating`` is a
    batch of concepts and materials the attempts may name: it is validated as an import
    and written in the same transaction, so a log and what it creates land together.
    ``marks`` are written with the attempts when any is new (the xAPI account homes that
    keyed them, ``graph.xapi_homes``, recorded by the write that stores the first).

    Raises:
        InvalidInput: a score outside [0, 1], a time more than a day in the future
            (``MAX_AHEAD``), or an attempt naming no material or concept.
        NotFound: a material or concept that does not exist.
        ValidationFailed, DuplicateId, PrerequisiteCycle: ``creating`` is not a valid import.
        Nothing is written.
    """
    with kg.lock:
        planned = kg.plan_bundle(creating) if creating is not None else None
        _check(kg, attempts, creating or CurriculumBundle())
        stored = set(queries.describe_types(kg.store, [iri_of("attempt", a.id) for a in attempts]))
        fresh: dict[str, Attempt] = {}
        for a in attempts:
            if str(iri_of("attempt", a.id)) not in stored:
                fresh.setdefault(a.id, a)
        accepted = list(fresh.values())
        estimates = list(estimate(accepted)) if estimate is not None and accepted else []
        inserts = [t for a in accepted for t in attempt_triples(a)]
        inserts += list(marks) if accepted else []
        inserts += [t for e in estimates for t in estimate_triples(e)]
        deletes = stored_estimate_triples(kg.store, [(e.student, e.concept) for e in estimates]) if estimates else []
        if planned is not None:
            deletes, inserts = planned.deletes + deletes, planned.inserts + inserts
        if inserts:
            kg.commit(deletes, inserts, planned.project if planned is not None else lambda: None)
        return len(accepted), len(attempts) - len(accepted), estimates


TWIN_QUERY_SIZE = 5000
"""Ids asked about in one query when looking for stored twins (a log has hundreds of thousands)."""


def with_stored_twins(kg: KnowledgeGraph, attempts: Sequence[Attempt], twins: Sequence[Sequence[str]]) -> list[Attempt]:
    """``attempts``, each under the id of its first twin that is stored for the same student, where one is.

    One answer can reach Pathwise twice under two names: live through ``recordAttempts``
    (its ``clientId`` the xAPI statement id) and in the nightly xAPI import (the
    statement id). Their ids differed, so it was counted twice. ``twins[i]`` are the
    ids ``attempts[i]`` would have had by the other way; taking a stored one's id makes
    the second arrival a duplicate (or, with another score or time, a conflict), as a
    replay through the same way is.
    """
    wanted = list(dict.fromkeys(t for ts in twins for t in ts))
    owners: dict[str, set[str]] = {}
    for start in range(0, len(wanted), TWIN_QUERY_SIZE):
        values = " ".join(iri_of("attempt", t).n3() for t in wanted[start : start + TWIN_QUERY_SIZE])
        query = f"SELECT ?a ?s WHERE {{ VALUES ?a {{ {values} }} ?a {PW.student.n3()} ?s }}"
        for held, owner in select_text(kg.store, query):
            if held is not None and owner is not None:
                owners.setdefault(held, set()).add(owner)
    if not owners:
        return list(attempts)
    out: list[Attempt] = []
    for attempt, ids in zip(attempts, twins, strict=True):
        student = str(iri_of("student", attempt.student))
        twin = next((t for t in ids if student in owners.get(str(iri_of("attempt", t)), ())), None)
        out.append(replace(attempt, id=twin) if twin is not None else attempt)
    return out


def stored_attempts(kg: KnowledgeGraph, ids: Sequence[str]) -> tuple[list[Triple], dict[str, str]]:
    """The triples of those of ``ids`` that are stored attempts (to delete them), and each one's student."""
    described = {
        subject: props
        for subject, props in queries.describe(kg.store, [iri_of("attempt", a) for a in ids]).items()
        if props.get(PW.student)
    }
    triples: list[Triple] = [
        (URIRef(subject), predicate, value)
        for subject, props in described.items()
        for predicate, values in props.items()
        for value in values
    ]
    return triples, {id_of(subject): id_of(str(props[PW.student][0])) for subject, props in described.items()}


def voided_marker(attempt_id: str) -> Triple:
    """What stays of an attempt a void took back: its keyed id, typed, so the statement sent again is a duplicate.

    Without it a voided statement came back when an LRS or a nightly file sent it again.
    It names no student (the id is a keyed hash of the statement id).
    """
    return iri_of("attempt", attempt_id), RDF.type, PW.VoidedAttempt


def voided_among(kg: KnowledgeGraph, attempt_ids: Sequence[str]) -> int:
    """How many of ``attempt_ids`` (each counted once) name a statement a void took back (``voided_marker``)."""
    unique = list(dict.fromkeys(attempt_ids))
    return len(queries.typed_among(kg.store, [iri_of("attempt", a) for a in unique], [PW.VoidedAttempt]))


def mark_voided(kg: KnowledgeGraph, attempt_ids: Sequence[str]) -> None:
    """Store the ``voided_marker`` of statements voided before they arrived (``ingest.attempts.keyed.voids_ahead``)."""
    if attempt_ids:
        kg.commit([], [voided_marker(a) for a in attempt_ids], lambda: None)


UUID_FORM = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def statement_form(ident: str) -> str | None:
    """A client or statement id that is a UUID, lower-cased: one statement however it is spelled (else None).

    An xAPI statement id is a UUID, which is case-insensitive; an LRS or a client that
    upper-cased it made a second attempt. A UUID names one statement whoever sends it,
    so a ``clientId`` of that form is the statement's id (not scoped to the student), and
    the live and the file routes store the statement under the same id.

    Examples:
        >>> statement_form("3F1C0A52-0000-4000-8000-000000000001"), statement_form("quiz-7")
        ('3f1c0a52-0000-4000-8000-000000000001', None)
    """
    return ident.strip().lower() if UUID_FORM.match(ident.strip()) else None


def conflicting_duplicates(
    kg: KnowledgeGraph,
    attempts: Sequence[Attempt],
    *,
    untimed: Collection[str] = frozenset(),
    former: Mapping[str, Collection[str]] | None = None,
) -> list[str]:
    """Ids of ``attempts`` already stored with another score, time, material or concepts: another attempt, one id.

    A log's default ids are its file name, student and line, so a second export that is
    also called ``log.csv`` read as a replay of the first: its attempts were counted as
    duplicates and lost. A true replay stores the same score and time under each id.
    ``untimed`` names attempts whose time was not given (an API retry dated "now"):
    only their score is compared. ``former`` maps a student's key to the keys they had
    before (``graph.xapi_homes``): a statement stored under one of those is theirs, so
    sent again it is a duplicate, not another student's answer. What differs for each:
    ``graph.attempt_clashes.stored_clashes``.
    """
    return list(stored_clashes(kg, attempts, untimed=untimed, former=former))


def _check(kg: KnowledgeGraph, attempts: Sequence[Attempt], creating: CurriculumBundle) -> None:
    """Refuse the batch at its first attempt that is out of range or names what does not exist."""
    new_concepts = {c.id for c in creating.concepts}
    new_materials = {m.id for m in creating.materials}
    now = datetime.now(UTC)
    for a in attempts:
        if not 0.0 <= a.score <= 1.0:
            raise InvalidInput(f"attempt {a.id}: score {a.score} is not in [0, 1]")
        late = timestamp_problem(a.timestamp, now)
        if late is not None:
            raise InvalidInput(f"attempt {a.id}: {late}")
        if not a.material and not a.concepts:
            raise InvalidInput(f"attempt {a.id}: names neither a material nor a concept")
        if a.material and a.material not in kg.projection.material_ids and a.material not in new_materials:
            raise NotFound("material", a.material)
        for c in a.concepts:
            if not kg.projection.has_concept(c) and c not in new_concepts:
                raise ConceptNotFound(c)


def count_students(kg: KnowledgeGraph) -> int:
    """How many students the graph holds."""
    return len(queries.subjects_of_type(kg.store, PW.Student))


def count_of_type(kg: KnowledgeGraph, kind: URIRef) -> int:
    """How many things of ``kind`` (``PW.Attempt``, ``PW.Mastery``) the graph holds, counted by the store."""
    rows = kg.store.select(f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a {kind.n3()} }}")
    return int(str(rows[0][0])) if rows else 0


def latest_attempt_times(kg: KnowledgeGraph, students: Sequence[str]) -> dict[str, datetime]:
    """Each student's latest stored attempt time (students with none are left out); one round trip per 500."""
    out: dict[str, datetime] = {}
    for chunk in queries.in_chunks(list(dict.fromkeys(students))):
        values = " ".join(iri_of("student", s).n3() for s in chunk)
        rows = select_text(
            kg.store,
            f"""SELECT ?s (MAX(?t) AS ?last) WHERE {{ VALUES ?s {{ {values} }}
              ?a {PW.student.n3()} ?s ; {PW.timestamp.n3()} ?t }} GROUP BY ?s""",
        )
        for s, last in rows:
            when = _when(last)
            if s is not None and when is not None:
                out[id_of(s)] = when
    return out


def _when(text: str | None) -> datetime | None:
    """A stored xsd:dateTime's text as a datetime (``None`` for what does not read as one).

    ``fromisoformat`` reads what Pathwise writes; rdflib's parser (what reading terms
    used) takes the rest of xsd:dateTime's forms.
    """
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        value = Literal(text, datatype=XSD.dateTime).toPython()
        return value if isinstance(value, datetime) else None


def stored_time(text: str) -> datetime:
    """An attempt's stored time; one that does not read is a damaged store, said as such."""
    when = _when(text)
    if when is None:
        raise InvalidInput(f"a stored attempt time {text!r} is not an xsd:dateTime")
    return when


def list_students(kg: KnowledgeGraph) -> list[str]:
    """Every student key, sorted."""
    return sorted(id_of(i) for i in queries.subjects_of_type(kg.store, PW.Student))


def materials_attempted(kg: KnowledgeGraph, student: str) -> frozenset[str]:
    """The materials ``student`` has recorded an attempt on (a voided attempt no longer counts).

    An exercise's answer key opens to a student once they have answered it
    (``PATHWISE_ANSWER_KEYS``): one round trip, however many materials a page shows.
    """
    rows = select_text(
        kg.store,
        f"""SELECT DISTINCT ?m WHERE {{ ?a {PW.student.n3()} {iri_of("student", student).n3()} ;
              a {PW.Attempt.n3()} ; {PW.material.n3()} ?m }}""",
    )
    return frozenset(id_of(m) for (m,) in rows if m is not None)


def attempts_of(kg: KnowledgeGraph, students: Sequence[str]) -> dict[str, list[Attempt]]:
    """Each student's attempts in time order (then id), in one round trip per 500 students."""
    out: dict[str, list[Attempt]] = {s: [] for s in students}
    rows = []
    for chunk in queries.in_chunks(list(dict.fromkeys(students))):
        values = " ".join(iri_of("student", s).n3() for s in chunk)
        rows += select_text(
            kg.store,
            f"""SELECT ?a ?s ?t ?score ?m ?c ?src WHERE {{ VALUES ?s {{ {values} }}
              ?a {PW.student.n3()} ?s ; a {PW.Attempt.n3()} ; {PW.timestamp.n3()} ?t ; {PW.score.n3()} ?score .
              OPTIONAL {{ ?a {PW.material.n3()} ?m }} OPTIONAL {{ ?a {PW.concept.n3()} ?c }}
              OPTIONAL {{ ?a {PW.source.n3()} ?src }} }}""",
        )
    found: dict[str, dict[str, object]] = {}
    for a, s, t, score, m, c, src in rows:
        key = str(a)
        entry = found.setdefault(
            key,
            {
                "id": id_of(key),
                "student": id_of(str(s)),
                "timestamp": t,
                "score": float(str(score)),
                "material": id_of(m) if m is not None else None,
                "concepts": [],
                "source": src if src is not None else "",
            },
        )
        concepts = entry["concepts"]
        if c is not None and isinstance(concepts, list) and id_of(c) not in concepts:
            concepts.append(id_of(c))
    for entry in found.values():
        stamp = entry["timestamp"]
        attempt = Attempt(
            id=str(entry["id"]),
            student=str(entry["student"]),
            timestamp=stored_time(str(stamp)),
            score=float(entry["score"]),  # type: ignore[arg-type]
            material=entry["material"],  # type: ignore[arg-type]
            concepts=tuple(sorted(entry["concepts"])),  # type: ignore[call-overload]
            source=str(entry["source"]),
        )
        out.setdefault(attempt.student, []).append(attempt)
    for history in out.values():
        history.sort(key=lambda a: (a.timestamp, a.id))
    return out
