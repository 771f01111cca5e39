"""``pathwise report``: the cohort figures of the API as CSV, and a mastery heatmap as PNG or SVG.

The figures are the ones ``cohortMastery``, ``conceptDifficulty``, ``atRisk`` and
``masteryTrend`` answer (``graph.cohort_reports``). ``--min-cell K`` applies an analyst's
suppression: a withheld figure is an empty CSV cell and its row says ``suppressed``, and
as for an analyst in GraphQL the options that would cut the students anew are fixed
(``--streak 3``, ``--stuck-after 5``, ``--interval week``, ``--window 5``, no
``--missing-is-weak``, and the trend in PATHWISE_TIME_ZONE): another value is refused.
CSV goes to ``--output`` or to stdout.
"""

from __future__ import annotations

import csv
import io
import logging
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from graph.analytics import DEFAULT_BINS, DEFAULT_THRESHOLD, Interval, bin_edges
from graph.errors import InvalidInput, KnowledgeGraphError
from graph.repository import KnowledgeGraph
from settings import load_settings

__all__ = ["report"]

log = logging.getLogger("pathwise.report")


@click.group(name="report", context_settings={"help_option_names": ["-h", "--help"]})
def report() -> None:
    """Cohort reports: mastery, difficulty, at-risk and trend as CSV; a mastery heatmap."""


_INSTEAD = {
    "mastery": "ask it with the cohortMastery query, or stop it first",
    "difficulty": "ask it with the conceptDifficulty query, or stop it first",
    "at-risk": "ask it with the atRisk query, or stop it first",
    "trend": "ask it with the masteryTrend query, or stop it first",
}
"""What to do while a service runs, per report (a heatmap has no GraphQL equivalent)."""


@contextmanager
def _graph(ctx: click.Context) -> Iterator[KnowledgeGraph]:
    """The graph a test handed in (``obj["kg"]``), or the configured store, closed afterwards."""
    from cli.exits import fail
    from cli.opening import open_graph

    obj = ctx.obj or {}
    given: KnowledgeGraph | None = obj.get("kg")
    name = ctx.info_name or ""
    instead = _INSTEAD.get(name, "stop it first: a heatmap is drawn from the store, with no GraphQL equivalent")
    kg = given or open_graph(obj.get("settings") or load_settings(), obj.get("store"), instead=instead, reading=True)
    try:
        yield kg
    except KnowledgeGraphError as error:
        fail(error)
    finally:
        if given is None:
            kg.store.close()


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value is not None else None


