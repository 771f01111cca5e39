"""``pathwise attempts``: import students' answer logs (CSV, pyKT, AKT, DKVMN, xAPI) into the graph.

A log is read whole and checked first (every malformed line is reported, nothing is
written), converted to the graph's attempts, then written in one transaction. Attempt
ids are stable, so importing the same file again adds nothing: its attempts count as
duplicates. Logs from outside (ASSISTments) name concepts and items the graph does
not hold; ``--create-missing`` creates them (validated as a curriculum import) in the
same transaction as the attempts, so a refused log leaves no concept behind.

The command is here; what it writes is in ``attempts_record`` and what it says in
``attempts_report``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.attempts_record import missing_bundle, record_found, retract_stored
from cli.attempts_report import clash_problems, first_named, print_report, sample, unmapped_report
from cli.json_refusals import JsonRefusals
from cli.log_columns import column_options, log_column_options
from graph.attempts import conflicting_duplicates, mark_voided, stored_attempts
from graph.erasures import ERASURE_LOG, ErasureLog, split_erased
from graph.errors import KnowledgeGraphError, ValidationFailed
from graph.rdf_mapping import Triple
from graph.repository import KnowledgeGraph, ProgressHook
from graph.student_keys import StoredStudentKeys
from graph.xapi_homes import SETTING, former_homes, keying_marks
from ingest.attempts.keyed import (
    UnmappedActivities,
    activity_materials,
    assessing_materials,
    item_concepts,
    keyed_attempts_table,
    stored_void_targets,
    voided_ahead,
    voided_within,
    voids_ahead,
    with_material_concepts,
    with_recorded_twins,
    without_unmapped,
)
from settings import load_settings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMATS", "attempts", "item_concepts", "missing_bundle", "with_material_concepts"]  # (re-exported)

FORMATS = ("akt", "csv", "dkvmn", "pykt", "xapi")
"""The keys of ``ingest.attempts.formats.ATTEMPT_READERS``, spelled out so ``--help`` stays fast (no pandas)."""

_DATASET_OPTION = {"pykt": "prefix", "akt": "dataset", "dkvmn": "name"}
"""Each layout's reader option for the name that scopes its students (``--dataset``)."""


@click.group(name="attempts", context_settings={"help_option_names": ["-h", "--help"]})
def attempts() -> None:
    """Students' attempts: import answer logs into the graph."""


def _read(files: Sequence[Path], fmt: str, options: dict[str, Any], bars: ProgressHook) -> pd.DataFrame:
    """Read every file (AKT folds together), a progress bar of lines per file."""
    from ingest.attempts.formats import join_frames, read_attempts
    from ingest.errors import MalformedInput

    def progress(name: str, done: int, total: int) -> None:
        bars(f"read {name}", done, total)

    options = {**options, "progress": progress}
    if fmt == "akt":
        return read_attempts(list(files), fmt, **options)
    frames, problems = [], []
    for path in files:
        try:
            frames.append(read_attempts(path, fmt, **options))
        except MalformedInput as error:  # read the others too: every bad line of every file at once
            problems += error.where
    if problems:
        raise MalformedInput(problems)
    return join_frames(frames, fmt)


