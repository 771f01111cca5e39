"""The caller of a request: a role and a subject, as the token states them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = ["DEVELOPMENT_ADMIN", "Principal", "Role"]


class Role(enum.StrEnum):
    """What a caller is; the access policy (``auth.policy``) says what each may do.

    - ``student``: their own data only (``sub`` is their external id; the policy compares its key);
    - ``teacher``: the students of the cohorts they teach (``sub`` is their teacher id);
    - ``designer``: reads and edits the curriculum graph, sees no student data;
    - ``analyst``: aggregates only, with small cells suppressed;
    - ``integration``: an LMS, LRS forwarder or roster sync: writes attempts, statements
      and rosters for every student, and reads back no student data (counts and problems
      only), so a leaked forwarder token cannot read what it writes;
    - ``admin``: everything.
    """

    STUDENT = "student"
    TEACHER = "teacher"
    DESIGNER = "designer"
    ANALYST = "analyst"
    INTEGRATION = "integration"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """A verified caller.

    Examples:
        >>> Principal(Role.STUDENT, "s1")
        Principal(role=<Role.STUDENT: 'student'>, sub='s1')
        >>> DEVELOPMENT_ADMIN.role.value
        'admin'
    """

    role: Role
    sub: str
    set_aside: tuple[Role, ...] = field(default=(), repr=False)
    """Other roles the token named: with several, the least privileged acts and these do not."""


DEVELOPMENT_ADMIN = Principal(Role.ADMIN, "development")
"""Who a tokenless request is in development, and the default of contexts built in tests."""
