"""From the canonical attempt table to the graph's ``Attempt`` objects (pure).

One ``Attempt`` per (student, attempt) group: the sibling rows of a multi-skill
attempt become one attempt naming all their concepts.

Ids are made safe for the graph, which takes slugs or absolute IRIs only:

- attempt and student keys are the graph's own, so they go through ``slug_for``
  (kept as they are when already slugs, else a readable slug plus a short hash;
  ``assist2009:78276:3`` -> ``assist2009_78276_3_<hash>``): stable across imports;
- items and concepts name things that already exist in the graph, which may be IRIs,
  so they are kept when valid ids and only otherwise pass through ``slug_for``
  (``Box and Whisker`` -> ``Box_and_Whisker_<hash>``); :func:`concept_id` and
  :func:`material_id` give the same mapping to callers that create them.

Layouts without times (pyKT, AKT, DKVMN) have NaT timestamps; the graph needs a
time, so such an attempt is dated 1970-01-01T00:00:00Z plus its attempt number in
seconds: deterministic (re-imports are identical) and still in the attempt order.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from graph.ids import id_of, is_valid_id, slug_for
from graph.model import UNTIMED_EPOCH, Attempt

__all__ = ["EPOCH", "concept_id", "frame_to_attempts", "material_id"]

EPOCH = UNTIMED_EPOCH
"""Where an attempt of a log without times is dated from (``graph.model.untimed`` reads it as no time)."""


def concept_id(name: str) -> str:
    """The graph id of a concept named in a log.

    Examples:
        >>> concept_id("19"), concept_id("http://x.org/c/1"), concept_id("Box and Whisker").startswith("Box_and_")
        ('19', 'http://x.org/c/1', True)
    """
    local = id_of(name)  # Pathwise's own IRI names its thing by slug
    return local if is_valid_id(local) else slug_for(name)


def material_id(item: str) -> str:
    """The graph id of an item named in a log (same rule as :func:`concept_id`).

    Examples:
        >>> material_id("https://w3id.org/pathwise/id/material/m_1"), material_id("http://x.org/i/1")
        ('m_1', 'http://x.org/i/1')
    """
    local = id_of(item)
    return local if is_valid_id(local) else slug_for(item)


def frame_to_attempts(frame: pd.DataFrame) -> list[Attempt]:
    """One ``Attempt`` per (student, attempt) group, in table order.

    The group's first row gives the id, item, score, time and source; the concepts are
    the group's non-empty concepts, in order, without repeats.
    """
    if frame.empty:
        return []
    students = frame["student"].to_numpy()
    numbers = frame["attempt"].to_numpy()
    starts = np.flatnonzero(np.r_[True, (students[1:] != students[:-1]) | (numbers[1:] != numbers[:-1])]).tolist()
    ends = [*starts[1:], len(frame)]
    ids = frame["attempt_id"].to_numpy()
    items = frame["item"].to_numpy()
    concepts = frame["concept"].to_numpy()
    names = {c: concept_id(str(c)) for c in pd.unique(concepts) if c}
    scores = frame["correct"].to_numpy()
    times = frame["timestamp"]
    known = times.notna().to_numpy()
    moments = times.dt.to_pydatetime()
    sources = frame["source"].to_numpy()
    out: list[Attempt] = []
    for start, end in zip(starts, ends, strict=True):
        number = int(numbers[start])
        item = str(items[start])
        out.append(
            Attempt(
                id=slug_for(str(ids[start])),
                student=slug_for(str(students[start])),
                timestamp=moments[start] if known[start] else EPOCH + timedelta(seconds=number),
                score=float(scores[start]),
                material=material_id(item) if item else None,
                concepts=tuple(dict.fromkeys(names[c] for c in concepts[start:end] if c)),
                source=str(sources[start]),
            )
        )
    return out
