"""The SPARQL the repository sends, and the reading of its rows.

Kept apart so every round trip the repository makes is visible in one place: each
function here is exactly one ``select`` on the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from rdflib import URIRef

from graph.rdf_mapping import Props, Triple
from graph.store import MemoryStore, TripleStore, select_text
from graph.vocab import DCTERMS, GRAPH_IRI, PW, RDF, SDO, SKOS

__all__ = [
    "ACCESS_PREDICATES",
    "STUDENT_DATA_CLASSES",
    "concepts_in_curriculum",
    "narrower_concepts",
    "describe",
    "describe_types",
    "blank_subtrees",
    "estimates_of",
    "tagged_texts",
    "typed_among",
    "typed_as",
    "graph_triples",
    "in_chunks",
    "other_labels",
    "records_naming",
    "projection_rows",
    "revision",
    "schemes_of",
    "subjects_of_type",
    "touching",
]

# Subjects of these types are personal data: never part of a curriculum export.
STUDENT_DATA_CLASSES = (PW.Student, PW.Cohort, PW.Attempt, PW.VoidedAttempt, PW.Mastery)


T = TypeVar("T")

VALUES_CHUNK = 500  # keys per VALUES block: Oxigraph's join slows superlinearly past about a thousand


def in_chunks(keys: Sequence[T], size: int = VALUES_CHUNK) -> Iterator[Sequence[T]]:
    """``keys`` in consecutive slices of at most ``size``, for one query each.

    Examples:
        >>> [list(c) for c in in_chunks("abcde", 2)]
        [['a', 'b'], ['c', 'd'], ['e']]
    """
    for first in range(0, len(keys), size):
        yield keys[first : first + size]


def _values(iris: Iterable[URIRef]) -> str:
    return " ".join(i.n3() for i in iris)


def revision(store: TripleStore) -> int:
    """The newest committed revision of the graph (0 for an empty store)."""
    rows = store.select(f"SELECT (MAX(?r) AS ?m) WHERE {{ {GRAPH_IRI.n3()} {PW.revision.n3()} ?r }}")
    value = rows[0][0] if rows else None
    return int(str(value)) if value is not None else 0


def describe(store: TripleStore, iris: Sequence[URIRef]) -> dict[str, Props]:
    """Every predicate and object of each subject, in one round trip."""
    out: dict[str, Props] = {}
    if not iris:
        return out
    if isinstance(store, MemoryStore):  # rdflib's SPARQL parser is slow on a long VALUES
        rows = store.subject_rows(iris)
    else:
        rows = store.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {_values(iris)} }} ?s ?p ?o }}")
    for s, p, o in rows:
        if s is None or p is None or o is None:
            continue
        out.setdefault(str(s), defaultdict(list))[p].append(o)
    return out


BLANK_DEPTH = 3
"""How deep ``blank_subtrees`` reads blank nodes under a subject (``[ foaf:name ; foaf:mbox [ ... ] ]`` is 2)."""


def blank_subtrees(store: TripleStore, iris: Sequence[URIRef]) -> list[Triple]:
    """The triples of the blank nodes under ``iris`` (to ``BLANK_DEPTH`` levels): what deleting them must remove too.

    A replaced concept lost its ``dcterms:creator _:b`` but kept ``_:b foaf:name "Ann"``,
    unreachable, one more copy with every re-import.
    """
    if not iris:
        return []
    values = _values(iris)
    found: list[Triple] = []
    path = "?top ?q0 ?b0 . FILTER(isBlank(?b0))"  # from a subject down to a blank node of this level
    for level in range(BLANK_DEPTH):
        rows = store.select(
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?top {{ {values} }} {path} "
            f"?b{level} ?p ?o . BIND(?b{level} AS ?s) }}"
        )
        found += [(s, p, o) for s, p, o in rows if s is not None and p is not None and o is not None]
        path += f" ?b{level} ?q{level + 1} ?b{level + 1} . FILTER(isBlank(?b{level + 1}))"
    return list(dict.fromkeys(found))


def touching(store: TripleStore, iris: Sequence[URIRef]) -> list[Triple]:
    """Every triple with one of ``iris`` as subject or object, and the triples of the
    reified prerequisite edges that name them: what deleting them must remove."""
    if not iris:
        return []
    values = _values(iris)
    rows = store.select(
        f"""SELECT DISTINCT ?s ?p ?o WHERE {{
          VALUES ?x {{ {values} }}
          {{ ?x ?p ?o . BIND(?x AS ?s) }}
          UNION {{ ?s ?p ?x . BIND(?x AS ?o) }}
          UNION {{ ?s a {PW.Prerequisite.n3()} ; ?q ?x . ?s ?p ?o }}
        }}"""
    )
    return [(s, p, o) for s, p, o in rows if s is not None and p is not None and o is not None]


def records_naming(store: TripleStore, iri: URIRef) -> list[Triple]:
    """The association records (``pw:caseAssociation``) on any node that name ``iri`` by its
    ``dcterms:identifier``: an association to a deleted concept no longer holds, and an
    export would name an item the package lacks."""
    rows = store.select(
        f"""SELECT DISTINCT ?s ?record WHERE {{
          {iri.n3()} {DCTERMS.identifier.n3()} ?identifier .
          ?s {PW.caseAssociation.n3()} ?record .
          FILTER(CONTAINS(LCASE(STR(?record)), LCASE(CONCAT("\\"", STR(?identifier), "\\""))))
        }}"""
    )
    return [(s, PW.caseAssociation, record) for s, record in rows if s is not None and record is not None]


def estimates_of(store: TripleStore, concepts: Sequence[URIRef]) -> list[Triple]:
    """Every triple of the students' mastery estimates (``pw:Mastery``) of ``concepts``."""
    if not concepts:
        return []
    rows = store.select(
        f"""SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?c {{ {_values(concepts)} }}
          ?s a {PW.Mastery.n3()} ; {PW.concept.n3()} ?c . ?s ?p ?o }}"""
    )
    return [(s, p, o) for s, p, o in rows if s is not None and p is not None and o is not None]


