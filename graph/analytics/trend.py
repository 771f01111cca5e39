"""A concept's mastery trend over time (``masteryTrend``): buckets by day, week or month in a time zone.

Apart for its calendar, which no other figure needs: a school's midnights, days across
a clock change, and attempts without a time left out and counted beside the points.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal

from graph.analytics.cells import at_or_above_shown
from graph.analytics.fixed import DEFAULT_INTERVAL, DEFAULT_WINDOW, check_fixed
from graph.analytics.suppression import _figure, _members_visible, _none_or_visible, _share, visible
from graph.analytics.threshold import DEFAULT_THRESHOLD, check_threshold
from graph.errors import InvalidInput
from graph.model import Attempt, untimed

MAX_TREND_POINTS = 1000
"""A trend longer than this is refused: a longer interval says the same in a size a chart can show."""

Interval = Literal["day", "week", "month"]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One bucket of a concept's trend (see ``graph.analytics`` for the definitions)."""

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


def _check_trend_length(start: datetime, last: datetime, interval: Interval, min_cell: int | None = None) -> None:
    """Refuse a trend of more than ``MAX_TREND_POINTS`` buckets before building any.

    Under suppression the refusal names no date: the first and the last attempt are one
    student's each ("from 2003-04-05" was one student's backdated attempt).
    """
    count, bucket = 1, start
    while bucket < last:
        bucket, count = _next(bucket, interval), count + 1
        if count > MAX_TREND_POINTS:
            if min_cell:
                raise InvalidInput(
                    f"the attempts span more than {MAX_TREND_POINTS} points of one {interval}, and with a minimum "
                    "cell size the interval is fixed: an admin may ask for a longer one",
                    field="interval",
                )
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
    window: int = DEFAULT_WINDOW,
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
    window: int = DEFAULT_WINDOW,
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
    attempters = len({student for _, student, _ in events})  # conceptDifficulty's students, untimed included
    points = _points(
        timed,
        members,
        interval,
        window=window,
        threshold=threshold,
        min_cell=min_cell,
        zone=zone,
        attempters=attempters,
    )
    return Trend(points, counted)


def check_trend(interval: Interval, window: int, threshold: float, min_cell: int | None = None) -> None:
    """Refuse an unknown interval, a ``window`` under 1 or a threshold that is not one, naming the field.

    Under suppression the interval and the window are fixed (``graph.analytics.fixed``):
    buckets of a day or a month end at other times than weeks do, and their counts
    differ by whoever answered in between; rolling success over two windows differs by
    the students whose answers fall between them.
    """
    if window < 1:
        raise InvalidInput(f"window must be at least 1, not {window}", field="window")
    check_threshold(threshold, min_cell=min_cell)
    bucket_start(datetime.now(UTC), interval)  # validates the interval
    why = "buckets of another width end at other times, and differ by whoever answered in between"
    check_fixed("interval", interval, DEFAULT_INTERVAL, min_cell, why)
    why = "rolling success over two windows differs by the few students whose answers fall between"
    check_fixed("window", window, DEFAULT_WINDOW, min_cell, why)


@dataclass(slots=True)
class _Bucket:
    """One bucket as read: its attempts, their scores' sum, its active students; the counted students' figures.

    ``rolling``: their mean rolling success; ``share``: the share at or above the threshold, where it may
    show (``None`` otherwise). Kept as figures, not per student: a district's 15,000 rolling successes
    for each of 1,000 buckets would hold hundreds of MiB.
    """

    start: datetime
    attempts: int
    score_sum: float
    active: int
    students: int
    rolling: float | None
    share: float | None
    group: bool  # whether the group's figures (students, rollingSuccess, masteredShare) may show


