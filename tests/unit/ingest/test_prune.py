"""Pruning a replace: what an import leaves out of the curricula it names goes in the same write (``prune``).

A designer who removed 30 rows from the sheets made 30 ``deleteConcept`` and
``deleteMaterial`` calls after the import, the curriculum half edited in between.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from rdflib import Graph, URIRef

from graph.attempts import record_attempts
from graph.bundle import Pruned
from graph.curriculum_writes import create_curriculum
from graph.errors import InvalidInput, ValidationFailed
from graph.ids import iri_of
from graph.model import Attempt, Concept, Curriculum, MasteryEstimate, Material, MaterialType, Prerequisite
from graph.repository import KnowledgeGraph
from graph.vocab import PW
from ingest.csv_layout import bundle_to_csv, parse_curriculum_csv
from ingest.export import export_text
from ingest.formats import read_text
from tests.csv_sheets import drop, rows

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def exported(kg: KnowledgeGraph) -> dict[str, str]:
    return bundle_to_csv(kg.export_bundle("arith"))


def without_quad(kg: KnowledgeGraph) -> dict[str, str]:
    """The curriculum's sheets with concept ``quad`` (and its edge) and material ``m_eq`` removed."""
    files = exported(kg)
    return {
        **files,
        "concepts": drop(files["concepts"], {"quad"}),
        "prerequisites": drop(files["prerequisites"], {"quad"}, (0, 1)),
        "materials": drop(files["materials"], {"m_eq"}),
    }


def triples(kg: KnowledgeGraph) -> set[tuple[object, ...]]:
    return set(kg.store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))


def prune(kg: KnowledgeGraph, files: dict[str, str], **options: bool) -> Pruned:
    report = kg.import_bundle(parse_curriculum_csv(files), replace_existing=True, prune=True, **options)
    assert report.pruned is not None
    return report.pruned


def attempt_on(kg: KnowledgeGraph, concept: str) -> None:
    record_attempts(
        kg,
        [Attempt("a1", "ann", NOW, 1.0, concepts=(concept,))],
        estimate=lambda batch: [MasteryEstimate("ann", concept, 0.7, "v1", NOW)],
    )


class TestCsvRoundTrip:
    def test_the_removed_rows_are_gone_and_everything_else_is_as_it_was(self, kg: KnowledgeGraph) -> None:
        attempt_on(kg, "quad")
        edited = without_quad(kg)
        before = triples(kg)
        pruned = prune(kg, edited)
        assert pruned == Pruned(concepts=["quad"], materials=["m_eq"], prerequisites=1, estimates=1)
        assert rows(exported(kg)) == rows(edited)
        assert not kg.projection.has_concept("quad")
        assert "m_eq" not in kg.projection.material_ids
        quad, m_eq = iri_of("concept", "quad"), iri_of("material", "m_eq")
        removed, added = before - triples(kg), triples(kg) - before
        assert {p for _, p, _ in added} == {PW.revision}
        estimates = {s for s, p, o in before if o == PW.Mastery}
        edge = {s for s, p, o in before if p == PW.prerequisiteOf and o == quad}
        for s, p, o in removed:  # nothing but the two items, what named them, and the revision
            assert quad in (s, o) or m_eq in (s, o) or s in estimates | edge or p == PW.revision, (s, p, o)
        # the attempt stays, without its link to the deleted concept, as deleteConcept leaves it
        attempt = iri_of("attempt", "a1")
        assert (attempt, PW.student, iri_of("student", "ann")) in triples(kg)
        assert not [t for t in triples(kg) if t[0] == attempt and t[1] == PW.concept]
        assert KnowledgeGraph(kg.store).projection.dag.edges == kg.projection.dag.edges  # a restart sees the same

    def test_what_is_not_pruned_is_only_warned_of(self, kg: KnowledgeGraph) -> None:
        report = kg.import_bundle(parse_curriculum_csv(without_quad(kg)), replace_existing=True)
        assert report.pruned is None
        assert kg.projection.has_concept("quad")
        assert [w for w in report.warnings if w.startswith("curriculum ")] == [
            "curriculum arith: 1 stored concept of it is not in the import (quad); an import deletes nothing: prune "
            "it with --prune (prune), or remove it with deleteConcept",
            "curriculum arith: 1 stored material linked to its concepts is not in the import (m_eq); an import "
            "deletes nothing: prune it with --prune (prune), or remove it with deleteMaterial",
        ]

    def test_every_item_the_warning_counts_is_pruned_not_only_the_five_it_names(self, kg: KnowledgeGraph) -> None:
        files = {"curricula": "id,title\narith,Arithmetic\n", "concepts": "id,label,scheme\nadd,Addition,arith\n"}
        for n in range(6):
            kg.create_concept(Concept(f"extra{n}", f"Extra {n}", curriculum="arith"))
        counted = kg.import_bundle(parse_curriculum_csv(files), replace_existing=True, dry_run=True).warnings
        assert any(w.startswith("curriculum arith: 10 stored concepts of it are not in the import") for w in counted)
        pruned = prune(kg, files)
        assert pruned.concepts == sorted(["eq", "mul", "quad", "sub", *(f"extra{n}" for n in range(6))])
        assert kg.projection.sorted_concepts() == ["add"]
        assert pruned.prerequisites == 5  # every edge of the diamond and its tail
        assert pruned.narrower == 0  # eq, narrower than add, went itself
        assert pruned.material_links == 2  # m_eq (the file holds no materials: they stay) lost eq and sub
        assert kg.material("m_eq").teaches == ()


