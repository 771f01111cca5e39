"""Graph attempts to the canonical attempt table, for training from the store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from graph.model import Attempt, Concept

__all__ = ["attempts_to_frame", "concept_texts"]


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
            rows.append((a.student, n, a.id, a.material or "", concept, float(a.score), a.timestamp, a.source))
    frame = pd.DataFrame(
        rows, columns=["student", "attempt", "attempt_id", "item", "concept", "correct", "timestamp", "source"]
    )
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


def concept_texts(concepts: Iterable[Concept]) -> dict[str, str]:
    """The text a concept is embedded from: its label, then its definition."""
    return {c.id: f"{c.label}. {c.definition}".strip() for c in concepts}
