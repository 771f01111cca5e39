"""Turtle, N-Triples and JSON-LD: export, import into an empty store, export again: same graph."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from graph.errors import DuplicateId, ValidationFailed
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.vocab import PW, RDF, SKOS
from ingest.errors import MalformedInput
from ingest.export import export_text
from ingest.formats import read_text

EXTRA = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
<http://example.org/c/limits> a skos:Concept ; skos:prefLabel "Limits"@en ;
    skos:note "kept although Pathwise does not model notes" ; dct:creator "A. Teacher" ;
    <https://w3id.org/pathwise/vocab#requires> <https://w3id.org/pathwise/id/concept/add> .
"""

IRI_NAMED = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix pw: <https://w3id.org/pathwise/vocab#> .
<http://example.org/s> a skos:ConceptScheme ; <http://purl.org/dc/terms/title> "Scheme" .
<http://example.org/c/a> a skos:Concept ; skos:prefLabel "A" ; skos:inScheme <http://example.org/s> .
<http://example.org/c/b> a skos:Concept ; skos:prefLabel "B" ; skos:broader <http://example.org/c/a> ;
    pw:requires <http://example.org/c/a> .
<http://example.org/m/1> a schema:LearningResource ; schema:name "M" ; schema:teaches <http://example.org/c/b> .
"""


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
class TestRoundTrip:
    def test_export_import_export_is_the_same_graph(self, kg: KnowledgeGraph, fmt: str) -> None:
        kg.import_bundle(read_text(EXTRA, "turtle"))
        first = export_text(kg, fmt)
        fresh = KnowledgeGraph(open_store("memory"))
        fresh.import_bundle(read_text(first, fmt))
        second = export_text(fresh, fmt)
        assert set(fresh.export_graph()) == set(kg.export_graph())
        assert second == first

    def test_one_curriculum_only(self, kg: KnowledgeGraph, fmt: str) -> None:
        kg.import_bundle(read_text(EXTRA, "turtle"))
        text = export_text(kg, fmt, "arith")
        assert "limits" not in text
        assert "Quadratics" in text

    def test_ids_that_are_iris_keep_their_links(self, fmt: str) -> None:
        # A URIRef id never equalled the str of its own IRI: every edge, broader link,
        # scheme and teaches link between IRI-named things read as "unknown" and was dropped.
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(IRI_NAMED, "turtle"))
        fresh = KnowledgeGraph(open_store("memory"))
        report = fresh.import_bundle(read_text(export_text(kg, fmt), fmt))
        assert report.dangling == []
        assert fresh.prerequisites_of("http://example.org/c/b") == ["http://example.org/c/a"]
        assert set(fresh.export_graph()) == set(kg.export_graph())
        with pytest.raises(DuplicateId) as taken:  # as the CSV layout: the same ids again are refused
            fresh.import_bundle(read_text(export_text(kg, fmt), fmt))
        # every id already there is named (only the first was): what --replace would replace
        bundle = read_text(export_text(kg, fmt), fmt)
        assert len(taken.value.problems) == len(bundle.concepts) + len(bundle.materials) + len(bundle.curricula)


class TestWhatTheModelKeeps:
    def test_labels_prefer_english_and_are_not_doubled(self, kg: KnowledgeGraph) -> None:
        # "Brüche"@de was picked as the label (first by text), and every tagged label came
        # back twice: tagged, and untagged as the model wrote it.
        text = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.org/c/f> a skos:Concept ; skos:prefLabel "Fractions"@en , "Brüche"@de ; skos:altLabel "parts"@en ."""
        kg.import_bundle(read_text(text, "turtle"))
        [concept] = [c for c in kg.export_bundle().concepts if c.id == "http://example.org/c/f"]
        assert (concept.label, concept.alt_labels) == ("Fractions", ("parts",))
        labels = sorted(o.n3() for o in kg.export_graph().objects(URIRef("http://example.org/c/f"), SKOS.prefLabel))
        assert labels == ['"Brüche"@de', '"Fractions"@en']  # the label shown keeps its tag (it was stored untagged)
        alt = [o.n3() for o in kg.export_graph().objects(URIRef("http://example.org/c/f"), SKOS.altLabel)]
        assert alt == ['"parts"@en']

    def test_a_label_and_definition_given_only_tagged_keep_their_language(self) -> None:
        # "Algebra"@en came back as "Algebra": labelLanguage was null, "the curriculum's own language".
        text = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.org/c/a> a skos:Concept ; skos:prefLabel "Algebra"@en ; skos:definition "Letras."@es ."""
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(text, "turtle"))
        stored = {o.n3() for _, o in kg.export_graph().predicate_objects(URIRef("http://example.org/c/a"))}
        assert stored >= {'"Algebra"@en', '"Letras."@es'}
        assert not {'"Algebra"', '"Letras."'} & stored  # no untagged copy
        concept = kg.concept("http://example.org/c/a")
        assert (concept.label, concept.definition) == ("Algebra", "Letras.")  # shown as before
        fresh = KnowledgeGraph(open_store("memory"))
        fresh.import_bundle(read_text(export_text(kg, "turtle"), "turtle"))
        assert set(fresh.export_graph()) == set(kg.export_graph())

    def test_a_replaced_concept_has_the_languages_the_document_gives(self) -> None:
        # An RDF document states a concept whole: its languages replace the stored ones.
        kg = KnowledgeGraph(open_store("memory"))
        head = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . <http://example.org/c/s> a skos:Concept ;"
        kg.import_bundle(read_text(f'{head} skos:prefLabel "Slope", "Pente"@fr .', "turtle"))
        kg.import_bundle(read_text(f'{head} skos:prefLabel "Slope", "Pendiente"@es .', "turtle"), replace_existing=True)
        assert [t.language for t in kg.translations(["http://example.org/c/s"])[0]] == ["es"]

    def test_a_prerequisite_node_of_its_own_is_not_kept_beside_the_edge(self) -> None:
        text = """@prefix pw: <https://w3id.org/pathwise/vocab#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.org/c/a> a skos:Concept ; skos:prefLabel "A" .
