"""The access policy: ONE table saying, for every root Query and Mutation field, who may call it.

Each entry maps the roles that may call a field to the scope rule their call must pass;
a role missing from an entry may not call the field at all. ``schema.access`` enforces
the table on every root field before its resolver runs, so resolvers stay thin.

Why root fields are enough: student data (``Student``, ``Attempt``, ``Mastery``,
``MasteryEvidence``) is reached only through root fields that take the student (or the
cohort) as an argument, so checking those arguments checks everything below them. Two
cases need the resolver's help or a second net:

- listings without a scoping argument (``students``, ``cohorts``) are ``ScopedListing``:
  the resolver narrows them with ``visible_students`` / ``visible_cohorts``;
- designers, analysts and integrations may never receive student-data types, wherever
  they are nested (``STUDENT_DATA_TYPES``): ``schema.access`` refuses those fields for
  them, so a future ``Cohort.students`` cannot leak through an aggregate entry point,
  nor ``recordAttempts { mastery }`` through a forwarder's write.

The table is keyed by field name (root Query and Mutation names do not collide), and it
also names fields other features are still writing (learning paths, question answering,
cohorts, forgetting): an entry for a field the schema does not have yet is harmless,
while a root field with no entry is admin-only at run time and fails
``tests/unit/auth/test_policy.py``.

Refusals never depend on whether the thing asked about exists: a student asking for
another student, or a teacher for a student outside their cohorts, gets the same
``FORBIDDEN`` whether or not that student is in the graph.

Student ids are pseudonyms (``graph.pseudonyms``): an argument may name a student by
external id or by key, and a student's token names them by external id. The student
rules compare keys: ``check`` takes ``student_key`` (the deployment's
``Pseudonymizer.resolve``; the schema passes ``Context.pseudonyms.resolve``) and applies
it to both the student arguments and a student caller's ``sub``. Left out, ids are
compared as given (they are keys already, as in the policy's own tests).

The scope rules are in ``auth.scope_rules`` and what a listing or an aggregate shows
each caller in ``auth.visibility``; this module holds the table and checks a call
against it, and is the import path for all three.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from auth.directory import CohortDirectory
from auth.principal import Principal, Role
from auth.scope_rules import (
    AggregateOnly,
    Anyone,
    ArgRule,
    Args,
    OwnStudent,
    Rule,
    ScopedListing,
    StudentKey,
    TeacherOfCohort,
    TeacherOfStudent,
    WithoutArg,
    as_given,
    own_key,
    values_at,
)
from auth.visibility import min_cell_for, visible_cohorts, visible_students

__all__ = [
    "ANYONE",
    "POLICY",
    "STUDENT_DATA_TYPES",
    "AccessDenied",
    "AggregateOnly",
    "Anyone",
    "OwnStudent",
    "Rule",
    "ScopedListing",
    "TeacherOfCohort",
    "TeacherOfStudent",
    "WithoutArg",
    "check",
    "may_see_student_data",
    "min_cell_for",
    "set_aside_note",
    "values_at",
    "visible_cohorts",
    "visible_students",
]


class AccessDenied(Exception):
    """A call the policy refuses; GraphQL shows it with ``extensions.code == "FORBIDDEN"``.

    ``argument`` names the refused item of a list argument (``attempts.3.studentId``),
    also as ``extensions.field``: a forwarder with a batch of 500 could not tell which
    attempt was out of its scope.
    """

    def __init__(self, field: str, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.argument = argument
        self.extensions: dict[str, str] = {"code": "FORBIDDEN", **({"field": argument} if argument else {})}


NO_STUDENT = "the token names no student (its 'sub' is blank)"
"""Why a student caller is refused whose token's ``sub`` is no student id (``auth.scope_rules.own_key``)."""

ANYONE = Anyone()
AGGREGATE_ONLY = AggregateOnly()
SCOPED_LISTING = ScopedListing()

Access = Mapping[Role, Rule]

