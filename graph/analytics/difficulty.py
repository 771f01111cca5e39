"""Concept difficulty from attempt histories (``conceptDifficulty``): first-attempt success, mastery, stuck.

Apart from the mastery statistics: it reads attempts, not estimates, and its
``Attempters`` are built from histories here and from the attempt table in
``graph.cohort_attempts``, which must give the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from graph.analytics.fixed import DEFAULT_STREAK, DEFAULT_STUCK_AFTER, check_fixed
from graph.analytics.suppression import (
    _figure,
    _members_visible,
    _none_or_visible,
    _quartiles,
    _share,
    _split_visible,
    visible,
)
from graph.errors import InvalidInput
from graph.model import Attempt


@dataclass(frozen=True, slots=True)
class ConceptDifficulty:
    """How hard a concept is for a group, from the students' attempt histories."""

    concept: str
    students: int | None
    first_attempt_success: float | None = None
    mastered: int | None = None
    attempts_to_mastery: float | None = None
    median_attempts_to_mastery: float | None = None
    stuck: int | None = None
    stuck_share: float | None = None
    suppressed: bool = False


def _attempts_to_mastery(scores: Sequence[float], streak: int) -> int | None:
    run = 0
    for n, score in enumerate(scores, 1):
        run = run + 1 if score >= 0.5 else 0
        if run >= streak:
            return n
    return None


@dataclass(frozen=True)
class Attempters:
    """The students who attempted one concept, one entry each: what the difficulty figures read of them.

    ``first``: the score of each one's first attempt at it; ``attempts``: how many they
    made; ``to_mastery``: their attempts up to the end of their first run of ``streak``
    correct answers (0: not reached). Built from histories (``attempters``) or from the
    per-process attempt table (``graph.cohort_attempts``), so both give the same figures.
    """

    first: npt.NDArray[np.float64]
    attempts: npt.NDArray[np.int64]
    to_mastery: npt.NDArray[np.int64]


def check_difficulty(streak: int, stuck_after: int, min_cell: int | None = None) -> None:
    """Refuse a ``streak`` or ``stuck_after`` under 1, or under suppression off its default, naming the field."""
    if streak < 1:
        raise InvalidInput(f"streak must be at least 1, not {streak}", field="streak")
    if stuck_after < 1:
        raise InvalidInput(f"stuckAfter must be at least 1, not {stuck_after}", field="stuckAfter")
    check_fixed(
        "streak", streak, DEFAULT_STREAK, min_cell, "mastered at two streaks differ by the few students between"
    )
    why = "stuck after two numbers of attempts differ by the few students between (6 after 1, 5 after 2: one student)"
    check_fixed("stuckAfter", stuck_after, DEFAULT_STUCK_AFTER, min_cell, why)


def attempters(histories: Mapping[str, Sequence[Attempt]], streak: int) -> dict[str, Attempters]:
    """Per concept attempted, its ``Attempters`` from each student's attempts (in time order).

    Examples:
        >>> from datetime import datetime
        >>> t = datetime(2026, 1, 1)
        >>> a = attempters({"s": [Attempt(str(i), "s", t, s, concepts=("a",)) for i, s in enumerate([0, 1, 1])]}, 2)
        >>> a["a"].first.tolist(), a["a"].attempts.tolist(), a["a"].to_mastery.tolist()
        ([0.0], [3], [3])
    """
    scores: dict[str, dict[str, list[float]]] = {}
    for student, attempts in histories.items():
        for a in attempts:
            for c in a.concepts:
                scores.setdefault(c, {}).setdefault(student, []).append(a.score)
    return {
        concept: Attempters(
            np.array([s[0] for s in per_student.values()], dtype=np.float64),
            np.array([len(s) for s in per_student.values()], dtype=np.int64),
            np.array([_attempts_to_mastery(s, streak) or 0 for s in per_student.values()], dtype=np.int64),
        )
        for concept, per_student in scores.items()
    }