def _points(
    events: Sequence[TrendEvent],
    members: int,
    interval: Interval,
    *,
    window: int,
    threshold: float,
    min_cell: int | None,
    zone: tzinfo,
    attempters: int,
) -> list[TrendPoint]:
    """The points of a trend over ``events`` (timed, in order, at least one) by ``attempters`` students in all."""
    start, last = bucket_start(events[0][0], interval, zone), bucket_start(events[-1][0], interval, zone)
    _check_trend_length(start, last, interval, min_cell)
    buckets = _buckets(events, members, interval, start, last, window=window, threshold=threshold, min_cell=min_cell)
    if min_cell:
        _settle_the_end(buckets, attempters, min_cell)
    shown = _buckets_shown(buckets, members, attempters, min_cell)
    points = []
    for b, bucket_shown in zip(buckets, shown, strict=True):
        share = b.share if b.group else None
        points.append(
            TrendPoint(
                b.start,
                b.attempts if bucket_shown else None,
                b.active if bucket_shown else None,
                _figure(b.score_sum / b.attempts, min_cell) if b.attempts and bucket_shown else None,
                b.students if b.group else None,
                b.rolling if b.group else None,
                share,
                suppressed=not bucket_shown or not b.group or (b.students > 0 and share is None),
            )
        )
    if min_cell:  # the span of withheld points at either end would tell when a few students were active
        while points and _withheld(points[0]):
            points.pop(0)
        while points and _withheld(points[-1]):
            points.pop()
    return points


def _buckets(
    events: Sequence[TrendEvent],
    members: int,
    interval: Interval,
    start: datetime,
    last: datetime,
    *,
    window: int,
    threshold: float,
    min_cell: int | None,
) -> list[_Bucket]:
    """Each bucket from ``start`` to ``last``, and whether its group's figures may show beside the last shown.

    Two shown points differ by what the students who moved between them did: they must be
    none or enough, or six times one point's mean less five times the last one's is a
    student's. Their ``students`` differ by the newcomers between them: none or enough too
    (consecutive points said 1 to 4 students had started).
    """
    recent: dict[str, deque[float]] = {}
    buckets = []
    i = 0
    moved: set[str] = set()  # students whose rolling success changed since the last point showing the group
    counted = 0  # the students the last point showing the group counted
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
        group = (
            _members_visible(len(rolling), members, min_cell)
            and (not moved or visible(len(moved), min_cell))
            and _none_or_visible(len(rolling) - counted, min_cell)
        )
        share = mean = None
        if group:
            moved, counted = set(), len(rolling)
            mean = _figure(sum(rolling) / len(rolling), min_cell) if rolling else None
            # the share at or above the threshold is a count of students, as atOrAbove is: on whole cells of the
            # rolling successes, or a sweep of thresholds over one point rebuilds their histogram
            if not min_cell or at_or_above_shown(rolling, threshold, min_cell, len(rolling)):
                share = _share(sum(1 for r in rolling if r >= threshold), len(rolling), min_cell)
        buckets.append(_Bucket(start, len(scores), sum(scores), len(active), len(rolling), mean, share, group))
        start = end
    return buckets


def _settle_the_end(buckets: list[_Bucket], attempters: int, min_cell: int) -> None:
    """Withhold the group's figures of the last points while the attempters they leave out are 1 to k-1.

    ``conceptDifficulty`` counts every member who attempted the concept, attempts without
    a time included: less the last point's ``students`` it gave those who started after
    it (9 - 5: four October newcomers, whose points were withheld and left out).
    """
    for bucket in reversed(buckets):
        if not bucket.group:
            continue
        if _none_or_visible(attempters - bucket.students, min_cell):
            return
        bucket.group = False


def _buckets_shown(buckets: Sequence[_Bucket], members: int, attempters: int, min_cell: int | None) -> list[bool]:
    """Whether each bucket's own figures (attempts, active, success rate) may show.

    Its ``active`` leaves out none or enough of the members, of the attempters
    (``conceptDifficulty``'s ``students``) and of every ``students`` shown at or after it,
    all of whom had attempted by then; beside the point before, it less the newcomers is
    those who came back, none or enough too.
    """
    later = {attempters}  # counts of students every one of this bucket's active students is among
    shown = [False] * len(buckets)
    for i in reversed(range(len(buckets))):
        bucket, active = buckets[i], buckets[i].active
        if bucket.group:
            later.add(bucket.students)
        ok = _members_visible(active, members, min_cell) and all(_none_or_visible(c - active, min_cell) for c in later)
        if ok and bucket.group and i > 0 and buckets[i - 1].group:
            newcomers = bucket.students - buckets[i - 1].students
            ok = _none_or_visible(active - newcomers, min_cell)
        shown[i] = ok
    return shown


def _withheld(point: TrendPoint) -> bool:
    """A point showing no figure at all."""
    return point.attempts is None and point.students is None
