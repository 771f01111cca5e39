"""Building canonical attempt tables (``ingest.columns``): shared by every attempt reader.

Readers collect plain Python lists (fast, easy to validate line by line) and hand them
here, so dtypes, sorting and attempt numbering are decided in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ingest.columns import ATTEMPT_COLUMNS, ATTEMPT_DTYPES

__all__ = ["AttemptColumns", "build_frame", "concat_frames", "empty_frame", "number_attempts", "source_name"]


def source_name(source: str) -> str:
    """The file name of a source path (``a/b/log.csv`` -> ``log.csv``): stable if the file moves.

    A gzipped log is named as the log it holds (``log.csv.gz`` -> ``log.csv``), so its
    attempt ids are the plain file's and importing both adds nothing the second time.
    """
    name = source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or source
    return name.removesuffix(".gz") or name


@dataclass
class AttemptColumns:
    """The canonical columns as plain lists, a row appended at a time; ``frame`` builds the table."""

    student: list[str] = field(default_factory=list)
    attempt: list[int] = field(default_factory=list)
    attempt_id: list[str] = field(default_factory=list)
    item: list[str] = field(default_factory=list)
    concept: list[str] = field(default_factory=list)
    correct: list[float] = field(default_factory=list)
    timestamp: list[pd.Timestamp | None] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    line: list[int] = field(default_factory=list)

    def append(
        self, student: str, attempt: int, attempt_id: str, item: str, concept: str, correct: float,
        timestamp: pd.Timestamp | None, source: str, line: int,
    ) -> None:  # fmt: skip
        """One row (``item`` "" when there is none; ``timestamp`` None when unknown; ``line`` in its file)."""
        self.student.append(student)
        self.attempt.append(attempt)
        self.attempt_id.append(attempt_id)
        self.item.append(item)
        self.concept.append(concept)
        self.correct.append(correct)
        self.timestamp.append(timestamp)
        self.source.append(source)
        self.line.append(line)

    def frame(self) -> pd.DataFrame:
        """The canonical table of the rows appended so far."""
        return build_frame({c: getattr(self, c) for c in ATTEMPT_COLUMNS})


def empty_frame() -> pd.DataFrame:
    """An attempt table with no rows but every column and dtype."""
    return build_frame({c: [] for c in ATTEMPT_COLUMNS})


def build_frame(columns: dict[str, Sequence[object] | np.ndarray | pd.Series]) -> pd.DataFrame:
    """A table with the canonical columns, dtypes and order (student, then attempt).

    Strings stay ``object`` (the documented dtype) rather than pandas 3's ``str``, so
    every reader returns identical dtypes whatever pandas infers.
    """
    frame = pd.DataFrame({c: columns[c] for c in ATTEMPT_COLUMNS})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame = frame.astype(ATTEMPT_DTYPES)
    return frame.sort_values(["student", "attempt"], kind="stable", ignore_index=True)


def number_attempts(frame: pd.DataFrame, group: str) -> pd.Series:
    """0-based attempt numbers per student for a frame sorted by student then time.

    Rows sharing ``group`` (an attempt key, e.g. the source line) within a student are
    siblings of one attempt and get the same number.
    """
    student = frame["student"]
    key = frame[group]
    starts = (student != student.shift()) | (key != key.shift())
    new_student = student != student.shift()
    counter = starts.astype("int64").cumsum()
    first = counter.where(new_student).ffill()
    return (counter - first).astype("int64")


def concat_frames(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Several attempt tables as one, with attempt numbers recomputed over all of them.

    A student seen in two files gets one history: attempts ordered by time (NaT keeps
    file order), then by file, then by the old attempt number; siblings stay siblings.
    """
    if not frames:
        return empty_frame()
    if len(frames) == 1:
        return frames[0]
    parts = [f.assign(_part=i) for i, f in enumerate(frames)]
    combined = pd.concat(parts, ignore_index=True)
    combined["_first"] = combined.groupby(["_part", "student", "attempt"])["timestamp"].transform("min")
    combined = combined.sort_values(
        ["student", "_first", "_part", "attempt"], kind="stable", na_position="last", ignore_index=True
    )
    combined["_key"] = combined["_part"].astype("int64") * (1 << 40) + combined["attempt"]
    combined["attempt"] = number_attempts(combined, "_key")
    return build_frame({c: combined[c] for c in ATTEMPT_COLUMNS})
