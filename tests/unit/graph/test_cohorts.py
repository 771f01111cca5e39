"""Cohorts in the graph: create, enrol, remove, teachers, delete, rosters, and the directory."""

from __future__ import annotations

import pytest

from graph.bundle import CurriculumBundle
from graph.cohorts import (
    Cohort,
    GraphCohortDirectory,
    RosterEntry,
    apply_roster,
    cohort,
    cohorts_by_ids,
    cohorts_taught_by,
    create_cohort,
    delete_cohort,
    enrol_students,
    list_cohorts,
    members,
    remove_students,
    set_teachers,
    students_of,
)
from graph.errors import DuplicateId, InvalidInput, NotFound, ValidationFailed
from graph.model import Concept
from graph.repository import KnowledgeGraph
from graph.store import open_store


@pytest.fixture
def kg() -> KnowledgeGraph:
    return KnowledgeGraph(open_store("memory"))


class TestCreateCohort:
    def test_creates_and_reads_back(self, kg: KnowledgeGraph) -> None:
        assert create_cohort(kg, "7b", " Class 7b ", ["t2", "t1", "t2"]) == Cohort("7b", "Class 7b", ("t1", "t2"), 0)
        assert cohort(kg, "7b") == Cohort("7b", "Class 7b", ("t1", "t2"), 0)

    def test_refuses_a_taken_or_malformed_id(self, kg: KnowledgeGraph) -> None:
        create_cohort(kg, "7b")
        revision = kg.revision
        with pytest.raises(DuplicateId):
            create_cohort(kg, "7b")
        with pytest.raises(InvalidInput):
            create_cohort(kg, "7 b")
        with pytest.raises(InvalidInput):
            create_cohort(kg, "8a", teachers=[" "])
        assert kg.revision == revision


class TestEnrolAndRemove:
    def test_enrol_is_idempotent_and_remove_ignores_non_members(self, kg: KnowledgeGraph) -> None:
        create_cohort(kg, "7b")
        assert enrol_students(kg, "7b", ["s1", "s2"]).size == 2
        revision = kg.revision
        assert enrol_students(kg, "7b", ["s2"]).size == 2
        assert kg.revision == revision  # nothing new: no write
        assert remove_students(kg, "7b", ["s1", "nobody"]).size == 1
        assert members(kg, "7b") == ["s2"]

    def test_unknown_cohort(self, kg: KnowledgeGraph) -> None:
        with pytest.raises(NotFound):
            enrol_students(kg, "7b", ["s1"])
        with pytest.raises(NotFound):
            remove_students(kg, "7b", ["s1"])
        with pytest.raises(NotFound):
            members(kg, "7b")
        assert students_of(kg, "7b") == set()
        assert students_of(kg, "not a slug") == set()

    def test_a_malformed_key_enrols_nobody(self, kg: KnowledgeGraph) -> None:
        create_cohort(kg, "7b")
        with pytest.raises(InvalidInput):
            enrol_students(kg, "7b", ["s1", "bad key"])
        assert members(kg, "7b") == []


class TestTeachersAndDirectory:
    def test_set_teachers_and_lookups(self, kg: KnowledgeGraph) -> None:
        create_cohort(kg, "7b", teachers=["t1"])
        create_cohort(kg, "8a", teachers=["t1", "t2"])
        enrol_students(kg, "8a", ["s9"])
        assert cohorts_taught_by(kg, "t1") == {"7b", "8a"}
        assert set_teachers(kg, "7b", ["t3"]).teachers == ("t3",)
        directory = GraphCohortDirectory(kg)
        assert directory.cohorts_taught_by("t1") == {"8a"}
        assert directory.cohorts_taught_by("t3") == {"7b"}
        assert directory.students_of("8a") == {"s9"}
        assert directory.cohorts_taught_by("nobody") == set()


class TestDeleteCohort:
    def test_removes_memberships_but_keeps_students(self, kg: KnowledgeGraph) -> None:
        create_cohort(kg, "7b", "Seven", ["t1"])
        enrol_students(kg, "7b", ["s1"])
        delete_cohort(kg, "7b")
        assert cohorts_by_ids(kg, ["7b"]) == [None]
        assert cohorts_taught_by(kg, "t1") == set()
        assert kg.store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'cohort')) }") == []
        with pytest.raises(NotFound):
            delete_cohort(kg, "7b")


class TestListCohorts:
    def test_lists_by_id_with_sizes(self, kg: KnowledgeGraph) -> None:
        create_cohort(kg, "b")
        create_cohort(kg, "a", "A", ["t"])
        enrol_students(kg, "b", ["s1", "s2", "s3"])
        assert list_cohorts(kg) == [Cohort("a", "A", ("t",), 0), Cohort("b", "", (), 3)]


