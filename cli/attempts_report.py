"""What ``pathwise attempts import`` says: its refusals, naming where the log says it, and its report.

A refusal names the first few ids it is about (``sample``) with the file and line that
first name each, so a log is fixed without searching it; the report is printed for
people or, with ``--json``, given whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from ingest.attempts.keyed import NOT_A_MATERIAL, UnmappedActivities

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["clash_problems", "first_named", "print_report", "sample", "unmapped_report"]

_SHOWN = 10


def sample(ids: Sequence[str], where: dict[str, str] | None = None) -> str:
    """The first ids, each with where the log first names it when known."""
    where = where or {}
    shown = [f"{i} ({where[i]})" if i in where else i for i in ids[:_SHOWN]]
    more = f" (and {len(ids) - _SHOWN} more)" if len(ids) > _SHOWN else ""
    return ", ".join(shown) + more


def first_named(frame: pd.DataFrame, column: str, ids: Sequence[str]) -> dict[str, str]:
    """Graph id -> the file and line that first names it in ``column`` (``item`` or ``concept``) of the log."""
    from ingest.attempts.to_graph import concept_id, material_id

    to_id = material_id if column == "item" else concept_id
    wanted = set(ids[:_SHOWN])
    first: dict[str, tuple[int, str]] = {}
    names = {n: to_id(str(n)) for n in frame[column].unique() if n}
    named = {n for n, i in names.items() if i in wanted}
    rows = frame[frame[column].isin(named) & (frame["line"] > 0)]
    for name, source, line in zip(rows[column], rows["source"], rows["line"], strict=True):
        ident = names[name]
        if ident not in first or line < first[ident][0]:
            first[ident] = (int(line), str(source).split(":", 1)[-1])  # the source column reads "csv:log.csv"
    return {ident: f"{file} line {line}" for ident, (line, file) in first.items()}


def clash_problems(fmt: str, frame: pd.DataFrame, keyed: pd.DataFrame, clashes: Sequence[str]) -> list[str]:
    """Why attempts stored under the same ids with other answers are refused, naming the first with their lines."""
    where: dict[str, str] = {}
    wanted = set(clashes)
    for original, ident, source, line in zip(
        frame["attempt_id"], keyed["attempt_id"], frame["source"], frame["line"], strict=True
    ):
        if ident in wanted and ident not in where:
            file = str(source).split(":", 1)[-1]
            where[ident] = f"{original} ({file} line {line})" if line > 0 else f"{original} ({file})"
    named = ", ".join(where[c] for c in clashes[:_SHOWN] if c in where)
    more = f" (and {len(clashes) - _SHOWN} more)" if len(clashes) > _SHOWN else ""
    if fmt == "xapi":
        return [
            f"{len(clashes)} statement(s) already stored under the same id for another learner, or with another "
            f"result or time: {named}{more}",
            "a statement id names one statement: a changed result is a new statement with its own id (void the "
            "old one to take it back)",
        ]
    if fmt == "csv":
        return [
            f"{len(clashes)} attempt(s) already stored under the same id with another score, time, material or "
            f"concepts: {named}{more}",
            "another log with the same file name? default ids are file, student and line: rename the file, "
            "or give the log an attempt_id column (--attempt-id-column)",
        ]
    return [
        f"{len(clashes)} attempt(s) already stored under the same id with another score, time, material or "
        f"concepts: {named}{more}",  # "another score" sent the reader to the responses of a log whose skills differ
        "another log with the same file name? ids are the file's (or --dataset's) name, student and position: "
        "rename the file or pass --dataset",
    ]


def unmapped_report(xapi: dict[str, Any], unmapped: UnmappedActivities) -> dict[str, Any]:
    """The xAPI report's entries for the statements ``--skip-unmapped`` left out (what recordStatements answers)."""
    skipped = dict(xapi["skipped"])
    if unmapped.statements:
        skipped[NOT_A_MATERIAL] = skipped.get(NOT_A_MATERIAL, 0) + unmapped.statements
    return {
        "used": xapi["used"] - unmapped.statements,
        "skipped": skipped,
        "unmapped_activities": [{"activity_id": a, "statements": n} for a, n in unmapped.activities],
        "more_unmapped_activities": unmapped.not_shown,
    }


