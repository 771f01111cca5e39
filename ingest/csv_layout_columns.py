"""The CSV layout's files and columns, and its list cells: shared by reading and writing.

``csv_layout`` describes the files and reads them, ``csv_layout_export`` writes them.
A new column goes last in its file, so that files written before it keep their column
positions. A list cell joins its values with ``|`` and escapes a ``|`` or ``\\`` inside
a value, so a formula's ``|x|`` survives a round trip.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["COLUMNS", "FIELDS", "FILES", "KINDS", "REQUIRED", "joined", "list_cell"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "curricula": ("id", "title", "description"),
    "concepts": ("id", "label", "definition", "alt_labels", "broader", "scheme", "language"),
    "prerequisites": ("concept", "prerequisite", "strength", "provenance"),
    "materials": (
        "id", "title", "type", "difficulty", "minutes", "teaches", "assesses", "url", "text",
        "language", "access_modes", "accessibility_features", "accessibility_hazards", "accessibility_summary",
        "activity_ids",
        "access_mode_sufficient",
    ),
    "translations": ("concept", "language", "label", "definition", "alt_labels"),
}  # fmt: skip
REQUIRED: dict[str, tuple[str, ...]] = {
    "curricula": ("id", "title"),
    "concepts": ("id", "label"),
    "prerequisites": ("concept", "prerequisite"),
    "materials": ("id", "title", "type"),
    "translations": ("concept", "language"),
}
FILES = {name: f"{name}.csv" for name in COLUMNS}
KINDS = {
    "curricula": "curriculum",
    "concepts": "concept",
    "prerequisites": "prerequisite",
    "materials": "material",
    "translations": "translation",
}
"""The kind of item each file's rows are (``CurriculumBundle.unstated`` names fields by kind)."""
FIELDS = {("concepts", "scheme"): "curriculum"}
"""Columns named otherwise than the model's field they fill; every other column is its field's name."""


def list_cell(value: str) -> tuple[str, ...]:
    r"""A list field: values split at ``|``; ``\|`` is a ``|`` inside a value, ``\\`` a backslash.

    Examples:
        >>> list_cell(r"a | f(x) = \|x\| | \frac")
        ('a', 'f(x) = |x|', '\\frac')
    """
    values, current, chars = [], [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append(following if following in ("|", "\\") else char + following)
        elif char == "|":
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    values.append("".join(current))
    return tuple(v.strip() for v in values if v.strip())


def joined(values: Iterable[str]) -> str:
    r"""A list field as ``list_cell`` reads it back: ``|`` and ``\`` inside a value are escaped.

    Examples:
        >>> joined(["a", "f(x) = |x|"]), list_cell(joined(["a", "f(x) = |x|", "\\frac"]))
        ('a|f(x) = \\|x\\|', ('a', 'f(x) = |x|', '\\frac'))
    """
    return "|".join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)