@attempts.command(name="import", cls=JsonRefusals)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", required=True, type=click.Choice(FORMATS), help="The log's layout.")
@log_column_options
@click.option("--fold", "folds", type=int, multiple=True, help="pykt: keep only this fold (repeatable; -1 = test).")
@click.option(
    "--dataset",
    default=None,
    help="pykt, akt, dkvmn: the data set's name, which its attempt ids (and pykt and dkvmn student keys) carry; "
    "default: pykt and akt the folder's name, dkvmn the file's. Give the same name when a log is moved or copied, "
    "so importing it again adds nothing.",
)
@click.option(
    "--create-missing",
    is_flag=True,
    help="Create the concepts and items the log names but the graph lacks, in the same transaction.",
)
@click.option(
    "--skip-unmapped",
    is_flag=True,
    help="xapi: skip the statements whose activity is no material (not its id, nor among its activity ids) and "
    "count them, naming the activities, as recordStatements does, instead of refusing the file: a Moodle log's "
    "quiz-level statements (.../mod/quiz/attempt.php?attempt=N) are about no material.",
)
@click.option(
    "--xapi-account-home",
    "account_homes",
    multiple=True,
    help="xapi: the homePage of a system whose accounts are keyed by their name alone (repeatable): that "
    "system's user id, the one its tokens carry as sub and its API calls as studentId, so one learner has one key. "
    "Default: PATHWISE_XAPI_ACCOUNT_HOMES (comma-separated).",
)
@click.option("--dry-run", is_flag=True, help="Read, check and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def import_attempts(
    ctx: click.Context,
    /,  # click passes it first; with **log_columns, pass_context's type needs it positional
    files: tuple[Path, ...],
    fmt: str,
    folds: tuple[int, ...],
    dataset: str | None,
    create_missing: bool,
    skip_unmapped: bool,
    account_homes: tuple[str, ...],
    dry_run: bool,
    as_json: bool,
    **log_columns: str | None,
) -> None:
    """Import attempt logs: checked whole, then written in one transaction; replays add nothing.

    Formats: csv (one row per attempt), pykt (train_valid.csv / test.csv as for assist2015;
    windowed *_sequences.csv stitched back per student), akt (assist2009 4-line folds; give
    all folds at once), dkvmn (3-line), xapi (JSON lines, array or .gz; an activity is the
    material with its id, else the one listing it among its activity ids, and maps to its concepts).
    """
    from cli.exits import fail
    from cli.opening import ATTEMPTS_INSTEAD, open_graph, open_pseudonyms
    from cli.progress import ProgressBars
    from ingest.attempts.long_csv import time_columns_unread
    from ingest.attempts.to_graph import frame_to_attempts

    options = _reader_options(fmt, log_columns, folds, dataset)  # before the store opens: a usage error leaves it alone
    if account_homes and fmt != "xapi":
        raise click.UsageError("--xapi-account-home applies to xapi logs")
    if skip_unmapped and fmt != "xapi":
        raise click.UsageError("--skip-unmapped applies to xapi logs (another log names the items it creates)")
    if skip_unmapped and create_missing:
        raise click.UsageError(
            "give --skip-unmapped or --create-missing, not both: one skips the activities that are no material, "
            "the other makes each one a material"
        )
    obj = ctx.obj or {}
    kg: KnowledgeGraph = obj.get("kg") or open_graph(
        obj.get("settings") or load_settings(), obj.get("store"), instead=ATTEMPTS_INSTEAD, as_json=as_json
    )
    if fmt == "xapi":
        options["item_concepts"] = item_concepts(kg)
        options["assessing"] = assessing_materials(kg)
        options["activities"] = activity_materials(kg)
        options["unknown_assess_nothing"] = create_missing  # each becomes a bare exercise: as a replay will read it
    settings = obj.get("settings") or load_settings()
    pseudonyms = open_pseudonyms(settings)
    # a learner stored before ids were read in NFC keeps their key, whatever form the log writes them in
    students = StoredStudentKeys(pseudonyms, kg.store, ErasureLog(settings.data_dir / ERASURE_LOG, pseudonyms))
    if fmt == "xapi":  # the actor's identifier (mbox_sha1sum, account...) goes straight to its keyed hash
        options["pseudonymize"] = students.key
        # a per-run flag alone keyed one learner two ways when a run forgot it: the setting is the default
        options["account_homes"] = account_homes or settings.xapi_account_homes
    report: dict[str, Any] = {
        "files": [str(f) for f in files],
        "format": fmt,
        "dry_run": dry_run,
        "create_missing": create_missing,
    }
    if fmt == "xapi":
        report["account_homes"] = list(options["account_homes"])
    marks: list[Triple] = []
    hints: list[str] = []
    try:
        if fmt == "xapi":  # other homes than the stored learners were keyed with would key each a second way
            setting = "--xapi-account-home" if account_homes else SETTING
            marks = keying_marks(kg.store, options["account_homes"], setting=setting)
            options["former_homes"] = former_homes(kg.store)  # learners stored before an accepted change
        with ProgressBars() as bars:
            frame = _read(files, fmt, options, bars)
            if fmt == "csv":
                time_like = {path: time_columns_unread(path, options.get("timestamp")) for path in files}
                hints = [
                    f"warning: {path.name} has no {options.get('timestamp') or 'timestamp'!r} column, so its "
                    f"attempts are dated by line from 1970: is {names[0]!r} their time? pass --timestamp-column "
                    f"{names[0]}"
                    for path, names in time_like.items()
                    if names
                ]
            if fmt == "akt":  # its skills became concepts named by their numbers, another set than with the names
                bare = sorted(
                    {
                        str(path.resolve().parent)
                        for path in files
                        if not (path.resolve().parent / "skill.json").is_file()
                    }
                )
                hints = [
                    f"warning: no skill.json in {folder}: the skills are concepts named by their numbers ('54'); "
                    "put the data set's skill.json beside the folds to import them by name"
                    for folder in bare
                ]
            unmapped = UnmappedActivities()
            if skip_unmapped:
                frame, unmapped = without_unmapped(frame, kg.projection.material_ids)
            if fmt != "xapi":  # (an xAPI frame holds keys already)
                students.prefetch(str(s) for s in frame["student"].unique())
            keyed = keyed_attempts_table(frame, students, statements=fmt == "xapi")
            found = with_material_concepts(frame_to_attempts(keyed), item_concepts(kg))
            renamed: dict[str, str] = {}
            if fmt == "xapi":
                found, renamed = with_recorded_twins(kg, frame, keyed, found, pseudonyms)
            former = frame.attrs.get("former_keys", {})  # a learner's keys before a change of account homes
            found, erased = split_erased(found, ErasureLog(settings.data_dir / ERASURE_LOG, pseudonyms), former)
            gone: set[str] = set()
            ahead: list[str] = []
            within: list[str] = []
            if fmt == "xapi":
                found, gone = voided_ahead(kg, found)  # their voids came first (an earlier import or call)
            bars("convert", len(found), len(found))
            bundle = missing_bundle(kg, frame, found)
            report |= {
                "rows": len(frame),
                "attempts": len(found),
                "students": int(frame["student"].nunique()),
                "missing_concepts": len(bundle.concepts),
                "missing_materials": len(bundle.materials),
                "created_concepts": 0,
                "created_materials": 0,
                "accepted": 0,
                "duplicates": 0,
                "erased": len(erased),
                "erased_students": len({a.student for a in erased}),
            }
            if "report" in frame.attrs:
                report["xapi"] = frame.attrs["report"]
                if skip_unmapped:
                    report["xapi"] |= unmapped_report(report["xapi"], unmapped)
                voided_stored = stored_void_targets(kg, frame, pseudonyms)
                report["xapi"]["voided_stored"] = len(voided_stored)
                report["xapi"]["voided"] += len(gone)
                report["xapi"]["used"] -= len(gone)  # counted used as read: "4 statement(s), 4 used, 1 voided"
                ahead = voids_ahead(kg, frame, pseudonyms)
                report["xapi"]["voided_ahead"] = len(ahead)
                within = voided_within(kg, frame, pseudonyms)  # voided beside their void: kept voided too
            # a dry run is refused as the import would be: it said "would import 1 attempt(s)" and exited 0
            if (bundle.concepts or bundle.materials) and not create_missing:
                problems = []
                if bundle.concepts:
                    ids = [c.id for c in bundle.concepts]
                    where = first_named(frame, "concept", ids)
                    problems.append(f"{len(ids)} concept(s) not in the graph: {sample(ids, where)}")
                if bundle.materials:
                    ids = [m.id for m in bundle.materials]
                    where = first_named(frame, "item", ids)
                    problems.append(f"{len(ids)} item(s) not in the graph as materials: {sample(ids, where)}")
                if fmt == "xapi":  # a Moodle log's quiz-level statements are about no material, and never will be
                    problems.append(
                        "pass --skip-unmapped to skip (and count) the statements about them, as recordStatements "
                        "does, or list them among a material's activity ids; --create-missing makes each a bare "
                        "exercise"
                    )
                else:
                    problems.append("pass --create-missing to create them first (bare concepts and exercises)")
                raise ValidationFailed(problems)
            untimed = set(keyed.loc[keyed["timestamp"].isna(), "attempt_id"]) if len(keyed) else set()
            # a log without times dates its attempts by position: the same statement in another file is not a clash
            clashes = conflicting_duplicates(kg, found, untimed=untimed, former=former)
            if clashes:
                named = [renamed.get(c, c) for c in clashes]  # a twin's id -> the one read from the file
                raise ValidationFailed(clash_problems(fmt, frame, keyed, named))
            creating = bundle if create_missing and (bundle.concepts or bundle.materials) else None
            if dry_run and found:  # what a replay would add: it said "would import 3" of a log stored already
                stored = stored_attempts(kg, list(dict.fromkeys(a.id for a in found)))[1]
                report["duplicates"] = sum(1 for a in found if a.id in stored)
                report["accepted"] = len(found) - report["duplicates"]
            if not dry_run and (found or creating is not None):
                bars("record", 0, len(found))
                report["accepted"], report["duplicates"], estimates = record_found(
                    kg, found, obj, creating, marks, progress=lambda done, total: bars("record", done, len(found))
                )
                report["estimates"] = len(estimates)
                report["without_concepts"] = sum(1 for a in found if not a.concepts)
                if creating is not None:
                    report["created_concepts"] = len(creating.concepts)
                    report["created_materials"] = len(creating.materials)
                bars("record", len(found), len(found))
            if not dry_run and report.get("xapi", {}).get("voided_stored"):
                # after the statements' write: a void of one stored earlier takes it back
                report["xapi"]["voided_stored"] = len(retract_stored(kg, voided_stored, obj))
            if not dry_run and (ahead or within):
                mark_voided(kg, [*ahead, *within])  # the statement, when it comes (again), arrives voided
    except KnowledgeGraphError as error:
        fail(error, as_json=as_json)
        return
    finally:
        if obj.get("kg") is None:
            kg.store.close()
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        print_report(report)
    for hint in hints:
        click.echo(hint, err=True)
    if not report["attempts"]:
        chosen = f" in fold(s) {', '.join(map(str, sorted(folds)))}" if folds else ""
        click.echo(f"warning: no attempts{chosen} in {files_named(files)}: nothing to import", err=True)


