"""A student's data as a whole: export it (an access request) or forget it (erasure).

What belongs to a student in the graph: every triple whose subject or object is the
student (their ``pw:Student`` type, ``pw:memberOf`` cohort links, anything else said
about them), and every triple whose subject or object is a node that names them with
``pw:student`` (their attempts, ``pw:Attempt``, and mastery estimates, ``pw:Mastery``,
whatever those carry). ``student_triples`` reads exactly that set in one round trip;
``export_student`` returns it, and ``forget_student`` deletes it in one transaction.

The graph's per-process caches follow the delete through ``KnowledgeGraph.listeners``
(``graph.student_data`` drops the student, ``graph.estimate_table`` their row,
``graph.attempt_table`` their attempts and key); what
lives outside the graph (the mastery model's online state, question answering) is the
caller's to purge (``resolvers.forgetting.forget``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from graph.attempts import attempts_of
from graph.errors import NotFound
from graph.ids import id_of, iri_of
from graph.mastery import read_estimates
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph
from graph.vocab import PW, RDF

__all__ = ["Forgotten", "export_student", "forget_student", "student_triples"]


@dataclass(frozen=True)
class Forgotten:
    """What forgetting a student deleted.

    ``earlier``: an earlier call forgot them (a retry whose first answer was lost, or the
    student named twice), so this one deleted nothing and ``at`` is that call's time.
    """

    student: str
    attempts: int
    estimates: int
    memberships: int
    triples: int
    at: datetime | None = None  # when the delete committed (None: not known, as from forget_student alone)
    earlier: bool = False
    purged: bool | None = None  # the store's files rewritten without it (None: not an embedded store)


def student_triples(kg: KnowledgeGraph, student: str) -> list[Triple]:
    """Every stored triple of the student's (see the module docstring), in one round trip.

    Examples:
        >>> from datetime import UTC, datetime
        >>> from graph.attempts import record_attempts
        >>> from graph.model import Attempt, Concept
        >>> from graph.bundle import CurriculumBundle
        >>> from graph.store import open_store
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> _ = kg.import_bundle(CurriculumBundle(concepts=(Concept("a", "A"),)))
        >>> _ = record_attempts(kg, [Attempt("x1", "s1", datetime(2024, 1, 1, tzinfo=UTC), 1.0, concepts=("a",))])
        >>> sorted(str(p).rsplit("#", 1)[-1] for _, p, _ in student_triples(kg, "s1"))
        ['concept', 'score', 'student', 'timestamp', 'type', 'type']
    """
    node = iri_of("student", student).n3()
    rows = kg.store.select(
        f"""SELECT DISTINCT ?s ?p ?o WHERE {{
          {{ {node} ?p ?o . BIND({node} AS ?s) }}
          UNION {{ ?s ?p {node} . BIND({node} AS ?o) }}
          UNION {{ ?n {PW.student.n3()} {node} . ?n ?p ?o . BIND(?n AS ?s) }}
          UNION {{ ?n {PW.student.n3()} {node} . ?s ?p ?n . BIND(?n AS ?o) }}
        }}"""
    )
    return [(s, p, o) for s, p, o in rows if s is not None and p is not None and o is not None]


def _counts(student: str, triples: list[Triple]) -> Forgotten:
    types = Counter(o for _, p, o in triples if p == RDF.type)
    memberships = sum(1 for s, p, _ in triples if p == PW.memberOf and s == iri_of("student", student))
    return Forgotten(student, types[PW.Attempt], types[PW.Mastery], memberships, len(triples))


def forget_student(kg: KnowledgeGraph, student: str) -> Forgotten:
    """Delete every triple of the student's in one transaction (see the module docstring).

    Raises:
        NotFound: the graph holds nothing about ``student``.

    Examples:
        >>> from graph.store import open_store
        >>> from graph.cohorts import create_cohort, enrol_students
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> _ = create_cohort(kg, "7b")
        >>> _ = enrol_students(kg, "7b", ["s1"])
        >>> forget_student(kg, "s1")
        Forgotten(student='s1', attempts=0, estimates=0, memberships=1, triples=2, at=None, earlier=False, purged=None)
        >>> student_triples(kg, "s1")
        []
    """
    with kg.lock:
        triples = student_triples(kg, student)
        if not triples:
            raise NotFound("student", student, field="id")
        kg.commit(triples, [], lambda: None)
    return _counts(student, triples)


def _term(node: Node) -> str:
    """An object as N-Triples writes it: ``<iri>`` or a literal with its datatype (``"1"^^<...#decimal>``).

    Objects were plain values: a score of 1 read as the string "1", an IRI could not be
    told from a string, and a datatype was lost.
    """
    return str(node.n3())


def export_student(kg: KnowledgeGraph, student: str, *, themself: bool = False) -> dict[str, Any]:
    """Everything stored about the student, as JSON-ready data (an access request).

    ``attempts``, ``mastery`` and ``cohorts`` are the records read as Pathwise reads them;
    ``statements`` is every stored triple of the student's as it is (subject and
    predicate IRIs, the object in N-Triples form), so nothing stored is left out, whatever
    wrote it. ``themself``: the student asks for their own record, so nothing stored is an
    empty record (a new account's "download my data" was told the student did not exist,
    while their own ``student`` query answered them).

    Raises:
        NotFound: the graph holds nothing about ``student`` (and ``themself`` is false).

    Examples:
        >>> from graph.store import open_store
        >>> from graph.cohorts import create_cohort, enrol_students
        >>> kg = KnowledgeGraph(open_store("memory"))
        >>> _ = create_cohort(kg, "7b")
        >>> _ = enrol_students(kg, "7b", ["s1"])
        >>> data = export_student(kg, "s1")
        >>> data["student"], data["cohorts"], data["attempts"], len(data["statements"])
        ('s1', ['7b'], [], 2)
        >>> empty = export_student(kg, "s2", themself=True)
        >>> empty["cohorts"], empty["attempts"], empty["mastery"], empty["statements"]
        ([], [], [], [])
    """
    triples = student_triples(kg, student)
    if not triples and not themself:
        raise NotFound("student", student, field="id")
    me = iri_of("student", student)
    attempts = attempts_of(kg, [student])[student]
    estimates = read_estimates(kg.store, [student])[student]
    return {
        "student": student,
        "exportedAt": datetime.now(UTC).isoformat(),
        "cohorts": sorted(id_of(str(o)) for s, p, o in triples if s == me and p == PW.memberOf),
        "attempts": [
            {
                "id": a.id,
                "timestamp": a.timestamp.isoformat(),
                "score": a.score,
                "correct": a.correct,
                "material": a.material,
                "concepts": list(a.concepts),
                "source": a.source,
            }
            for a in attempts
        ],
        "mastery": [
            {
                "concept": e.concept,
                "probability": e.probability,
                "modelVersion": e.model_version,
                "updatedAt": e.updated_at.isoformat(),
            }
            for e in estimates
        ],
        "statements": sorted(
            ([str(s), str(p), _term(o)] for s, p, o in triples if isinstance(s, URIRef)),
            key=lambda t: (t[0], t[1], str(t[2])),
        ),
    }
