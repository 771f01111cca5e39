"""Cohort figures as pure functions over plain inputs: estimates, attempt histories, the DAG.

Every function takes ``min_cell``: the smallest group of students a figure may describe
(``None`` or ``0``: no suppression; an analyst's ``k``, default 5). The rule, applied to
every figure alike, is that a figure computed over a group of students is shown only
when the group has at least ``min_cell`` students; otherwise the figure is ``None`` and
the row's ``suppressed`` is ``True``. Zero is a count under ``min_cell`` too: were empty
cells shown as 0 and small ones withheld, a histogram of 100 bins over five students
would place each of them within 0.01. A share splits its group in two (at or above a
threshold and below it, mastered and not), so a share is shown only when *both* sides
pass the rule: 99 of 100 students above a threshold would otherwise single out the one
below. Under suppression a threshold is a multiple of 0.1 and a histogram has 1, 2, 5
or 10 bins, and a bin or a share is shown only when it is a sum of whole cells of one
partition of the values (``_on_grid``): cells of at least ``min_cell`` students, fixed
by the data and not by the query, so that no two figures, from one query or many, differ
by fewer students (a threshold moved 0.0001 at a time once found students' values to
six decimals). A trend point shows the group's figures only when the students active
since the last point showing them are none or visible: neighbouring points differ by
what those students did. Under suppression no figure is one student's value: each
quartile is the mean of the group of students holding it, the sorted values cut into
groups of at least ``min_cell`` (over five students, all three are the mean), and
means, quartiles and shares are rounded to two decimals, so two overlapping cohorts
differenced no longer give a student's value exactly (with 5 and 6 students, to about
±0.06). Noise would be needed to stop differencing altogether; see docs/cohorts-and-reports.md.

Definitions (documented once, used by the API, the CLI and the reports):

- **mastery statistics** of a concept are over the latest stored estimate of each
  member who has one: mean, quartiles (linear interpolation, numpy's default),
  a histogram of equal-width bins over [0, 1] (the last bin holds 1.0), and the share
  at or above the threshold;
- **first-attempt success**: the share of the students who attempted a concept whose
  first attempt at it was correct (score >= 0.5);
- **attempts to mastery**: attempts up to and including the one that completes the
  student's first run of ``streak`` correct answers in a row (3 by default, the usual
  "three in a row" criterion); students who never got there are not counted in it;
- **stuck**: a student with at least ``stuck_after`` attempts at a concept who has not
  reached mastery by that criterion;
- **at risk** for a target: a student whose estimate of the target is below the
  threshold (or absent) and who has a weak prerequisite, i.e. some concept in the
  target's prerequisite closure whose estimate is below the threshold (a missing
  estimate counts as weak only with ``missing_is_weak``);
- **trend**: attempt history bucketed by day, week (from Monday) or month, from midnight
  in the school's time zone (UTC unless given). Per
  bucket: the attempts and the students active in it and their mean score; and over
  every student who has attempted the concept by the bucket's end, the mean of each
  one's *rolling success* (the mean score of their last ``window`` attempts) and the
  share whose rolling success is at or above the threshold. Estimates are not used:
  only the latest one is stored, so they hold no history. Attempts without a time
  (imported from a log without times, dated 1970: ``graph.model.untimed``) are left
  out of the trend and counted beside it.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.errors import InvalidInput
from graph.model import Attempt, untimed
from graph.prerequisites import prerequisite_closure

__all__ = [
    "DEFAULT_BINS",
    "DEFAULT_THRESHOLD",
    "GRID",
    "MAX_BINS",
    "MAX_TREND_POINTS",
    "BlockingPrerequisite",
    "ConceptDifficulty",
    "ConceptMastery",
    "Attempters",
    "Interval",
    "StudentRisk",
    "TargetRisk",
    "Trend",
    "TrendEvent",
    "TrendPoint",
    "WeakPrerequisite",
    "at_risk",
    "attempters",
    "bin_edges",
    "bucket_start",
    "check_difficulty",
    "check_threshold",
    "check_trend",
    "concept_difficulty",
    "concept_mastery",
    "difficulty_rows",
    "mastery_by_concept",
    "mastery_trend",
    "most_stuck",
    "trend",
    "trend_events",
    "visible",
]

DEFAULT_THRESHOLD = 0.8
"""The probability at or above which a concept counts as mastered."""

DEFAULT_BINS = 10
MAX_BINS = 100
"""More bins than this resolve nothing a reader can see, and each bin costs memory per concept."""

MAX_TREND_POINTS = 1000
"""A trend longer than this is refused: a longer interval says the same in a size a chart can show."""
"""More bins than this resolve nothing a reader can see, and each bin costs memory per concept."""

Interval = Literal["day", "week", "month"]
Matrix = npt.NDArray[np.float64]


def visible(count: int, min_cell: int | None) -> bool:
    """Whether a figure over ``count`` students may be shown (zero is under any ``min_cell``).

    Examples:
        >>> visible(3, 5), visible(5, 5), visible(0, 5), visible(3, None), visible(0, 0)
        (False, True, False, True, True)
    """
    return not min_cell or count >= min_cell


def _split_visible(part: int, whole: int, min_cell: int | None) -> bool:
    """Whether a count out of a public whole (a cohort's size) may be shown: it and the rest are both visible."""
    return visible(part, min_cell) and visible(whole - part, min_cell)


def _members_visible(part: int, cohort: int, min_cell: int | None) -> bool:
    """Whether a count of the cohort's members (with an estimate, who attempted) may be shown.

    The cohort's size is shown, so the members left out are a count too: they must be
    none or visible (six members and five counted said one had not attempted). None is
    allowed here, unlike in a share: that every member took part says nothing of how
    any of them did.
    """
    return visible(part, min_cell) and (cohort == part or visible(cohort - part, min_cell))


def _share(part: int, whole: int, min_cell: int | None) -> float | None:
    """``part / whole`` when both sides of the split are visible (``None`` also for ``whole == 0``)."""
    if whole == 0 or not (visible(part, min_cell) and visible(whole - part, min_cell)):
        return None
    return _figure(part / whole, min_cell)


def _figure(value: float, min_cell: int | None) -> float:
    """A figure as shown: two decimals under suppression (see the module's note on differencing)."""
    return round(value, 2) if min_cell else round(value, 12)


def _quartiles(values: npt.NDArray[np.float64], min_cell: int | None) -> tuple[float, float, float]:
    """Q1, median and Q3; under suppression each is the mean of the group of students holding it.

    The sorted values are cut into ``len // min_cell`` consecutive groups of (nearly) equal
    size, each of at least ``min_cell``. Windows of ``min_cell`` values centred on each
    quartile overlapped: over six students Q1 and Q3 were the means of the lowest and the
    highest five, and six times the mean less five times Q3 was the lowest student's value.
    Disjoint groups make every difference of the figures a sum over whole groups.

    Examples:
        >>> _quartiles(np.array([0.1, 0.2, 0.3, 0.4, 1.0]), 5)
        (0.4, 0.4, 0.4)
        >>> _quartiles(np.array([0.35, 0.5, 0.6, 0.7, 0.8, 0.88]), 5)  # under two groups: the mean, thrice
        (0.64, 0.64, 0.64)
        >>> _quartiles(np.array([0.1, 0.2, 0.3, 0.4, 1.0]), None)
        (0.2, 0.3, 0.4)
    """
    if not min_cell or len(values) < min_cell:
        q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
        return _figure(float(q1), min_cell), _figure(float(median), min_cell), _figure(float(q3), min_cell)
    ordered = np.sort(values)
    groups = np.array_split(ordered, len(ordered) // min_cell)
    ends = np.cumsum([len(g) for g in groups])
    out = []
    for q in (0.25, 0.5, 0.75):
        position = int(round(q * (len(ordered) - 1)))
        holding = int(np.searchsorted(ends, position, side="right"))
        out.append(_figure(float(groups[holding].mean()), min_cell))
    return out[0], out[1], out[2]


GRID = 10
"""Under suppression thresholds are multiples of 1/GRID and histograms have bins that divide GRID.

A threshold moved a little at a time flipped a count between shown and withheld exactly
at one student's value (161 queries found two students' estimates to six decimals);
histograms of 7, 8, 9... bins differenced against each other place students just as
finely. On one grid every figure is a sum of the grid's bins, and ``concept_mastery``
shows one only where the grid's own (suppressed) histogram already gives it.
"""


def check_threshold(threshold: float, field: str = "threshold", min_cell: int | None = None) -> None:
    """Refuse a mastery threshold that is not a probability (NaN included), or off the grid under suppression.

    Examples:
        >>> check_threshold(0.8), check_threshold(0.83), check_threshold(0.7, min_cell=5)
        (None, None, None)
        >>> check_threshold(5)
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: threshold 5 is not in [0, 1]
        >>> check_threshold(0.83, min_cell=5)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: threshold 0.83 is not a multiple of 0.1: ... would single out students
    """
    if not 0.0 <= threshold <= 1.0:
        raise InvalidInput(f"{field} {threshold} is not in [0, 1]", field=field)
    if min_cell and abs(threshold * GRID - round(threshold * GRID)) > 1e-9:
        raise InvalidInput(
            f"{field} {threshold} is not a multiple of {1 / GRID}: with a minimum cell size, finer thresholds "
            "would single out students",
            field=field,
        )


def bin_edges(bins: int = DEFAULT_BINS, min_cell: int | None = None) -> list[float]:
    """The ``bins + 1`` edges of equal-width histogram bins over [0, 1] (under suppression, on the grid).

    Examples:
        >>> bin_edges(4)
        [0.0, 0.25, 0.5, 0.75, 1.0]
        >>> bin_edges(4, min_cell=5)
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: bins must divide 10 (1, 2, 5 or 10) with a minimum cell size, not 4
    """
    if not 1 <= bins <= MAX_BINS:
        raise InvalidInput(f"bins must be between 1 and {MAX_BINS}, not {bins}", field="bins")
    if min_cell and GRID % bins:
        divisors = [d for d in range(1, GRID + 1) if GRID % d == 0]
        listed = ", ".join(map(str, divisors[:-1])) + f" or {divisors[-1]}"
        raise InvalidInput(f"bins must divide {GRID} ({listed}) with a minimum cell size, not {bins}", field="bins")
    return [i / bins for i in range(bins + 1)]


# --- mastery statistics --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ConceptMastery:
    """Mastery statistics of one concept over a group of students.

    ``students`` counts those with an estimate; ``histogram`` holds one count per bin
    of ``bin_edges``; ``at_or_above`` is the share at or above the threshold. ``None``
    marks a figure withheld (``suppressed``) or undefined (no estimate at all).
    """

    concept: str
    students: int | None
    mean: float | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    histogram: tuple[int | None, ...] | None = None
    at_or_above: float | None = None
    suppressed: bool = False


def concept_mastery(
    concept: str,
    probabilities: Sequence[float] | Matrix,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    min_cell: int | None = None,
) -> ConceptMastery:
    """Statistics of one concept from its students' probabilities (NaN entries are skipped).

    Args:
        concept: the concept id, echoed in the result.
        probabilities: one estimate per student; NaN means no estimate.
        threshold: the mastery threshold of ``at_or_above``.
        bins: the number of equal-width histogram bins over [0, 1].
        min_cell: suppress figures over fewer students than this (``None``: never).

    Returns:
        The concept's ``ConceptMastery``.

    Examples:
        >>> s = concept_mastery("slope", [0.1, 0.3, 0.5, 0.9, float("nan")], bins=2, threshold=0.5)
        >>> s.students, s.mean, (s.q1, s.median, s.q3), s.histogram, s.at_or_above
        (4, 0.45, (0.25, 0.4, 0.6), (2, 2), 0.5)
        >>> hidden = concept_mastery("slope", [0.1, 0.3, 0.5, 0.9], min_cell=5)
        >>> hidden.students, hidden.mean, hidden.histogram, hidden.suppressed
        (None, None, None, True)
        >>> concept_mastery("slope", [0.1] * 5 + [0.9], bins=2, min_cell=5).histogram  # 5 of 6 says 1 is not
        (None, None)
        >>> concept_mastery("slope", [0.1] * 5 + [0.9] * 6, bins=2, min_cell=5).histogram
        (5, 6)
    """
    values = np.asarray(probabilities, dtype=np.float64)
    members = int(values.size)  # the group, those without an estimate (NaN) included
    values = values[~np.isnan(values)]
    n = int(values.size)
    edges = bin_edges(bins, min_cell)
    check_threshold(threshold, min_cell=min_cell)
    if not visible(n, min_cell):
        return ConceptMastery(concept, None, suppressed=True)
    if n == 0:
        return ConceptMastery(concept, 0, histogram=(0,) * bins)
    q1, median, q3 = _quartiles(values, min_cell)
    counted = _members_visible(n, members, min_cell)
    above = int(np.count_nonzero(values >= threshold))
    if min_cell:
        histogram, share = _on_grid(values, bins, threshold, above, min_cell, counted)
    else:
        histogram = tuple(int(c) for c in np.histogram(values, bins=edges)[0])
        share = _share(above, n, min_cell)
    suppressed = None in histogram or share is None or not counted
    mean = _figure(float(values.mean()), min_cell)
    shown_n = n if counted else None
    return ConceptMastery(concept, shown_n, mean, q1, median, q3, histogram, share, suppressed=suppressed)


def _on_grid(
    values: npt.NDArray[np.float64], bins: int, threshold: float, above: int, min_cell: int, counted: bool
) -> tuple[tuple[int | None, ...], float | None]:
    """The histogram and share shown under suppression: sums of whole cells of one partition.

    The partition depends on the values alone, never on the query: the grid's bins are
    taken left to right into cells of at least ``min_cell`` students (a short last cell
    joins the one before). A bin edge or a threshold may be used where as many students
    lie below it as below a cell boundary (a boundary, or in the empty stretch beside
    one), so every shown count is a sum of whole cells, and so is any difference of two
    of them, from one query or many. When the group's size is withheld, so is the
    share, and bins covering the smallest cell are too, or the bins would add up to it.
    """
    grid = np.histogram(values, bins=bin_edges(GRID))[0]
    below = np.concatenate([[0], np.cumsum(grid)])  # below[j]: students under the grid's j-th edge
    boundaries = _cell_boundaries([int(b) for b in below], min_cell)
    cuts = {int(below[j]) for j in boundaries}
    cells = [(int(below[a]), int(below[b])) for a, b in zip(boundaries, boundaries[1:], strict=False)]
    sealed = None if counted else min(cells, key=lambda cell: (cell[1] - cell[0], cell[0]))
    n = len(values)

    def count(first: int, last: int) -> int | None:
        """Students between two grid edges, when both fall on cell boundaries (and no sealed cell is inside)."""
        low, high = int(below[first]), int(below[last])
        if low not in cuts or high not in cuts:
            return None
        if sealed is not None and low <= sealed[0] and sealed[1] <= high:
            return None
        return high - low

    width = GRID // bins
    histogram: list[int | None] = []
    for b in range(bins):
        shown = count(b * width, (b + 1) * width)
        histogram.append(shown if shown is not None and _split_visible(shown, n, min_cell) else None)
    first = round(threshold * GRID)  # values at or above the threshold fill the grid's bins from here on
    share = None
    if counted and first < GRID and count(first, GRID) == above:
        share = _share(above, n, min_cell)
    return tuple(histogram), share


_CUT_WEIGHTS = {round(DEFAULT_THRESHOLD * GRID): 100, GRID // 2: 10}
"""Which grid edges a partition keeps first: the default threshold's (its share is the figure most asked
for), then the middle; every other edge counts 1, so among equals the partition with most cells wins."""


def _cell_boundaries(below: Sequence[int], min_cell: int) -> list[int]:
    """Grid edges (0 and ``GRID`` included) cutting the values into cells of at least ``min_cell``.

    The partition depends on the counts alone. Of all such partitions it keeps the one
    whose edges weigh most (``_CUT_WEIGHTS``; ties go to the earlier edges). Cutting left
    to right took whatever edge came first: in 200 simulated classes of 30 (estimates
    drawn from Beta(4, 2)) the share at the default threshold was withheld from 28%,
    against 10% before the grid; weighted, 10% again.

    Examples:
        >>> _cell_boundaries([0, 0, 5, 5, 5, 5, 5, 5, 10, 10, 15], 5)  # fives in [0.1, 0.2), [0.7, 0.8), [0.9, 1]
        [0, 5, 8, 10]
        >>> _cell_boundaries([0, 0, 5, 5, 5, 5, 5, 5, 10, 10, 10], 5)  # nothing at or above 0.8: no cut there
        [0, 5, 10]
    """
    best: list[tuple[int, list[int]] | None] = [None] * (GRID + 1)
    best[0] = (0, [0])
    for end in range(1, GRID + 1):
        for start in range(end):
            before = best[start]
            if before is None or below[end] - below[start] < min_cell:
                continue
            score = before[0] + (_CUT_WEIGHTS.get(end, 1) if end < GRID else 0)
            current = best[end]
            if current is None or score > current[0]:
                best[end] = (score, [*before[1], end])
    found = best[GRID]
    return found[1] if found is not None else [0, GRID]


def mastery_by_concept(
    concepts: Sequence[str],
    matrix: Matrix,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bins: int = DEFAULT_BINS,
    min_cell: int | None = None,
) -> list[ConceptMastery]:
    """``concept_mastery`` of each column of a students x concepts matrix (NaN: no estimate).

    Examples:
        >>> m = np.array([[0.2, 0.9], [0.4, float("nan")]])
        >>> [(s.concept, s.students, s.mean) for s in mastery_by_concept(["a", "b"], m)]
        [('a', 2, 0.3), ('b', 1, 0.9)]
    """
    if matrix.ndim != 2 or matrix.shape[1] != len(concepts):
        raise InvalidInput(f"a matrix of shape {matrix.shape} does not hold {len(concepts)} concepts")
    return [
        concept_mastery(c, matrix[:, j], threshold=threshold, bins=bins, min_cell=min_cell)
        for j, c in enumerate(concepts)
    ]


# --- difficulty -----------------------------------------------------------------------------------
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


def check_difficulty(streak: int, stuck_after: int) -> None:
    """Refuse a ``streak`` or ``stuck_after`` under 1, naming the field."""
    if streak < 1:
        raise InvalidInput(f"streak must be at least 1, not {streak}", field="streak")
    if stuck_after < 1:
        raise InvalidInput(f"stuckAfter must be at least 1, not {stuck_after}", field="stuckAfter")


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
    streak: int = 3,
    stuck_after: int = 5,
    min_cell: int | None = None,
) -> list[ConceptDifficulty]:
    """Difficulty figures per concept from each student's attempts (in time order).

    Args:
        histories: each student's attempts in time order (an attempt on several
            concepts counts for each).
        concepts: the concepts to report, in this order; ``None``: every concept
            attempted, by id (under ``min_cell``, only those attempted by at least that
            many students: a withheld row would say that someone attempted it).
        streak: correct answers in a row that count as mastery.
        stuck_after: attempts without mastery after which a student counts as stuck.
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
    check_difficulty(streak, stuck_after)
    return difficulty_rows(
        attempters(histories, streak), len(histories), concepts, stuck_after=stuck_after, min_cell=min_cell
    )


_NONE = Attempters(np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def difficulty_rows(
    by_concept: Mapping[str, Attempters],
    members: int,
    concepts: Sequence[str] | None = None,
    *,
    stuck_after: int = 5,
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
        shown_reached = _split_visible(len(reached), n, min_cell) and counted
        row = ConceptDifficulty(
            concept,
            n if counted else None,
            first_attempt_success=_share(first_ok, n, min_cell),
            mastered=len(reached) if shown_reached else None,
            attempts_to_mastery=_figure(float(np.mean(reached)), min_cell) if len(reached) and shown_reached else None,
            median_attempts_to_mastery=_median(reached, min_cell) if len(reached) and shown_reached else None,
            stuck=stuck if _split_visible(stuck, n, min_cell) and counted else None,
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


# --- at risk --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WeakPrerequisite:
    """A prerequisite below the threshold (``probability`` ``None``: no estimate)."""

    concept: str
    probability: float | None


@dataclass(frozen=True, slots=True)
class StudentRisk:
    """A student blocked on a target, with the weak prerequisites (nearest first)."""

    student: str
    weak: tuple[WeakPrerequisite, ...]


@dataclass(frozen=True, slots=True)
class BlockingPrerequisite:
    """A prerequisite of a target and how many at-risk students it is weak for."""

    concept: str
    students: int | None


@dataclass(frozen=True, slots=True)
class TargetRisk:
    """Who is blocked on one target. ``students`` is ``None`` when only aggregates may be shown."""

    target: str
    students_at_risk: int | None
    mastered: int | None
    blocking: tuple[BlockingPrerequisite, ...]
    students: tuple[StudentRisk, ...] | None
    suppressed: bool = False


def at_risk(
    dag: nx.DiGraph[str],
    estimates: Mapping[str, Mapping[str, float]],
    targets: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    missing_is_weak: bool = False,
    min_cell: int | None = None,
) -> list[TargetRisk]:
    """Students whose weak prerequisites block each target, and which prerequisites.

    Args:
        dag: the prerequisite graph, edges prerequisite -> concept.
        estimates: every student of the group, each with their probabilities by concept
            (an empty mapping for a student with none).
        targets: the concepts to reach.
        threshold: below this a concept is weak; at or above, mastered.
        missing_is_weak: whether a prerequisite without an estimate counts as weak.
        min_cell: when set (an analyst), no student is named and counts under it are
            withheld.

    Returns:
        One ``TargetRisk`` per target, students by key, blocking prerequisites by count.

    Examples:
        >>> g = nx.DiGraph([("add", "mul"), ("mul", "eq")])
        >>> est = {"s1": {"add": 0.9, "mul": 0.3}, "s2": {"add": 0.9, "mul": 0.95}, "s3": {"eq": 0.9}}
        >>> [r] = at_risk(g, est, ["eq"])
        >>> r.students_at_risk, r.mastered, [(s.student, [w.concept for w in s.weak]) for s in r.students]
        (1, 1, [('s1', ['mul'])])
        >>> at_risk(g, est, ["eq"], min_cell=5)[0].students is None
        True
    """
    check_threshold(threshold, min_cell=min_cell)
    out = []
    for target in targets:
        closure = prerequisite_closure(dag, target) if target in dag else []
        risks: list[StudentRisk] = []
        mastered = 0
        blocking: Counter[str] = Counter()
        for student in sorted(estimates):
            known = estimates[student]
            own = known.get(target)
            if own is not None and own >= threshold:
                mastered += 1
                continue
            weak = []
            for p in closure:
                value = known.get(p)
                if (value is None and missing_is_weak) or (value is not None and value < threshold):
                    weak.append(WeakPrerequisite(p, value))
            if weak:
                risks.append(StudentRisk(student, tuple(weak)))
                blocking.update(w.concept for w in weak)
        n = len(risks)
        if min_cell:  # every prerequisite, withheld counts last by id: zero and its order would tell one from 1..k-1
            shown = sorted((k, c) for c, k in blocking.items() if visible(k, min_cell))
            counts = tuple(BlockingPrerequisite(c, k) for k, c in sorted(shown, key=lambda kc: (-kc[0], kc[1])))
            counts += tuple(BlockingPrerequisite(c, None) for c in sorted(set(closure) - {c for _, c in shown}))
        else:
            counts = tuple(
                BlockingPrerequisite(c, k) for c, k in sorted(blocking.items(), key=lambda item: (-item[1], item[0]))
            )
        whole = len(estimates)  # the cohort's size, which analysts see: a count's rest is a count too
        row_shown, mastered_shown = _split_visible(n, whole, min_cell), _split_visible(mastered, whole, min_cell)
        suppressed = not row_shown or not mastered_shown or any(b.students is None for b in counts)
        out.append(
            TargetRisk(
                target,
                n if row_shown else None,
                mastered if mastered_shown else None,
                counts if row_shown else tuple(BlockingPrerequisite(c, None) for c in sorted(closure)),
                tuple(risks) if not min_cell else None,
                suppressed,
            )
        )
    return out


# --- trend ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One bucket of a concept's trend (see the module docstring for the definitions)."""

    start: datetime
    attempts: int | None
    active: int | None
    success_rate: float | None
    students: int | None
    rolling_success: float | None
    mastered_share: float | None
    suppressed: bool = False


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def bucket_start(when: datetime, interval: Interval, zone: tzinfo = UTC) -> datetime:
    """The start of the bucket holding ``when``: midnight in ``zone`` (UTC by default).

    A school's day is its own: in UTC, a Chicago class's evening homework counted on the
    next day, and its Sunday evening in the next week.

    Examples:
        >>> t = datetime(2026, 3, 19, 15, 30, tzinfo=UTC)  # a Thursday
        >>> [bucket_start(t, i).date().isoformat() for i in ("day", "week", "month")]
        ['2026-03-19', '2026-03-16', '2026-03-01']
        >>> from zoneinfo import ZoneInfo
        >>> bucket_start(datetime(2026, 3, 20, 2, tzinfo=UTC), "day", ZoneInfo("America/Chicago")).isoformat()
        '2026-03-19T00:00:00-05:00'
    """
    day = _utc(when).astimezone(zone).date()
    if interval == "day":
        return _midnight(day, zone)
    if interval == "week":
        return _midnight(day - timedelta(days=day.weekday()), zone)
    if interval == "month":
        return _midnight(day.replace(day=1), zone)
    raise InvalidInput(f"interval {interval!r} is not day, week or month", field="interval")


def _next(start: datetime, interval: Interval) -> datetime:
    """The next bucket's start: midnight of the next day, week or month on the zone's calendar.

    Counted on the calendar, not in hours: a day across a daylight-saving change is 23 or 25 hours.
    """
    zone, day = start.tzinfo or UTC, start.date()
    if interval == "day":
        return _midnight(day + timedelta(days=1), zone)
    if interval == "week":
        return _midnight(day + timedelta(days=7), zone)
    return _midnight(day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1), zone)


def _check_trend_length(start: datetime, last: datetime, interval: Interval) -> None:
    """Refuse a trend of more than ``MAX_TREND_POINTS`` buckets before building any."""
    count, bucket = 1, start
    while bucket < last:
        bucket, count = _next(bucket, interval), count + 1
        if count > MAX_TREND_POINTS:
            raise InvalidInput(
                f"the attempts run from {start:%Y-%m-%d} to {last:%Y-%m-%d}: more than {MAX_TREND_POINTS} "
                f"points of one {interval}; ask for a longer interval",
                field="interval",
            )


TrendEvent = tuple[datetime, str, float]
"""One attempt at the followed concept: its time (UTC), its student, its score."""


@dataclass(frozen=True, slots=True)
class Trend:
    """A concept's trend, and the attempts it leaves out because they have no time.

    ``untimed``: attempts at the concept dated as a log without times dates them
    (``graph.model.untimed``: pyKT, AKT and DKVMN logs hold no times), which no bucket
    by time can hold; ``None`` where withheld (the members holding them are counted as
    a bucket's ``active`` are).
    """

    points: list[TrendPoint]
    untimed: int | None = 0


def trend_events(histories: Mapping[str, Sequence[Attempt]], concept: str) -> list[TrendEvent]:
    """The attempts at ``concept`` in ``histories`` (each student's in time order), by time, then student.

    A tie in time keeps the history's order (time, then id), as ``concept_difficulty`` reads it.
    """
    return sorted(
        ((_utc(a.timestamp), student, a.score) for student, attempts in histories.items() for a in attempts
         if concept in a.concepts),
        key=lambda event: (event[0], event[1]),
    )  # fmt: skip


def mastery_trend(
    histories: Mapping[str, Sequence[Attempt]],
    concept: str,
    interval: Interval = "week",
    *,
    window: int = 5,
    threshold: float = DEFAULT_THRESHOLD,
    min_cell: int | None = None,
    zone: tzinfo = UTC,
) -> list[TrendPoint]:
    """A concept's trend over time from the group's attempts, one point per bucket.

    Buckets run from the first attempt's to the last one's, empty ones included.
    Attempts without a time (``graph.model.untimed``) are left out: ``trend`` counts them.

    Args:
        histories: each student's attempts (any order).
        concept: the concept to follow.
        interval: ``day``, ``week`` (from Monday) or ``month``, on ``zone``'s calendar.
        window: how many of a student's latest attempts their rolling success averages.
        threshold: rolling success at or above which a student counts as mastered.
        min_cell: suppress figures over fewer students than this (``None``: never).
        zone: the time zone whose midnights start the buckets (the school's).

    Returns:
        The points in time order, each starting at a midnight in ``zone``.

    Examples:
        >>> d = lambda day: datetime(2026, 1, day, tzinfo=UTC)
        >>> h = {"s1": [Attempt("1", "s1", d(1), 0.0, concepts=("a",)), Attempt("2", "s1", d(3), 1.0, concepts=("a",))],
        ...      "s2": [Attempt("3", "s2", d(3), 1.0, concepts=("a",))]}
        >>> [(p.start.day, p.attempts, p.success_rate, p.students, p.rolling_success, p.mastered_share)
        ...  for p in mastery_trend(h, "a", "day", threshold=0.75)]
        [(1, 1, 0.0, 1, 0.0, 0.0), (2, 0, None, 1, 0.0, 0.0), (3, 2, 1.0, 2, 0.75, 0.5)]
    """
    events = trend_events(histories, concept)
    return trend(
        events, len(histories), interval, window=window, threshold=threshold, min_cell=min_cell, zone=zone
    ).points


def trend(
    events: Sequence[TrendEvent],
    members: int,
    interval: Interval = "week",
    *,
    window: int = 5,
    threshold: float = DEFAULT_THRESHOLD,
    min_cell: int | None = None,
    zone: tzinfo = UTC,
) -> Trend:
    """``mastery_trend`` from the concept's attempts (``trend_events``' order) in a group of ``members``.

    An attempt without a time (``graph.model.untimed``: dated 1970 by an import of a log
    without times) is left out and counted in ``Trend.untimed``: a cohort with such a
    history and live attempts ran from 1970 and was refused by day or week (more than
    1,000 points), and by month its 1970 point said nothing of when anything was learnt.

    Examples:
        >>> old, new = datetime(1970, 1, 1, 0, 0, 7, tzinfo=UTC), datetime(2026, 1, 5, tzinfo=UTC)
        >>> found = trend([(old, "s", 0.0), (new, "s", 1.0)], 1, "day")
        >>> [(p.start.date().isoformat(), p.attempts, p.rolling_success) for p in found.points], found.untimed
        ([('2026-01-05', 1, 1.0)], 1)
    """
    check_trend(interval, window, threshold, min_cell)
    timed = [e for e in events if not untimed(e[0])]
    left_out = len(events) - len(timed)
    holding = len({student for when, student, _ in events if untimed(when)})
    counted = left_out if _members_visible(holding, members, min_cell) else None
    if not timed:
        return Trend([], counted)
    points = _points(timed, members, interval, window=window, threshold=threshold, min_cell=min_cell, zone=zone)
    return Trend(points, counted)


def check_trend(interval: Interval, window: int, threshold: float, min_cell: int | None = None) -> None:
    """Refuse an unknown interval, a ``window`` under 1 or a threshold that is not one, naming the field."""
    if window < 1:
        raise InvalidInput(f"window must be at least 1, not {window}", field="window")
    check_threshold(threshold, min_cell=min_cell)
    bucket_start(datetime.now(UTC), interval)  # validates the interval


def _points(
    events: Sequence[TrendEvent],
    members: int,
    interval: Interval,
    *,
    window: int,
    threshold: float,
    min_cell: int | None,
    zone: tzinfo,
) -> list[TrendPoint]:
    """The points of a trend over ``events`` (timed, in order, at least one)."""
    recent: dict[str, deque[float]] = {}
    points = []
    start, last = bucket_start(events[0][0], interval, zone), bucket_start(events[-1][0], interval, zone)
    _check_trend_length(start, last, interval)
    i = 0
    moved: set[str] = set()  # students whose rolling success changed since the last point showing the group
    while start <= last:
        end = _next(start, interval)
        scores: list[float] = []
        active: set[str] = set()
        while i < len(events) and events[i][0] < end:
            _, student, score = events[i]
            recent.setdefault(student, deque(maxlen=window)).append(score)
            scores.append(score)
            active.add(student)
            i += 1
        moved |= active
        rolling = [sum(q) / len(q) for q in recent.values()]
        good = sum(1 for r in rolling if r >= threshold)
        bucket_shown = _members_visible(len(active), members, min_cell)
        # Two shown points differ by what the students who moved between them did: they must be
        # none or enough, or six times one point's mean less five times the last one's is a student's.
        group_shown = _members_visible(len(rolling), members, min_cell) and (not moved or visible(len(moved), min_cell))
        if group_shown:
            moved = set()
        share = _share(good, len(rolling), min_cell) if group_shown else None
        points.append(
            TrendPoint(
                start,
                len(scores) if bucket_shown else None,
                len(active) if bucket_shown else None,
                _figure(sum(scores) / len(scores), min_cell) if scores and bucket_shown else None,
                len(rolling) if group_shown else None,
                _figure(sum(rolling) / len(rolling), min_cell) if rolling and group_shown else None,
                share,
                suppressed=not bucket_shown or not group_shown or (bool(rolling) and share is None),
            )
        )
        start = end
    if min_cell:  # the span of withheld points at either end would tell when a few students were active
        while points and _withheld(points[0]):
            points.pop(0)
        while points and _withheld(points[-1]):
            points.pop()
    return points


def _withheld(point: TrendPoint) -> bool:
    """A point showing no figure at all."""
    return point.attempts is None and point.students is None
