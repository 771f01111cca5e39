"""The policy table: complete for the schema, consistent with its arguments, and each rule's logic."""

from __future__ import annotations

from functools import cache

import graphql
import pytest
from graphql import GraphQLInputObjectType, GraphQLSchema, get_named_type

from auth.directory import EmptyDirectory, StaticDirectory
from auth.policy import (
    POLICY,
    AccessDenied,
    OwnStudent,
    TeacherOfCohort,
    TeacherOfStudent,
    WithoutArg,
    check,
    min_cell_for,
    rules_with_args,
    values_at,
    visible_cohorts,
    visible_students,
)
from auth.principal import Principal, Role
from schema import build_schema

DIRECTORY = StaticDirectory({"t1": ["c1"], "t2": []}, {"c1": ["s1", "s3"], "c2": ["s2"]})
STUDENT, TEACHER = Principal(Role.STUDENT, "s1"), Principal(Role.TEACHER, "t1")
DESIGNER, ANALYST, ADMIN = Principal(Role.DESIGNER, "d1"), Principal(Role.ANALYST, "an1"), Principal(Role.ADMIN, "a1")


@cache
def sdl_schema() -> GraphQLSchema:
    return graphql.build_schema(build_schema().as_str())


def root_fields() -> list[tuple[str, str]]:
    schema = sdl_schema()
    roots = [t for t in (schema.query_type, schema.mutation_type) if t is not None]
    return [(root.name, name) for root in roots for name in root.fields]


class TestTableCoversTheSchema:
    @pytest.mark.parametrize(("root", "field"), root_fields())
    def test_every_root_field_has_an_entry(self, root: str, field: str) -> None:
        assert field in POLICY, f"{root}.{field} has no entry in auth.policy.POLICY: say who may call it"

    def test_admin_may_call_everything(self) -> None:
        assert all(Role.ADMIN in access for access in POLICY.values())

    def test_entries_for_fields_not_written_yet_are_harmless(self) -> None:
        existing = {field for _, field in root_fields()}
        # Entries ahead of the schema are allowed; they only must not be misspelt versions of existing ones.
        for name in set(POLICY) - existing:
            assert name[0].islower(), name
            assert "_" not in name, name


class TestRuleArgumentsExist:
    @pytest.mark.parametrize(("field", "role", "path"), rules_with_args())
    def test_path_names_arguments_of_the_field(self, field: str, role: Role, path: str) -> None:
        schema = sdl_schema()
        found = [r.fields[field] for r in (schema.query_type, schema.mutation_type) if r and field in r.fields]
        if not found:
            pytest.skip(f"{field} is not in the schema yet")
        head, *rest = path.split(".")
        assert head in found[0].args, f"{field} has no argument {head!r} (policy for {role.value} reads {path!r})"
        current = get_named_type(found[0].args[head].type)
        for part in rest:
            assert isinstance(current, GraphQLInputObjectType), f"{path!r} on {field}"
            assert part in current.fields, f"{path!r} on {field}"
            current = get_named_type(current.fields[part].type)


class TestValuesAt:
    def test_scalar_list_and_nested(self) -> None:
        assert values_at({"studentIds": ["a", "b"]}, "studentIds") == ["a", "b"]
        assert values_at({"attempts": []}, "attempts.studentId") == []
        assert values_at({"attempts": [{"x": 1}]}, "attempts.studentId") == [None]
        assert values_at({"id": None}, "id") is None


