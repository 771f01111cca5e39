"""Every role against every root field: a table of expected allow/deny, every cell run.

The documents are generated from the schema's own field list (required arguments filled
with placeholder values, scoped arguments with the caller's own or someone else's
student or cohort), so a new root field fails ``test_every_root_field_has_a_row`` until
it gets a row in ``EXPECTED`` saying who may call it. The expectations are written out
here, not read from ``auth.policy``, so the table checks the policy instead of
repeating it.

The cast: student ``s1``; teacher ``t1`` teaches cohort ``c1`` (students ``s1``, ``s3``);
``s2`` is in cohort ``c2``, which ``t1`` does not teach.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import graphql
import pytest
import strawberry
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)

from auth.directory import StaticDirectory
from auth.policy import AGGREGATE_ONLY, ANYONE
from auth.principal import Principal, Role
from graph.attempts import record_attempts
from graph.model import Attempt
from graph.repository import KnowledgeGraph
from resolvers.loaders import build_loaders
from schema import build_schema
from schema.access import access_control
from schema.context import Context
from tests.conftest import PlainIds
from tests.integration.conftest import Api

S, T, D, AN, IN, A = Role.STUDENT, Role.TEACHER, Role.DESIGNER, Role.ANALYST, Role.INTEGRATION, Role.ADMIN
EVERYONE = frozenset(Role)
EDITORS = frozenset({D, A})
STAFF = frozenset({T, D, AN, A})
ADMIN_ONLY = frozenset({A})
FEEDS = frozenset({IN, A})
STUDENT_DATA = {"own": frozenset({S, T, A}), "other": ADMIN_ONLY}
COHORT_AGGREGATE = {"own": frozenset({T, AN, A}), "other": frozenset({AN, A})}

PRINCIPALS = {S: "s1", T: "t1", D: "d1", AN: "an1", IN: "lms", A: "a1"}
DIRECTORY = StaticDirectory({"t1": ["c1"]}, {"c1": ["s1", "s3"], "c2": ["s2"]})


@dataclass(frozen=True)
class Scope:
    """Whose data a document names."""

    student: str
    cohort: str


SCOPES = {"own": Scope("s1", "c1"), "other": Scope("s2", "c2"), "": Scope("s1", "c1"), "none": None}

# field -> {variant: roles allowed}; variant "" (no scoping argument), "own"/"other" (the
# caller's own or someone else's student/cohort), "none" (optional scoping arguments left out).
EXPECTED: dict[str, dict[str, frozenset[Role]]] = {
    "concept": {"": EVERYONE},
    "concepts": {"": EVERYONE},
    "material": {"": EVERYONE},
    "materials": {"": EVERYONE},
    "curricula": {"": EVERYONE},
    "exportCurriculum": {"": EVERYONE - {Role.STUDENT}},  # exports hold every answer key
    "exportCurriculumCsv": {"": EVERYONE - {Role.STUDENT}},
    "accessibilityVocabulary": {"": EVERYONE},
    "createConcept": {"": EDITORS},
    "updateConcept": {"": EDITORS},
    "setConceptTranslation": {"": EDITORS},
    "removeConceptTranslation": {"": EDITORS},
    "deleteConcept": {"": EDITORS},
    "addPrerequisite": {"": EDITORS},
    "removePrerequisite": {"": EDITORS},
    "createMaterial": {"": EDITORS},
    "updateMaterial": {"": EDITORS},
    "deleteMaterial": {"": EDITORS},
    "linkMaterial": {"": EDITORS},
    "unlinkMaterial": {"": EDITORS},
    "importCurriculum": {"": EDITORS},
    "createCurriculum": {"": EDITORS},
    "updateCurriculum": {"": EDITORS},
    "deleteCurriculum": {"": EDITORS},
    "students": {"": frozenset({S, T, A})},
    "studentKeys": {"": frozenset({S, T, A})},
    "student": STUDENT_DATA,
    "recordAttempts": {"own": frozenset({S, T, IN, A}), "other": FEEDS},
    "recordStatements": {"": FEEDS},
    "learningPath": {"none": frozenset({T, D, A}), **STUDENT_DATA},
    "nextMaterials": STUDENT_DATA,
    "ask": {"none": EVERYONE - {S, IN}, **STUDENT_DATA},  # a student names themselves, as for a path
    "masteryModels": {"": STAFF},
    "useMasteryModel": {"": ADMIN_ONLY},
    "startMasteryModelSwitch": {"": ADMIN_ONLY},
    "masteryModelSwitch": {"": STAFF},
    "cohorts": {"": frozenset({T, AN, A})},
    "cohort": COHORT_AGGREGATE,
    "cohortMastery": COHORT_AGGREGATE,
    "conceptDifficulty": COHORT_AGGREGATE,
    "masteryTrend": COHORT_AGGREGATE,
    "atRisk": COHORT_AGGREGATE,
    "createCohort": {"": frozenset({T, IN, A})},
    "deleteCohort": {"own": frozenset({T, IN, A}), "other": FEEDS},
    "removeStudents": {"own": frozenset({T, IN, A}), "other": FEEDS},
    "renameCohort": {"own": frozenset({T, IN, A}), "other": FEEDS},
    "enrolStudents": {"own": FEEDS, "other": FEEDS},
    "setCohortTeachers": {"own": FEEDS, "other": FEEDS},
    "importRoster": {"": FEEDS},
    "exportStudent": {"own": frozenset({S, A}), "other": ADMIN_ONLY},
    "forgetStudent": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    "forgetStudents": {"own": ADMIN_ONLY, "other": ADMIN_ONLY},
    "backupData": {"": ADMIN_ONLY},
}

# What an ``id`` argument names, for the fields where it is a student or a cohort.
ID_KIND = {
    "student": "student",
    "exportStudent": "student",
    "forgetStudent": "student",
    "forgetStudents": "student",
    "cohort": "cohort",
    "deleteCohort": "cohort",
}
STUDENT_ARGS = {"studentId", "studentIds"}
SCOPED_ARGS = STUDENT_ARGS | {"cohortId"}


@cache
def sdl_schema() -> GraphQLSchema:
    return graphql.build_schema(build_schema().as_str())


def root_fields() -> dict[str, tuple[str, GraphQLField]]:
    schema = sdl_schema()
    roots = [(op, t) for op, t in (("query", schema.query_type), ("mutation", schema.mutation_type)) if t]
    return {name: (op, f) for op, root in roots for name, f in root.fields.items()}


def literal(name: str, type_: GraphQLInputType, field: str, scope: Scope | None) -> str:
    """A GraphQL literal for an argument (or input field) of this name and type."""
    if isinstance(type_, GraphQLNonNull):
        return literal(name, type_.of_type, field, scope)
    if isinstance(type_, GraphQLList):
        return f"[{literal(name, type_.of_type, field, scope)}]"
    if isinstance(type_, GraphQLInputObjectType):
        parts = [
            f"{n}: {literal(n, f.type, field, scope)}"
            for n, f in type_.fields.items()
            if (isinstance(f.type, GraphQLNonNull) and f.default_value is graphql.Undefined)
            or (n in SCOPED_ARGS and scope is not None)
            or n in {"conceptIds", "correct"}  # an attempt needs a concept and an outcome to be valid
        ]
        return "{" + ", ".join(parts) + "}"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    if type_.name in {"Int"}:
        return "1"
    if type_.name == "Float":
        return "0.5"
    if type_.name == "Boolean":
        return "true"
    if type_.name == "DateTime":
        return json.dumps(datetime(2024, 1, 1, tzinfo=UTC).isoformat())
    if type_.name == "JSON":
        return "{}"
    return json.dumps(string_value(name, field, scope))


def string_value(name: str, field: str, scope: Scope | None) -> str:
    active = scope or SCOPES["own"]
    assert active is not None
    if name in STUDENT_ARGS or (name in {"id", "ids"} and ID_KIND.get(field) == "student"):
        return active.student
    if name == "cohortId" or (name == "id" and ID_KIND.get(field) == "cohort"):
        return active.cohort
    if name in {"conceptId", "prerequisiteId", "conceptIds", "targets", "id"}:
        return "add"
    if name == "materialId":
        return "m_add"
    return "x"


def document(field: str, variant: str) -> str:
    op, definition = root_fields()[field]
    scope = SCOPES[variant]
    args = [
        f"{name}: {literal(name, arg.type, field, scope)}"
        for name, arg in definition.args.items()
        if needs(name, arg, field, scope)
    ]
    arguments = f"({', '.join(args)})" if args else ""
    selection = "" if is_leaf_type(get_named_type(definition.type)) else " { __typename }"
    return f"{op} {{ {field}{arguments}{selection} }}"


def needs(name: str, arg: GraphQLArgument, field: str, scope: Scope | None) -> bool:
    required = isinstance(arg.type, GraphQLNonNull) and arg.default_value is graphql.Undefined
    scoped = name in SCOPED_ARGS or (name in {"id", "ids"} and field in ID_KIND)
    return required or (scoped and scope is not None)


def cells() -> list[Any]:
    out = []
    for field in sorted(root_fields()):
        for variant, allowed in EXPECTED.get(field, {}).items():
            for role in Role:
                label = f"{field}-{variant or 'any'}-{role.value}"
                out.append(pytest.param(field, variant, role, role in allowed, id=label))
    return out


def run(kg: KnowledgeGraph, query: str, principal: Principal, schema: strawberry.Schema) -> graphql.ExecutionResult:
    context = Context(kg=kg, loaders=build_loaders(kg), principal=principal, directory=DIRECTORY, pseudonyms=PlainIds())
    return asyncio.run(schema.execute(query, context_value=context))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema(development=False)


def test_every_root_field_has_a_row() -> None:
    missing = sorted(set(root_fields()) - set(EXPECTED))
    assert not missing, f"add rows to EXPECTED in {__file__} for: {', '.join(missing)}"


@pytest.mark.parametrize(("field", "variant", "role", "allowed"), cells())
def test_cell(
    kg: KnowledgeGraph, schema: strawberry.Schema, field: str, variant: str, role: Role, allowed: bool
) -> None:
    query = document(field, variant)
    result = run(kg, query, Principal(role, PRINCIPALS[role]), schema)
    errors = result.errors or []
    assert all(e.path is not None for e in errors), f"the generated document is invalid: {query}\n{errors}"
    forbidden = [e for e in errors if (e.extensions or {}).get("code") == "FORBIDDEN"]
    if allowed:
        assert not forbidden, f"{role.value} was refused {query}: {forbidden}"
    else:
        assert [e.path for e in forbidden] == [[field]], f"{role.value} was not refused {query}: {errors}"
        assert result.data is None or result.data.get(field) is None


def test_a_refused_field_leaves_the_others_of_the_request_their_data(
    kg: KnowledgeGraph, schema: strawberry.Schema
) -> None:
    # Root fields were non-null: a student's `{ curricula cohorts }` lost the curricula with the refused cohorts,
    # and a dashboard asking for several students' paths went blank for one who had left the class.
    result = run(kg, "{ curricula { id } cohorts { id } }", Principal(S, "s1"), schema)
    assert result.data == {"curricula": [{"id": "arith"}], "cohorts": None}
    assert [(e.path, (e.extensions or {}).get("code")) for e in result.errors or []] == [(["cohorts"], "FORBIDDEN")]


@pytest.fixture
def with_students(kg: KnowledgeGraph) -> KnowledgeGraph:
    when = datetime(2024, 1, 1, tzinfo=UTC)
    record_attempts(kg, [Attempt(f"a-{s}", s, when, 1.0, concepts=("add",)) for s in ("s1", "s2", "s3")])
    return kg


LIST_STUDENTS = "{ students { totalCount edges { node { id } } } }"


class TestATokenNamingNoStudent:
    """A student token whose ``sub`` is spaces only verifies, but names no student."""

    @pytest.mark.parametrize(
        ("query", "argument"),
        [
            ('{ learningPath(targets: ["add"]) { __typename } }', "studentId"),
            ('{ learningPath(targets: ["add"], studentId: "s1") { __typename } }', "studentId"),
            ('{ nextMaterials(studentId: "s1") { __typename } }', "studentId"),
            ('{ ask(question: "what is addition?", studentId: "s1") { __typename } }', "studentId"),
            ('{ ask(question: "what is addition?") { __typename } }', "studentId"),
            ('{ student(id: "s1") { id } }', "id"),
        ],
        ids=["path", "own-path", "next", "ask", "own-ask", "student"],
    )
    def test_its_student_queries_are_forbidden_saying_so(
        self, with_students: KnowledgeGraph, schema: strawberry.Schema, query: str, argument: str
    ) -> None:
        # They were "Unexpected error." (a ValueError, logged as a server fault), or for a path without
        # studentId "students may only use their own data": the caller could not tell the token was at fault.
        result = run(with_students, query, Principal(S, "   "), schema)
        [error] = result.errors or []
        assert error.extensions == {"code": "FORBIDDEN", "field": argument}
        assert "the token names no student" in error.message

    def test_it_lists_nobody(self, with_students: KnowledgeGraph, schema: strawberry.Schema) -> None:
        result = run(with_students, "{ students { totalCount } }", Principal(S, "   "), schema)
        assert result.errors is None
        assert result.data == {"students": {"totalCount": 0}}


@pytest.mark.parametrize(
    ("role", "query", "argument"),
    [
        (S, '{ student(id: "s2") { id } }', "id"),
        (S, '{ learningPath(targets: ["add"], studentId: "s2") { __typename } }', "studentId"),
        (T, '{ nextMaterials(studentId: "s2") { __typename } }', "studentId"),
        (D, '{ ask(question: "what is addition?", studentId: "s1") { __typename } }', "studentId"),
        (T, '{ cohortMastery(cohortId: "c2") { __typename } }', "cohortId"),
    ],
    ids=["student", "path", "teacher", "designer", "cohort"],
)
def test_a_refused_argument_is_named_in_field(
    with_students: KnowledgeGraph, schema: strawberry.Schema, role: Role, query: str, argument: str
) -> None:
    # student(id: "s2") was FORBIDDEN with no field, where a blank token's and a batch's refusals named theirs.
    result = run(with_students, query, Principal(role, PRINCIPALS[role]), schema)
    [error] = result.errors or []
    assert error.extensions == {"code": "FORBIDDEN", "field": argument}


@pytest.mark.parametrize(
    ("field", "query"),
    [
        ("learningPath", '{ learningPath(targets: ["add"]) { __typename } }'),
        ("ask", '{ ask(question: "what is addition?") { __typename } }'),
    ],
    ids=["path", "ask"],
)
def test_a_students_request_without_studentid_says_to_send_it(
    with_students: KnowledgeGraph, schema: strawberry.Schema, field: str, query: str
) -> None:
    # "students may only use their own data" answered a student who had named nobody; and `ask` without
    # `studentId` answered the student as a newcomer (no weak prerequisites), where their path was refused.
    result = run(with_students, query, Principal(S, "s1"), schema)
    [error] = result.errors or []
    assert error.extensions == {"code": "FORBIDDEN", "field": "studentId"}
    assert error.message == f"'{field}': a student names themselves: send `studentId` (your own id)"


class TestStudentListing:
    @pytest.mark.parametrize(
        ("role", "seen"), [(A, ["s1", "s2", "s3"]), (S, ["s1"]), (T, ["s1", "s3"])], ids=["admin", "student", "teacher"]
    )
    def test_each_role_sees_whom_it_may(
        self, with_students: KnowledgeGraph, schema: strawberry.Schema, role: Role, seen: list[str]
    ) -> None:
        result = run(with_students, LIST_STUDENTS, Principal(role, PRINCIPALS[role]), schema)
        assert result.errors is None
        assert result.data is not None
        listing = result.data["students"]
        assert [e["node"]["id"] for e in listing["edges"]] == seen
        assert listing["totalCount"] == len(seen)

    @pytest.mark.parametrize("role", [D, AN], ids=["designer", "analyst"])
    def test_designers_and_analysts_see_none(
        self, with_students: KnowledgeGraph, schema: strawberry.Schema, role: Role
    ) -> None:
        result = run(with_students, LIST_STUDENTS, Principal(role, PRINCIPALS[role]), schema)
        assert result.data == {"students": None}
        assert [(e.extensions or {}).get("code") for e in result.errors or []] == ["FORBIDDEN"]

    def test_a_student_cannot_tell_whether_another_student_exists(
        self, with_students: KnowledgeGraph, schema: strawberry.Schema
    ) -> None:
        student = Principal(S, "s1")
        existing = run(with_students, '{ student(id: "s2") { id } }', student, schema)
        absent = run(with_students, '{ student(id: "nobody") { id } }', student, schema)

        def seen(result: Any) -> Any:
            return result.data, [(e.message, e.path, e.extensions) for e in result.errors or []]

        assert seen(existing) == seen(absent)

    @pytest.mark.parametrize(
        ("role", "keyed"),
        [(A, ["s1", "s2", "s3"]), (S, ["s1"]), (T, ["s1", "s3"])],
        ids=["admin", "student", "teacher"],
    )
    def test_student_keys_map_back_only_whom_the_caller_may_see(
        self, with_students: KnowledgeGraph, schema: strawberry.Schema, role: Role, keyed: list[str]
    ) -> None:
        # Teachers saw only keys, with no way to put their roster's names on an at-risk list.
        query = '{ studentKeys(ids: ["s1", "s2", "s3", "nobody"]) { id key } }'
        result = run(with_students, query, Principal(role, PRINCIPALS[role]), schema)
        assert result.errors is None
        assert result.data is not None
        assert [p["id"] for p in result.data["studentKeys"] if p["key"] is not None] == (
            keyed + (["nobody"] if role is A else [])
        )

    def test_a_teacher_reaches_their_students(self, with_students: KnowledgeGraph, schema: strawberry.Schema) -> None:
        result = run(with_students, '{ student(id: "s3") { id } }', Principal(T, "t1"), schema)
        assert result.errors is None
        assert result.data == {"student": {"id": "s3"}}


# A field reaching students from an aggregate entry point (as ``Cohort.students`` may):
# designers and analysts are refused the nested student data even where the root is theirs.
@strawberry.type(name="Student")
class _Student:
    id: strawberry.ID


@strawberry.type
class _Cohort:
    size: int

    @strawberry.field
    def students(self) -> list[_Student]:
        return [_Student(id=strawberry.ID("s1"))]


@strawberry.type
class _Query:
    @strawberry.field
    def cohort(self) -> _Cohort:
        return _Cohort(size=1)


class TestStudentDataNeverReachesStaff:
    policy = {"cohort": {D: ANYONE, AN: AGGREGATE_ONLY, A: ANYONE}}

    def execute(self, kg: KnowledgeGraph, query: str, role: Role) -> graphql.ExecutionResult:
        toy = strawberry.Schema(query=_Query, extensions=[access_control(self.policy)])
        return run(kg, query, Principal(role, PRINCIPALS[role]), toy)

    @pytest.mark.parametrize("role", [D, AN], ids=["designer", "analyst"])
    def test_nested_students_refused(self, kg: KnowledgeGraph, role: Role) -> None:
        assert self.execute(kg, "{ cohort { size } }", role).data == {"cohort": {"size": 1}}
        refused = self.execute(kg, "{ cohort { size students { id } } }", role)
        assert [(e.path, (e.extensions or {}).get("code")) for e in refused.errors or []] == [
            (["cohort", "students"], "FORBIDDEN")
        ]

    def test_admin_sees_them(self, kg: KnowledgeGraph) -> None:
        result = self.execute(kg, "{ cohort { students { id } } }", A)
        assert result.data == {"cohort": {"students": [{"id": "s1"}]}}


RECORD_FOR = """mutation($a: [AttemptInput!]!) { recordAttempts(attempts: $a) { __typename %s } }"""
COUNTS = "... on RecordedAttempts { accepted duplicates } ... on AttemptsError { message }"
ATTEMPT = {"studentId": "s2", "conceptIds": ["slope"], "correct": True, "clientId": "lms-1"}


class TestIntegrationWritesWithoutReading:
    """An LMS forwarder's token records every student's answers and reads none of them back."""

    def record(self, api: Api, selection: str, role: Role = IN) -> Any:
        context = Context(
            kg=api.kg,
            loaders=build_loaders(api.kg, api.mastery),
            mastery=api.mastery,
            principal=Principal(role, PRINCIPALS[role]),
            pseudonyms=PlainIds(),
        )
        result = asyncio.run(api.schema.execute(RECORD_FOR % selection, {"a": [ATTEMPT]}, context_value=context))
        return result.data, [(e.path, (e.extensions or {}).get("code"), e.message) for e in result.errors or []]

    def test_it_records_any_students_answers_and_gets_the_counts(self, api: Api) -> None:
        data, errors = self.record(api, COUNTS)
        assert errors == []
        assert data["recordAttempts"] == {"__typename": "RecordedAttempts", "accepted": 1, "duplicates": 0}

    @pytest.mark.parametrize(
        "selection",
        [
            "... on RecordedAttempts { accepted mastery { probability } }",
            "...Estimates } } fragment Estimates on RecordedAttempts { mastery { probability",
        ],
        ids=["inline", "named-fragment"],
    )
    def test_selecting_the_estimates_refuses_the_write_before_it_is_made(self, api: Api, selection: str) -> None:
        data, errors = self.record(api, selection)
        assert data == {"recordAttempts": None}
        [(path, code, message)] = errors
        assert (path, code) == (["recordAttempts"], "FORBIDDEN")
        assert "selects 'mastery'" in message
        assert "nothing was written" in message
        # Nothing was stored: the same clientId is accepted afresh, not a duplicate.
        again, _ = self.record(api, COUNTS)
        assert again["recordAttempts"]["accepted"] == 1

    def test_an_admin_still_gets_the_estimates(self, api: Api) -> None:
        data, errors = self.record(api, "... on RecordedAttempts { mastery { concept { id } } }", A)
        assert errors == []
        assert data["recordAttempts"]["mastery"] == [{"concept": {"id": "slope"}}]

    def test_it_reads_no_student(self, api: Api) -> None:
        self.record(api, COUNTS)
        context = Context(
            kg=api.kg, loaders=build_loaders(api.kg), principal=Principal(IN, "lms"), pseudonyms=PlainIds()
        )
        result = asyncio.run(api.schema.execute('{ student(id: "s2") { id } }', context_value=context))
        assert [(e.extensions or {}).get("code") for e in result.errors or []] == ["FORBIDDEN"]


class TestMinCell:
    @pytest.mark.parametrize("role", list(Role))
    def test_only_analysts_get_suppression(self, kg: KnowledgeGraph, role: Role) -> None:
        context = Context(kg=kg, loaders=build_loaders(kg), principal=Principal(role, "x"), suppress_below=5)
        assert context.min_cell == (5 if role is AN else 0)


class TestCohortsOverTheGraph:
    """The real cohort fields with the graph's own directory: teachers by ``pw:teacher``, members by enrolment."""

    @pytest.fixture
    def cohort_kg(self, with_students: KnowledgeGraph) -> KnowledgeGraph:
        cohorts = pytest.importorskip("graph.cohorts")
        cohorts.create_cohort(with_students, "c1", "Class 1", ["t1"])
        cohorts.enrol_students(with_students, "c1", ["s1", "s3"])
        cohorts.create_cohort(with_students, "c2", "Class 2", ["t2"])
        cohorts.enrol_students(with_students, "c2", ["s2"])
        return with_students

    def execute(self, kg: KnowledgeGraph, schema: strawberry.Schema, query: str, role: Role) -> Any:
        from graph.cohorts import GraphCohortDirectory

        context = Context(
            kg=kg,
            loaders=build_loaders(kg),
            principal=Principal(role, PRINCIPALS[role]),
            directory=GraphCohortDirectory(kg),
            pseudonyms=PlainIds(),
        )
        result = asyncio.run(schema.execute(query, context_value=context))
        return result.data, [(e.path, (e.extensions or {}).get("code")) for e in result.errors or []]

    def test_teacher_reaches_members_through_the_graph_directory(
        self, cohort_kg: KnowledgeGraph, schema: strawberry.Schema
    ) -> None:
        assert self.execute(cohort_kg, schema, '{ student(id: "s3") { id } }', T) == ({"student": {"id": "s3"}}, [])
        assert self.execute(cohort_kg, schema, '{ student(id: "s2") { id } }', T)[1] == [(["student"], "FORBIDDEN")]
        listing = self.execute(cohort_kg, schema, "{ cohorts { id students { id } } }", T)
        assert listing == ({"cohorts": [{"id": "c1", "students": [{"id": "s1"}, {"id": "s3"}]}]}, [])

    def test_analyst_sees_a_cohort_but_not_its_members(
        self, cohort_kg: KnowledgeGraph, schema: strawberry.Schema
    ) -> None:
        assert self.execute(cohort_kg, schema, '{ cohort(id: "c1") { id size } }', AN) == (
            {"cohort": {"id": "c1", "size": 2}},
            [],
        )
        _, errors = self.execute(cohort_kg, schema, '{ cohort(id: "c1") { id students { id } } }', AN)
        assert errors == [(["cohort", "students"], "FORBIDDEN")]

    def test_analyst_gets_at_risk_counts_never_names(
        self, cohort_kg: KnowledgeGraph, schema: strawberry.Schema
    ) -> None:
        risk = '{ atRisk(cohortId: "c1", targets: ["eq"]) { ... on CohortAtRisk { targets { %s } } } }'
        data, errors = self.execute(cohort_kg, schema, risk % "studentsAtRisk suppressed", AN)
        assert errors == []
        assert len(data["atRisk"]["targets"]) == 1
        _, errors = self.execute(cohort_kg, schema, risk % "students { weak { concept { id } } }", AN)
        assert [code for _, code in errors] == ["FORBIDDEN"]