def concept_difficulty(
    histories: Mapping[str, Sequence[Attempt]],
    concepts: Sequence[str] | None = None,
    *,
    streak: int = DEFAULT_STREAK,
    stuck_after: int = DEFAULT_STUCK_AFTER,
    min_cell: int | None = None,
) -> list[ConceptDifficulty]:
    """Difficulty figures per concept from each student's attempts (in time order).

    Args:
        histories: each student's attempts in time order (an attempt on several
            concepts counts for each).
        concepts: the concepts to report, in this order; ``None``: every concept
            attempted, by id (under ``min_cell``, only those attempted by at least that
            many students: a withheld row would say that someone attempted it).
        streak: correct answers in a row that count as mastery (under ``min_cell``, 3 only).
        stuck_after: attempts without mastery after which a student counts as stuck (under ``min_cell``, 5 only).
        min_cell: suppress figures over fewer students than this (``None``: never).

    Returns:
        One ``ConceptDifficulty`` per concept.

    Examples:
        >>> from datetime import datetime
        >>> def h(student, scores):
        ...     t = datetime(2026, 1, 1)
        ...     return [Attempt(f"{student}{i}", student, t, s, concepts=("a",)) for i, s in enumerate(scores)]
        >>> rows = concept_difficulty({"s1": h("s1", [1, 1, 1]), "s2": h("s2", [0, 1, 1, 1]),
        ...                            "s3": h("s3", [0, 0, 0, 0, 0])}, stuck_after=5)
        >>> r = rows[0]
        >>> r.students, round(r.first_attempt_success, 3), r.mastered, r.attempts_to_mastery, r.stuck
        (3, 0.333, 2, 3.5, 1)
        >>> concept_difficulty({"s1": h("s1", [1])}, ["a"], min_cell=5)[0].suppressed
        True
        >>> concept_difficulty({"s1": h("s1", [1])}, min_cell=5)  # unasked, a withheld row is left out
        []
    """
    check_difficulty(streak, stuck_after, min_cell)
    return difficulty_rows(
        attempters(histories, streak), len(histories), concepts, stuck_after=stuck_after, min_cell=min_cell
    )


_NONE = Attempters(np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def difficulty_rows(
    by_concept: Mapping[str, Attempters],
    members: int,
    concepts: Sequence[str] | None = None,
    *,
    stuck_after: int = DEFAULT_STUCK_AFTER,
    min_cell: int | None = None,
) -> list[ConceptDifficulty]:
    """``concept_difficulty``'s rows from each concept's ``Attempters`` in a group of ``members`` students."""
    order = list(concepts) if concepts is not None else sorted(by_concept)
    out = []
    for concept in order:
        found = by_concept.get(concept, _NONE)
        n = len(found.first)
        if not visible(n, min_cell):
            if concepts is not None:  # asked for by id: withheld; unasked, its row would say someone attempted it
                out.append(ConceptDifficulty(concept, None, suppressed=True))
            continue
        first_ok = int(np.count_nonzero(found.first >= 0.5))
        reached = found.to_mastery[found.to_mastery > 0]
        stuck = int(np.count_nonzero((found.attempts >= stuck_after) & (found.to_mastery == 0)))
        # Figures over those who got there show only when their count may: an average of 3.0 over five
        # attempters said all five reached it, and in three attempts. Counts show only with the
        # attempters' count: stuck over stuckShare would give that.
        counted = _members_visible(n, members, min_cell)
        shown_stuck = _split_visible(stuck, n, min_cell) and counted
        # Mastered and stuck are apart, so beside students the rest (tried, neither) is a count too: students 25,
        # mastered 15, stuck 7 said three had neither. None or visible, else mastered (and what goes with it) is
        # withheld; stuck stays, as stuckShare gives it anyway.
        neither = n - len(reached) - stuck
        shown_reached = (
            _split_visible(len(reached), n, min_cell)
            and counted
            and (not shown_stuck or _none_or_visible(neither, min_cell))
        )
        row = ConceptDifficulty(
            concept,
            n if counted else None,
            first_attempt_success=_share(first_ok, n, min_cell),
            mastered=len(reached) if shown_reached else None,
            attempts_to_mastery=_figure(float(np.mean(reached)), min_cell) if len(reached) and shown_reached else None,
            median_attempts_to_mastery=_median(reached, min_cell) if len(reached) and shown_reached else None,
            stuck=stuck if shown_stuck else None,
            stuck_share=_share(stuck, n, min_cell),
        )
        withheld = n > 0 and None in (row.students, row.first_attempt_success, row.mastered, row.stuck, row.stuck_share)
        out.append(replace(row, suppressed=True) if withheld else row)
    return out


def _median(values: npt.NDArray[np.int64], min_cell: int | None) -> float:
    """The median, or under suppression the mean of the group of students holding it (see ``_quartiles``)."""
    return _quartiles(np.asarray(values, dtype=np.float64), min_cell)[1]


def most_stuck(rows: Sequence[ConceptDifficulty], limit: int = 5) -> list[ConceptDifficulty]:
    """The concepts where the most students are stuck (by share), then the lowest first-attempt success.

    Rows whose stuck share is withheld or zero are left out (an analyst's ranking by a
    withheld share would show it).

    Raises:
        InvalidInput: a negative ``limit`` (-1 dropped the last concept, as a slice does).

    Examples:
        >>> rows = [ConceptDifficulty("a", 10, 0.5, stuck_share=0.1), ConceptDifficulty("b", 10, 0.2, stuck_share=0.3),
        ...         ConceptDifficulty("c", 10, 0.9, stuck_share=0.0)]
        >>> [r.concept for r in most_stuck(rows)]
        ['b', 'a']
    """
    if limit < 0:
        raise InvalidInput(f"limit must be 0 or more, not {limit}", field="limit")
    ranked = [r for r in rows if r.stuck_share]
    ranked.sort(key=lambda r: (-(r.stuck_share or 0.0), r.first_attempt_success or 0.0, r.concept))
    return ranked[:limit]
