"""A replace keeps the stored triples Pathwise does not model, unless the batch states them.

An audit exported a CASE framework's curriculum as CSV and imported it back unchanged
with ``replaceExisting``: every CASE record, identifier, code and SKOS mapping left the
store, the report said nothing, and the framework no longer went back to CASE as it
came. A Turtle description giving a concept a new label did the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from graph.ids import iri_of
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.vocab import DCTERMS, GRAPH_IRI, PW, SKOS
from ingest.case import parse_case_package
from ingest.case_export import case_package_text
from ingest.csv_layout import read_curriculum_csv, write_curriculum_csv
from ingest.formats import read_text
from tests.unit.ingest.test_case import A, B, _package

TURTLE = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix concept: <https://w3id.org/pathwise/id/concept/> .
@prefix curriculum: <https://w3id.org/pathwise/id/curriculum/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
curriculum:opq a skos:ConceptScheme ; dct:title "Opq" ; dct:source "District plan" .
concept:opq1 a skos:Concept ; skos:prefLabel "Opq one" ; skos:inScheme curriculum:opq ;
    skos:exactMatch <http://www.wikidata.org/entity/Q1> ; skos:related concept:opq2 ;
    dct:source "Textbook p. 12" ; skos:note "keep me" ; dct:creator [ foaf:name "Ann" ] .
concept:opq2 a skos:Concept ; skos:prefLabel "Opq two" ; skos:inScheme curriculum:opq .
"""
OPQ1 = iri_of("concept", "opq1")


def store_graph(kg: KnowledgeGraph) -> Graph:
    """Every triple of the store but the graph's revision counter."""
    g = Graph()
    for s, p, o in kg.store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
        if s != GRAPH_IRI:
            g.add((s, p, o))
    return g


def csv_round_trip(kg: KnowledgeGraph, curriculum: str, folder: Path) -> list[str]:
    write_curriculum_csv(kg.export_bundle(curriculum), folder)
    return kg.import_bundle(read_curriculum_csv(folder), replace_existing=True).warnings


def test_a_csv_round_trip_keeps_what_csv_cannot_state(tmp_path: Path) -> None:
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_text(TURTLE, "turtle"))
    before = store_graph(kg)
    warnings = csv_round_trip(kg, "opq", tmp_path)
    assert set(store_graph(kg)) == set(before)  # the blank node's triples too (same store, same node)
    assert warnings == [
        "the import states no dcterms:creator, dcterms:source, skos:exactMatch, skos:note, skos:related of "
        "1 curriculum (opq) and 1 concept (opq1): kept the stored values, which Pathwise does not model"
    ]


def test_an_rdf_description_replaces_the_predicates_it_gives_and_keeps_the_others() -> None:
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(read_text(TURTLE, "turtle"))
    renamed = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://w3id.org/pathwise/id/concept/opq1> a skos:Concept ; skos:prefLabel "Renamed" ;
        skos:exactMatch <http://www.wikidata.org/entity/Q2> ."""
    kg.import_bundle(read_text(renamed, "turtle"), replace_existing=True)
    g = store_graph(kg)
    assert set(g.objects(OPQ1, SKOS.exactMatch)) == {URIRef("http://www.wikidata.org/entity/Q2")}
    assert set(g.objects(OPQ1, SKOS.note)) == {Literal("keep me")}
    assert set(g.objects(OPQ1, DCTERMS.source)) == {Literal("Textbook p. 12")}
    assert kg.concept("opq1").label == "Renamed"


def test_a_case_framework_goes_back_as_it_came_after_a_csv_round_trip(tmp_path: Path) -> None:
    kg = KnowledgeGraph(open_store("memory"))
    bundle = parse_case_package(_package(), "tiny.json")
    kg.import_bundle(bundle, allow_dangling=True)
    curriculum = bundle.curricula[0].id

    def exported() -> str:  # at one time: a record without a lastChangeDateTime is stamped with the export's
        when = datetime(2026, 1, 2, tzinfo=UTC)
        return case_package_text(kg.export_bundle(curriculum), curriculum, now=when, lookup=kg.describe_concepts)

    before = exported()
    csv_round_trip(kg, curriculum, tmp_path)
    assert exported() == before


def test_a_new_case_version_drops_what_it_no_longer_gives() -> None:
    kg = KnowledgeGraph(open_store("memory"))
    kg.import_bundle(parse_case_package(_package(), "tiny.json"), allow_dangling=True)
    package = _package()
    items = package["CFItems"]
    assert isinstance(items, list)
    del items[1]["humanCodingScheme"]  # B's code withdrawn
    kg.import_bundle(parse_case_package(package, "tiny.json"), allow_dangling=True, replace_existing=True)
    g = store_graph(kg)
    b, a = iri_of("concept", f"case_{B.replace('-', '')}"), iri_of("concept", f"case_{A.replace('-', '')}")
    assert list(g.objects(b, SKOS.notation)) == []
    assert list(g.objects(a, SKOS.notation)) == [Literal("T.1")]
    assert len(list(g.objects(b, PW.caseRecord))) == 1  # the new record, not the old beside it


def test_every_predicate_the_model_writes_for_an_item_counts_as_modelled() -> None:
    # MODELLED_PREDICATES is a list beside graph.rdf_mapping: a field added there and not here would
    # have its stored value kept beside the replacement's (two titles), not replaced.
    from graph.bundle import CurriculumBundle
    from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite, Translation
    from graph.rdf_mapping import bundle_triples
    from graph.unmodelled_kept import MODELLED_PREDICATES
    from graph.vocab import RDF

    full = CurriculumBundle(
        (Curriculum("k", "K", "About K"),),
        (Concept("a", "A", "Def", ("alt",), ("b",), "k"), Concept("b", "B", curriculum="k")),
        (Prerequisite("a", "b", 0.5, "designer"),),
        (
            Material(
                "m",
                "M",
                MaterialType.EXERCISE,
                2,
                5,
                "1. x",
                "https://x.org",
                ("a",),
                ("b",),
                "en",
                ("textual",),
                ("textual",),
                ("alternativeText",),
                ("none",),
                "Summary",
                ("https://lms.x/1",),
            ),
        ),
        translations={"a": (Translation("fr", "A fr", "Déf", ("alt fr",)),)},
    )
    items = {
        iri_of(kind, i) for kind, i in (("curriculum", "k"), ("concept", "a"), ("concept", "b"), ("material", "m"))
    }
    written = {p for s, p, _ in bundle_triples(full) if s in items and p != RDF.type}
    assert written - MODELLED_PREDICATES == set()
