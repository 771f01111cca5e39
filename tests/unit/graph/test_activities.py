"""A material's activity ids: absolute IRIs, each naming one material, kept as pw:activityId and projected."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import Literal, URIRef

from graph.activities import (
    Clash,
    activity_clashes,
    activity_problem,
    activity_problems,
    canonical_activity_ids,
)
from graph.bundle import CurriculumBundle
from graph.errors import ActivityClash, ValidationFailed
from graph.ids import iri_of
from graph.model import Material, MaterialType
from graph.rdf_bundle import bundle_from_rdf
from graph.rdf_mapping import graph_of, material_triples
from graph.repository import KnowledgeGraph
from graph.vocab import PW, XSD
from ingest.formats import read_text

QUESTION = "http://www.example.org/question/question.php?cmid=1&id=1"
H5P_COPY = "https://h5p.example/content/42"
QUIZ = Material(
    "factoring-quiz", "Factoring quiz", MaterialType.EXERCISE, assesses=("eq",), activity_ids=(QUESTION, H5P_COPY)
)


def _quiz(ident: str, *activities: str) -> Material:
    return Material(ident, ident, MaterialType.EXERCISE, activity_ids=activities)


class TestActivityProblem:
    @pytest.mark.parametrize("activity", [QUESTION, "urn:lms:quiz:7", "https://h5p.example/content/42#q1"])
    def test_absolute_iris_pass(self, activity: str) -> None:
        assert activity_problem(activity) is None

    @pytest.mark.parametrize(
        ("activity", "says"),
        [
            ("factoring-quiz", "is not an absolute IRI"),
            ("/question/question.php?id=1", "is not an absolute IRI"),
            ("http://lms.example/a b", "is not an absolute IRI"),
            ("http://lms.example/q\u202e1", "holds U+202E"),
            ("https://w3id.org/pathwise/id/material/m_add", "under Pathwise's own namespace, where it names 'm_add'"),
        ],
    )
    def test_anything_else_is_refused(self, activity: str, says: str) -> None:
        problem = activity_problem(activity)
        assert problem is not None
        assert problem.startswith(f"activity id {activity!r}")
        assert says in problem

    def test_each_problem_is_on_activity_ids(self) -> None:
        [(field, message)] = activity_problems(_quiz("q", QUESTION, "quiz-7"))
        assert field == "activityIds"
        assert message.startswith("material 'q': activity id 'quiz-7' is not an absolute IRI")


class TestCanonicalActivityIds:
    def test_trimmed_once_each_in_a_stable_order_and_case_kept(self) -> None:
        given = [f" {QUESTION} ", "", H5P_COPY, QUESTION, "HTTP://LMS.example/Q"]
        assert canonical_activity_ids(given) == ("HTTP://LMS.example/Q", QUESTION, H5P_COPY)


class TestActivityClashes:
    def test_an_activity_listed_by_two_materials_of_a_batch(self) -> None:
        [clash] = activity_clashes([_quiz("a", QUESTION), _quiz("b", QUESTION)])
        assert clash == Clash(QUESTION, "b", "a")
        assert "material 'b'" in clash.message()
        assert "material 'a'" in clash.message()

    def test_an_activity_a_stored_material_lists(self) -> None:
        [clash] = activity_clashes([_quiz("b", QUESTION)], {QUESTION: "a"}, {"a"})
        assert (clash.material, clash.holder, clash.field) == ("b", "a", "activityIds")

    def test_an_activity_that_is_another_materials_id(self) -> None:
        [stored] = activity_clashes([_quiz("b", "http://x.org/m/1")], {}, {"http://x.org/m/1"})
        [batch] = activity_clashes([_quiz("http://x.org/m/1"), _quiz("b", "http://x.org/m/1")])
        assert stored == batch == Clash("http://x.org/m/1", "b", "http://x.org/m/1", held_as="id")
        assert "is the id of material 'http://x.org/m/1'" in stored.message()

    def test_a_material_id_another_material_lists(self) -> None:
        [clash] = activity_clashes([_quiz("http://x.org/m/1")], {"http://x.org/m/1": "a"}, {"a"})
        assert (clash.material, clash.holder, clash.field) == ("http://x.org/m/1", "a", "id")
        assert clash.message().startswith("material id 'http://x.org/m/1' is already an activity id of material 'a'")

    def test_a_material_written_again_or_an_activity_moved_in_one_write_is_no_clash(self) -> None:
        assert activity_clashes([_quiz("a", QUESTION)], {QUESTION: "a"}, {"a"}) == []
        moved = [_quiz("a"), _quiz("b", QUESTION)]  # a gives it up in the write that gives it to b
        assert activity_clashes(moved, {QUESTION: "a"}, {"a", "b"}) == []

    def test_its_own_id_among_its_activities_is_no_clash(self) -> None:
        assert activity_clashes([_quiz("http://x.org/m/1", "http://x.org/m/1")]) == []


class TestTriples:
    def test_written_as_any_uri_literals_and_read_back(self) -> None:
        triples = set(material_triples(QUIZ))
        s = iri_of("material", QUIZ.id)
        assert {(s, PW.activityId, Literal(a, datatype=XSD.anyURI)) for a in QUIZ.activity_ids} <= triples
        bundle = bundle_from_rdf(graph_of(triples))
        assert bundle.materials == (QUIZ,)
        assert bundle.extra is None

    def test_an_iri_or_a_plain_string_is_read_as_one_activity_id(self) -> None:
        s = iri_of("material", QUIZ.id)
        triples = {t for t in material_triples(QUIZ) if t[1] != PW.activityId}
        triples |= {(s, PW.activityId, URIRef(QUESTION)), (s, PW.activityId, Literal(f" {H5P_COPY}"))}
        bundle = bundle_from_rdf(graph_of(triples))
        assert bundle.materials == (QUIZ,)
        assert bundle.extra is None  # not kept a second time beside the literal written for it


class TestStore:
    def test_create_projects_them_and_a_clash_names_both_materials(self, kg: KnowledgeGraph) -> None:
        kg.create_material(QUIZ)
        assert kg.material(QUIZ.id) == QUIZ
        assert kg.projection.material_named(QUESTION) == kg.projection.material_named(H5P_COPY) == QUIZ.id
        assert kg.projection.material_named(QUIZ.id) == QUIZ.id
        with pytest.raises(ActivityClash) as caught:
            kg.create_material(_quiz("moodle-copy", QUESTION))
        error = caught.value
        assert (error.code.value, error.field, error.ident) == ("DUPLICATE", "activityIds", QUESTION)
        assert "'moodle-copy'" in error.message
        assert "'factoring-quiz'" in error.message
        assert "moodle-copy" not in kg.projection.material_ids

    def test_a_material_whose_id_is_listed_is_refused_on_its_id(self, kg: KnowledgeGraph) -> None:
        kg.create_material(QUIZ)
        with pytest.raises(ActivityClash) as caught:
            kg.create_material(_quiz(QUESTION))
        assert caught.value.field == "id"

    def test_update_replaces_them_and_delete_frees_them(self, kg: KnowledgeGraph) -> None:
        kg.create_material(QUIZ)
        kg.update_material(replace(QUIZ, activity_ids=(QUESTION,)))
        assert kg.material(QUIZ.id).activity_ids == (QUESTION,)
        assert kg.projection.material_named(H5P_COPY) is None
        kg.create_material(_quiz("h5p-quiz", H5P_COPY))  # the one given up is free
        with pytest.raises(ActivityClash):
            kg.update_material(replace(QUIZ, activity_ids=(QUESTION, H5P_COPY)))
        assert kg.material(QUIZ.id).activity_ids == (QUESTION,)  # nothing of the refused change
        kg.delete_material(QUIZ.id)
        assert kg.projection.material_named(QUESTION) is None
        kg.create_material(_quiz("again", QUESTION))

    def test_a_bad_one_is_invalid_on_activity_ids(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(ValidationFailed) as caught:
            kg.create_material(_quiz("q", "quiz-7"))
        assert caught.value.field == "activityIds"

    def test_a_projection_rebuilt_from_the_store_knows_them(self, kg: KnowledgeGraph) -> None:
        kg.create_material(QUIZ)
        fresh = KnowledgeGraph(kg.store)
        assert fresh.projection.activities == {QUESTION: QUIZ.id, H5P_COPY: QUIZ.id}

    def test_an_import_moving_one_between_materials_it_replaces(self, kg: KnowledgeGraph) -> None:
        kg.create_material(QUIZ)
        kg.create_material(_quiz("other"))
        moved = (replace(QUIZ, activity_ids=()), _quiz("other", QUESTION, H5P_COPY))
        kg.import_bundle(CurriculumBundle(materials=moved[::-1]), replace_existing=True)
        assert kg.projection.activities == {QUESTION: "other", H5P_COPY: "other"}
        assert KnowledgeGraph(kg.store).projection.activities == kg.projection.activities


class TestImport:
    TURTLE = """@prefix schema: <https://schema.org/> . @prefix pw: <https://w3id.org/pathwise/vocab#> .
    <https://w3id.org/pathwise/id/material/ok> a schema:LearningResource ; schema:name "OK" .
    <https://w3id.org/pathwise/id/material/copy> a schema:LearningResource ; schema:name "Copy" ;
        pw:activityId "%s" ."""

    def test_a_clash_with_a_stored_material_is_refused_whole_naming_both(self, kg: KnowledgeGraph) -> None:
        kg.create_material(QUIZ)
        with pytest.raises(ValidationFailed) as caught:
            kg.import_bundle(read_text(self.TURTLE % QUESTION, "turtle"))
        [problem] = caught.value.problems
        assert "material 'copy'" in problem
        assert "material 'factoring-quiz'" in problem
        assert not {"ok", "copy"} & kg.projection.material_ids

    def test_an_activity_id_on_no_material_is_refused(self, kg: KnowledgeGraph) -> None:
        turtle = f"""@prefix pw: <https://w3id.org/pathwise/vocab#> .
        <https://w3id.org/pathwise/id/material/later> pw:activityId "{QUESTION}" ."""
        with pytest.raises(ValidationFailed) as caught:
            kg.import_bundle(read_text(turtle, "turtle"))
        assert "which is no material" in caught.value.problems[0]
        stored = f"""@prefix pw: <https://w3id.org/pathwise/vocab#> .
        <https://w3id.org/pathwise/id/material/m_add> pw:activityId "{QUESTION}" ."""
        with pytest.raises(ValidationFailed) as again:
            kg.import_bundle(read_text(stored, "turtle"))
        assert "sets a value of the stored material 'm_add'" in again.value.problems[0]
