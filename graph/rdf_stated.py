"""What an RDF description states of an item: the fields its predicates give.

RDF is open-world: a description without a hazard says nothing about one, and a stored
item it replaces keeps its own. ``graph.rdf_bundle`` records each item's fields left
unstated (``CurriculumBundle.unstated_items``) by these rules, which a replace then reads
(``graph.unstated``); they are a table of their own, apart from reading the values.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.rdf_mapping import Props
from graph.rdf_props import class_type
from graph.unstated import PREREQUISITES
from graph.vocab import DCTERMS, PW, SDO, SKOS

__all__ = ["FIELDS", "stated_fields"]


def _any(o: Node) -> bool:
    return not isinstance(o, BNode)


def _literal(o: Node) -> bool:
    return isinstance(o, Literal)


def _iri(o: Node) -> bool:
    return isinstance(o, URIRef)


FIELDS: dict[str, dict[str, tuple[URIRef, Callable[[Node], bool]]]] = {
    "curriculum": {"title": (DCTERMS.title, _any), "description": (DCTERMS.description, _any)},
    "concept": {
        "label": (SKOS.prefLabel, _any),
        "definition": (SKOS.definition, _any),
        "alt_labels": (SKOS.altLabel, _any),
        "broader": (SKOS.broader, _iri),
        "curriculum": (SKOS.inScheme, _iri),
        PREREQUISITES: (PW.requires, _iri),
    },
    "prerequisite": {"strength": (PW.strength, _any), "provenance": (PW.provenance, _any)},
    "material": {
        "title": (SDO.name, _any),
        "type": (SDO.learningResourceType, _literal),
        "difficulty": (PW.difficulty, _any),
        "minutes": (SDO.timeRequired, _any),
        "text": (SDO.text, _any),
        "url": (SDO.url, _any),
        "teaches": (SDO.teaches, _iri),
        "assesses": (SDO.assesses, _iri),
        "language": (SDO.inLanguage, _literal),
        "access_modes": (SDO.accessMode, _literal),
        "access_mode_sufficient": (SDO.accessModeSufficient, _literal),
        "accessibility_features": (SDO.accessibilityFeature, _literal),
        "accessibility_hazards": (SDO.accessibilityHazard, _literal),
        "accessibility_summary": (SDO.accessibilitySummary, _any),
        "activity_ids": (PW.activityId, _any),
    },
}
"""Each kind's fields, by the predicate that states one and the values of it the model reads.

A concept's ``PREREQUISITES`` are its edges: one with no ``pw:requires`` keeps the stored ones.

A value the model cannot read (a ``schema:Language`` node as ``inLanguage``, a literal as
``teaches``) states nothing: the stored value stays rather than being cleared by it.
"""


def stated_fields(kind: str, props: Props) -> frozenset[str]:
    """The fields of a ``kind`` of item that a subject's description states (``FIELDS``).

    A material's ``type`` is stated by its ``learningResourceType`` or by a class that says
    one (``MATERIAL_CLASSES``); ``schema:LearningResource`` alone says none.

    Examples:
        >>> from rdflib import Literal
        >>> from graph.vocab import RDF
        >>> sorted(stated_fields("material", {SDO.name: [Literal("Strobe")], SDO.accessibilityHazard: []}))
        ['title']
        >>> sorted(stated_fields("material", {RDF.type: [SDO.VideoObject]}))
        ['type']
    """
    found = {name for name, (p, reads) in FIELDS[kind].items() if any(reads(o) for o in props.get(p, ()))}
    if kind == "material" and class_type(props):
        found.add("type")
    return frozenset(found)