def subjects_of_type(store: TripleStore, cls: URIRef) -> list[str]:
    """IRIs of every subject of type ``cls``."""
    return [str(r[0]) for r in store.select(f"SELECT ?s WHERE {{ ?s a {cls.n3()} }}") if r[0] is not None]


ACCESS_PREDICATES = (
    SDO.inLanguage,
    SDO.accessMode,
    SDO.accessModeSufficient,
    SDO.accessibilityFeature,
    SDO.accessibilityHazard,
)
"""A material's accessibility properties that the projection holds (``graph.access_needs.AccessFacts``)."""


def projection_rows(store: TripleStore) -> dict[str, list[tuple[str | None, ...]]]:
    """What the projection is built from, in seven round trips, as text (IRIs, lexical forms).

    Text, not rdflib terms: building terms was most of a start over 20,000 concepts.
    """
    return {
        "concepts": select_text(
            store,
            f"""SELECT ?c ?l (LANG(?l) AS ?lang) WHERE {{ ?c a {SKOS.Concept.n3()}
              OPTIONAL {{ ?c {SKOS.prefLabel.n3()} ?l }} }}""",
        ),
        "edges": select_text(
            store,
            f"""SELECT ?c ?p ?w ?v WHERE {{ ?c {PW.requires.n3()} ?p
              OPTIONAL {{ ?e {PW.prerequisiteOf.n3()} ?c ; {PW.prerequisite.n3()} ?p .
                OPTIONAL {{ ?e {PW.strength.n3()} ?w }} OPTIONAL {{ ?e {PW.provenance.n3()} ?v }} }} }}""",
        ),
        "materials": select_text(
            store,
            f"""SELECT ?m ?t ?d ?r WHERE {{ ?m a {SDO.LearningResource.n3()}
              OPTIONAL {{ ?m {SDO.learningResourceType.n3()} ?t }}
              OPTIONAL {{ ?m {PW.difficulty.n3()} ?d }}
              OPTIONAL {{ ?m {SDO.timeRequired.n3()} ?r }} }}""",
        ),
        "links": select_text(
            store, f"""SELECT ?m ?r ?c WHERE {{ ?m ?r ?c VALUES ?r {{ {SDO.teaches.n3()} {SDO.assesses.n3()} }} }}"""
        ),
        "access": select_text(
            store,
            f"""SELECT ?m ?p ?o WHERE {{ ?m a {SDO.LearningResource.n3()} ; ?p ?o
              VALUES ?p {{ {" ".join(p.n3() for p in ACCESS_PREDICATES)} }} FILTER(isLiteral(?o)) }}""",
        ),
        "curricula": select_text(store, f"SELECT ?s WHERE {{ ?s a {SKOS.ConceptScheme.n3()} }}"),
        "activities": select_text(
            store, f"SELECT ?m ?a WHERE {{ ?m a {SDO.LearningResource.n3()} ; {PW.activityId.n3()} ?a }}"
        ),
    }


def graph_triples(store: TripleStore, subjects: Sequence[URIRef] | None = None) -> list[Triple]:
    """The curriculum part of the graph: everything but student data and revisions.

    With ``subjects``, only the triples of those subjects. On Oxigraph the student data
    is taken out with ``MINUS`` (its subjects gathered once, every triple checked against
    them), not ``FILTER NOT EXISTS`` (a lookup per triple): 2.8 s against 15.9 s for a
    store holding 544k attempts, the same triples. rdflib's own engine (the memory store)
    compares every row with every ``MINUS`` row, so there it keeps the lookup.
    """
    if subjects is not None:
        if not subjects:
            return []
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {_values(subjects)} }} ?s ?p ?o }}"
    else:
        excluded = " ".join(c.n3() for c in STUDENT_DATA_CLASSES)
        student_data = f"?s {RDF.type.n3()} ?t . VALUES ?t {{ {excluded} }}"
        if isinstance(store, MemoryStore):
            query = f"""SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(?s != {GRAPH_IRI.n3()})
              FILTER NOT EXISTS {{ {student_data} }} }}"""
        else:
            query = f"""SELECT ?s ?p ?o WHERE {{ {{ ?s ?p ?o FILTER(?s != {GRAPH_IRI.n3()}) }}
              MINUS {{ {student_data} }} }}"""
    return [(s, p, o) for s, p, o in store.select(query) if s is not None and p is not None and o is not None]