<http://example.org/c/b> a skos:Concept ; skos:prefLabel "B" ; pw:requires <http://example.org/c/a> .
<http://example.org/e/1> a pw:Prerequisite ; pw:prerequisite <http://example.org/c/a> ;
    pw:prerequisiteOf <http://example.org/c/b> ; pw:strength 0.25 ; pw:provenance "hand" ."""
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(text, "turtle"))
        nodes = list(kg.export_graph().subjects(RDF.type, PW.Prerequisite))
        assert len(nodes) == 1
        [edge] = kg.export_bundle().prerequisites
        assert (edge.strength, edge.provenance) == (0.25, "hand")


class TestBlankNodes:
    def test_a_concept_without_an_iri_is_refused(self, kg: KnowledgeGraph) -> None:
        # It was stored as unmodelled triples: counted by `info`, absent from every export.
        text = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix pw: <https://w3id.org/pathwise/vocab#> .
[] a skos:Concept ; skos:prefLabel "anon" ; pw:requires <https://w3id.org/pathwise/id/concept/add> ."""
        revision = kg.revision
        with pytest.raises(ValidationFailed) as caught:
            kg.import_bundle(read_text(text, "turtle"))
        problems = caught.value.problems
        assert problems[0] == "a concept without an IRI (a blank node, labelled 'anon'): give it an IRI"
        assert problems[1].startswith("a prerequisite edge to or from a blank node: give the concept an IRI")
        assert kg.revision == revision


CREATOR = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<http://x.org/c1> a skos:Concept ; skos:prefLabel "C1" ;
    dct:creator [ foaf:name "Ann" ; foaf:account [ foaf:accountName "ann1" ] ] ."""


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_a_concept_with_blank_nodes_is_replaced_and_deleted_whole(store: str, tmp_path: object) -> None:
    # Replacing it failed with a SPARQL syntax error (DELETE DATA takes no blank nodes); once
    # it did not, each re-import left another unreachable copy of the creator behind.
    kg = KnowledgeGraph(open_store("memory" if store == "memory" else f"oxigraph:{tmp_path}/s"))
    kg.import_bundle(read_text(CREATOR, "turtle"))
    once = set(kg.export_graph())
    for _ in range(2):
        kg.import_bundle(read_text(CREATOR, "turtle"), replace_existing=True)
    assert len(set(kg.export_graph())) == len(once)
    assert export_text(kg, "turtle").count("Ann") == 1
    kg.delete_concept("http://x.org/c1")
    assert not [t for t in kg.export_graph() if "Ann" in str(t[2]) or "ann1" in str(t[2])]


MATERIAL_CREATOR = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix schema: <https://schema.org/> .
<http://x.org/c1> a skos:Concept ; skos:prefLabel "C1" .
<http://x.org/m1> a schema:LearningResource ; schema:name "M1" ; schema:learningResourceType "video" ;
    schema:teaches <http://x.org/c1> ;
    dct:creator [ foaf:name "Bea" ; foaf:account [ foaf:accountName "bea1" ] ] ."""


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_a_deleted_material_takes_its_blank_nodes_along(store: str, tmp_path: object) -> None:
    # deleteMaterial removed the material's own triples and left its creator's, unreachable.
    kg = KnowledgeGraph(open_store("memory" if store == "memory" else f"oxigraph:{tmp_path}/s"))
    kg.import_bundle(read_text(MATERIAL_CREATOR, "turtle"))
    assert export_text(kg, "turtle").count("Bea") == 1
    kg.delete_material("http://x.org/m1")
    assert not [t for t in kg.export_graph() if "Bea" in str(t[2]) or "bea1" in str(t[2])]