class TestRules:
    def test_own_student(self) -> None:
        rule = OwnStudent("id")
        assert rule.allows(STUDENT, {"id": "s1"}, EmptyDirectory())
        assert not rule.allows(STUDENT, {"id": "s2"}, EmptyDirectory())
        assert not rule.allows(STUDENT, {}, EmptyDirectory())
        assert OwnStudent("id", optional=True).allows(STUDENT, {}, EmptyDirectory())

    def test_own_student_over_a_list_needs_every_item(self) -> None:
        rule = OwnStudent("attempts.studentId")
        assert rule.allows(STUDENT, {"attempts": [{"studentId": "s1"}, {"studentId": "s1"}]}, EmptyDirectory())
        assert not rule.allows(STUDENT, {"attempts": [{"studentId": "s1"}, {"studentId": "s2"}]}, EmptyDirectory())
        assert not rule.allows(STUDENT, {"attempts": [{}]}, EmptyDirectory())

    def test_teacher_of_student(self) -> None:
        rule = TeacherOfStudent("studentId")
        assert rule.allows(TEACHER, {"studentId": "s3"}, DIRECTORY)
        assert not rule.allows(TEACHER, {"studentId": "s2"}, DIRECTORY)
        assert not rule.allows(TEACHER, {"studentId": "s1"}, EmptyDirectory())
        assert not rule.allows(Principal(Role.TEACHER, "t2"), {"studentId": "s1"}, DIRECTORY)

    def test_teacher_of_cohort(self) -> None:
        rule = TeacherOfCohort("cohortId")
        assert rule.allows(TEACHER, {"cohortId": "c1"}, DIRECTORY)
        assert not rule.allows(TEACHER, {"cohortId": "c2"}, DIRECTORY)
        assert not rule.allows(TEACHER, {}, DIRECTORY)

    def test_without_arg(self) -> None:
        assert WithoutArg("studentId").allows(DESIGNER, {"question": "q"}, DIRECTORY)
        assert not WithoutArg("studentId").allows(DESIGNER, {"studentId": "s1"}, DIRECTORY)


class TestCheck:
    def test_role_not_in_entry(self) -> None:
        with pytest.raises(AccessDenied, match="not available to the designer role") as denied:
            check("student", DESIGNER, {"id": "s1"}, DIRECTORY)
        assert denied.value.extensions == {"code": "FORBIDDEN"}

    def test_a_refused_batch_names_its_first_item_out_of_scope(self) -> None:
        # A forwarder with 500 queued attempts was told only that one was out of its scope.
        batch = {"attempts": [{"studentId": "s3"}, {"studentId": "s3"}, {"studentId": "s2"}, {"studentId": "s9"}]}
        with pytest.raises(AccessDenied, match=r"cohorts they teach \(attempts\.2\.studentId\)") as denied:
            check("recordAttempts", TEACHER, batch, DIRECTORY)
        assert denied.value.extensions == {"code": "FORBIDDEN", "field": "attempts.2.studentId"}

    def test_refusal_does_not_depend_on_existence(self) -> None:
        messages = set()
        for other in ("s2", "nobody-by-this-key"):
            with pytest.raises(AccessDenied) as denied:
                check("student", STUDENT, {"id": other}, DIRECTORY)
            messages.add(denied.value.message)
        assert len(messages) == 1

    def test_a_student_token_naming_no_student_is_told_so(self) -> None:
        # A token whose sub is spaces only verified, and a student query of it was "Unexpected error.".
        blank = Principal(Role.STUDENT, " ")
        for field, args, argument in (
            ("learningPath", {"targets": ["t"]}, "studentId"),
            ("nextMaterials", {"studentId": "s1"}, "studentId"),
            ("exportStudent", {"id": "s1"}, "id"),
            ("recordAttempts", {"attempts": [{"studentId": "s1"}]}, "attempts.0.studentId"),
            ("ask", {"question": "why?"}, "studentId"),
        ):
            with pytest.raises(AccessDenied, match="the token names no student") as denied:
                check(field, blank, args, DIRECTORY, student_key=str.strip)
            assert denied.value.extensions == {"code": "FORBIDDEN", "field": argument}
        assert visible_students(blank, DIRECTORY, str.strip) == frozenset()

    def test_field_without_entry_is_admin_only(self) -> None:
        check("someNewField", ADMIN, {}, DIRECTORY, policy={})
        with pytest.raises(AccessDenied, match="no access policy"):
            check("someNewField", TEACHER, {}, DIRECTORY, policy={})

    def test_ask_is_open_but_a_named_student_is_scoped(self) -> None:
        for who in (TEACHER, DESIGNER, ANALYST, ADMIN):
            check("ask", who, {"question": "why?"}, DIRECTORY)
        check("ask", STUDENT, {"question": "why?", "studentId": "s1"}, DIRECTORY)
        # Answered as a newcomer (no weak prerequisites) though the server knew who asked: named, as for a path.
        with pytest.raises(AccessDenied, match="a student names themselves: send `studentId`"):
            check("ask", STUDENT, {"question": "why?"}, DIRECTORY)
        for who in (DESIGNER, ANALYST):
            with pytest.raises(AccessDenied, match="may not name a student"):
                check("ask", who, {"question": "why?", "studentId": "s1"}, DIRECTORY)

    def test_analysts_get_aggregates_never_individuals(self) -> None:
        check("cohortMastery", ANALYST, {"cohortId": "c2"}, DIRECTORY)
        check("atRisk", ANALYST, {"cohortId": "c2"}, DIRECTORY)  # counts only: see TestStudentDataNeverReachesStaff
        for field, args in (("student", {"id": "s1"}), ("students", {}), ("learningPath", {"studentId": "s1"})):
            with pytest.raises(AccessDenied):
                check(field, ANALYST, args, DIRECTORY)

    def test_designers_edit_the_graph_and_see_no_student_data(self) -> None:
        check("createConcept", DESIGNER, {}, DIRECTORY)
        for field in ("student", "students", "recordAttempts", "learningPath", "cohortMastery", "exportStudent"):
            with pytest.raises(AccessDenied):
                check(field, DESIGNER, {"id": "s1", "studentId": "s1", "cohortId": "c1"}, DIRECTORY)

    def test_teachers_cannot_enrol_students_into_their_own_reach(self) -> None:
        with pytest.raises(AccessDenied):
            check("enrolStudents", TEACHER, {"cohortId": "c1", "studentIds": ["s2"]}, DIRECTORY)


