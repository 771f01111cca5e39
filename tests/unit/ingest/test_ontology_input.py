"""An OWL ontology (Protégé's Turtle) imported as a curriculum: refused, not "0 concepts" imported.

Its topics are classes, so none was read as a concept; the import stored its triples as
unmodelled ones and answered "imported: 0 concepts", a success with nothing to see.
"""

from __future__ import annotations

import pytest

from graph.errors import InvalidInput
from graph.repository import KnowledgeGraph
from ingest.formats import read_text

PREFIXES = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/algebra#> .
"""
ONTOLOGY = (
    PREFIXES
    + """<http://example.org/algebra> a owl:Ontology .
ex:Algebra a owl:Class ; rdfs:label "Algebra" .
ex:Fractions a owl:Class ; rdfs:label "Fractions" ; rdfs:subClassOf ex:Algebra .
ex:Ratios a owl:Class ; rdfs:subClassOf ex:Fractions .
ex:Rates a rdfs:Class ; rdfs:subClassOf ex:Ratios .
"""
)


def test_an_ontology_of_classes_alone_is_refused_saying_what_to_write(kg: KnowledgeGraph) -> None:
    revision, stored = kg.revision, len(kg.export_graph())
    with pytest.raises(InvalidInput) as refused:
        kg.import_bundle(read_text(ONTOLOGY, "turtle"))
    [problem] = refused.value.problems
    assert problem.startswith(
        "the document holds no skos:Concept, only 4 classes (owl:Class or rdfs:Class: "
        "http://example.org/algebra#Algebra, http://example.org/algebra#Fractions, http://example.org/algebra#Rates "
        "and 1 more): Pathwise reads concepts as skos:Concept"
    )
    assert "rdfs:subClassOf is no prerequisite" in problem
    assert (kg.revision, len(kg.export_graph())) == (revision, stored)  # nothing written


def test_classes_beside_concepts_are_kept_with_a_warning(kg: KnowledgeGraph) -> None:
    text = PREFIXES + 'ex:Algebra a owl:Class .\nex:slope a skos:Concept ; skos:prefLabel "Slope" .\n'
    report = kg.import_bundle(read_text(text, "turtle"))
    assert report.counts["concepts"] == 1
    assert report.warnings == [
        "1 class (owl:Class or rdfs:Class: http://example.org/algebra#Algebra) is not read as a concept: kept as "
        "triples; Pathwise reads concepts as skos:Concept, so type each topic skos:Concept (and write its "
        "prerequisites as pw:requires: rdfs:subClassOf is no prerequisite)"
    ]


def test_a_skos_document_says_nothing_of_classes() -> None:
    text = PREFIXES + 'ex:slope a skos:Concept ; skos:prefLabel "Slope" .\n'
    assert read_text(text, "turtle").warnings == ()
