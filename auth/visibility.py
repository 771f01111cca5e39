"""What a listing or an aggregate shows each caller: the students, the cohorts, the smallest cell.

Root fields without a scoping argument (``students``, ``cohorts``) pass the policy as
``ScopedListing`` and are narrowed here by their resolvers; aggregates suppress small
cells for analysts. Apart from the table because the listings' and aggregates' resolvers call
these, not ``check``.
"""

from __future__ import annotations

from auth.directory import CohortDirectory, students_taught_by
from auth.principal import Principal, Role
from auth.scope_rules import StudentKey, as_given, own_key

__all__ = ["min_cell_for", "visible_cohorts", "visible_students"]


def visible_students(
    principal: Principal, directory: CohortDirectory, student_key: StudentKey = as_given
) -> frozenset[str] | None:
    """The student keys a listing may show the caller; ``None`` means all of them."""
    if principal.role is Role.ADMIN:
        return None
    if principal.role is Role.STUDENT:  # a token whose sub names no student sees nobody
        own = own_key(principal, student_key)
        return frozenset({own} if own is not None else ())
    if principal.role is Role.TEACHER:
        return frozenset(students_taught_by(directory, principal.sub))
    return frozenset()


def visible_cohorts(principal: Principal, directory: CohortDirectory) -> frozenset[str] | None:
    """The cohorts a listing may show the caller; ``None`` means all of them."""
    if principal.role in (Role.ADMIN, Role.ANALYST):
        return None
    if principal.role is Role.TEACHER:
        return frozenset(directory.cohorts_taught_by(principal.sub))
    return frozenset()


def min_cell_for(principal: Principal, k: int) -> int:
    """The smallest cell an aggregate may show the caller: ``k`` for analysts, 0 (no suppression) for others.

    Examples:
        >>> min_cell_for(Principal(Role.ANALYST, "a"), 5), min_cell_for(Principal(Role.TEACHER, "t"), 5)
        (5, 0)
    """
    return k if principal.role is Role.ANALYST else 0
