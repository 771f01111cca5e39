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
below. Under suppression a threshold is exactly a multiple of 0.1 and a histogram has
1, 2, 5 or 10 bins, and every count of students at a threshold (a bin, a share, atRisk's
counts, a trend point's mastered share) is shown only when it is a sum of whole cells of
one partition of its values (``cells``): cells of at least ``min_cell`` students, fixed
by the data and not by the query, so that one count at two thresholds differs by none
or enough (a threshold moved 0.0001 at a time once found students' values to six
decimals). Parameters without such a grid (``streak``, ``stuck_after``, a trend's
interval, window and time zone, ``missing_is_weak``) are fixed (``fixed``). What one
answer leaves between its counts of nested groups by subtraction (tried and neither
mastered nor stuck; neither at risk nor mastered; at risk and not blocked by one
prerequisite) is none or enough, else a count is withheld. A trend point shows the
group's figures only when the students active, and the students new, since the last
point showing them are none or enough, and the last such point leaves none or enough
of every attempter out; a bucket's own figures only when its active students leave none
or enough of those counted out. Under suppression no figure is one student's value: each
quartile is the mean of the group of students holding it, the sorted values cut into
groups of at least ``min_cell`` (over five students, all three are the mean), and
means, quartiles and shares are rounded to two decimals, so two overlapping cohorts
differenced no longer give a student's value exactly (with 5 and 6 students, to about
±0.06). Noise would be needed to stop differencing altogether, and counts of different
concepts, or from estimates beside attempts, are not checked against each other; see
docs/cohorts-and-reports.md.

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

One job a module, each importing only what it needs; every name is re-exported here,
so callers import from ``graph.analytics`` alone:

- ``suppression``: the small-cell rule above (``visible``, the grid, rounding, quartiles);
- ``threshold``: the mastery threshold, its default and its check;
- ``cells``: the grid's cells, of which every count at a threshold must be a sum;
- ``fixed``: the parameters fixed for analysts (``streak``, ``stuckAfter``, ``interval``, ``window``,
  ``timeZone``, ``missingIsWeak``), which have no grid;
- ``mastery``: mastery statistics (``cohortMastery``), bins and the histogram on the grid;
- ``difficulty``: concept difficulty (``conceptDifficulty``) and the most stuck concepts;
- ``risk``: students at risk on a target (``atRisk``);
- ``trend``: the mastery trend (``masteryTrend``) and its calendar.
"""

from __future__ import annotations

from graph.analytics.cohort_mastery import (
    DEFAULT_BINS,
    MAX_BINS,
    ConceptMastery,
    bin_edges,
    concept_mastery,
    mastery_by_concept,
)
from graph.analytics.cohort_mastery import (
    Matrix as Matrix,
)  # not in __all__, as before; graph.cohort_reports imports it
from graph.analytics.difficulty import (
    Attempters,
    ConceptDifficulty,
    attempters,
    check_difficulty,
    concept_difficulty,
    difficulty_rows,
    most_stuck,
)
from graph.analytics.fixed import (
    DEFAULT_INTERVAL,
    DEFAULT_STREAK,
    DEFAULT_STUCK_AFTER,
    DEFAULT_WINDOW,
    trend_zone,
)
from graph.analytics.risk import (
    BlockingPrerequisite,
    StudentRisk,
    TargetRisk,
    WeakPrerequisite,
    at_risk,
    at_risk_of,
    check_at_risk,
)
from graph.analytics.suppression import GRID, visible
from graph.analytics.threshold import DEFAULT_THRESHOLD, check_threshold
from graph.analytics.trend import (
    MAX_TREND_POINTS,
    Interval,
    Trend,
    TrendEvent,
    TrendPoint,
    bucket_start,
    check_trend,
    mastery_trend,
    trend,
    trend_events,
)

__all__ = [
    "DEFAULT_BINS",
    "DEFAULT_INTERVAL",
    "DEFAULT_STREAK",
    "DEFAULT_STUCK_AFTER",
    "DEFAULT_THRESHOLD",
    "DEFAULT_WINDOW",
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
    "at_risk_of",
    "attempters",
    "check_at_risk",
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
    "trend_zone",
    "visible",
]
