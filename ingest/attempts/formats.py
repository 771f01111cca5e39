"""Which reader handles which attempt log format: a registry, not an if/elif chain.

Every reader takes a path (``akt`` also a list of fold files) plus its own keyword
options and returns the canonical attempt table (``ingest.columns``). The ``xapi``
entry also leaves its :class:`~ingest.attempts.xapi.XapiReport` in
``frame.attrs["report"]`` (as a dict) so callers of the registry still see it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from ingest.attempts.akt import read_akt
from ingest.attempts.dkvmn import read_dkvmn
from ingest.attempts.long_csv import read_csv
from ingest.attempts.pykt import read_pykt
from ingest.attempts.reading import first_lines
from ingest.attempts.table import concat_frames
from ingest.attempts.xapi import NOT_AN_ANSWER, read_xapi
from ingest.errors import MalformedInput, Problem

__all__ = ["ATTEMPT_READERS", "guess_format", "join_frames", "read_attempts", "sum_reports"]


def _xapi(path: Path, **options: Any) -> pd.DataFrame:
    frame, report = read_xapi(path, **options)
    frame.attrs["report"] = asdict(report)
    return frame


def _void_across(frames: Sequence[pd.DataFrame]) -> tuple[list[pd.DataFrame], list[str]]:
    """xAPI files read together: a voiding statement in one removes its target from another.

    Each file voids within itself as it is read; what a file's voiding statements name
    and it lacks (``void_elsewhere``) is looked for in the others. It was reported as
    "not in these files" though it was. Returns the tables and the targets none holds.
    """
    targets = set().union(*(f.attrs.get("void_elsewhere", ()) for f in frames))
    if not targets:
        return list(frames), []
    out, matched = [], set()
    for frame in frames:
        ids = frame["attempt_id"].astype(str).str.lower()
        hit = ids.isin(targets)
        if not hit.any():
            out.append(frame)
            continue
        matched |= set(ids[hit])
        statements = int(ids[hit].nunique())
        report = dict(frame.attrs["report"])
        report.update(voided=report["voided"] + statements, used=report["used"] - statements)
        report["rows"] -= int(hit.sum())
        kept = frame.loc[~hit].reset_index(drop=True)
        kept.attrs = {**frame.attrs, "report": report}
        out.append(kept)
    return out, sorted(targets - matched)


def _reused_ids(frame: pd.DataFrame, ids: pd.Series, first: dict[str, tuple[tuple[object, ...], str]]) -> list[Problem]:
    """The statements of ``frame`` whose id an earlier file read gave another actor, object, result or time.

    ``first`` maps a statement id to what it said and where, and learns ``frame``'s.
    """
    if frame.empty or "attempt_id" not in frame:
        return []
    found = []
    times = [None if pd.isna(t) else t for t in frame["timestamp"].tolist()]  # NaT != NaT: untimed logs
    columns = zip(
        ids.tolist(),
        frame["attempt_id"].tolist(),
        frame["student"].tolist(),
        frame["item"].tolist(),
        frame["correct"].tolist(),
        times,
        frame["source"].tolist(),
        frame["line"].tolist(),
        strict=True,
    )
    for key, given, student, item, correct, time, source, line in columns:
        said: tuple[object, ...] = (student, item, correct, time)
        name = str(source).split(":", 1)[-1]  # the source column reads "xapi:log.jsonl"
        place = f"{name} line {line}" if line > 0 else name
        if key not in first:
            first[key] = (said, place)
        elif first[key][0] != said and first[key][1] != place:
            # it was skipped as a duplicate, the first file's answer kept without a word
            found.append(
                Problem(
                    name,
                    f"line {line}" if line > 0 else "statement",
                    f"statement id {given} is also in {first[key][1]} with another actor, object, result or time: "
                    "a statement id names one statement",
                )
            )
            first[key] = (said, place)  # one problem per file that differs
    return found


def _repeated_across(frames: Sequence[pd.DataFrame]) -> list[pd.DataFrame]:
    """xAPI files read together: a statement an earlier file holds is a duplicate here, as within one file.

    Statements without an id (Moodle's) are named by their content, so the same one in two
    files was counted used twice and, as one attempt, unmapped once: the report did not add up.
    """
    seen: set[str] = set()
    first: dict[str, tuple[tuple[object, ...], str]] = {}  # statement id -> (what it says, where it was read)
    clashes: list[Problem] = []
    out = []
    for frame in frames:
        ids = frame["attempt_id"].astype(str).str.lower() if "attempt_id" in frame else pd.Series(dtype=str)
        again = ids.isin(seen)
        clashes += _reused_ids(frame, ids, first)
        passed_over = frame.attrs.get("skipped_ids", {})  # not an answer, no score...: skipped, but read
        repeated_skips = [passed_over[k] for k in passed_over if k in seen]
        seen |= set(ids) | set(passed_over)
        if not again.any() and not repeated_skips:
            out.append(frame)
            continue
        statements = int(ids[again].nunique())
        report = dict(frame.attrs["report"])
        skipped, other = dict(report.get("skipped", {})), dict(report.get("other_verbs", {}))
        for reason, verb in repeated_skips:  # counted once, in the first file: the report adds up over files
            skipped[reason] -= 1
            if verb in other and reason == NOT_AN_ANSWER:
                other[verb] -= 1
        skipped = {why: n for why, n in skipped.items() if n}
        skipped["duplicate statement id"] = skipped.get("duplicate statement id", 0) + statements + len(repeated_skips)
        report.update(
            used=report["used"] - statements,
            rows=report["rows"] - int(again.sum()),
            skipped=skipped,
            other_verbs={verb: n for verb, n in other.items() if n},
        )
        kept = frame.loc[~again].reset_index(drop=True) if again.any() else frame
        kept.attrs = {**frame.attrs, "report": report}
        out.append(kept)
    if clashes:
        raise MalformedInput(clashes)
    return out


def join_frames(frames: Sequence[pd.DataFrame], fmt: str) -> pd.DataFrame:
    """Several files' tables of one format as one; xAPI files void across each other and sum their reports."""
    if fmt != "xapi":
        return concat_frames(frames)
    frames, missing = _void_across(frames)
    frames = _repeated_across(frames)
    joined = concat_frames(frames)
    reports = [f.attrs["report"] for f in frames if "report" in f.attrs]
    if reports:
        total = sum_reports(reports) if len(reports) > 1 else dict(reports[0])
        total["void_targets_missing"] = len(missing)
        joined.attrs = {**joined.attrs, "report": total}
    joined.attrs["void_targets"] = sorted(set().union(*(f.attrs.get("void_targets", ()) for f in frames)))
    joined.attrs["void_unmatched"] = missing
    former: dict[str, set[str]] = {}
    for frame in frames:
        for student, keys in frame.attrs.get("former_keys", {}).items():
            former.setdefault(student, set()).update(keys)
    joined.attrs["former_keys"] = {student: sorted(keys) for student, keys in former.items()}
    joined.attrs["unassessed_activities"] = sorted(
        set().union(*(f.attrs.get("unassessed_activities", ()) for f in frames))
    )
    return joined


ATTEMPT_READERS: dict[str, Callable[..., pd.DataFrame]] = {
    "csv": read_csv,
    "pykt": read_pykt,
    "akt": read_akt,
    "dkvmn": read_dkvmn,
    "xapi": _xapi,
}


def read_attempts(path: Path | Sequence[Path], fmt: str, **options: Any) -> pd.DataFrame:
    """Read one file, or several as one table (attempts renumbered per student across files).

    ``akt`` reads its fold files together (a student in two folds is refused); other
    formats read each file, then join them. An ``xapi`` join sums the files' reports.

    Raises:
        ValueError: an unknown format.
        MalformedInput: from the reader.
    """
    if fmt not in ATTEMPT_READERS:
        raise ValueError(f"unknown attempt format {fmt!r}; known: {', '.join(sorted(ATTEMPT_READERS))}")
    paths = [path] if isinstance(path, Path) else list(path)
    reader = ATTEMPT_READERS[fmt]
    try:
        if fmt == "akt":
            return reader(paths, **options)
        return join_frames([reader(p, **options) for p in paths], fmt)
    except MalformedInput as error:
        raise MalformedInput(_with_format_hints(error.where, paths, fmt)) from None


_INTS = re.compile(r"^\s*\d+\s*(,\s*\d+\s*)*,?\s*$")


def guess_format(lines: Sequence[str]) -> tuple[str, str] | None:
    """The layout a log's first lines look like, and why; None when they fit none clearly.

    A pyKT file read as a long CSV said "missing student column" and an AKT file read as
    DKVMN listed a problem per record: nothing said the layout was the wrong one.
    """
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        return None
    first = lines[0].lstrip("\ufeff")
    if first.startswith(("{", "[")):
        return "xapi", "it starts with a JSON statement"
    names = {name.strip().strip('"').lower() for name in first.split(",")}
    if {"fold", "uid", "responses"} <= names:
        return "pykt", "its header is fold, uid, ... responses"
    if re.fullmatch(r"\d+", first) and len(lines) > 1 and _INTS.match(lines[1]):
        return "dkvmn", "its first line is a length alone, then a line of numbers"
    if re.fullmatch(r"\d+\s*,\s*\d+", first) and len(lines) > 1 and _INTS.match(lines[1]):
        return "akt", "its first line is '<student index>,<user_id>', then a line of numbers"
    if not _INTS.match(first) and "," in first and not {"fold", "uid"} <= names:  # a pyKT header, misspelt
        return "csv", "its first line is a header of names"
    return None


def _with_format_hints(problems: Sequence[Problem], paths: Sequence[Path], fmt: str) -> list[Problem]:
    """``problems``, led for each file refused at its first line that reads as another layout by a hint naming it."""
    hints = []
    for path in paths:
        if not any(p.source == str(path) and p.location == "line 1" for p in problems):
            continue
        guess = guess_format(first_lines(path))
        if guess is not None and guess[0] != fmt:
            layout, why = guess
            hints.append(
                Problem(str(path), "line 1", f"read as --format {fmt}, but it looks like --format {layout}: {why}")
            )
    return [*hints, *problems]


def sum_reports(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several files' xAPI reports (as dicts) added up, counts and per-reason counts alike."""
    total: dict[str, Any] = {}
    for report in reports:
        for key, value in report.items():
            if isinstance(value, dict):
                bucket = total.setdefault(key, {})
                for k, n in value.items():
                    bucket[k] = bucket.get(k, 0) + n
            else:
                total[key] = total.get(key, 0) + value
    return total
