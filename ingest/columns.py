"""The canonical attempt table every attempt source is turned into (pyBKT's column idea).

One row per (attempt, concept): an attempt on an item tagged with three skills is three
rows sharing ``student`` and ``attempt``. Rows are sorted by ``student`` then
``attempt``; ``attempt`` numbers a student's attempts 0, 1, 2... in time order, so the
rows of one multi-skill attempt are siblings that must never see each other (the
knowledge-tracing "label leakage" quirk).

=============  =========  ==========================================================
column         dtype      meaning
=============  =========  ==========================================================
student        str        pseudonymous student key
attempt        int64      0-based index of the attempt within the student's history
attempt_id     str        stable id (idempotency): source + student + position, or the
                          xAPI statement id, or the client's id
item           str        item / problem / material id ("" when the log has none)
concept        str        concept / skill id ("" when the item maps to no concept)
correct        float64    score in [0, 1]; 1.0 right, 0.0 wrong
timestamp      datetime   when (UTC); NaT when the layout has no times
source         str        where the row came from (format and file)
line           int64      the line of its file the row was read from (1-based), so a
                          problem found after reading still names it; 0 when none
=============  =========  ==========================================================
"""

from __future__ import annotations

__all__ = ["ATTEMPT_COLUMNS", "ATTEMPT_DTYPES"]

ATTEMPT_COLUMNS: tuple[str, ...] = (
    "student",
    "attempt",
    "attempt_id",
    "item",
    "concept",
    "correct",
    "timestamp",
    "source",
    "line",
)

ATTEMPT_DTYPES: dict[str, str] = {
    "student": "object",
    "attempt": "int64",
    "attempt_id": "object",
    "item": "object",
    "concept": "object",
    "correct": "float64",
    "timestamp": "datetime64[ns, UTC]",
    "source": "object",
    "line": "int64",
}
