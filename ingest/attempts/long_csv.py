"""The long CSV attempt log: one row per attempt, columns named by the caller.

================  ===================================================================
column (default)  meaning
================  ===================================================================
``student``       student key (required)
``item``          item / material id (optional)
``concepts``      ``|``-separated concept ids; one output row per concept (optional)
``correct``       ``0``/``1``, ``true``/``false`` or a score in [0, 1] (required)
``timestamp``     ISO 8601; naive times are UTC (optional; when the column is there, no cell may be empty)
``attempt_id``    the client's stable id of the student's attempt (optional; per student; no cell empty)
================  ===================================================================

A column left at its default name may be absent; a column named explicitly must be
present. Names match in any case (``Timestamp``), as a roster's do. Rows are ordered
by student, then time (stable, so equal or missing times keep file order), then numbered.
Without an ``attempt_id`` column the id is
``<file stem>:<student>:<line>``: the same file imported again gives the same ids, so
the graph counts the replay as duplicates. With one, the id is ``<student>:<attempt_id>``:
logs commonly number each student's attempts 1, 2, 3, and a second student's "1" was
counted as a duplicate of the first's and lost.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from graph.model import reset_clock_problem, timestamp_problem
from graph.pseudonyms import external_id_problem, id_text
from ingest.attempts.reading import LineProgress, LineTicker, first_lines, line_count, log_text
from ingest.attempts.table import build_frame, number_attempts, source_name
from ingest.csv_records import records
from ingest.errors import MalformedInput, Problem

__all__ = ["DEFAULT_COLUMNS", "parse_correct", "parse_csv", "parse_timestamp", "read_csv", "time_columns_unread"]

DEFAULT_COLUMNS: dict[str, str] = {
    "student": "student",
    "item": "item",
    "concepts": "concepts",
    "correct": "correct",
    "timestamp": "timestamp",
    "attempt_id": "attempt_id",
}
_REQUIRED = ("student", "correct")
_TRUE = {"1", "true", "t", "yes", "y"}
_FALSE = {"0", "false", "f", "no", "n"}


def parse_correct(value: str) -> float:
    """A score in [0, 1] from ``0``/``1``, ``true``/``false`` or a number.

    Raises:
        ValueError: anything else, or a number outside [0, 1].

    Examples:
        >>> parse_correct("TRUE"), parse_correct("0"), parse_correct("0.25")
        (1.0, 0.0, 0.25)
    """
    text = value.strip().lower()
    if text in _TRUE:
        return 1.0
    if text in _FALSE:
        return 0.0
    try:
        score = float(text)
    except ValueError:
        raise ValueError(f"correct {value!r} is not 0/1, true/false or a score in [0, 1]") from None
    if math.isnan(score) or not 0.0 <= score <= 1.0:
        raise ValueError(f"correct {value!r} is not in [0, 1]")
    return score


def parse_timestamp(value: str) -> datetime | None:
    """An aware UTC datetime from ISO 8601 (``Z`` allowed, naive means UTC); ``None`` if empty.

    Raises:
        ValueError: not ISO 8601, or more than a day in the future (``MAX_AHEAD``).

    Examples:
        >>> parse_timestamp("2024-01-02T03:04:05+02:00").isoformat()
        '2024-01-02T01:04:05+00:00'
    """
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"timestamp {value!r} is not ISO 8601") from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    late = timestamp_problem(moment)
    if late is not None:
        raise ValueError(late)
    return moment


def _columns(header: list[str], given: dict[str, str | None]) -> tuple[dict[str, int], list[str]]:
    """Where each logical column is in the header, and what is missing.

    Names match in any case, as a roster's do: a ``Timestamp`` column was left out without
    a word, the log read as untimed (dated 1970 in file order). The cell spelt as asked wins.
    """
    where: dict[str, int] = {}
    missing = []
    for logical, default in DEFAULT_COLUMNS.items():
        name = given.get(logical) or default
        if name in header:
            where[logical] = header.index(name)
        elif any(h.casefold() == name.casefold() for h in header):
            where[logical] = next(i for i, h in enumerate(header) if h.casefold() == name.casefold())
        elif logical in _REQUIRED or given.get(logical):
            missing.append(f"{logical} column {name!r}")
    return where, missing


def parse_csv(
    text: str | Iterable[str],
    source: str,
    *,
    student: str | None = None,
    item: str | None = None,
    concepts: str | None = None,
    correct: str | None = None,
    timestamp: str | None = None,
    attempt_id: str | None = None,
    progress: LineProgress | None = None,
) -> pd.DataFrame:
    """Turn a long CSV attempt log into the canonical attempt table.

    Args:
        text: the file's text, or its lines.
        source: the file name used in problems, in the ``source`` column and (its stem)
            in default attempt ids.
        student, item, concepts, correct, timestamp, attempt_id: header names of those
            columns when they differ from the defaults.
        progress: hears how many lines are read (``ingest.attempts.reading``).

    Raises:
        MalformedInput: every bad row, each with file and line.
    """
    body = text if isinstance(text, str) else "".join(text)
    name = source_name(source)
    stem = Path(name).stem or name
    given_names = {
        "student": student,
        "item": item,
        "concepts": concepts,
        "correct": correct,
        "timestamp": timestamp,
        "attempt_id": attempt_id,
    }
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(body.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise MalformedInput([Problem(source, "line 1", "empty file: expected a header row")]) from None
    where, missing = _columns(header, given_names)
    places = {
        name.casefold(): [str(i + 1) for i, h in enumerate(header) if h.casefold() == name.casefold()]
        for name in header
    }
    repeated = [
        f"{logical} column {header[at]!r} is columns {', '.join(places[header[at].casefold()])}"
        for logical, at in where.items()
        if len(places[header[at].casefold()]) > 1
    ]
    if repeated and not missing:  # the first was read, the other left out without a word
        why = f"{'; '.join(repeated)} of the header: name the one to read once (header: {', '.join(header)})"
        raise MalformedInput([Problem(source, "line 1", why)])
    if missing:
        why = f"missing {', '.join(missing)} (header: {', '.join(header)})"
        separator = next((sep for sep in (";", "\t") if len(header) == 1 and sep in header[0]), None)
        if separator is not None:  # a spreadsheet in a semicolon locale (or a TSV) saved the header as one cell
            shown = "';'" if separator == ";" else "tabs"
            why += f": the file is separated by {shown}; save it as comma-separated CSV"
        raise MalformedInput([Problem(source, "line 1", why)])

    cols: dict[str, list[object]] = {c: [] for c in ("student", "line", "attempt_id", "item", "concept", "correct")}
    times: list[datetime | None] = []
    seen_ids: dict[str, int] = {}
    ticker = LineTicker(name, line_count(body) if progress else 0, progress)
    for line, record in records(reader, source, len(header), problems, ticker):

        def cell(logical: str, rec: list[str] = record) -> str:
            return rec[where[logical]].strip() if logical in where else ""

        reasons = []
        written = cell("student")
        # one student whichever Unicode form a line writes "José" in: numbered and ordered as one history (the
        # key is NFC too, graph.pseudonyms); attempt ids keep the cell as written, the ids a log imported before had
        who = id_text(written)
        if not who:
            reasons.append("empty student")
        elif (problem := external_id_problem(who, "student")) is not None:
            reasons.append(problem)
        score = 0.0
        try:
            score = parse_correct(cell("correct"))
        except ValueError as error:
            reasons.append(str(error))
        moment = None
        if "timestamp" in where and not cell("timestamp"):
            reasons.append("empty timestamp: in a timed log every line needs one")  # it was dated 1970, first
        try:
            moment = parse_timestamp(cell("timestamp"))
        except ValueError as error:
            reasons.append(str(error))
        if moment is not None and (reset := reset_clock_problem(moment)) is not None:
            reasons.append(reset)  # read as no time, it went first in the student's history
        what = cell("item")
        tags = list(dict.fromkeys(c.strip() for c in cell("concepts").split("|") if c.strip()))
        if not what and not tags:
            reasons.append("names neither an item nor a concept")
        given = cell("attempt_id")
        if given and (problem := external_id_problem(given, "attempt_id", student=False)) is not None:
            reasons.append(problem)
        if "attempt_id" in where and not given:
            # it took the file's id (name, student, line): the same answer in the next export, named or
            # ordered otherwise, was a new attempt
            reasons.append("empty attempt_id: in a log with attempt ids every line needs one")
        ident = (
            f"{written}:{given}" if given else f"{stem}:{written}:{line}"
        )  # a log's ids number each student's attempts
        if ident in seen_ids:
            reasons.append(f"attempt_id {given!r} of student {who!r} repeats line {seen_ids[ident]}")
        else:
            seen_ids[ident] = line
        if reasons:
            problems.append(Problem(source, f"line {line}", "; ".join(reasons)))
            continue
        for tag in tags or [""]:
            cols["student"].append(who)
            cols["line"].append(line)
            cols["attempt_id"].append(ident)
            cols["item"].append(what)
            cols["concept"].append(tag)
            cols["correct"].append(score)
            times.append(moment)
    ticker.done()
    if problems:
        raise MalformedInput(problems)

    frame = pd.DataFrame(cols)
    frame["timestamp"] = pd.to_datetime(pd.Series(times, dtype="object"), utc=True)
    frame = frame.sort_values(["student", "timestamp", "line"], kind="stable", na_position="last", ignore_index=True)
    frame["attempt"] = number_attempts(frame, "line")
    frame["source"] = f"csv:{name}"
    return build_frame({c: frame[c] for c in frame.columns})


def read_csv(path: Path, *, progress: LineProgress | None = None, **columns: str | None) -> pd.DataFrame:
    """Read a long CSV attempt log (UTF-8, gzipped or not); ``columns`` as for :func:`parse_csv`."""
    return parse_csv(log_text(path), str(path), progress=progress, **columns)


def time_columns_unread(path: Path, timestamp: str | None = None) -> list[str]:
    """The header cells of a log read without times that look like its time (``time``, ``date``...).

    A log whose time column had another name was read as untimed, its attempts dated 1970
    in file order, without a word: the caller warns, naming them.
    """
    header = next(csv.reader(first_lines(path, 1)), [])
    names = [h.strip() for h in header]
    wanted = (timestamp or DEFAULT_COLUMNS["timestamp"]).casefold()
    if any(h.casefold() == wanted for h in names):
        return []
    return [h for h in names if any(word in h.casefold() for word in ("time", "date", "when"))]
