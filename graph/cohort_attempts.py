"""A cohort's attempts as arrays, and the cohort figures' inputs computed from them (pure numpy).

``AttemptTable.cohort`` cuts these out of the per-process attempt table; the difficulty
figures and the trend then read them as they read histories (``graph.analytics``), in
the same order, so the figures are the same to the last bit: the attempts come in each
student's history order (time, then id), students by key, as ``attempts_of`` gives them.
A Python object per attempt cost more than the figures (a district's 544k attempts: 31 s
of reads, then seconds of objects); these are five arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import numpy.typing as npt

from graph.analytics import Attempters, TrendEvent
from graph.model import UNTIMED_EPOCH

__all__ = ["CohortAttempts"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class CohortAttempts:
    """The attempts of a group of students, in history order.

    ``student[i]`` indexes ``students`` (the members, sorted), ``time[i]`` is in
    microseconds since 1970 (UTC) and ``score[i]`` the attempt's score; each
    (attempt, concept) link is ``link_attempt[j]`` (an index into those arrays) and
    ``link_concept[j]`` (an index into ``concepts``).

    Examples:
        >>> one = np.array([0, 0, 1]); t = np.array([1, 2, 3]) * 86_400_000_000
        >>> group = CohortAttempts(["s1", "s2"], ["a"], one, t, np.array([0.0, 1.0, 1.0]), np.arange(3), 0 * one)
        >>> a = group.attempters(1)["a"]
        >>> a.first.tolist(), a.attempts.tolist(), a.to_mastery.tolist()
        ([0.0, 1.0], [2, 1], [2, 1])
        >>> [(when.day, who, score) for when, who, score in group.events("a")]
        [(2, 's1', 0.0), (3, 's1', 1.0), (4, 's2', 1.0)]
    """

    students: list[str]
    concepts: list[str]
    student: Ints
    time: Ints
    score: Floats
    link_attempt: Ints
    link_concept: Ints

    def attempters(self, streak: int) -> dict[str, Attempters]:
        """Per concept attempted, its ``Attempters`` (as ``graph.analytics.attempters`` reads histories)."""
        order = np.lexsort((self.link_attempt, self.link_concept))  # by concept, then in history order
        concept = self.link_concept[order]
        attempt = self.link_attempt[order]
        student, score = self.student[attempt], self.score[attempt]
        count = len(order)
        if not count:
            return {}
        starts = np.flatnonzero(np.r_[True, (concept[1:] != concept[:-1]) | (student[1:] != student[:-1])])
        sizes = np.diff(np.r_[starts, count])
        right = score >= 0.5
        at = np.arange(count)
        # The run of correct answers ending at each attempt: back to the last wrong one, or to the group's start.
        barrier = np.where(right, -1, at)
        barrier[starts] = np.where(right[starts], starts - 1, starts)
        run = at - np.maximum.accumulate(barrier)
        number = at - np.repeat(starts, sizes) + 1  # 1 for a student's first attempt at the concept
        reached = np.where(run >= streak, number, count + 1)
        first_reached = np.minimum.reduceat(reached, starts)
        to_mastery = np.where(first_reached > count, 0, first_reached).astype(np.int64)
        first, group_concept = score[starts], concept[starts]
        bounds = np.flatnonzero(np.r_[True, group_concept[1:] != group_concept[:-1], True])
        return {
            self.concepts[int(group_concept[a])]: Attempters(
                first[a:b].astype(np.float64), sizes[a:b].astype(np.int64), to_mastery[a:b]
            )
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        }

    def events(self, concept: str) -> list[TrendEvent]:
        """The attempts at ``concept``, by time, then student, then id (as ``graph.analytics.trend_events``)."""
        codes = [i for i, c in enumerate(self.concepts) if c == concept]
        attempt = self.link_attempt[np.isin(self.link_concept, codes)]
        attempt = attempt[np.lexsort((attempt, self.time[attempt]))]  # history order breaks a tie in time
        names = self.students
        return [
            (UNTIMED_EPOCH + int(t) * _MICROSECOND, names[s], float(score))
            for t, s, score in zip(
                self.time[attempt].tolist(), self.student[attempt].tolist(), self.score[attempt].tolist(), strict=True
            )
        ]
