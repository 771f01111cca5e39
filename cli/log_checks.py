"""What a log must be for ``evaluate mastery`` and ``train mastery`` to mean anything.

An empty training log was scored as if a model had been trained on it; a copy of the
training log as the test log scored a model on its own students; one training file given
twice under two names (``log.csv`` and ``log.csv.gz``, or a copy in another folder)
trained every answer twice, each one leaking the next: the validation AUC went from 0.77
to 0.93. These checks refuse such logs before any training starts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["checked_logs", "checked_training_log", "copied_students", "read_training_log", "scored_rows"]

MIN_COPIED_LENGTH = 5
"""Attempts a student needs to be compared: shorter sequences repeat between different students."""
COPIED_SHARE_TIMED = 0.5
"""The share of compared students with another log's very attempts, times included, that makes it a copy."""
COPIED_SHARE_UNTIMED = 0.9
"""The same without times (pyKT, DKVMN): different students answering one quiz in one order repeat one
another (94 of 100 did, on six fixed questions), and assist2015's test students 284 times; a copy has all."""


def scored_rows(test: pd.DataFrame) -> pd.Series:
    """The rows the protocol scores: every attempt but each student's first."""
    return test.groupby("student", sort=False)["attempt"].transform("min") != test["attempt"]


def checked_logs(train: pd.DataFrame, test: pd.DataFrame, layout: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The logs of an evaluation, refused when they cannot mean anything (``click.UsageError``).

    Nothing to train on or to score; students in both; a test log that is a copy of
    training students under other keys (a pyKT file's keys carry its folder's name). An
    xAPI log read without a graph takes each activity as its concept; test concepts the
    training never names are noted.
    """
    train = checked_training_log(train)
    if layout == "xapi" and not (train["concept"] != "").any():
        # a log read without a graph names activities, not concepts: one concept "" made every model one-skill
        click.echo("note: xAPI statements name activities, not concepts: each activity is its own concept", err=True)
        train, test = (frame.assign(concept=frame["item"]) for frame in (train, test))
    scored = scored_rows(test)
    if not scored.any():
        raise click.UsageError(
            "the test log has nothing to score: it holds no attempts, or only each student's first "
            "(a student's first attempt is not scored)"
        )
    shared = sorted(set(train["student"]) & set(test["student"]))
    if shared:  # the protocol splits by student: a test student trained on scores what it has seen
        raise click.UsageError(
            f"{len(shared)} student(s) are in both the training and the test logs (e.g. {shared[0]}): "
            "the protocol splits by student"
        )
    copied, compared, share = copied_students(train, test)
    if copied and len(copied) >= share * compared:
        raise click.UsageError(
            f"{len(copied)} of {compared} test students have a training student's very attempts (e.g. test "
            f"{copied[0][1]} is training {copied[0][0]}): the same students under other keys, as in a copy of the "
            "training file"
        )
    unseen = sorted(set(test["concept"]) - set(train["concept"]) - {""})
    if unseen:
        rows = float(test.loc[scored, "concept"].isin(unseen).mean())
        click.echo(
            f"note: {len(unseen)} test concept(s) are not in the training logs ({rows:.1%} of the scored rows; "
            f"e.g. {unseen[0]!r}): a model can only place them by their name, or not at all",
            err=True,
        )
    return train, test


def checked_training_log(train: pd.DataFrame) -> pd.DataFrame:
    """A training log, refused when it holds no attempt (``click.UsageError``).

    A file given twice is ``read_training_log``'s to find: the same row twice within one
    log is no copy (assist2009's AKT folds hold 12 such rows of one attempt's skills).
    """
    if train.empty:
        raise click.UsageError("the training log holds no attempts: nothing to train on")
    return train


def copied_students(reference: pd.DataFrame, other: pd.DataFrame) -> tuple[list[tuple[str, str]], int, float]:
    """``other``'s students whose attempts are a ``reference`` student's, paired with that student.

    Compared on each student's concepts, items, answers and times in order, for students
    with ``MIN_COPIED_LENGTH`` attempts or more. Returns the pairs (reference, other), how
    many of ``other``'s students were compared, and the share of them that makes ``other``
    a copy (``COPIED_SHARE_TIMED`` when the attempts carry times, else ``COPIED_SHARE_UNTIMED``).
    """
    timed = "timestamp" in other and bool(other["timestamp"].notna().any())

    def sequences(frame: pd.DataFrame) -> dict[str, tuple[object, ...]]:
        out: dict[str, tuple[object, ...]] = {}
        for student, rows in frame.groupby("student", sort=True):
            if rows["attempt"].nunique() >= MIN_COPIED_LENGTH:
                times = rows["timestamp"].astype(str) if timed else [""] * len(rows)
                columns = (rows["attempt"].rank(method="dense"), rows["concept"], rows["item"], rows["correct"], times)
                out[str(student)] = tuple(zip(*columns, strict=True))
        return out

    known: dict[tuple[object, ...], str] = {}
    for student, key in sequences(reference).items():
        known.setdefault(key, student)
    tested = sequences(other)
    pairs = sorted((known[key], student) for student, key in tested.items() if key in known)
    return pairs, len(tested), COPIED_SHARE_TIMED if timed else COPIED_SHARE_UNTIMED


def read_training_log(files: Sequence[Path], fmt: str, options: Mapping[str, Any]) -> pd.DataFrame:
    """Training files read as one log, refused when one is a copy of another under other keys.

    Each file is read on its own and compared with the ones before it (``copied_students``),
    then they are joined as ``read_attempts`` joins them. AKT fold files are read together:
    their reader refuses a student in two folds.

    Raises:
        click.UsageError: a file that mostly holds another's students' very attempts.
        MalformedInput: from the readers.
    """
    from ingest.attempts.formats import join_frames, read_attempts

    if fmt == "akt" or len(files) < 2:
        return read_attempts(list(files), fmt, **options)
    frames = [read_attempts(path, fmt, **options) for path in files]
    for i, frame in enumerate(frames):
        for j in range(i):
            copied, compared, share = copied_students(frames[j], frame)
            if copied and len(copied) >= share * compared:
                raise click.UsageError(
                    f"{len(copied)} of {compared} students of {files[i]} have the very attempts of students of "
                    f"{files[j]} (e.g. {copied[0][1]} is {copied[0][0]}): one file given twice, under another "
                    "name or other keys"
                )
    return join_frames(frames, fmt)