EVERYONE: Access = {role: ANYONE for role in Role}
ALL_BUT_STUDENTS: Access = {role: ANYONE for role in Role if role is not Role.STUDENT}
"""An export holds every exercise's answer key, which a student reads only after answering it (``auth.answer_keys``)."""
STAFF: Access = {Role.TEACHER: ANYONE, Role.DESIGNER: ANYONE, Role.ANALYST: ANYONE, Role.ADMIN: ANYONE}
EDITORS: Access = {Role.DESIGNER: ANYONE, Role.ADMIN: ANYONE}
ADMIN_ONLY: Access = {Role.ADMIN: ANYONE}
FEEDS: Access = {Role.INTEGRATION: ANYONE, Role.ADMIN: ANYONE}
"""What an LMS or LRS forwarder and a roster sync write for every student and class."""


def _student_data(path: str) -> Access:
    """Per-student data: the student themself, their teachers, admins."""
    return {Role.STUDENT: OwnStudent(path), Role.TEACHER: TeacherOfStudent(path), Role.ADMIN: ANYONE}


def _cohort_aggregate(path: str) -> Access:
    """Figures over a cohort: its teachers in full, analysts with small cells suppressed, admins."""
    return {Role.TEACHER: TeacherOfCohort(path), Role.ANALYST: AGGREGATE_ONLY, Role.ADMIN: ANYONE}


POLICY: Mapping[str, Access] = {
    # --- the curriculum graph: not student data, readable by every role ------------------
    "concept": EVERYONE,
    "concepts": EVERYONE,
    "material": EVERYONE,
    "materials": EVERYONE,
    "curricula": EVERYONE,
    "exportCurriculum": ALL_BUT_STUDENTS,
    "exportCurriculumCsv": ALL_BUT_STUDENTS,
    "accessibilityVocabulary": EVERYONE,
    # --- curriculum editing: designers (and admins) ----------------------------------------
    "createConcept": EDITORS,
    "updateConcept": EDITORS,
    "setConceptTranslation": EDITORS,
    "removeConceptTranslation": EDITORS,
    "deleteConcept": EDITORS,
    "addPrerequisite": EDITORS,
    "removePrerequisite": EDITORS,
    "createMaterial": EDITORS,
    "updateMaterial": EDITORS,
    "deleteMaterial": EDITORS,
    "linkMaterial": EDITORS,
    "unlinkMaterial": EDITORS,
    "importCurriculum": EDITORS,
    "createCurriculum": EDITORS,
    "updateCurriculum": EDITORS,
    "deleteCurriculum": EDITORS,
    # --- students, attempts, mastery ------------------------------------------------------
    "students": {Role.STUDENT: SCOPED_LISTING, Role.TEACHER: SCOPED_LISTING, Role.ADMIN: ANYONE},
    # A teacher's app maps the keys it is answered with back to its roster: only for students it may see.
    "studentKeys": {Role.STUDENT: SCOPED_LISTING, Role.TEACHER: SCOPED_LISTING, Role.ADMIN: ANYONE},
    "student": _student_data("id"),
    # A forwarder records every student's answers, and reads back only the counts.
    "recordAttempts": {**_student_data("attempts.studentId"), Role.INTEGRATION: ANYONE},
    "recordStatements": FEEDS,  # an LRS forwarder: statements name learners of every class
    # Without a student it is a newcomer's path: a designer's preview of a course, no one's data.
    "learningPath": {
        Role.STUDENT: OwnStudent("studentId"),
        Role.TEACHER: TeacherOfStudent("studentId", optional=True),
        Role.DESIGNER: WithoutArg("studentId"),
        Role.ADMIN: ANYONE,
    },
    "nextMaterials": _student_data("studentId"),
    # Anyone may ask; naming a student personalises the answer, so it is scoped. A student names
    # themselves, as for their path: without `studentId` they were answered as a newcomer (no weak
    # prerequisites) though the answer was theirs.
    "ask": {
        Role.STUDENT: OwnStudent("studentId"),
        Role.TEACHER: TeacherOfStudent("studentId", optional=True),
        Role.DESIGNER: WithoutArg("studentId"),
        Role.ANALYST: WithoutArg("studentId"),
        Role.ADMIN: ANYONE,
    },
    # --- the served mastery model: versions and metrics for staff; switching is for admins --
    "masteryModels": STAFF,
    "useMasteryModel": ADMIN_ONLY,
    "startMasteryModelSwitch": ADMIN_ONLY,
    "masteryModelSwitch": STAFF,
    # --- cohorts ------------------------------------------------------------------------
    "cohorts": {Role.TEACHER: SCOPED_LISTING, Role.ANALYST: AGGREGATE_ONLY, Role.ADMIN: ANYONE},
    "cohort": _cohort_aggregate("id"),
    "cohortMastery": _cohort_aggregate("cohortId"),
    "conceptDifficulty": _cohort_aggregate("cohortId"),
    "masteryTrend": _cohort_aggregate("cohortId"),
    # Names at-risk students to their teachers; analysts get the counts only (with a
    # min_cell the report names nobody, and StudentRiskType is a student-data type).
    "atRisk": _cohort_aggregate("cohortId"),
    # A new cohort is empty, so creating one grants nothing; a teacher may tidy up their own. Its teachers
    # are claims until the school's first enrolment in it (graph.cohorts.create_cohort): a class id
    # taken before the roster sync filled it granted the class.
    "createCohort": {Role.TEACHER: ANYONE, **FEEDS},
    "deleteCohort": {Role.TEACHER: TeacherOfCohort("id"), **FEEDS},
    "removeStudents": {Role.TEACHER: TeacherOfCohort("cohortId"), **FEEDS},
    "renameCohort": {Role.TEACHER: TeacherOfCohort("cohortId"), **FEEDS},
    # Enrolling a student or naming a cohort's teachers grants those teachers the
    # students' data, so a teacher cannot grant it to themselves: admins, and the
    # roster sync of the school's own systems (an integration).
    "enrolStudents": FEEDS,
    "setCohortTeachers": FEEDS,
    "importRoster": FEEDS,
    # --- a student's data as a whole -------------------------------------------------------
    "exportStudent": {Role.STUDENT: OwnStudent("id"), Role.ADMIN: ANYONE},
    "forgetStudent": ADMIN_ONLY,
    "forgetStudents": ADMIN_ONLY,
    # --- operations ----------------------------------------------------------------------------
    "backupData": ADMIN_ONLY,
}

