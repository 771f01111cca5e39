"""The scope rules of the access policy: given the caller and a field's arguments, allow the call or not.

``auth.policy``'s table maps each role to one of these per root field. They are kept
apart from the table because they are the logic (how an argument path is read, how
student ids are compared as keys, what a teacher's cohorts allow), tested rule by rule,
while the table is data that changes with every new field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from auth.directory import CohortDirectory, students_taught_by
from auth.principal import Principal

__all__ = [
    "AggregateOnly",
    "Anyone",
    "ArgRule",
    "Args",
    "OwnStudent",
    "Rule",
    "ScopedListing",
    "StudentKey",
    "TeacherOfCohort",
    "TeacherOfStudent",
    "WithoutArg",
    "as_given",
    "own_key",
    "values_at",
]

Args = Mapping[str, Any]
StudentKey = Callable[[str], str]
"""A student id as given (external id or key) -> the student's key."""


def as_given(student: str) -> str:
    """A student id taken as their key already (the default ``StudentKey``: no pseudonyms)."""
    return student


def own_key(principal: Principal, student_key: StudentKey = as_given) -> str | None:
    """A student caller's own key; ``None`` when the token's ``sub`` names no student (empty, or spaces only).

    Examples:
        >>> from auth.principal import Role
        >>> own_key(Principal(Role.STUDENT, "s1")), own_key(Principal(Role.STUDENT, " "), str.strip)
        ('s1', None)
    """
    try:
        key = student_key(principal.sub)
    except ValueError:
        return None
    return key or None


def values_at(args: Args, path: str) -> list[str | None] | None:
    """The values an argument path names: ``"id"``, ``"studentIds"``, ``"attempts.studentId"``.

    Lists are walked (every item must pass a rule); ``None`` when the argument is absent
    or null. A list item without the nested key yields ``None`` for that item, which no
    scoped rule accepts.

    Examples:
        >>> values_at({"attempts": [{"studentId": "s1"}, {"studentId": "s2"}]}, "attempts.studentId")
        ['s1', 's2']
        >>> values_at({"id": "s1"}, "id")
        ['s1']
        >>> values_at({}, "studentId") is None
        True
    """
    head, _, rest = path.partition(".")
    value = args.get(head)
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    if not rest:
        return [str(v) if v is not None else None for v in items]
    out: list[str | None] = []
    for item in items:
        found = values_at(item, rest) if isinstance(item, Mapping) else None
        out.extend(found if found is not None else [None])
    return out


@dataclass(frozen=True)
class Rule:
    """A scope rule: given the caller, the field's arguments and the cohort directory, allow or not."""

    reason: ClassVar[str] = "not allowed"

    @property
    def arg(self) -> str | None:
        """The argument path the rule reads, if any (checked against the schema by the tests)."""
        return None

    def allows(
        self, principal: Principal, args: Args, directory: CohortDirectory, student_key: StudentKey = as_given
    ) -> bool:
        """Whether this call passes (``student_key`` turns student ids into keys before comparing)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Anyone(Rule):
    """No scope: the role may call the field with any arguments."""

    def allows(
        self, principal: Principal, args: Args, directory: CohortDirectory, student_key: StudentKey = as_given
    ) -> bool:
        """Always."""
        return True


@dataclass(frozen=True)
class AggregateOnly(Rule):
    """Aggregates over any cohort; the resolver suppresses cells smaller than ``Context.min_cell``."""

    def allows(
        self, principal: Principal, args: Args, directory: CohortDirectory, student_key: StudentKey = as_given
    ) -> bool:
        """Always: the protection is the suppression, and no student-data type is ever returned."""
        return True


@dataclass(frozen=True)
class ScopedListing(Rule):
    """A listing the resolver narrows to what the caller may see (``visible_students``/``visible_cohorts``)."""

    def allows(
        self, principal: Principal, args: Args, directory: CohortDirectory, student_key: StudentKey = as_given
    ) -> bool:
        """Always: the narrowing happens in the listing."""
        return True


@dataclass(frozen=True)
class ArgRule(Rule):
    """A rule on the values at an argument path: each one must pass ``accepts``."""

    path: str
    optional: bool = False
    names_students: ClassVar[bool] = False  # the values are student ids (compared as keys)

    @property
    def arg(self) -> str:
        """The argument path."""
        return self.path

    def allows(
        self, principal: Principal, args: Args, directory: CohortDirectory, student_key: StudentKey = as_given
    ) -> bool:
        """Every value at the path passes ``accepts``; an absent argument passes only when optional."""
        values = values_at(args, self.path)
        if values is None:
            return self.optional
        present = {v for v in values if v is not None}
        if len(present) < len(set(values)):
            return False  # an item without the argument: never guess whose it is
        if self.names_students:
            try:
                present = {student_key(v) for v in present}
            except ValueError:
                return False  # not a usable student id (empty): nobody's
        return self.accepts(principal, present, directory, student_key)

    def accepts(
        self, principal: Principal, values: set[str], directory: CohortDirectory, student_key: StudentKey
    ) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class OwnStudent(ArgRule):
    """The student argument(s) must be the caller's own key."""

    reason: ClassVar[str] = "students may only use their own data"
    names_students: ClassVar[bool] = True

    def accepts(
        self, principal: Principal, values: set[str], directory: CohortDirectory, student_key: StudentKey
    ) -> bool:
        """Only the key of ``sub`` itself; nothing when ``sub`` names no student (``own_key``)."""
        own = own_key(principal, student_key)
        return own is not None and values <= {own}


@dataclass(frozen=True)
class TeacherOfStudent(ArgRule):
    """The student argument(s) must be members of cohorts the caller teaches."""

    reason: ClassVar[str] = "teachers may only use data of students in the cohorts they teach"
    names_students: ClassVar[bool] = True

    def accepts(
        self, principal: Principal, values: set[str], directory: CohortDirectory, student_key: StudentKey
    ) -> bool:
        """Only students of the caller's cohorts."""
        return not values or values <= students_taught_by(directory, principal.sub)


@dataclass(frozen=True)
class TeacherOfCohort(ArgRule):
    """The cohort argument must be a cohort the caller teaches."""

    reason: ClassVar[str] = "teachers may only use the cohorts they teach"

    def accepts(
        self, principal: Principal, values: set[str], directory: CohortDirectory, student_key: StudentKey
    ) -> bool:
        """Only the caller's cohorts."""
        return values <= directory.cohorts_taught_by(principal.sub)


@dataclass(frozen=True)
class WithoutArg(ArgRule):
    """Allowed only without the argument (e.g. ``ask`` without a ``studentId`` for staff)."""

    reason: ClassVar[str] = "this role sees no student data, so it may not name a student"

    def allows(
        self, principal: Principal, args: Args, directory: CohortDirectory, student_key: StudentKey = as_given
    ) -> bool:
        """Only when the argument is absent."""
        return values_at(args, self.path) is None
