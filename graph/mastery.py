"""Mastery estimates in the graph (``pw:Mastery``): one node per student and concept.

The latest estimate replaces the previous one in the same transaction as the attempts
that moved it, so the graph never holds attempts without their effect.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from rdflib import BNode, Literal, URIRef

from graph import queries
from graph.ids import hashed_iri, id_of, iri_of
from graph.model import MasteryEstimate
from graph.rdf_mapping import Triple
from graph.store import TripleStore, select_text
from graph.vocab import PW, RDF, XSD

__all__ = [
    "estimate_triples",
    "mastery_iri",
    "read_estimates",
    "stale_students",
    "stored_probabilities",
    "stored_estimate_triples",
]


def mastery_iri(student: str, concept: str) -> URIRef:
    """The stable IRI of a student's estimate for a concept.

    Examples:
        >>> mastery_iri("s1", "slope") == mastery_iri("s1", "slope") != mastery_iri("s1", "x")
        True
    """
    return hashed_iri("mastery", iri_of("student", student), iri_of("concept", concept), length=24)


def estimate_triples(estimate: MasteryEstimate) -> Iterator[Triple]:
    """The triples of one estimate."""
    s = mastery_iri(estimate.student, estimate.concept)
    yield s, RDF.type, PW.Mastery
    yield s, PW.student, iri_of("student", estimate.student)
    yield s, PW.concept, iri_of("concept", estimate.concept)
    yield s, PW.probability, Literal(round(float(estimate.probability), 6))
    yield s, PW.modelVersion, Literal(estimate.model_version)
    yield s, PW.updatedAt, Literal(estimate.updated_at)


def stored_estimate_triples(store: TripleStore, keys: Sequence[tuple[str, str]]) -> list[Triple]:
    """The stored triples of the estimates for these (student, concept) pairs.

    Read as text and built again (``_term``): an attempt can rewrite dozens of a
    student's estimates, and building rdflib terms from the store's was most of that.
    """
    iris = [mastery_iri(s, c) for s, c in dict.fromkeys(keys)]
    out: list[Triple] = []
    for chunk in queries.in_chunks(iris):
        rows = select_text(
            store,
            f"""SELECT ?m ?p ?o (DATATYPE(?o) AS ?type) (LANG(?o) AS ?lang) (isIRI(?o) AS ?iri)
              WHERE {{ VALUES ?m {{ {" ".join(i.n3() for i in chunk)} }} ?m ?p ?o }}""",
        )
        for m, p, o, datatype, lang, is_iri in rows:
            if m is not None and p is not None and o is not None:
                out.append((URIRef(m), URIRef(p), _term(o, datatype, lang, is_iri)))
    return out


def _term(text: str, datatype: str | None, lang: str | None, is_iri: str | None) -> URIRef | BNode | Literal:
    """An object read as text, as the term it was."""
    if is_iri in ("true", "1"):
        return URIRef(text)
    if datatype is None:
        return BNode(text)
    if lang:
        return Literal(text, lang=lang)
    return Literal(text, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


def stored_probabilities(store: TripleStore, students: Sequence[str]) -> dict[str, dict[str, float]]:
    """Each student's stored probability per concept (one round trip per 500 students)."""
    out: dict[str, dict[str, float]] = {s: {} for s in students}
    for chunk in queries.in_chunks(list(dict.fromkeys(students))):
        values = " ".join(iri_of("student", s).n3() for s in chunk)
        rows = select_text(
            store,
            f"""SELECT ?s ?c ?p WHERE {{ VALUES ?s {{ {values} }}
              ?m {PW.student.n3()} ?s ; a {PW.Mastery.n3()} ; {PW.concept.n3()} ?c ; {PW.probability.n3()} ?p }}""",
        )
        for student, concept, probability in rows:
            if student is not None and concept is not None and probability is not None:
                out.setdefault(id_of(student), {})[id_of(concept)] = float(probability)
    return out


def read_estimates(store: TripleStore, students: Sequence[str]) -> dict[str, list[MasteryEstimate]]:
    """Every stored estimate of each student (one round trip per 500 students)."""
    out: dict[str, list[MasteryEstimate]] = {s: [] for s in students}
    rows = []
    for chunk in queries.in_chunks(list(dict.fromkeys(students))):
        values = " ".join(iri_of("student", s).n3() for s in chunk)
        rows += store.select(
            f"""SELECT ?s ?c ?p ?v ?t WHERE {{ VALUES ?s {{ {values} }}
              ?m a {PW.Mastery.n3()} ; {PW.student.n3()} ?s ; {PW.concept.n3()} ?c ;
                 {PW.probability.n3()} ?p ; {PW.modelVersion.n3()} ?v ; {PW.updatedAt.n3()} ?t }}"""
        )
    for s, c, p, v, t in rows:
        when = t.toPython() if isinstance(t, Literal) else None
        student = id_of(str(s))
        out.setdefault(student, []).append(
            MasteryEstimate(
                student,
                id_of(str(c)),
                float(str(p)),
                str(v),
                when if isinstance(when, datetime) else datetime.fromisoformat(str(t)),
            )
        )
    for estimates in out.values():
        estimates.sort(key=lambda e: e.concept)
    return out


def stale_students(store: TripleStore, version: str) -> list[str]:
    """Students with a stored estimate made by another model version than ``version``."""
    rows = store.select(
        f"""SELECT DISTINCT ?s WHERE {{ ?m a {PW.Mastery.n3()} ; {PW.student.n3()} ?s ; {PW.modelVersion.n3()} ?v
            FILTER(STR(?v) != {Literal(version).n3()}) }}"""
    )
    return sorted(id_of(str(row[0])) for row in rows if row[0] is not None)