def print_report(report: dict[str, Any]) -> None:
    """The report for people: what was (or would be) imported, created, left out, skipped and voided."""
    verb = "would import:" if report["dry_run"] else "imported:"
    if not report["dry_run"] and not report["accepted"] and report["duplicates"]:
        verb = "nothing new: read"  # a replay said "imported: 3 attempt(s)" above "accepted: 0  duplicates: 3"
    click.echo(
        f"{verb} {report['attempts']} attempt(s) ({report['rows']} rows, {report['students']} students) "
        f"from {len(report['files'])} {report['format']} file(s)"
    )
    if report["dry_run"]:
        if report["missing_concepts"] or report["missing_materials"]:
            click.echo(
                f"  not in the graph: {report['missing_concepts']} concept(s), {report['missing_materials']} item(s)"
                # "--create-missing creates them" to a dry run that had passed it: would it, or not?
                + (" (would be created)" if report.get("create_missing") else " (--create-missing creates them)")
            )
        click.echo(f"  new: {report['accepted']}  stored already: {report['duplicates']}")
    else:
        if report["created_concepts"] or report["created_materials"]:
            click.echo(f"  created {report['created_concepts']} concept(s), {report['created_materials']} material(s)")
        click.echo(f"  accepted: {report['accepted']}  duplicates: {report['duplicates']}")
    if report.get("without_concepts"):
        click.echo(
            f"  warning: {report['without_concepts']} attempt(s) name no concept (their items teach and assess "
            "none, as items --create-missing makes), so they move no mastery estimate: link the items to "
            "concepts (`linkMaterial`, or a materials.csv with teaches/assesses) and import again",
            err=True,
        )
    if report.get("erased"):
        click.echo(
            f"  left out: {report['erased']} attempt(s) of {report['erased_students']} student(s) forgotten on "
            "request after those attempts were made (see docs/privacy.md)"
        )
    xapi = report.get("xapi")
    if xapi:
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(xapi["skipped"].items())) or "none"
        used = f"{xapi['statements']} statement(s), {xapi['used']} used, {xapi['voided']} voided"
        click.echo(f"  xAPI: {used}, skipped: {skipped}")
        if xapi.get("unmapped_activities"):
            more = xapi["more_unmapped_activities"]
            click.echo(
                f"  skipped as no material: {xapi['skipped'][NOT_A_MATERIAL]} statement(s) about "
                f"{len(xapi['unmapped_activities']) + more} activit(ies), the most-named first (a question among "
                "them needs a material's activity ids: `updateMaterial`, or the activity_ids column):"
            )
            for entry in xapi["unmapped_activities"]:
                click.echo(f"    {entry['activity_id']} ({entry['statements']})")
            if more:
                click.echo(f"    (and {more} more)")
        if report.get("account_homes"):
            click.echo(f"  accounts of {', '.join(report['account_homes'])} keyed by their name alone")
        if xapi.get("voided_stored"):
            taken = "would be taken back" if report["dry_run"] else "taken back"
            click.echo(
                f"  voided after they were stored: {xapi['voided_stored']} attempt(s) {taken}, their students"
                " estimated again"
            )
        if xapi.get("voided_ahead"):
            kept = "would be kept" if report["dry_run"] else "kept"
            click.echo(
                f"  {xapi['voided_ahead']} voiding statement(s) name a statement not recorded yet: {kept} voided, "
                "so it is not recorded when it comes"
            )
        settled = xapi.get("voided_stored", 0) + xapi.get("voided_ahead", 0)
        if xapi.get("void_targets_missing", 0) > settled:
            click.echo(
                f"  {xapi['void_targets_missing'] - settled} voiding statement(s) name a statement not in these "
                "files and voided before"
            )
