"""Curriculum CSV sheets as a designer edits them, for the prune tests (unit and over the API)."""

from __future__ import annotations

import csv
import io

__all__ = ["drop", "rows"]


def drop(text: str, ids: set[str], columns: tuple[int, ...] = (0,)) -> str:
    """A CSV file without the rows naming one of ``ids`` in ``columns`` (a removed spreadsheet row)."""
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [rows[0], *(r for r in rows[1:] if not {r[c] for c in columns} & ids)]
    )
    return out.getvalue()


def rows(files: dict[str, str]) -> dict[str, list[list[str]]]:
    """The files' rows, compared without their quoting."""
    return {name: list(csv.reader(io.StringIO(text))) for name, text in files.items()}