def files_named(files: Sequence[Path], most: int = 5) -> str:
    """The files, each by its name, or by its path where another has that name; the first ``most``.

    Moodle's logstore_xapi writes every event's statements to a ``statements.json`` of its
    own folder: a log of 171 such files was warned about as "statements.json, " 171 times.

    Examples:
        >>> files_named([Path("a/log.csv"), Path("b/other.csv")])
        'log.csv, other.csv'
        >>> files_named([Path(f"{d}/statements.json") for d in "abcdefg"])
        'a/statements.json, b/statements.json, c/statements.json, d/statements.json, e/statements.json and 2 more'
    """
    names = [f.name for f in files]
    shown = list(dict.fromkeys(str(f) if names.count(f.name) > 1 else f.name for f in files))
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return ", ".join(shown[:most]) + more


def _reader_options(
    fmt: str, log_columns: dict[str, str | None], folds: tuple[int, ...], dataset: str | None
) -> dict[str, Any]:
    """The reader's options from the command's; an option of another layout is a usage error, not ignored."""
    options: dict[str, Any] = dict(column_options(fmt, log_columns))
    if fmt != "pykt" and folds:
        raise click.UsageError("--fold applies to pykt logs (their fold column)")
    if folds:
        options["folds"] = set(folds)
    if dataset is not None:
        if fmt not in _DATASET_OPTION:
            raise click.UsageError("--dataset applies to pykt, akt and dkvmn logs (a csv or xAPI log names students)")
        if not dataset.strip() or any(ch in dataset for ch in ":/\\"):
            raise click.BadParameter("give a name without ':', '/' or '\\'", param_hint="--dataset")
        options[_DATASET_OPTION[fmt]] = dataset.strip()
    return options
