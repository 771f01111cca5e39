"""Students' attempts in the graph: stored once per id, checked against the curriculum.

Issue-level scope: what the demo's simulated students and later the attempt importers
write. Mastery estimates live beside them (``pw:Mastery``), written by the ML layer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rdflib import Literal

from graph import queries
from graph.errors import ConceptNotFound, InvalidInput, NotFound
from graph.ids import iri_of
from graph.model import Attempt
from graph.rdf_mapping import Triple, decimal_literal
from graph.repository import KnowledgeGraph
from graph.vocab import PW, RDF

__all__ = ["attempt_triples", "count_students", "record_attempts"]


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


def record_attempts(kg: KnowledgeGraph, attempts: Sequence[Attempt]) -> tuple[int, int]:
    """Store new attempts in one transaction; return ``(accepted, duplicates)``.

    An attempt whose id is already stored (or repeated in the batch) is a duplicate and
    is skipped, so replaying a log adds nothing.

    Raises:
        InvalidInput: a score outside [0, 1], or an attempt naming no material or concept.
        NotFound: a material or concept that does not exist. Nothing is written.
    """
    for a in attempts:
        if not 0.0 <= a.score <= 1.0:
            raise InvalidInput(f"attempt {a.id}: score {a.score} is not in [0, 1]")
        if not a.material and not a.concepts:
            raise InvalidInput(f"attempt {a.id}: names neither a material nor a concept")
        if a.material and a.material not in kg.projection.material_ids:
            raise NotFound("material", a.material)
        for c in a.concepts:
            if not kg.projection.has_concept(c):
                raise ConceptNotFound(c)
    with kg.lock:
        stored = set(queries.describe_types(kg.store, [iri_of("attempt", a.id) for a in attempts]))
        fresh: dict[str, Attempt] = {}
        for a in attempts:
            if str(iri_of("attempt", a.id)) not in stored:
                fresh.setdefault(a.id, a)
        inserts = [t for a in fresh.values() for t in attempt_triples(a)]
        if inserts:
            kg.commit([], inserts, lambda: None)
        return len(fresh), len(attempts) - len(fresh)


def count_students(kg: KnowledgeGraph) -> int:
    """How many students the graph holds."""
    return len(queries.subjects_of_type(kg.store, PW.Student))
