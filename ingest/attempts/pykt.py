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
from pathlib import Path

import pandas as pd

from ingest.attempts.table import build_frame, source_name
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
    return Path(parts[-1]).stem


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


def _whole(token: str) -> bool:
    return token.lstrip("-").isdigit()


def _bad_values(lists: dict[str, list[str]]) -> list[str]:
    """What is wrong with a row's (equally long) lists, one reason per list."""
    reasons = []
    pad = {i for i, r in enumerate(lists.get("responses", [])) if r == "-1"}
    checks: dict[str, tuple[str, Callable[[str], bool]]] = {
        "concepts": ("not whole numbers (or '_'-joined ones)", lambda t: all(_whole(c) for c in t.split("_"))),
        "responses": ("not 0/1", lambda t: t in ("0", "1")),
        "questions": ("not whole numbers", _whole),
        "timestamps": ("not milliseconds since 1970", lambda t: t in _ABSENT or t.isdigit()),
        "is_repeat": ("not 0/1", lambda t: t in ("0", "1")),
        "selectmasks": ("not 1/-1", lambda t: t in ("1", "0", "-1")),
    }
    for field, values in lists.items():
        what, ok = checks[field]
        bad = [t for i, t in enumerate(values) if i not in pad and not ok(t)]
        if bad:
            reasons.append(f"{field}: {len(bad)} value(s) {what}, e.g. {bad[0]!r}")
    return reasons


def parse_pykt(
    text: str | Iterable[str],
    source: str,
    *,
    prefix: str | None = None,
    folds: Collection[int] | None = None,
) -> pd.DataFrame:
    """Turn a pyKT sequence CSV into the canonical attempt table.

    Args:
        text: the file's text, or its lines.
        source: the file path or name (problems, ``source`` column, default prefix).
        prefix: student key prefix; defaults to :func:`dataset_name` of ``source``.
        folds: keep only these folds (``-1`` is pyKT's test fold); all when ``None``.

    Raises:
        MalformedInput: every bad row (file and line): unequal lengths, non-integers,
            responses other than 0/1, a uid seen twice (in a windowed file: not on
            consecutive rows); a question-level window file, at its header.
    """
    body = text if isinstance(text, str) else "".join(text)
    key = prefix or dataset_name(source)
    name = source_name(source)
    reader = csv.reader(io.StringIO(body.lstrip("\ufeff"), newline=""))
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
    col = {h: i for i, h in enumerate(header)}
    lists_read = ("concepts", "responses", *(f for f in _OPTIONAL if f in col))
    windowed = "selectmasks" in col  # a student's rows follow one another and are stitched

    problems: list[Problem] = []
    seen: dict[str, int] = {}
    previous_uid = ""
    number, attempt_id, position = -1, "", 0  # the current student's last attempt and next position
    students: list[str] = []
    attempts: list[int] = []
    ids: list[str] = []
    items: list[str] = []
    concepts: list[str] = []
    correct: list[float] = []
    stamps: list[pd.Timestamp | None] = []
    for line, record in records(reader, source, len(header), problems):
        reasons: list[str] = []
        fold_text, uid = record[col["fold"]].strip(), record[col["uid"]].strip()
        if not fold_text.lstrip("-").isdigit():
            reasons.append(f"fold {fold_text!r} is not a whole number")
        if not uid:
            reasons.append("empty uid")
        elif uid in seen and not windowed:
            reasons.append(
                f"uid {uid} repeats line {seen[uid]} (one row per student; a windowed file needs its "
                "selectmasks column)"
            )
        elif uid in seen and uid != previous_uid:
            reasons.append(
                f"uid {uid} repeats line {seen[uid]}, not right after it (a student's rows follow one another)"
            )
        elif uid not in seen:
            seen[uid] = line
            number, attempt_id, position = -1, "", 0
        previous_uid = uid
        lists: dict[str, list[str]] = {}
        for field in lists_read:
            raw = record[col[field]].strip()
            if field in _OPTIONAL and raw in _ABSENT:
                continue
            lists[field] = _tokens(raw)
        lengths = {f: len(v) for f, v in lists.items()}
        if len(set(lengths.values())) > 1:
            reasons.append("unequal lengths: " + ", ".join(f"{n} {f}" for f, n in lengths.items()))
        else:
            reasons += _bad_values(lists)
        if reasons:
            problems.append(Problem(source, f"line {line}", "; ".join(reasons)))
            continue
        if folds is not None and int(fold_text) not in folds:
            continue
        student = f"{key}-{uid}"
        questions, times, repeats = lists.get("questions"), lists.get("timestamps"), lists.get("is_repeat")
        masks = lists.get("selectmasks")
        for i, (cell, response) in enumerate(zip(lists["concepts"], lists["responses"], strict=True)):
            if response == "-1" or (masks and masks[i] != "1"):
                continue  # pyKT's padding, or history a sliding window repeats
            if not (repeats and repeats[i] == "1" and number >= 0):
                number += 1  # a new attempt (an is_repeat position joins the one before)
                attempt_id = f"{key}:{uid}:{position}"  # its first position names it
            position += 1
            question = questions[i] if questions else "-1"
            stamp = _time(times[i]) if times else None
            for concept in cell.split("_"):
                students.append(student)
                attempts.append(number)
                ids.append(attempt_id)
                items.append(question if question != "-1" else "")
                concepts.append(concept)
                correct.append(float(response))
                stamps.append(stamp)
    if problems:
        raise MalformedInput(problems)
    return build_frame(
        {
            "student": students,
            "attempt": attempts,
            "attempt_id": ids,
            "item": items,
            "concept": concepts,
            "correct": correct,
            "timestamp": stamps,
            "source": [f"pykt:{name}"] * len(students),
        }
    )


def read_pykt(path: Path, *, prefix: str | None = None, folds: Collection[int] | None = None) -> pd.DataFrame:
    """Read a pyKT sequence CSV; options as for :func:`parse_pykt`."""
    return parse_pykt(path.read_text(encoding="utf-8"), str(path), prefix=prefix, folds=folds)
