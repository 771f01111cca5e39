"""The ``--*-column`` options that map a long CSV log's columns, shared by every command that reads logs.

Only ``attempts import`` had them, so a researcher could import a log with a
``user_id`` column but not evaluate or train on it without renaming its header.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ["COLUMNS", "column_options", "log_column_options", "once_each"]

COLUMNS: tuple[tuple[str, str], ...] = (
    ("student", "the student column"),
    ("item", "the item column"),
    ("concepts", "the |-separated concepts column"),
    ("correct", "the 0/1 or score column"),
    ("timestamp", "the ISO 8601 time column"),
    ("attempt_id", "the client's attempt id column"),
)
"""The reader's column names (its defaults), each with what it holds."""

F = TypeVar("F", bound=Callable[..., Any])


def log_column_options(command: F) -> F:
    """Add ``--student-column`` ... ``--attempt-id-column``; the command receives them as ``<name>_column``."""
    for name, what in reversed(COLUMNS):
        flag = f"--{name.replace('_', '-')}-column"
        command = click.option(flag, f"{name}_column", default=None, help=f"csv: {what} (default {name}).")(command)
    return command


def column_options(fmt: str | None, given: Mapping[str, str | None]) -> dict[str, str]:
    """The reader's column options from a command's ``<name>_column`` values (the others are ignored).

    Raises:
        click.UsageError: a column option for a layout other than csv (its columns are fixed).
    """
    columns = {name: given.get(f"{name}_column") for name, _ in COLUMNS}
    chosen = {name: value for name, value in columns.items() if value}
    if chosen and fmt != "csv":
        raise click.UsageError(f"the --*-column options apply to csv logs; a {fmt} log has a fixed layout")
    return chosen


def once_each(files: Sequence[Path]) -> list[Path]:
    """The files, refused when one is given twice (it was read twice, its attempts counted twice, without a word).

    Raises:
        click.UsageError: naming the file.
    """
    seen: set[Path] = set()
    for path in files:
        real = path.resolve()
        if real in seen:
            raise click.UsageError(f"{path} is given twice: each file is read once")
        seen.add(real)
    return list(files)
