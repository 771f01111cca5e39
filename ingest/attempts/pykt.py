"""pyKT's preprocessed sequence CSV (``train_valid.csv``, ``test.csv``): one row per student.

Header ``fold,uid,concepts,responses`` plus any of ``questions``, ``timestamps``,
``is_repeat`` (and ``usetimes``, ``cidxs``, which are not read); the lists are quoted,
comma-separated, of equal length, in time order. pyKT writes a question with several
concepts as one position per concept, the later ones marked ``is_repeat`` = 1: those
positions are the sibling rows of one attempt (one answer), so they share an attempt
number and never see each other, as in the AKT files. An unexpanded ``12_45`` concept
cell means the same. Concept ids are pyKT's indices as text ("19"), since pyKT keeps
no names. ``timestamps`` are milliseconds since 1970 (seconds where the numbers are
too small to be milliseconds; ``NA`` or absent: NaT); without ``questions`` there are
no items (``""``).

pyKT's windowed files (``train_valid_sequences.csv``, ``test_sequences.csv``,
``test_window_sequences.csv``) cut a student into consecutive rows of at most 200
positions, padded with -1; their ``selectmasks`` mark each position a row adds (1),
against padding and the history a sliding window repeats (-1). Those rows are
stitched back into one sequence per student: a student's rows must follow one
another. (pyKT dropped the last piece of a cut sequence when it was shorter than 3
positions; those attempts are not in its ``*_sequences.csv`` files.) Its
question-level windows (``qidxs``, ``rest``, ``orirow`` columns) repeat a history once
per question and are refused: read ``train_valid_quelevel.csv`` / ``test_quelevel.csv``.

Student keys are ``<prefix>-<uid>`` and attempt ids ``<prefix>:<uid>:<position>``, the
position of the attempt's first row (its siblings share the id); the prefix defaults
to the data set's name (the file's folder, e.g. ``assist2015``), so the train and test
files of one data set share a key space.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ingest.attempts.reading import LineProgress, LineTicker, line_count, log_text
from ingest.attempts.table import AttemptColumns, source_name
from ingest.csv_records import records
from ingest.errors import MalformedInput, Problem

__all__ = ["dataset_name", "parse_pykt", "read_pykt"]

_REQUIRED = ("fold", "uid", "concepts", "responses")
_OPTIONAL = ("questions", "timestamps", "is_repeat", "selectmasks")
_QUESTION_WINDOWS = ("qidxs", "rest", "orirow")  # pyKT's question-level windows: one history per question
_ABSENT = {"", "NA", "-1"}


def dataset_name(source: str) -> str:
    """The data set a file belongs to: its folder's name, else its stem.

    Examples:
        >>> dataset_name("data/assist2015/test.csv"), dataset_name("test.csv")
        ('assist2015', 'test')
    """
    parts = source.replace("\\", "/").rstrip("/").split("/")
    if len(parts) > 1 and parts[-2] not in ("", "."):
        return parts[-2]
    return Path(source_name(parts[-1])).stem


def _tokens(value: str) -> list[str]:
    tokens = [t.strip() for t in value.split(",")]
    if tokens and tokens[-1] == "":
        tokens.pop()
    return tokens


def _time(token: str) -> pd.Timestamp | None:
    """pyKT's time stamps are milliseconds since 1970; a few preprocessors wrote seconds."""
    if token in _ABSENT:
        return None
    value = int(token)
    return pd.Timestamp(value, unit="ms" if value >= 10**11 else "s", tz="UTC")


def _valid_time(token: str) -> bool:
    """A time stamp pandas can hold (99999999999999999999 ended in an OutOfBoundsDatetime traceback)."""
    if token in _ABSENT:
        return True
    if not token.isdigit():
        return False
    try:
        _time(token)
    except (OverflowError, ValueError):  # pandas' OutOfBoundsDatetime is a ValueError
        return False
    return True


def _whole(token: str) -> bool:
    return token.lstrip("-").isdigit()