class TestParseErrors:
    def test_turtle_syntax_error_names_line_and_column(self) -> None:
        with pytest.raises(MalformedInput, match=r"upload.ttl:line 2, column \d+") as caught:
            read_text('<http://x/a> <http://x/b> "c" .\n<http://x/a> <http://x/b> .\n', "turtle", "upload.ttl")
        assert "Parser error at line" not in caught.value.problems[0]  # the position is said once

    @pytest.mark.parametrize(
        "statement",
        [
            "<http://x/a> <http://x/says> <<( <http://x/b> <http://x/c> <http://x/d> )>> .",
            "<< <http://x/b> <http://x/c> <http://x/d> >> <http://x/says> <http://x/a> .",
        ],
    )
    def test_an_rdf_1_2_triple_term_is_refused_with_its_line(self, statement: str) -> None:
        # It ended the import in an AssertionError ("... must be an rdflib term").
        text = '@prefix x: <http://x/> .\n<http://x/a> <http://x/b> "c" .\n' + statement + "\n"
        with pytest.raises(MalformedInput, match=r"upload.ttl:line 3: RDF 1.2 triple terms") as caught:
            read_text(text, "turtle", "upload.ttl")
        assert "rdf:Statement" in caught.value.problems[0]


def test_a_skos_scheme_is_titled_by_its_preferred_label() -> None:
    # Only dcterms:title was read: "Mathématiques"@fr-CA came in titled "fr_math".
    kg = KnowledgeGraph(open_store("memory"))
    scheme = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://w3id.org/pathwise/id/curriculum/fr_math> a skos:ConceptScheme ; skos:prefLabel "Mathématiques"@fr-CA ."""
    kg.import_bundle(read_text(scheme, "turtle"))
    assert [c.title for c in kg.curricula()] == ["Mathématiques"]


def test_a_scheme_named_twice_in_one_language_is_refused() -> None:
    # It was titled by the first, the second kept as an opaque triple.
    kg = KnowledgeGraph(open_store("memory"))
    scheme = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://w3id.org/pathwise/id/curriculum/s3> a skos:ConceptScheme ; skos:prefLabel "A", "B" ."""
    with pytest.raises(ValidationFailed) as caught:
        kg.import_bundle(read_text(scheme, "turtle"))
    assert caught.value.problems == [
        "curriculum 's3' has 2 skos:prefLabel values without a language tag ('A', 'B'): keep one"
    ]


@pytest.mark.parametrize("label", ['""', '""@en'])
def test_a_concept_with_an_empty_label_is_refused(kg: KnowledgeGraph, label: str) -> None:
    # It was imported labelled by its id, while a label of spaces was refused as empty.
    text = f"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.org/c/a> a skos:Concept ; skos:prefLabel "A" .
<http://example.org/c/b> a skos:Concept ; skos:prefLabel {label} ."""
    revision = kg.revision
    with pytest.raises(ValidationFailed) as caught:
        kg.import_bundle(read_text(text, "turtle"))
    assert caught.value.problems == ["concept 'http://example.org/c/b' has an empty label"]
    assert kg.revision == revision
    assert not kg.projection.has_concept("http://example.org/c/a")