class TestApplyRoster:
    def test_creates_enrols_and_adds_teachers_in_one_write(self, kg: KnowledgeGraph) -> None:
        create_cohort(kg, "7b", teachers=["t1"])
        enrol_students(kg, "7b", ["s1", "old"])
        revision = kg.revision
        entries = [RosterEntry("7b", "s1", "t1"), RosterEntry("7b", "s2", "t2"), RosterEntry("8a", "s3")]
        report = apply_roster(kg, entries)
        assert kg.revision == revision + 1
        assert (report.cohorts_created, report.enrolled, report.already_enrolled, report.teachers_added) == (
            ["8a"], 2, 1, 1,
        )  # fmt: skip
        assert members(kg, "7b") == ["old", "s1", "s2"]
        assert cohort(kg, "7b").teachers == ("t1", "t2")

    def test_replace_leaves_exactly_the_roster(self, kg: KnowledgeGraph) -> None:
        create_cohort(kg, "7b")
        enrol_students(kg, "7b", ["s1", "old"])
        report = apply_roster(kg, [RosterEntry("7b", "s1")], replace=True)
        assert report.removed == 1
        assert members(kg, "7b") == ["s1"]

    def test_replace_leaves_exactly_the_rosters_teachers_where_it_names_any(self, kg: KnowledgeGraph) -> None:
        # A teacher taken off the roster kept reading the class.
        apply_roster(kg, [RosterEntry("7b", "s1", "t1"), RosterEntry("7b", "s2", "t2"), RosterEntry("8a", "s3", "t9")])
        report = apply_roster(kg, [RosterEntry("7b", "s1", "t3"), RosterEntry("8a", "s3")], replace=True)
        assert (report.teachers_added, report.teachers_removed) == (1, 2)
        assert cohort(kg, "7b").teachers == ("t3",)
        assert cohort(kg, "8a").teachers == ("t9",), "a cohort whose lines name no teacher keeps its teachers"

    def test_a_roster_cannot_take_a_cohort_past_the_teacher_limit(self, kg: KnowledgeGraph) -> None:
        # Each line's teachers were checked alone, so a roster could give one class 150.
        create_cohort(kg, "7b", teachers=[f"t{i}" for i in range(60)])
        revision = kg.revision
        lines = [RosterEntry("7b", f"s{i}", f"n{i}", line=i + 2) for i in range(50)]
        with pytest.raises(InvalidInput, match=r"cohort '7b' would have 110 teachers \(it has 60, the roster adds 50\)"
                           r".* line 42 names the first past the limit") as caught:  # fmt: skip
            apply_roster(kg, lines)
        assert caught.value.field == "teacherIds"
        assert kg.revision == revision
        assert len(cohort(kg, "7b").teachers) == 60
        assert members(kg, "7b") == []
        apply_roster(kg, lines, replace=True)  # replacing them: 50 is within the limit
        assert len(cohort(kg, "7b").teachers) == 50


class TestOneIriOneThing:
    """A cohort and a concept (material, curriculum) cannot share an IRI, whichever comes first."""

    IRI = "https://example.org/class/7b"

    def test_a_cohort_cannot_take_a_concepts_iri(self, kg: KnowledgeGraph) -> None:
        kg.import_bundle(CurriculumBundle(concepts=(Concept(self.IRI, "Slope"),)))
        revision = kg.revision
        with pytest.raises(InvalidInput, match="is already the IRI of a concept") as caught:
            create_cohort(kg, self.IRI, "7b")
        assert caught.value.field == "id"
        with pytest.raises(InvalidInput, match="is already the IRI of a concept"):
            apply_roster(kg, [RosterEntry(self.IRI, "s1")])
        assert kg.revision == revision
        assert list_cohorts(kg) == []

    def test_a_concept_cannot_take_a_cohorts_iri(self, kg: KnowledgeGraph) -> None:
        create_cohort(kg, self.IRI, "7b")
        bundle = CurriculumBundle(concepts=(Concept(self.IRI, "Slope"),))
        with pytest.raises(ValidationFailed) as caught:
            kg.import_bundle(bundle)
        assert caught.value.problems == [f"concept id '{self.IRI}' is already the IRI of a cohort"]
        with pytest.raises(ValidationFailed):
            kg.import_bundle(bundle, dry_run=True)
        assert not kg.projection.has_concept(self.IRI)
        assert cohort(kg, self.IRI).name == "7b"