STUDENT_DATA_TYPES = frozenset(
    {"Student", "Attempt", "Mastery", "MasteryEvidence", "StudentRiskType", "StudentExport", "ForgottenStudent"}
)
"""GraphQL types that hold one student's data; never returned to designers, analysts or integrations."""

_NO_STUDENT_DATA = frozenset({Role.DESIGNER, Role.ANALYST, Role.INTEGRATION})


def may_see_student_data(role: Role) -> bool:
    """Whether ``role`` may ever receive a ``STUDENT_DATA_TYPES`` object."""
    return role not in _NO_STUDENT_DATA


def check(
    field: str,
    principal: Principal,
    args: Args,
    directory: CohortDirectory,
    policy: Mapping[str, Access] = POLICY,
    *,
    student_key: StudentKey = as_given,
) -> None:
    """Allow the call or raise ``AccessDenied``.

    ``student_key`` turns student arguments and a student caller's ``sub`` into keys
    before they are compared (see the module docstring).

    A field with no entry is admin-only: failing closed keeps a forgotten entry from
    opening student data, and the policy test names the field.

    Examples:
        >>> from auth.directory import EmptyDirectory
        >>> check("student", Principal(Role.STUDENT, "s1"), {"id": "s1"}, EmptyDirectory())
        >>> check("student", Principal(Role.STUDENT, "s1"), {"id": "s2"}, EmptyDirectory())
        Traceback (most recent call last):
        ...
        auth.policy.AccessDenied: 'student': students may only use their own data
        >>> check("learningPath", Principal(Role.STUDENT, ""), {"targets": ["t"]}, EmptyDirectory())
        Traceback (most recent call last):
        ...
        auth.policy.AccessDenied: 'learningPath': the token names no student (its 'sub' is blank)
        >>> check("learningPath", Principal(Role.STUDENT, "s1"), {"targets": ["t"]}, EmptyDirectory())
        Traceback (most recent call last):
        ...
        auth.policy.AccessDenied: 'learningPath': a student names themselves: send `studentId` (your own id)
    """
    access = policy.get(field)
    if access is None:
        if principal.role is Role.ADMIN:
            return
        raise AccessDenied(field, f"'{field}' has no access policy; only admins may use it")
    rule = access.get(principal.role)
    if rule is None:
        message = f"'{field}' is not available to the {principal.role.value} role"
        raise AccessDenied(field, message + set_aside_note(principal, access.__contains__))
    if not rule.allows(principal, args, directory, student_key):
        where = _refused_item(rule, principal, args, directory, student_key)
        if isinstance(rule, OwnStudent) and own_key(principal, student_key) is None:
            # A token whose sub is spaces only verifies, and its student's queries were "Unexpected error."
            message = f"'{field}': {NO_STUDENT}"
            raise AccessDenied(
                field, message + set_aside_note(principal, access.__contains__), argument=where or rule.arg
            )
        if isinstance(rule, OwnStudent) and "." not in rule.arg and values_at(args, rule.arg) is None:
            # "students may only use their own data" to a student who had named nobody
            message = f"'{field}': a student names themselves: send `{rule.arg}` (your own id)"
            raise AccessDenied(field, message + set_aside_note(principal, access.__contains__), argument=rule.arg)
        message = f"'{field}': {rule.reason}" + (f" ({where})" if where else "")
        if where is None and isinstance(rule, ArgRule) and "." not in rule.path and rule.path in args:
            where = rule.path  # student(id: "s2") named no argument, where a batch names its item
        raise AccessDenied(field, message + set_aside_note(principal, access.__contains__), argument=where)