class TestVisibility:
    def test_students(self) -> None:
        assert visible_students(ADMIN, DIRECTORY) is None
        assert visible_students(STUDENT, DIRECTORY) == {"s1"}
        assert visible_students(TEACHER, DIRECTORY) == {"s1", "s3"}
        assert visible_students(DESIGNER, DIRECTORY) == visible_students(ANALYST, DIRECTORY) == frozenset()

    def test_cohorts(self) -> None:
        assert visible_cohorts(ADMIN, DIRECTORY) is None
        assert visible_cohorts(ANALYST, DIRECTORY) is None
        assert visible_cohorts(TEACHER, DIRECTORY) == {"c1"}
        assert visible_cohorts(STUDENT, DIRECTORY) == frozenset()

    @pytest.mark.parametrize("role", list(Role))
    def test_min_cell(self, role: Role) -> None:
        assert min_cell_for(Principal(role, "x"), 7) == (7 if role is Role.ANALYST else 0)


def test_a_refusal_names_the_roles_set_aside_that_the_field_admits() -> None:
    # a designer whose provider also lists them as a student acts as the student; the refusal said only that
    both = Principal(Role.STUDENT, "d1", set_aside=(Role.DESIGNER, Role.ADMIN))
    with pytest.raises(AccessDenied) as edit:
        check("createConcept", both, {}, EmptyDirectory())
    assert edit.value.message.endswith(
        "the token also names the designer, admin roles, set aside: with several roles the least privileged acts, "
        "so a token with one of those alone is needed"
    )
    analyst_too = Principal(Role.STUDENT, "s1", set_aside=(Role.ANALYST,))
    with pytest.raises(AccessDenied) as own:
        check("student", analyst_too, {"id": "s2"}, EmptyDirectory())
    assert own.value.message == "'student': students may only use their own data", "an analyst may not either"
