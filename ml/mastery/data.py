"""Graph attempts to the canonical attempt table, for training from the store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from graph.model import Attempt, Concept, Material
from ingest.columns import ATTEMPT_COLUMNS, ATTEMPT_DTYPES

__all__ = ["attempts_to_frame", "canonical_frame", "concept_texts", "material_texts", "name_texts"]


def attempts_to_frame(histories: Mapping[str, Sequence[Attempt]] | Iterable[Attempt]) -> pd.DataFrame:
    """One row per (attempt, concept), sorted by student then attempt (``ingest.columns``)."""
    if isinstance(histories, Mapping):
        attempts = [a for history in histories.values() for a in history]
    else:
        attempts = list(histories)
    attempts.sort(key=lambda a: (a.student, a.timestamp, a.id))
    rows = []
    number: dict[str, int] = {}
    for a in attempts:
        n = number.get(a.student, -1) + 1
        number[a.student] = n
        for concept in a.concepts or ("",):
            rows.append((a.student, n, a.id, a.material or "", concept, float(a.score), a.timestamp, a.source, 0))
    frame = pd.DataFrame(
        rows, columns=["student", "attempt", "attempt_id", "item", "concept", "correct", "timestamp", "source", "line"]
    )
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


def concept_texts(concepts: Iterable[Concept]) -> dict[str, str]:
    """The text a concept is embedded from: its label, then its definition."""
    return {c.id: f"{c.label}. {c.definition}".strip() for c in concepts}


def material_texts(materials: Iterable[Material]) -> dict[str, str]:
    """The text an item is embedded from: its title, then its wording.

    A bare item (created from a log, titled by its id, no wording) has no text to read.
    """
    return {
        m.id: f"{m.title}. {m.text}".strip()
        for m in materials
        if m.text.strip() or (m.title != m.id and any(ch.isalpha() for ch in m.title))
    }


def canonical_frame(
    student: Sequence[str] | np.ndarray,
    attempt: Sequence[int] | np.ndarray,
    item: Sequence[str] | np.ndarray,
    concept: Sequence[str] | np.ndarray,
    correct: Sequence[float] | np.ndarray,
    source: str | Sequence[str] | np.ndarray,
) -> pd.DataFrame:
    """Assemble the canonical columns (no timestamps: NaT), sorted by student then attempt.

    ``source`` is one text for all rows or one per row; ``attempt_id`` is source, student and
    attempt number, shared by the sibling rows of one attempt.
    """
    frame = pd.DataFrame(
        {
            "student": np.asarray(student, dtype=object),
            "attempt": np.asarray(attempt, dtype=np.int64),
            "item": np.asarray(item, dtype=object),
            "concept": np.asarray(concept, dtype=object),
            "correct": np.asarray(correct, dtype=np.float64),
            "source": source if isinstance(source, str) else np.asarray(source, dtype=object),
            "line": 0,  # generated, not read from a file
        }
    )
    frame["attempt_id"] = (
        frame["source"].astype(str) + ":" + frame["student"].astype(str) + ":" + frame["attempt"].astype(str)
    )
    frame["timestamp"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    frame = frame.sort_values(["student", "attempt"], kind="stable").reset_index(drop=True)
    return frame[list(ATTEMPT_COLUMNS)].astype(ATTEMPT_DTYPES)


def name_texts(concepts: Iterable[str]) -> dict[str, str]:
    """Concept names that are words (``Box and Whisker``) serve as their own text; numbers do not."""
    return {c: c for c in concepts if c and any(ch.isalpha() for ch in c)}