def concepts_in_curriculum(store: TripleStore, curriculum: URIRef) -> list[str]:
    """IRIs of the concepts in one curriculum."""
    rows = store.select(f"SELECT ?c WHERE {{ ?c {SKOS.inScheme.n3()} {curriculum.n3()} }}")
    return [str(r[0]) for r in rows if r[0] is not None]


def schemes_of(store: TripleStore, concepts: Sequence[URIRef]) -> dict[str, set[str]]:
    """The curricula (``skos:inScheme``) of each of ``concepts`` that is in one, as IRIs."""
    if not concepts:
        return {}
    rows = select_text(
        store, f"SELECT ?c ?s WHERE {{ VALUES ?c {{ {_values(concepts)} }} ?c {SKOS.inScheme.n3()} ?s }}"
    )
    found: dict[str, set[str]] = defaultdict(set)
    for c, s in rows:
        if c is not None and s is not None:
            found[c].add(s)
    return dict(found)


def narrower_concepts(store: TripleStore, iris: Sequence[URIRef]) -> dict[str, list[str]]:
    """Each of ``iris``' narrower concepts, however deep (``skos:broader`` followed down), as IRIs."""
    if not iris:
        return {}
    rows = select_text(
        store,
        f"SELECT DISTINCT ?t ?n WHERE {{ VALUES ?t {{ {_values(iris)} }} ?n {SKOS.broader.n3()}+ ?t }}",
    )
    found: dict[str, list[str]] = defaultdict(list)
    for t, n in rows:
        if t is not None and n is not None and n != t:
            found[t].append(n)
    return {t: sorted(ns) for t, ns in found.items()}


def typed_as(store: TripleStore, iris: Sequence[URIRef], kind: URIRef) -> set[str]:
    """Which of ``iris`` have the type ``kind`` in the store."""
    if not iris:
        return set()
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {_values(iris)} }} ?s a {kind.n3()} }}")
    return {str(r[0]) for r in rows if r[0] is not None}


def other_labels(store: TripleStore) -> list[tuple[str, str]]:
    """Every (concept IRI, label) besides the shown ones: alternative labels, and labels in other languages."""
    rows = select_text(
        store,
        f"""SELECT ?c ?l WHERE {{ {{ ?c {SKOS.altLabel.n3()} ?l }}
          UNION {{ ?c {SKOS.prefLabel.n3()} ?l FILTER(LANG(?l) != "") }} }}""",
    )
    return [(c, label) for c, label in rows if c is not None and label is not None]


def tagged_texts(store: TripleStore, iris: Sequence[URIRef]) -> dict[str, list[tuple[str, str, str]]]:
    """Each subject's language-tagged labels, definitions and alternative labels as (predicate IRI, language, text).

    500 subjects a round trip.
    """
    out: dict[str, list[tuple[str, str, str]]] = {}
    for chunk in in_chunks(list(iris), 500):
        rows = select_text(
            store,
            f"""SELECT ?s ?p (LANG(?o) AS ?lang) ?o WHERE {{ VALUES ?s {{ {_values(chunk)} }}
              VALUES ?p {{ {SKOS.prefLabel.n3()} {SKOS.definition.n3()} {SKOS.altLabel.n3()} }}
              ?s ?p ?o FILTER(LANG(?o) != "") }}""",
        )
        for s, p, lang, o in rows:
            if s is not None and p is not None and lang and o is not None:
                out.setdefault(s, []).append((p, lang, o))
    return out


def typed_among(store: TripleStore, iris: Sequence[URIRef], kinds: Sequence[URIRef]) -> set[str]:
    """Which of ``iris`` have one of the types ``kinds`` in the store (in chunks of 500)."""
    found: set[str] = set()
    for chunk in in_chunks(list(iris), 500):
        rows = store.select(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {_values(chunk)} }} VALUES ?t {{ {_values(kinds)} }} ?s a ?t }}"
        )
        found |= {str(r[0]) for r in rows if r[0] is not None}
    return found


def describe_types(store: TripleStore, iris: Sequence[URIRef]) -> list[str]:
    """Which of ``iris`` exist (have a type) in the store."""
    if not iris:
        return []
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {_values(iris)} }} ?s a ?t }}")
    return [str(r[0]) for r in rows if r[0] is not None]
