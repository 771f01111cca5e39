"""What deleting concepts and materials takes along: one answer for ``deleteConcept`` and an import's prune.

An import that prunes (``graph.prune``) deletes what ``deleteConcept`` and
``deleteMaterial`` would, each item's along; two copies of the rule would drift, and a
pruned concept would leave behind what a deleted one does not (students' estimates,
a narrower concept's ``skos:broader``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from graph import queries
from graph.rdf_mapping import Triple
from graph.store import TripleStore

__all__ = ["Cascade", "cascade"]


@dataclass(frozen=True)
class Cascade:
    """The triples a deletion removes, and the students' estimates (their subjects) among them."""

    deletes: list[Triple]
    estimates: frozenset[Node]


def cascade(store: TripleStore, concepts: Sequence[URIRef], materials: Sequence[URIRef] = ()) -> Cascade:
    """Every triple deleting ``concepts`` and ``materials`` removes, each once.

    A concept takes every triple naming it (its own, its prerequisite edges both ways with
    their nodes, materials' links to it, narrower concepts' ``skos:broader``, attempts'
    ``pw:concept`` link: the attempts stay), the blank nodes under it, the CASE
    association records that name it, and students' mastery estimates of it, whole. A
    material takes every triple naming it (attempts keep all but their link to it) and
    the blank nodes under it.
    A few store round trips per 500 items, and one per concept for its CASE records.

    Examples:
        >>> from graph.store import open_store
        >>> from graph.ids import iri_of
        >>> from graph.vocab import PW
        >>> store = open_store("memory")
        >>> a, b = iri_of("concept", "a"), iri_of("concept", "b")
        >>> store.apply([], [(b, PW.requires, a)])
        >>> cascade(store, [a]).deletes == [(b, PW.requires, a)]
        True
    """
    found: list[Triple] = []
    estimates: list[Triple] = []
    for chunk in queries.in_chunks([*concepts, *materials]):
        found += queries.touching(store, chunk)
    for chunk in queries.in_chunks([*concepts, *materials]):  # a material's left them unreachable
        found += queries.blank_subtrees(store, chunk)
    for concept in concepts:
        found += queries.records_naming(store, concept)
    for chunk in queries.in_chunks(list(concepts)):
        estimates += queries.estimates_of(store, chunk)
    return Cascade(list(dict.fromkeys([*found, *estimates])), frozenset(s for s, _, _ in estimates))
