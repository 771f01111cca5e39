"""Hints for a CSV header that names no expected column: another separator, another letter case.

A spreadsheet in a semicolon locale saves ``id;label`` as one cell, and a column typed
``ID`` is not ``id``: "missing column(s) id" alone left designers and admins guessing.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["guessed", "separator_hint"]


def _folded(column: str) -> str:
    return column.casefold().replace(" ", "_").replace("-", "_")


def guessed(column: str, columns: Sequence[str]) -> str:
    """An unknown column as a message names it, with the column it differs from only in case or spacing.

    Examples:
        >>> guessed("ID", ("id", "label")), guessed("Alt Labels", ("alt_labels",)), guessed("x", ("id",))
        ("ID (did you mean 'id'?)", "Alt Labels (did you mean 'alt_labels'?)", 'x')
    """
    meant = next((c for c in columns if _folded(c) == _folded(column)), None)
    return column if meant is None else f"{column} (did you mean {meant!r}?)"


_SEPARATORS = {";": "';'", "\t": "tabs"}


def separator_hint(header: Sequence[str], columns: Sequence[str]) -> str:
    """What to say of a header that names columns between another separator than ',' (a spreadsheet's ';').

    Examples:
        >>> separator_hint(["id;label"], ("id", "label"))
        ": the header seems to use ';' as its separator: save the file as comma-separated"
        >>> separator_hint(["id", "labels"], ("id", "label"))
        ''
    """
    known = {_folded(c) for c in columns}
    for separator, name in _SEPARATORS.items():
        if any(
            _folded(part.strip()) in known for cell in header if separator in cell for part in cell.split(separator)
        ):
            return f": the header seems to use {name} as its separator: save the file as comma-separated"
    return ""