def _split_answers(lists: dict[str, list[str]], pad: set[int]) -> list[str]:
    """``is_repeat`` positions answering otherwise than their attempt: one question has one answer.

    They were merged into the attempt and their answer dropped.
    """
    repeats, responses = lists.get("is_repeat"), lists.get("responses", [])
    if not repeats or len(repeats) != len(responses):
        return []
    first = None
    for i, (repeat, response) in enumerate(zip(repeats, responses, strict=True)):
        if i in pad:
            continue
        if repeat != "1" or first is None:
            first = response
        elif response != first:
            return [f"is_repeat position {i + 1} answers {response} where its question answered {first}"]
    return []


def _bad_values(lists: dict[str, list[str]]) -> list[str]:
    """What is wrong with a row's (equally long) lists, one reason per list."""
    reasons = []
    pad = {i for i, r in enumerate(lists.get("responses", [])) if r == "-1"}
    checks: dict[str, tuple[str, Callable[[str], bool]]] = {
        "concepts": ("not whole numbers (or '_'-joined ones)", lambda t: all(_whole(c) for c in t.split("_"))),
        "responses": ("not 0/1", lambda t: t in ("0", "1")),
        "questions": ("not whole numbers", _whole),
        "timestamps": ("not milliseconds since 1970 (or out of range)", _valid_time),
        "is_repeat": ("not 0/1", lambda t: t in ("0", "1")),
        "selectmasks": ("not 1, 0 or -1", lambda t: t in ("1", "0", "-1")),
    }
    reasons += _split_answers(lists, pad)
    for name, values in lists.items():
        what, ok = checks[name]
        bad = [t for i, t in enumerate(values) if i not in pad and not ok(t)]
        if bad:
            reasons.append(f"{name}: {len(bad)} value(s) {what}, e.g. {bad[0]!r}")
    return reasons


def _columns(reader: Any, source: str) -> dict[str, int]:
    """The header's column positions; a file that cannot be read as attempts is refused here."""
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise MalformedInput([Problem(source, "line 1", "empty file: expected a header row")]) from None
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise MalformedInput([Problem(source, "line 1", f"missing column(s) {', '.join(missing)}")])
    question_windows = [c for c in _QUESTION_WINDOWS if c in header]
    if question_windows:
        why = (
            f"a question-level window file (column(s) {', '.join(question_windows)}): it repeats a student's "
            "history once per question; read the one-row-per-student train_valid_quelevel.csv / test_quelevel.csv"
        )
        raise MalformedInput([Problem(source, "line 1", why)])
    return {h: i for i, h in enumerate(header)}


def _lists(record: list[str], col: dict[str, int]) -> dict[str, list[str]]:
    """The row's lists that are present (an optional column may be ``NA`` for the whole row)."""
    lists: dict[str, list[str]] = {}
    for name in ("concepts", "responses", *(f for f in _OPTIONAL if f in col)):
        raw = record[col[name]].strip()
        if name in _OPTIONAL and raw in _ABSENT:
            continue
        lists[name] = _tokens(raw)
    return lists


@dataclass
class _Rows:
    """The canonical columns being collected, and where the current student's sequence stands."""

    key: str  # the student key prefix
    source: str  # the source column's value
    student: str = ""
    uid: str = ""
    number: int = -1  # the student's last attempt number
    attempt_id: str = ""
    position: int = 0  # the student's next position (over all of the student's rows)
    out: AttemptColumns = field(default_factory=AttemptColumns)

    def start(self, uid: str) -> None:
        """A new student: numbering starts again."""
        self.student, self.uid = f"{self.key}-{uid}", uid
        self.number, self.attempt_id, self.position = -1, "", 0

    def add(self, lists: dict[str, list[str]], line: int) -> None:
        """The positions a row (at ``line``) adds: not padding, not history a sliding window repeats."""
        questions, times, repeats = lists.get("questions"), lists.get("timestamps"), lists.get("is_repeat")
        masks = lists.get("selectmasks")
        for i, (cell, response) in enumerate(zip(lists["concepts"], lists["responses"], strict=True)):
            if response == "-1" or (masks and masks[i] != "1"):
                continue
            if not (repeats and repeats[i] == "1" and self.number >= 0):
                self.number += 1  # a new attempt (an is_repeat position joins the one before)
                self.attempt_id = f"{self.key}:{self.uid}:{self.position}"  # its first position names it
            self.position += 1
            item = questions[i] if questions and questions[i] != "-1" else ""
            stamp = _time(times[i]) if times else None
            for concept in cell.split("_"):  # an unexpanded multi-concept cell: sibling rows
                self.out.append(
                    self.student, self.number, self.attempt_id, item, concept, float(response), stamp, self.source, line
                )


