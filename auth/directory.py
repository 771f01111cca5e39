"""Which cohorts a teacher teaches and which students are in them: what the teacher rules ask.

``CohortDirectory`` is the small interface the access policy needs; the cohorts feature
implements it over the graph (``pw:Cohort``, ``pw:memberOf``, ``pw:teacher``) and the
server hands it to every request through the context. ``StaticDirectory`` is the test
double, and ``EmptyDirectory`` is what a deployment without cohorts has: nobody teaches
anybody, so teachers see no student data (the safe default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable

__all__ = ["CohortDirectory", "EmptyDirectory", "StaticDirectory", "students_taught_by"]


@runtime_checkable
class CohortDirectory(Protocol):
    """Teachers, cohorts and members, as the access policy asks about them."""

    def cohorts_taught_by(self, teacher: str) -> set[str]:
        """The ids of the cohorts ``teacher`` (a token's ``sub``) teaches."""
        ...

    def students_of(self, cohort: str) -> set[str]:
        """The student keys of the members of ``cohort`` (empty for an unknown cohort)."""
        ...


class EmptyDirectory:
    """No cohorts at all.

    Examples:
        >>> EmptyDirectory().cohorts_taught_by("t1")
        set()
    """

    def cohorts_taught_by(self, teacher: str) -> set[str]:
        """Nobody teaches anything."""
        return set()

    def students_of(self, cohort: str) -> set[str]:
        """Every cohort is empty."""
        return set()


class StaticDirectory:
    """A directory from two mappings: teacher -> cohorts, cohort -> students.

    Examples:
        >>> d = StaticDirectory({"t1": ["c1"]}, {"c1": ["s1", "s3"], "c2": ["s2"]})
        >>> sorted(students_taught_by(d, "t1"))
        ['s1', 's3']
    """

    def __init__(self, teaching: Mapping[str, Iterable[str]], members: Mapping[str, Iterable[str]]) -> None:
        self._teaching = {t: set(c) for t, c in teaching.items()}
        self._members = {c: set(s) for c, s in members.items()}

    def cohorts_taught_by(self, teacher: str) -> set[str]:
        """The cohorts listed for ``teacher``."""
        return set(self._teaching.get(teacher, ()))

    def students_of(self, cohort: str) -> set[str]:
        """The students listed for ``cohort``."""
        return set(self._members.get(cohort, ()))


def students_taught_by(directory: CohortDirectory, teacher: str) -> set[str]:
    """Every student in any cohort ``teacher`` teaches."""
    out: set[str] = set()
    for cohort in directory.cohorts_taught_by(teacher):
        out |= directory.students_of(cohort)
    return out
