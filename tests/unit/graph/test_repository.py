"""The repository API: every write validates first, then applies whole."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import Literal, URIRef

from graph.bundle import CurriculumBundle
from graph.errors import ConceptNotFound, DuplicateId, InvalidInput, NotFound, PrerequisiteCycle, ValidationFailed
from graph.ids import edge_iri
from graph.model import Concept, Material, MaterialType, Prerequisite
from graph.repository import KnowledgeGraph
from graph.store import open_store
from graph.vocab import PW, SKOS
from ingest.formats import read_text


class TestCreateConcept:
    def test_adds_concept_with_prerequisites(self, kg: KnowledgeGraph) -> None:
        kg.create_concept(Concept("cube", "Cubics", "Degree three."), ["quad", "mul"])
        assert kg.prerequisites_of("cube") == ["mul", "quad"]
        assert kg.concept("cube").definition == "Degree three."

    def test_duplicate_id_is_refused(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(DuplicateId):
            kg.create_concept(Concept("add", "Again"))

    def test_unknown_prerequisite_is_not_found_and_nothing_written(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(ConceptNotFound) as caught:
            kg.create_concept(Concept("cube", "Cubics"), ["nope"])
        assert caught.value.field == "prerequisites"
        assert not kg.projection.has_concept("cube")

    def test_bad_id_is_invalid(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(InvalidInput):
            kg.create_concept(Concept("has space", "X"))


class TestUpdateConcept:
    def test_replaces_values_and_keeps_edges(self, kg: KnowledgeGraph) -> None:
        kg.update_concept(Concept("eq", "Linear equations", "ax + b = c", ("equations",), (), "arith"))
        concept = kg.concept("eq")
        assert (concept.label, concept.definition, concept.alt_labels) == (
            "Linear equations",
            "ax + b = c",
            ("equations",),
        )
        assert concept.broader == ()
        assert kg.prerequisites_of("eq") == ["mul", "sub"]
        assert kg.list_concepts(first=5, search="linear").ids == ["eq"]

    def test_unknown_concept(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(ConceptNotFound):
            kg.update_concept(Concept("nope", "X"))

    def test_other_languages_labels_and_definitions_survive(self) -> None:
        # Changing the definition of a concept imported with "Zeta"@en and "Ζήτα"@el deleted the Greek label.
        turtle = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://example.org/zeta> a skos:Concept ; skos:prefLabel "Zeta"@en, "Ζήτα"@el ;
          skos:definition "Sixth letter."@en, "Sexta letra."@es ; skos:altLabel "dseta"@es, "zed"@en ."""
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(turtle, "turtle"))
        concept = kg.concept("https://example.org/zeta")
        kg.update_concept(replace(concept, definition="The sixth letter.", alt_labels=("zed", "zeta")))
        triples = set(kg.store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))
        node = URIRef("https://example.org/zeta")
        assert (node, SKOS.prefLabel, Literal("Ζήτα", lang="el")) in triples
        assert (node, SKOS.definition, Literal("Sexta letra.", lang="es")) in triples
        # the definition shown was English: the new one stays English, the old one does not linger as a translation
        assert {o for s, p, o in triples if p == SKOS.definition} == {
            Literal("The sixth letter.", lang="en"),
            Literal("Sexta letra.", lang="es"),
        }
        assert {o for s, p, o in triples if p == SKOS.altLabel} == {Literal("zed", lang="en"), Literal("zeta")}
        again = kg.concept("https://example.org/zeta")
        assert (again.label, again.definition, again.alt_labels) == ("Zeta", "The sixth letter.", ("zed", "zeta"))


class TestProjectionLabels:
    def test_a_restart_shows_the_label_the_record_shows_not_a_translation(self) -> None:
        # The last label row won: after a restart paths and hints named the concept in any language.
        turtle = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://example.org/a> a skos:Concept ;
          skos:prefLabel "Addition", "Suma"@es, "Addition (fr)"@fr, "Zusammen"@de, "Jame"@ar .
        <https://example.org/b> a skos:Concept ; skos:prefLabel "Zusammen"@de, "Sum"@en-GB ."""
        kg = KnowledgeGraph(open_store("memory"))
        kg.import_bundle(read_text(turtle, "turtle"))
        kg.rebuild_projection()
        assert kg.projection.label("https://example.org/a") == kg.concept("https://example.org/a").label == "Addition"
        assert kg.projection.label("https://example.org/b") == "Sum"


class TestDeleteConcept:
    def test_removes_edges_links_and_narrower_links(self, kg: KnowledgeGraph) -> None:
        kg.delete_concept("add")
        assert kg.concept("eq").broader == ()
        assert kg.prerequisites_of("sub") == []
        assert kg.material_ids_for(["add"]) == [[]]
        material = kg.material("m_add")
        assert material.teaches == ()
        assert "concept/add>" not in kg.export_graph().serialize(format="nt")