def test_an_empty_label_in_another_language_is_refused(kg: KnowledgeGraph) -> None:
    # ""@fr and "  "@de beside "Alpha"@en came in as translations with no label: "4 translations" of nothing.
    text = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.org/c/a> a skos:Concept ; skos:prefLabel "Alpha"@en, ""@fr, "  "@de, "Alfa"@es ."""
    revision = kg.revision
    with pytest.raises(ValidationFailed) as caught:
        kg.import_bundle(read_text(text, "turtle"))
    assert caught.value.problems == [
        "concept 'http://example.org/c/a' has an empty label in 'de', 'fr': write the label, or leave the language out"
    ]
    assert kg.revision == revision


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        (
            '<http://example.org/m/1> a schema:LearningResource ; schema:name "" ; schema:teaches <http://ex.org/a> .',
            "material 'http://example.org/m/1' has an empty title",
        ),
        (
            '<http://example.org/s> a skos:ConceptScheme ; dcterms:title ""@en .',
            "curriculum 'http://example.org/s' has an empty title",
        ),
    ],
    ids=["material", "curriculum"],
)
def test_a_material_or_curriculum_with_an_empty_title_is_refused(
    kg: KnowledgeGraph, description: str, problem: str
) -> None:
    # They came in titled by their IRI, where an empty concept label is refused.
    text = f"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<http://ex.org/a> a skos:Concept ; skos:prefLabel "A" .
{description}"""
    revision = kg.revision
    with pytest.raises(ValidationFailed) as caught:
        kg.import_bundle(read_text(text, "turtle"))
    assert caught.value.problems == [problem]
    assert kg.revision == revision


def test_every_value_that_does_not_read_is_listed_with_its_material(kg: KnowledgeGraph) -> None:
    # Only the first came back, with `problems` empty, and the duration's said no material: fixing one
    # file took a round trip per bad value (the CSV reader lists them all at once).
    text = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix pw: <https://w3id.org/pathwise/vocab#> .
<http://ex.org/a> a skos:Concept ; skos:prefLabel "A" .
<http://ex.org/m1> a schema:LearningResource ; schema:name "M1" ; schema:teaches <http://ex.org/a> ;
    pw:difficulty "hard" .
<http://ex.org/m2> a schema:LearningResource ; schema:name "M2" ; schema:teaches <http://ex.org/a> ;
    schema:timeRequired "banana" .
<http://ex.org/m3> a schema:LearningResource ; schema:name "M3" ; schema:teaches <http://ex.org/a> ;
    schema:learningResourceType "podcast" ."""
    revision = kg.revision
    with pytest.raises(ValidationFailed) as caught:
        kg.import_bundle(read_text(text, "turtle"))
    assert caught.value.problems == [
        "material http://ex.org/m1: difficulty 'hard' is not a number",
        "material http://ex.org/m2: timeRequired 'banana' is not an ISO 8601 duration (PT20M)",
        "material http://ex.org/m3: unknown learningResourceType 'podcast'",
    ]
    assert kg.revision == revision


@pytest.mark.parametrize(("strength", "imported"), [("0.5", True), ("5.0", False)])
def test_an_edge_node_without_requires_is_the_edge_it_describes(
    kg: KnowledgeGraph, strength: str, imported: bool
) -> None:
    # Without a `pw:requires` beside it, the node vanished without a word: 0 prerequisites, a strength
    # of 5.0 never checked, and its triples in no export.
    text = f"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix pw: <https://w3id.org/pathwise/vocab#> .
<https://w3id.org/pathwise/id/concept/ea> a skos:Concept ; skos:prefLabel "A" .
<https://w3id.org/pathwise/id/concept/eb> a skos:Concept ; skos:prefLabel "B" .
<https://w3id.org/pathwise/id/prerequisite/e1> a pw:Prerequisite ;
    pw:prerequisite <https://w3id.org/pathwise/id/concept/ea> ;
    pw:prerequisiteOf <https://w3id.org/pathwise/id/concept/eb> ; pw:strength {strength} ."""
    revision = kg.revision
    if imported:
        report = kg.import_bundle(read_text(text, "turtle"))
        assert report.counts["prerequisites"] == 1
        assert kg.prerequisites_of("eb") == ["ea"]
        assert "pw:strength 0.5" in export_text(kg, "turtle").replace('"0.5"^^xsd:decimal', "0.5")
    else:
        with pytest.raises(ValidationFailed) as caught:
            kg.import_bundle(read_text(text, "turtle"))
        assert any("strength" in p for p in caught.value.problems), caught.value.problems
        assert kg.revision == revision


def test_an_iri_typed_as_a_concept_and_a_material_is_refused(kg: KnowledgeGraph) -> None:
    # It became concept `a` and a material at material/a, an IRI the file never named.
    text = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
<https://w3id.org/pathwise/id/concept/a> a skos:Concept, schema:LearningResource ; skos:prefLabel "A" ;
    schema:name "A" ; schema:learningResourceType "video" ."""
    revision = kg.revision
    with pytest.raises(ValidationFailed) as caught:
        kg.import_bundle(read_text(text, "turtle"))
    assert caught.value.problems == [
        "https://w3id.org/pathwise/id/concept/a is typed both skos:Concept and a learning resource: one IRI names "
        "one thing, a concept or a material"
    ]
    assert kg.revision == revision