class TestRefusals:
    def test_prune_without_replace_is_refused(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(InvalidInput) as refused:
            kg.import_bundle(parse_curriculum_csv(without_quad(kg)), prune=True)
        assert refused.value.field == "prune"
        assert "give it with replaceExisting (--replace)" in refused.value.message
        assert kg.projection.has_concept("quad")

    def test_a_dry_run_writes_nothing(self, kg: KnowledgeGraph) -> None:
        before, revision = triples(kg), kg.revision
        pruned = prune(kg, without_quad(kg), dry_run=True)
        assert pruned.concepts == ["quad"]
        assert pruned.materials == ["m_eq"]
        assert (triples(kg), kg.revision) == (before, revision)
        assert kg.projection.has_concept("quad")

    def test_a_bad_line_anywhere_prunes_nothing(self, kg: KnowledgeGraph) -> None:
        files = without_quad(kg)
        files["materials"] += "m_bad,Bad,podcast,1,5,add,,,,,,,,,,\n"
        before = triples(kg)
        with pytest.raises(ValidationFailed) as refused:
            prune(kg, files)
        assert any("materials.csv:line" in p for p in refused.value.problems)
        assert triples(kg) == before
        assert kg.projection.has_concept("quad")

    def test_the_file_naming_what_it_prunes_is_refused_with_the_line(self, kg: KnowledgeGraph) -> None:
        files = without_quad(kg)
        files["prerequisites"] = exported(kg)["prerequisites"]  # still lists quad -> eq
        with pytest.raises(ValidationFailed) as refused:
            prune(kg, files)
        assert refused.value.field == "prune"
        assert refused.value.problems == [
            "prerequisites.csv:line 5: prerequisite quad -> eq: concept quad is not in the import, so the prune "
            "would delete it: put it back in the import, or leave the reference out"
        ]
        assert kg.projection.has_concept("quad")


class TestOtherCurricula:
    @pytest.fixture
    def geo(self, kg: KnowledgeGraph) -> KnowledgeGraph:
        create_curriculum(kg, Curriculum("geo", "Geometry"))
        kg.create_concept(Concept("area", "Area", curriculum="geo"))
        return kg

    def test_a_concept_of_another_curriculum_is_never_touched(self, geo: KnowledgeGraph) -> None:
        files = {"curricula": "id,title\narith,Arithmetic\n", "concepts": "id,label,scheme\nadd,Addition,arith\n"}
        kg = geo
        kg.create_concept(Concept("loose", "In no curriculum"))
        pruned = prune(kg, files)
        assert "area" not in pruned.concepts
        assert "loose" not in pruned.concepts
        assert kg.concept("area").curriculum == "geo"
        assert kg.projection.has_concept("loose")

    @pytest.mark.parametrize(
        ("link", "said"),
        [
            (Prerequisite("area", "quad"), "concept area (curriculum geo) requires quad"),
            (Concept("area", "Area", broader=("quad",), curriculum="geo"), "concept area (curriculum geo) is narrower"),
            (Prerequisite("loose", "quad"), "concept loose (in no curriculum) requires quad"),
        ],
    )
    def test_a_prune_that_would_change_a_concept_outside_is_refused(
        self, geo: KnowledgeGraph, link: Prerequisite | Concept, said: str
    ) -> None:
        kg = geo
        kg.create_concept(Concept("loose", "In no curriculum"))
        if isinstance(link, Prerequisite):
            kg.add_prerequisite(link.concept, link.prerequisite)
        else:
            kg.update_concept(link)
        before = triples(kg)
        with pytest.raises(ValidationFailed) as refused:
            prune(kg, without_quad(kg))
        assert refused.value.field == "prune"
        [problem] = refused.value.problems
        assert problem.startswith(said), problem
        assert "a prune changes nothing outside the curricula the import names (arith); keep quad in the import" in (
            problem
        )
        assert triples(kg) == before

    def test_a_material_shared_with_another_curriculum_stays(self, geo: KnowledgeGraph) -> None:
        kg = geo
        kg.link_material("m_eq", "area")
        warning = (
            "curriculum arith: 1 stored material linked to its concepts is not in the import but is linked to "
            "concepts outside the curricula it names too (m_eq): a prune keeps it; unlink it with unlinkMaterial"
        )
        counted = kg.import_bundle(parse_curriculum_csv(without_quad(kg)), replace_existing=True, dry_run=True)
        assert warning in counted.warnings
        report = kg.import_bundle(parse_curriculum_csv(without_quad(kg)), replace_existing=True, prune=True)
        assert report.pruned == Pruned(concepts=["quad"], prerequisites=1)
        kept = warning.replace("a prune keeps it; unlink it with unlinkMaterial", "the prune kept it, linked to those")
        assert kept in report.warnings  # the advice to unlink named links the prune had taken already
        assert kg.material("m_eq").teaches == ("area", "eq")

    def test_a_material_linked_only_to_named_curricula_goes(self, geo: KnowledgeGraph) -> None:
        kg = geo
        kg.link_material("m_eq", "area")
        files = {
            **without_quad(kg),
            "curricula": "id,title,description\narith,Arithmetic,Small test curriculum\ngeo,Geometry,\n",
        }
        files["concepts"] += "area,Area,,,,geo,\n"
        assert prune(kg, files).materials == ["m_eq"]  # both of its curricula are the file's


class TestKeptValues:
    def test_a_replaced_concepts_kept_edges_go_with_the_pruned_one(self, kg: KnowledgeGraph) -> None:
        files = exported(kg)
        # no prerequisites.csv (eq keeps its stored edges) and no materials.csv (m_eq stays)
        edited = {"curricula": files["curricula"], "concepts": drop(files["concepts"], {"sub"})}
        report = kg.import_bundle(parse_curriculum_csv(edited), replace_existing=True, prune=True)
        assert report.pruned == Pruned(concepts=["sub"], prerequisites=2, material_links=1)
        assert kg.prerequisites_of("eq") == ["mul"]
        assert kg.material("m_eq").assesses == ()
        assert KnowledgeGraph(kg.store).prerequisites_of("eq") == ["mul"]

    def test_a_material_left_with_no_concept_is_named(self, kg: KnowledgeGraph) -> None:
        kg.create_material(Material("m_quad", "Parabolas", MaterialType.VIDEO, teaches=("quad",)))
        files = without_quad(kg)
        report = kg.import_bundle(
            parse_curriculum_csv({k: v for k, v in files.items() if k != "materials"}),
            replace_existing=True,
            prune=True,
        )
        assert report.pruned is not None
        assert report.pruned.materials == []
        assert (
            "1 material linked only to pruned concepts stays, linked to no concept (m_quad): the import holds no "
            "materials, so the prune deletes none; list them with materials(orphans: true), remove them with "
            "deleteMaterial"
        ) in report.warnings

    def test_students_attempts_stay_and_the_report_says_so(self, kg: KnowledgeGraph) -> None:
        attempt_on(kg, "quad")
        report = kg.import_bundle(parse_curriculum_csv(without_quad(kg)), replace_existing=True, prune=True)
        assert (
            "1 student attempt on pruned concepts or materials stay, without its link to them, as deleteConcept "
            "and deleteMaterial leave them"
        ) in report.warnings


class TestRdfAndCase:
    def test_a_turtle_export_without_a_concept_prunes_it(self, kg: KnowledgeGraph) -> None:
        g = Graph().parse(data=export_text(kg, "turtle", "arith"), format="turtle")
        quad = iri_of("concept", "quad")
        for s, p, o in list(g):
            if quad in (s, o) or (s, None, quad) in g:  # the concept, what names it, and its edge's node
                g.remove((s, p, o))
        report = kg.import_bundle(read_text(g.serialize(format="turtle"), "turtle"), replace_existing=True, prune=True)
        assert report.pruned == Pruned(concepts=["quad"], prerequisites=1)
        assert not kg.projection.has_concept("quad")
        assert len(kg.concepts_by_ids(["add", "sub", "mul", "eq"])) == 4

    def test_a_case_package_without_an_item_prunes_its_concept(self, kg: KnowledgeGraph) -> None:
        package = json.loads(export_text(kg, "case", "arith"))
        [quad] = [i["identifier"] for i in package["CFItems"] if i["uri"] == str(iri_of("concept", "quad"))]
        package["CFItems"] = [i for i in package["CFItems"] if i["identifier"] != quad]
        package["CFAssociations"] = [
            a
            for a in package["CFAssociations"]
            if quad not in (a["originNodeURI"]["identifier"], a["destinationNodeURI"]["identifier"])
        ]
        report = kg.import_bundle(read_text(json.dumps(package), "case"), replace_existing=True, prune=True)
        assert report.pruned is not None
        assert report.pruned.concepts == ["quad"]  # CASE has no materials: none is pruned
        assert report.pruned.materials == []
        assert kg.projection.sorted_concepts() == ["add", "eq", "mul", "sub"]
        assert URIRef(iri_of("material", "m_eq")) in {s for s, _, _ in triples(kg)}