def set_aside_note(principal: Principal, relevant: Callable[[Role], bool] = lambda role: True) -> str:
    """Why a role the token also names did not act, for a refusal (empty when it names one role).

    A teacher whose identity provider also lists them as a student was refused as a
    student, and the message named that role alone.

    Examples:
        >>> set_aside_note(Principal(Role.STUDENT, "t1", set_aside=(Role.TEACHER,))).split(":")[0]
        '; the token also names the teacher role, set aside'
        >>> set_aside_note(Principal(Role.STUDENT, "s1"))
        ''
    """
    others = [r for r in principal.set_aside if relevant(r)]
    if not others:
        return ""
    named = ", ".join(r.value for r in others)
    plural = "roles" if len(others) > 1 else "role"
    return (
        f"; the token also names the {named} {plural}, set aside: with several roles the least privileged acts, "
        f"so a token with {'one of those' if len(others) > 1 else 'that role'} alone is needed"
    )


def _refused_item(
    rule: Rule, principal: Principal, args: Args, directory: CohortDirectory, student_key: StudentKey
) -> str | None:
    """The first item of a list argument the rule refuses, as a path (``attempts.3.studentId``), if it reads one."""
    if not isinstance(rule, ArgRule) or "." not in rule.path:
        return None
    head, _, rest = rule.path.partition(".")
    items = args.get(head)
    if not isinstance(items, list):
        return None
    for index, item in enumerate(items):
        if not rule.allows(principal, {head: [item]}, directory, student_key):
            return f"{head}.{index}.{rest}"
    return None


def rules_with_args(policy: Mapping[str, Access] = POLICY) -> Sequence[tuple[str, Role, str]]:
    """``(field, role, argument path)`` for every scoped rule, for checking against the schema."""
    return [(f, role, rule.arg) for f, access in policy.items() for role, rule in access.items() if rule.arg]