class TestAddPrerequisite:
    def test_cycle_is_refused_with_its_path(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(PrerequisiteCycle) as caught:
            kg.add_prerequisite("add", "quad")
        assert caught.value.cycles == [["add", "quad", "eq", "mul"]] or caught.value.cycles == [
            ["add", "quad", "eq", "sub"]
        ]

    def test_self_loop_is_a_cycle(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(PrerequisiteCycle):
            kg.add_prerequisite("add", "add")

    def test_strength_out_of_range(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(InvalidInput):
            kg.add_prerequisite("quad", "add", strength=0)

    def test_strength_and_provenance_round_trip(self, kg: KnowledgeGraph) -> None:
        kg.add_prerequisite("quad", "add", strength=0.25, provenance="teacher")
        assert kg.strength("quad", "add") == 0.25
        edges = {(e.concept, e.prerequisite): e for e in kg.export_bundle().prerequisites}
        assert (edges["quad", "add"].strength, edges["quad", "add"].provenance) == (0.25, "teacher")

    def test_revision_moves_on_every_write(self, kg: KnowledgeGraph) -> None:
        before = kg.revision
        kg.add_prerequisite("quad", "add")
        kg.remove_prerequisite("quad", "add")
        assert kg.revision == before + 2

    def test_writes_from_two_threads_each_take_their_own_revision(self, kg: KnowledgeGraph) -> None:
        """A model switch commits from a worker thread while the event loop commits too."""
        import sys
        import threading

        from rdflib import Literal, URIRef

        from graph import queries
        from graph.vocab import GRAPH_IRI, PW

        before = kg.revision
        p = URIRef("https://example.org/p")

        def write(worker: int) -> None:
            for n in range(50):
                kg.commit([], [(URIRef(f"https://example.org/w{worker}-{n}"), p, Literal(n))], lambda: None)

        threads = [threading.Thread(target=write, args=(w,)) for w in range(2)]
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # switch threads often, so unguarded writes would interleave
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            sys.setswitchinterval(interval)
        assert kg.revision == before + 100
        stored = kg.store.select(f"SELECT ?r WHERE {{ {GRAPH_IRI.n3()} {PW.revision.n3()} ?r }}")
        assert [int(str(r[0])) for r in stored] == [before + 100], "one revision literal, the last"
        assert queries.revision(kg.store) == kg.revision


class TestRemovePrerequisite:
    def test_missing_edge_is_not_found(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(NotFound) as raised:
            kg.remove_prerequisite("quad", "add")
        assert raised.value.message == "prerequisite 'quad -> add' does not exist (quad requires add)"

    def test_swapped_ids_are_pointed_out(self, kg: KnowledgeGraph) -> None:
        # A designer who gave the two ids the other way round read only "does not exist" of an edge they could see.
        with pytest.raises(NotFound) as raised:
            kg.remove_prerequisite("add", "mul")
        assert raised.value.message == (
            "prerequisite 'add -> mul' does not exist (add requires mul), but 'mul' requires 'add': did you swap them?"
        )
        assert kg.projection.dag.has_edge("add", "mul")

    def test_reified_metadata_goes_too(self, kg: KnowledgeGraph) -> None:
        kg.remove_prerequisite("mul", "add")
        assert "designer" not in kg.export_graph().serialize(format="nt")


class TestMaterials:
    def test_create_link_unlink_delete(self, kg: KnowledgeGraph) -> None:
        kg.create_material(Material("m_q", "Parabolas", MaterialType.VIDEO, 4, 12, url="https://example.org/v"))
        kg.link_material("m_q", "quad")
        kg.link_material("m_q", "eq", assesses=True)
        assert kg.material_ids_for(["quad", "eq"]) == [["m_q"], ["m_eq", "m_q"]]
        kg.link_material("m_q", "quad", unlink=True)
        assert kg.material("m_q").teaches == ()
        kg.delete_material("m_q")
        assert kg.materials_by_ids(["m_q"]) == [None]

    def test_invalid_difficulty(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(InvalidInput):
            kg.create_material(Material("m_bad", "Bad", MaterialType.EXERCISE, 9))

    def test_listing_filters_by_type_and_concept(self, kg: KnowledgeGraph) -> None:
        assert kg.list_materials(first=10, type="exercise").ids == ["m_add_ex"]
        assert kg.list_materials(first=10, concept="add").ids == ["m_add", "m_add_ex"]


class TestListConcepts:
    def test_pages_follow_id_order(self, kg: KnowledgeGraph) -> None:
        first = kg.list_concepts(first=2)
        second = kg.list_concepts(first=2, after=first.ids[-1])
        assert (first.ids, second.ids, first.total) == (["add", "eq"], ["mul", "quad"], 5)
        assert first.has_next
        assert second.has_previous

    def test_search_ignores_case_accents_and_unicode_forms(self, kg: KnowledgeGraph) -> None:
        # "Fußball" as an alternative label was never found (SPARQL's LCASE against casefold),
        # nor "Álgebra" by "algebra", nor a decomposed "A" + U+0301 by the composed letter.
        kg.create_concept(Concept("soccer", "Soccer", alt_labels=("Fußball",)))
        kg.create_concept(Concept("alg", "A\u0301lgebra lineal"))
        for query in ("Fußball", "fussball", "FUSSBALL", "Fuß"):
            assert kg.list_concepts(first=5, search=query).ids == ["soccer"], query
        for query in ("Álgebra", "algebra", "ÁLGEBRA", "  álgebra   lineal "):
            assert kg.list_concepts(first=5, search=query).ids == ["alg"], query
        kg.update_concept(Concept("soccer", "Soccer", alt_labels=("Fútbol",)))
        assert kg.list_concepts(first=5, search="futbol").ids == ["soccer"]  # keys follow the writes
        assert kg.list_concepts(first=5, search="fussball").ids == []


class TestRevisions:
    def test_one_revision_literal_whatever_the_writes(self, ox_kg: KnowledgeGraph) -> None:
        from graph.vocab import GRAPH_IRI, PW

        for i in range(5):  # insert-only writes
            ox_kg.create_concept(Concept(f"extra{i}", f"Extra {i}"))
        ox_kg.update_concept(Concept("extra0", "Renamed"))  # a write with deletes
        rows = ox_kg.store.select(f"SELECT ?r WHERE {{ {GRAPH_IRI.n3()} {PW.revision.n3()} ?r }}")
        assert [int(str(r[0])) for r in rows] == [ox_kg.revision]


class TestAReplaceThatChangesNothing:
    """A revision tells caches and clients the graph changed: a replace that rewrote the same triples raised it."""

    def test_leaves_the_revision_and_a_changed_one_raises_it(self, kg: KnowledgeGraph) -> None:
        from tests.conftest import small_bundle

        heard: list[int] = []
        kg.listeners.append(lambda deletes, inserts, revision: heard.append(revision))
        revision = kg.revision
        report = kg.import_bundle(small_bundle(), replace_existing=True)
        assert (kg.revision, report.revision, heard) == (revision, revision, [])
        assert report.counts["concepts"] == 5  # what the batch gave, as before
        assert kg.concept("sub").alt_labels == ("minus",)
        renamed = replace(small_bundle(), concepts=(Concept("add", "Adding", "Putting together.", curriculum="arith"),))
        assert kg.import_bundle(renamed, replace_existing=True).revision == revision + 1
        assert kg.concept("add").label == "Adding"
        assert heard == [revision + 1]


class TestImportingAStoredEdge:
    """An edge is no id: a second file naming it with another strength wrote a second strength beside the first."""

    def test_the_same_edge_again_changes_nothing_and_a_changed_one_needs_replace(self, kg: KnowledgeGraph) -> None:
        first = CurriculumBundle(prerequisites=(Prerequisite("quad", "add", 0.5, "orig"),))
        kg.import_bundle(first)
        kg.import_bundle(first)  # a replay
        changed = CurriculumBundle(prerequisites=(Prerequisite("quad", "add", 0.2, "changed"),))
        revision = kg.revision
        for dry_run in (True, False):
            with pytest.raises(ValidationFailed) as caught:
                kg.import_bundle(changed, dry_run=dry_run)
            assert caught.value.problems == [
                "prerequisite quad -> add is stored with strength 0.5 and provenance 'orig': "
                "pass --replace (replaceExisting) to change it"
            ]
        assert kg.revision == revision
        kg.import_bundle(changed, replace_existing=True)
        edge = edge_iri("quad", "add")
        assert sorted(str(o) for o in kg.export_graph().objects(edge, PW.strength)) == ["0.2"]
        assert sorted(str(o) for o in kg.export_graph().objects(edge, PW.provenance)) == ["changed"]
        assert kg.projection.dag["add"]["quad"]["strength"] == 0.2


class TestReplacingACurriculum:
    def test_its_old_values_go(self, kg: KnowledgeGraph) -> None:
        # The old title stayed beside the new one: two titles, and a CASE package's two records.
        from graph.model import Curriculum
        from graph.vocab import DCTERMS

        kg.import_bundle(CurriculumBundle((Curriculum("arith", "Arithmetic II", "Renamed"),)), replace_existing=True)
        titles = {str(o) for s, p, o in kg.export_graph("arith") if p == DCTERMS.title}
        assert titles == {"Arithmetic II"}
        assert [c.title for c in kg.curricula()] == ["Arithmetic II"]
        assert len(kg.export_bundle("arith").concepts) == 5  # its concepts stay in it
