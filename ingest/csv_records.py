"""CSV records with the line each starts on, so every problem names its line.

``csv.reader.line_num`` is the line a record *ends* on; multi-line quoted fields make
that the wrong line to report. Readers are made ``strict``: a lenient one read a quote
left open to the end of the file as one cell, and imported what followed as its text.
``records`` yields each non-blank record with its first line, and reports a record
whose field count differs from the header's.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Any

from ingest.errors import Problem

__all__ = ["FIELD_LIMIT", "records"]

FIELD_LIMIT = 64 * 1024 * 1024
"""The longest CSV field read (Python's default is 128 KiB): a material's text that the
CSV export wrote must read back, and a cell past the graph's limits on texts
(``graph.value_checks``) is read, then refused with its line rather than as an unreadable file."""

csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))


def records(
    reader: Any,
    source: str,
    width: int,
    problems: list[Problem],
    on_line: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """``(line, record)`` for each well-formed record after the header; problems for the rest.

    A ``csv.Error`` (a broken quote: readers are strict) is reported with the line its
    record starts on; a quote left open ends the file, any other reading goes on.
    ``on_line`` hears each record's line (progress through a large file).
    """
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            reason = str(error)
            if "unexpected end of data" in reason:  # read leniently, the rest of the file became one cell
                problems.append(
                    Problem(
                        source, f"line {start}", "a quoted field opened here is never closed (the file ends inside it)"
                    )
                )
                return
            problems.append(Problem(source, f"line {start}", reason))  # a stray quote: the next record reads on
            start = reader.line_num + 1
            continue
        line = start
        start = reader.line_num + 1
        if on_line is not None:
            on_line(line)
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != width:
            problems.append(Problem(source, f"line {line}", _width_problem(len(record), width)))
            continue
        yield line, record


def _width_problem(found: int, width: int) -> str:
    """A record of the wrong width, with the likely cause: an unquoted comma, or a cell left out.

    Examples:
        >>> _width_problem(15, 14)
        '15 fields, header has 14: a value holding a comma must be quoted ("Ratios, rates")'
        >>> _width_problem(2, 3)
        '2 fields, header has 3: every column needs its cell, empty if there is nothing to say (a,,c)'
    """
    if found > width:
        return f'{found} fields, header has {width}: a value holding a comma must be quoted ("Ratios, rates")'
    return f"{found} fields, header has {width}: every column needs its cell, empty if there is nothing to say (a,,c)"
