"""Domain objects to RDF triples: pure functions, no store.

The mapping follows the vocabulary of ARCHITECTURE.md: concepts are ``skos:Concept``,
curricula ``skos:ConceptScheme``, materials ``schema:LearningResource``, and a
prerequisite is a ``pw:requires`` triple, reified as a ``pw:Prerequisite`` node only when
it carries a strength or a provenance (most edges do not, and the 100k-concept import
should not pay for four triples per edge).

The way back has modules of its own: a subject's predicate -> objects map (``Props``)
read as a curriculum, concept or material in ``graph.rdf_props``, a whole RDF graph read
as a bundle in ``graph.rdf_bundle``, and what a description states in ``graph.rdf_stated``.
``Triple`` and ``Props``, the shapes every store and query share, stay here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

from rdflib import Graph, Literal
from rdflib.term import Node

from graph.bundle import CurriculumBundle
from graph.concept_texts import SHOWN_PREDICATES, written_texts
from graph.errors import InvalidInput
from graph.ids import edge_iri, iri_of
from graph.model import Concept, Curriculum, Material, Prerequisite, Translation
from graph.vocab import DCTERMS, PW, RDF, SDO, SKOS, XSD

__all__ = [
    "Triple",
    "Props",
    "bundle_triples",
    "concept_triples",
    "curriculum_triples",
    "decimal_literal",
    "graph_of",
    "material_triples",
    "minutes_to_duration",
    "own_languages_of",
    "parse_duration_minutes",
    "prerequisite_triples",
]

Triple = tuple[Node, Node, Node]

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?\Z")


def minutes_to_duration(minutes: int) -> Literal:
    """An ``xsd:duration`` literal for a whole number of minutes.

    Examples:
        >>> str(minutes_to_duration(90))
        'PT1H30M'
    """
    return Literal(f"PT{minutes}M", datatype=XSD.duration)


def parse_duration_minutes(text: str) -> int:
    """Whole minutes of an ISO 8601 duration such as ``PT1H30M`` (rounded up).

    Examples:
        >>> parse_duration_minutes("PT1H30M"), parse_duration_minutes("PT45S")
        (90, 1)
    """
    match = _DURATION.match(text.strip())
    if not match or text.strip() in ("P", "PT"):
        raise InvalidInput(f"not an ISO 8601 duration: {text!r}")
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    total = days * 1440 + hours * 60 + minutes + seconds / 60
    return max(1, int(-(-total // 1)))


def decimal_literal(value: float) -> Literal:
    """An ``xsd:decimal`` with a canonical lexical form, so parsed copies compare equal.

    The float's shortest exact decimal: six fixed places stored a strength of 1e-7 as 0,
    which the validator then refused on the way back in.

    Examples:
        >>> str(decimal_literal(0.5)), str(decimal_literal(1.0)), str(decimal_literal(1e-7))
        ('0.5', '1', '0.0000001')
        >>> str(decimal_literal(1 / 3))
        '0.3333333333333333'
    """
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Literal(text or "0", datatype=XSD.decimal)


def curriculum_triples(curriculum: Curriculum) -> Iterator[Triple]:
    """Triples of one curriculum (a ``skos:ConceptScheme``)."""
    s = iri_of("curriculum", curriculum.id)
    yield s, RDF.type, SKOS.ConceptScheme
    yield s, DCTERMS.title, Literal(curriculum.title)
    if curriculum.description:
        yield s, DCTERMS.description, Literal(curriculum.description)


def concept_triples(
    concept: Concept,
    translations: Iterable[Translation] = (),
    own: Mapping[str, str] | None = None,
    *,
    texts: bool = True,
) -> Iterator[Triple]:
    """Triples of one concept with its translations, without its prerequisite edges.

    ``own`` names the language of its own label or definition where it has one
    (``graph.concept_texts.written_texts``); without ``texts`` its labels and definitions
    are left out (for a write that works them out against what is stored).
    """
    s = iri_of("concept", concept.id)
    yield s, RDF.type, SKOS.Concept
    if texts:
        for p, o in sorted(written_texts(concept, translations, own=own), key=lambda t: (t[0], t[1].n3())):
            yield s, p, o
    for broader in concept.broader:
        yield s, SKOS.broader, iri_of("concept", broader)
    if concept.curriculum:
        yield s, SKOS.inScheme, iri_of("curriculum", concept.curriculum)


def prerequisite_triples(edge: Prerequisite) -> Iterator[Triple]:
    """Triples of one edge: ``pw:requires``, plus a reified node when it has metadata."""
    c, p = iri_of("concept", edge.concept), iri_of("concept", edge.prerequisite)
    yield c, PW.requires, p
    if edge.strength != 1.0 or edge.provenance:
        e = edge_iri(edge.concept, edge.prerequisite)
        yield e, RDF.type, PW.Prerequisite
        yield e, PW.prerequisiteOf, c
        yield e, PW.prerequisite, p
        if edge.strength != 1.0:
            yield e, PW.strength, decimal_literal(edge.strength)
        if edge.provenance:
            yield e, PW.provenance, Literal(edge.provenance)


_TERM_FIELDS = {
    SDO.accessMode: "access_modes",
    SDO.accessibilityFeature: "accessibility_features",
    SDO.accessibilityHazard: "accessibility_hazards",
}


def material_triples(material: Material) -> Iterator[Triple]:
    """Triples of one material with its links to the concepts it teaches and assesses."""
    s = iri_of("material", material.id)
    yield s, RDF.type, SDO.LearningResource
    yield s, SDO.name, Literal(material.title)
    yield s, SDO.learningResourceType, Literal(material.type.value)
    yield s, PW.difficulty, Literal(int(material.difficulty))
    yield s, SDO.timeRequired, minutes_to_duration(material.minutes)
    if material.text:
        yield s, SDO.text, Literal(material.text)
    if material.url:
        yield s, SDO.url, Literal(material.url, datatype=XSD.anyURI)
    for c in material.teaches:
        yield s, SDO.teaches, iri_of("concept", c)
    for c in material.assesses:
        yield s, SDO.assesses, iri_of("concept", c)
    if material.language:
        yield s, SDO.inLanguage, Literal(material.language)
    for p, name in _TERM_FIELDS.items():
        for term in getattr(material, name):
            yield s, p, Literal(term)
    for modes in material.access_mode_sufficient:  # one set a literal, comma-joined, as EPUB's package metadata does
        yield s, SDO.accessModeSufficient, Literal(modes)
    if material.accessibility_summary:
        yield s, SDO.accessibilitySummary, Literal(material.accessibility_summary)
    for activity in material.activity_ids:
        yield s, PW.activityId, Literal(activity, datatype=XSD.anyURI)


def own_languages_of(bundle: CurriculumBundle, concept: str) -> dict[str, str]:
    """The languages the bundle says a concept's own label and definition are in, by field."""
    found = ((field, bundle.own_languages.get((concept, field))) for field in SHOWN_PREDICATES.values())
    return {field: language for field, language in found if language}


def bundle_triples(bundle: CurriculumBundle, *, concept_texts: bool = True) -> Iterator[Triple]:
    """Every triple of a bundle, its ``extra`` triples included.

    Without ``concept_texts`` the concepts' labels, definitions and translations are left
    out: a write that replaces stored concepts works them out against the store.
    """
    for cur in bundle.curricula:
        yield from curriculum_triples(cur)
    for concept in bundle.concepts:
        found = bundle.translations.get(concept.id, ())
        yield from concept_triples(concept, found, own_languages_of(bundle, concept.id), texts=concept_texts)
    for edge in bundle.prerequisites:
        yield from prerequisite_triples(edge)
    for material in bundle.materials:
        yield from material_triples(material)
    if bundle.extra is not None:
        yield from bundle.extra


Props = dict[Node, list[Node]]


def graph_of(triples: Iterable[Triple]) -> Graph:
    """An in-memory graph holding ``triples`` (for serialising and comparing)."""
    g = Graph()
    for t in triples:
        g.add(t)
    return g