def parse_pykt(
    text: str | Iterable[str],
    source: str,
    *,
    prefix: str | None = None,
    folds: Collection[int] | None = None,
    progress: LineProgress | None = None,
) -> pd.DataFrame:
    """Turn a pyKT sequence CSV into the canonical attempt table.

    Args:
        text: the file's text, or its lines.
        source: the file path or name (problems, ``source`` column, default prefix).
        prefix: student key prefix; defaults to :func:`dataset_name` of ``source``.
        folds: keep only these folds (``-1`` is pyKT's test fold); all when ``None``.
        progress: hears how many lines are read (``ingest.attempts.reading``).

    Raises:
        MalformedInput: every bad row (file and line): unequal lengths, non-integers,
            responses other than 0/1, a uid seen twice (in a windowed file: not on
            consecutive rows); a question-level window file, at its header.
    """
    body = text if isinstance(text, str) else "".join(text)
    reader = csv.reader(io.StringIO(body.lstrip("\ufeff"), newline=""), strict=True)
    col = _columns(reader, source)
    windowed = "selectmasks" in col  # a student's rows follow one another and are stitched
    problems: list[Problem] = []
    seen: dict[str, int] = {}  # uid -> its first line
    rows = _Rows(prefix or dataset_name(source), f"pykt:{source_name(source)}")
    ticker = LineTicker(source_name(source), line_count(body) if progress else 0, progress)
    for line, record in records(reader, source, len(col), problems, ticker):
        reasons: list[str] = []
        fold_text, uid = record[col["fold"]].strip(), record[col["uid"]].strip()
        if not fold_text.lstrip("-").isdigit():
            reasons.append(f"fold {fold_text!r} is not a whole number")
        if not uid:
            reasons.append("empty uid")
        elif uid in seen and not windowed:
            why = "one row per student; a windowed file needs its selectmasks column"
            reasons.append(f"uid {uid} repeats line {seen[uid]} ({why})")
        elif uid in seen and uid != rows.uid:
            why = "a student's rows follow one another"
            reasons.append(f"uid {uid} repeats line {seen[uid]}, not right after it ({why})")
        elif uid not in seen:
            seen[uid] = line
            rows.start(uid)
        lists = _lists(record, col)
        lengths = {f: len(v) for f, v in lists.items()}
        if len(set(lengths.values())) > 1:
            reasons.append("unequal lengths: " + ", ".join(f"{n} {f}" for f, n in lengths.items()))
        else:
            reasons += _bad_values(lists)
        if reasons:
            problems.append(Problem(source, f"line {line}", "; ".join(reasons)))
        elif folds is None or int(fold_text) in folds:
            rows.add(lists, line)
    ticker.done()
    if problems:
        raise MalformedInput(problems)
    return rows.out.frame()


def read_pykt(
    path: Path,
    *,
    prefix: str | None = None,
    folds: Collection[int] | None = None,
    progress: LineProgress | None = None,
) -> pd.DataFrame:
    """Read a pyKT sequence CSV (gzipped or not); options as for :func:`parse_pykt`."""
    return parse_pykt(log_text(path), str(path), prefix=prefix, folds=folds, progress=progress)
