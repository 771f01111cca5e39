"""pyKT's preprocessed sequence CSV (``train_valid.csv``, ``test.csv``): one row per student.

Header ``fold,uid,concepts,responses[,questions][,cidxs]``; ``concepts`` and ``responses``
are quoted comma lists of equal length, in time order. Every position is one attempt
on one concept (pyKT's ``max_concepts`` = 1 for assist2015); the concept id is the
skill index as text ("19"), since pyKT keeps no skill names. There are no times
(``timestamp`` is NaT) and, without a ``questions`` column, no items (``""``).

Student keys are ``<prefix>-<uid>`` and attempt ids ``<prefix>:<uid>:<position>``; the
prefix defaults to the data set's name (the file's folder, e.g. ``assist2015``), so the
train and test files of one data set share a key space.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable
from pathlib import Path

import pandas as pd

from ingest.attempts.table import build_frame, source_name
from ingest.csv_records import records
from ingest.errors import MalformedInput, Problem

__all__ = ["dataset_name", "parse_pykt", "read_pykt"]

_REQUIRED = ("fold", "uid", "concepts", "responses")
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


def _ints(value: str, what: str) -> list[int]:
    tokens = [t.strip() for t in value.split(",")]
    if tokens and tokens[-1] == "":
        tokens.pop()
    bad = [t for t in tokens if not t.lstrip("-").isdigit()]
    if bad:
        raise ValueError(f"{what}: {len(bad)} value(s) not whole numbers, e.g. {bad[0]!r}")
    return [int(t) for t in tokens]


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
            responses other than 0/1, a uid seen twice.
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
    col = {h: i for i, h in enumerate(header)}
    has_questions = "questions" in col

    problems: list[Problem] = []
    seen: dict[str, int] = {}
    students: list[str] = []
    attempts: list[int] = []
    ids: list[str] = []
    items: list[str] = []
    concepts: list[str] = []
    correct: list[float] = []
    for line, record in records(reader, source, len(header), problems):
        reasons: list[str] = []
        fold_text, uid = record[col["fold"]].strip(), record[col["uid"]].strip()
        if not fold_text.lstrip("-").isdigit():
            reasons.append(f"fold {fold_text!r} is not a whole number")
        if not uid:
            reasons.append("empty uid")
        elif uid in seen:
            reasons.append(f"uid {uid} repeats line {seen[uid]}")
        else:
            seen[uid] = line
        lists: dict[str, list[int]] = {}
        for field in ("concepts", "responses", *(("questions",) if has_questions else ())):
            raw = record[col[field]]
            if field == "questions" and raw.strip() in _ABSENT:
                continue
            try:
                lists[field] = _ints(raw, field)
            except ValueError as error:
                reasons.append(str(error))
        lengths = {f: len(v) for f, v in lists.items()}
        if len(set(lengths.values())) > 1:
            reasons.append("unequal lengths: " + ", ".join(f"{n} {f}" for f, n in lengths.items()))
        pairs = list(zip(lists.get("concepts", []), lists.get("responses", []), strict=False))
        bad = [r for c, r in pairs if r not in (0, 1) and not (c == -1 and r == -1)]
        if bad:
            reasons.append(f"{len(bad)} response(s) not 0/1, e.g. {bad[0]}")
        if reasons:
            problems.append(Problem(source, f"line {line}", "; ".join(reasons)))
            continue
        if folds is not None and int(fold_text) not in folds:
            continue
        questions = lists.get("questions")
        student = f"{key}-{uid}"
        number = 0
        for position, (concept, response) in enumerate(pairs):
            if concept == -1 and response == -1:
                continue  # pyKT pads sequences with -1
            students.append(student)
            attempts.append(number)
            ids.append(f"{key}:{uid}:{position}")
            items.append(str(questions[position]) if questions and questions[position] >= 0 else "")
            concepts.append(str(concept))
            correct.append(float(response))
            number += 1
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
            "timestamp": [pd.NaT] * len(students),
            "source": [f"pykt:{name}"] * len(students),
        }
    )


def read_pykt(path: Path, *, prefix: str | None = None, folds: Collection[int] | None = None) -> pd.DataFrame:
    """Read a pyKT sequence CSV; options as for :func:`parse_pykt`."""
    return parse_pykt(path.read_text(encoding="utf-8"), str(path), prefix=prefix, folds=folds)