def _id_list(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse a list that names no id (``--concepts ",,"``, or a variable left empty).

    It was read as "no concepts": a CSV report of a header alone and an empty 6 x 0
    heatmap, written with exit 0.
    """
    if value is not None and not _split(value):
        raise click.BadParameter(f"{value!r} names no concept id (comma-separated ids, e.g. slope,ratios_proportions)")
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.6g}"
    return str(value)


def _write(rows: Sequence[Sequence[Any]], header: Sequence[str], output: Path | None) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    if output is None:
        click.echo(buffer.getvalue(), nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(buffer.getvalue(), encoding="utf-8")
    log.info("wrote %s (%d rows)", output, len(rows))
    click.echo(f"wrote {output} ({len(rows)} rows)", err=True)


_F = TypeVar("_F", bound=Callable[..., Any])


def _cohort_option(required: bool = True) -> Callable[[_F], _F]:
    return click.option("--cohort", required=required, help="The cohort id.")


_output = click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="CSV file (default stdout).")
_min_cell = click.option(
    "--min-cell",
    type=click.IntRange(min=1),
    default=None,
    help="Withhold figures over fewer students than this (an analyst's k).",
)
_threshold = click.option(
    "--threshold",
    type=float,
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Mastery at or above which a student counts as having mastered a concept.",
)


@report.command()
@_cohort_option()
@click.option("--concepts", callback=_id_list, help="Comma-separated concept ids (default: every concept).")
@_threshold
@click.option("--bins", type=int, default=DEFAULT_BINS, show_default=True, help="Histogram bins over [0, 1].")
@_min_cell
@_output
@click.pass_context
def mastery(
    ctx: click.Context,
    cohort: str,
    concepts: str | None,
    threshold: float,
    bins: int,
    min_cell: int | None,
    output: Path | None,
) -> None:
    """Per concept: members with an estimate, mean, quartiles, histogram, share at or above the threshold."""
    from graph.cohort_reports import cohort_mastery

    with _graph(ctx) as kg:
        log.info("cohort %s: mastery statistics", cohort)
        stats = cohort_mastery(kg, cohort, _split(concepts), threshold=threshold, bins=bins, min_cell=min_cell)
        edges = bin_edges(bins)
        header = ["concept", "students", "mean", "q1", "median", "q3", f"at_or_above_{threshold:g}", "suppressed"]
        header += [f"bin_{edges[i]:.2f}_{edges[i + 1]:.2f}" for i in range(bins)]
        rows = [
            [s.concept, s.students, s.mean, s.q1, s.median, s.q3, s.at_or_above, s.suppressed,
             *(s.histogram if s.histogram is not None else [None] * bins)]
            for s in stats
        ]  # fmt: skip
        _write(rows, header, output)


@report.command()
@_cohort_option()
@click.option("--concepts", callback=_id_list, help="Comma-separated concept ids (default: every attempted concept).")
@click.option(
    "--streak",
    type=int,
    default=3,
    show_default=True,
    help="Correct answers in a row that count as mastery (3 only with --min-cell).",
)
@click.option(
    "--stuck-after",
    type=int,
    default=5,
    show_default=True,
    help="Attempts without mastery that count as stuck (5 only with --min-cell).",
)
@_min_cell
@_output
@click.pass_context
def difficulty(
    ctx: click.Context,
    cohort: str,
    concepts: str | None,
    streak: int,
    stuck_after: int,
    min_cell: int | None,
    output: Path | None,
) -> None:
    """Per concept: first-attempt success, attempts to mastery, stuck members; `stuck_rank` 1 = most stuck."""
    from graph.cohort_reports import concept_difficulty

    with _graph(ctx) as kg:
        log.info("cohort %s: difficulty from attempt history", cohort)
        found = concept_difficulty(
            kg, cohort, _split(concepts), streak=streak, stuck_after=stuck_after, limit=10**9, min_cell=min_cell
        )
        rank = {r.concept: n for n, r in enumerate(found.most_stuck, 1)}
        header = ["concept", "students", "first_attempt_success", "mastered", "attempts_to_mastery",
                  "median_attempts_to_mastery", "stuck", "stuck_share", "stuck_rank", "suppressed"]  # fmt: skip
        rows = [
            [r.concept, r.students, r.first_attempt_success, r.mastered, r.attempts_to_mastery,
             r.median_attempts_to_mastery, r.stuck, r.stuck_share, rank.get(r.concept), r.suppressed]
            for r in found.concepts
        ]  # fmt: skip
        _write(rows, header, output)


@report.command(name="at-risk")
@_cohort_option()
@click.option("--targets", required=True, callback=_id_list, help="Comma-separated target concept ids.")
@_threshold
@click.option(
    "--missing-is-weak", is_flag=True, help="Count a prerequisite without an estimate as weak (not with --min-cell)."
)
@_min_cell
@_output
@click.pass_context
def at_risk_report(
    ctx: click.Context,
    cohort: str,
    targets: str,
    threshold: float,
    missing_is_weak: bool,
    min_cell: int | None,
    output: Path | None,
) -> None:
    """One row per (target, student, weak prerequisite); with --min-cell, counts: per target, then per prerequisite."""
    from graph.cohort_reports import at_risk

    with _graph(ctx) as kg:
        log.info("cohort %s: students at risk", cohort)
        found = at_risk(
            kg, cohort, _split(targets) or [], threshold=threshold, missing_is_weak=missing_is_weak, min_cell=min_cell
        )
        if min_cell:  # a row per target with its counts, then one per prerequisite; withheld counts are empty
            rows: list[list[object]] = []
            for r in found:
                rows.append([r.target, "", r.students_at_risk, r.mastered, "", r.suppressed])
                rows += [[r.target, b.concept, "", "", b.students, r.suppressed] for b in r.blocking]
            _write(rows, ["target", "prerequisite", "students_at_risk", "mastered", "students", "suppressed"], output)
            return
        rows = [
            [r.target, s.student, w.concept, w.probability] for r in found for s in r.students or () for w in s.weak
        ]
        _write(rows, ["target", "student", "prerequisite", "probability"], output)


@report.command()
@_cohort_option()
@click.option("--concept", required=True, help="The concept id.")
@click.option(
    "--interval",
    type=click.Choice(["day", "week", "month"]),
    default="week",
    show_default=True,
    help="The length of one period of the trend (week only with --min-cell).",
)
@click.option(
    "--window",
    type=int,
    default=5,
    show_default=True,
    help="Attempts a student's rolling success averages (5 only with --min-cell).",
)
@click.option(
    "--time-zone",
    default=None,
    help="IANA time zone whose midnights start the buckets (America/Chicago). Default: PATHWISE_TIME_ZONE, else UTC "
    "(with --min-cell that zone only).",
)
@_threshold
@_min_cell
@_output
@click.pass_context
def trend(
    ctx: click.Context,
    cohort: str,
    concept: str,
    interval: str,
    window: int,
    time_zone: str | None,
    threshold: float,
    min_cell: int | None,
    output: Path | None,
) -> None:
    """One row per bucket: attempts and success in it, rolling success and mastered share by its end."""
    from graph.analytics import trend_zone
    from graph.cohort_reports import mastery_trend
    from graph.time_zone import time_zone as zone_named

    try:
        configured = (ctx.obj or {}).get("settings") or load_settings()
        name = trend_zone(
            time_zone, configured.time_zone, min_cell, field="--time-zone"
        )  # with --min-cell, the school's
        zone = zone_named(name, field="--time-zone")
    except InvalidInput as wrong:
        raise click.BadParameter(wrong.message, param_hint="--time-zone") from None
    with _graph(ctx) as kg:
        log.info("cohort %s: %s trend of %s (%s)", cohort, interval, concept, zone.key)
        found = mastery_trend(
            kg,
            cohort,
            concept,
            cast(Interval, interval),
            window=window,
            threshold=threshold,
            min_cell=min_cell,
            zone=zone,
        )
        header = ["start", "attempts", "active", "success_rate", "students", "rolling_success", "mastered_share",
                  "suppressed"]  # fmt: skip
        rows = [
            [p.start.isoformat(), p.attempts, p.active, p.success_rate, p.students, p.rolling_success,
             p.mastered_share, p.suppressed]
            for p in found.points
        ]  # fmt: skip
        _write(rows, header, output)
    if found.untimed:  # withheld (None) says nothing, as the CSV's empty cells do
        click.echo(
            f"left out: {found.untimed} attempt(s) without a time (imported from a log without times, dated 1970)",
            err=True,
        )


@report.command()
@click.option("--cohort", default=None, help="Members x concepts of this cohort.")
@click.option("--all-cohorts", is_flag=True, help="Cohorts x concepts: each cohort's mean.")
@click.option("--concepts", callback=_id_list, help="Comma-separated concept ids (default: every concept).")
@_min_cell
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.png or FILE.svg.")
@click.pass_context
def heatmap(
    ctx: click.Context,
    cohort: str | None,
    all_cohorts: bool,
    concepts: str | None,
    min_cell: int | None,
    output: Path,
) -> None:
    """A mastery heatmap as PNG or SVG: members x concepts, or cohorts x concepts (means)."""
    from cli.heatmap import FORMATS, write_heatmap
    from cli.progress import ProgressBars
    from graph.cohort_reports import cohort_grid, student_grid

    if (cohort is None) == (not all_cohorts):
        raise click.UsageError("give exactly one of --cohort and --all-cohorts")
    if output.suffix.lower() not in FORMATS:
        raise click.UsageError(f"--output must end in {' or '.join(FORMATS)}")
    if cohort is not None and min_cell:
        raise click.UsageError("a members x concepts heatmap names students: use --all-cohorts with --min-cell")
    with _graph(ctx) as kg, ProgressBars() as bars:
        bars("read", 0, 1)
        if cohort is not None:
            grid = student_grid(kg, cohort, _split(concepts))
            title, row_label = f"Mastery of cohort {cohort} ({len(grid.rows)} students)", "student"
        else:
            grid = cohort_grid(kg, None, _split(concepts), min_cell=min_cell)
            title, row_label = f"Mean mastery by cohort ({len(grid.rows)} cohorts)", "cohort"
            if min_cell:
                title += f", cells under {min_cell} students withheld"
        bars("read", 1, 1)
        bars("draw", 0, 1)
        write_heatmap(grid, output, title=title, row_label=row_label)
        bars("draw", 1, 1)
    click.echo(f"wrote {output} ({len(grid.rows)} x {len(grid.concepts)})", err=True)
