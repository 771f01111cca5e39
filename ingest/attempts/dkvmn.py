"""The DKVMN 3-line layout: ``<length>`` / item indices / responses, per sequence, no student ids.

Each position is one attempt on one item; with no skill map the item index doubles as
the concept id, so the table still has the one-row-per-(attempt, concept) shape.
Sequences are numbered from 1 in file order; the student key is ``<name>-seq<n>``
(``name`` defaults to the file stem) and the attempt id ``<name>-seq<n>:<position>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ingest.attempts.reading import MISALIGNED_BLOCKS, LineProgress, LineTicker, log_text, misaligned
from ingest.attempts.table import AttemptColumns, source_name
from ingest.errors import MalformedInput, Problem

__all__ = ["parse_dkvmn", "read_dkvmn"]


def _ints(text: str) -> tuple[list[int], list[str]]:
    tokens = [t.strip() for t in text.split(",")]
    if tokens and tokens[-1] == "":
        tokens.pop()  # DKVMN's own files end item lines with a comma
    bad = [t for t in tokens if not t.isdigit()]
    return ([] if bad else [int(t) for t in tokens]), bad


def parse_dkvmn(
    text: str | Iterable[str], source: str, *, name: str | None = None, progress: LineProgress | None = None
) -> pd.DataFrame:
    """Turn a DKVMN 3-line file into the canonical attempt table.

    Args:
        text: the file's text, or its lines.
        source: the file path or name (problems and the ``source`` column).
        name: the student key prefix; defaults to the file stem.
        progress: hears how many lines are read (``ingest.attempts.reading``).

    Raises:
        MalformedInput: every bad line with file and line number (a length that does not
            match the items or responses, non-integers, responses other than 0/1, an
            incomplete last sequence).
    """
    lines = text.splitlines() if isinstance(text, str) else list(text)
    ticker = LineTicker(source_name(source), len(lines), progress)
    numbered = [(n, line.strip()) for n, line in enumerate(lines, start=1)]
    numbered = [(n, line) for n, line in numbered if line]
    file_name = source_name(source)
    prefix = name or Path(file_name).stem or file_name
    problems: list[Problem] = []
    out = AttemptColumns()
    origin = f"dkvmn:{file_name}"
    bad_run: list[int] = []  # the first lines of the bad records just read
    for seq, start in enumerate(range(0, len(numbered), 3), start=1):
        block = numbered[start : start + 3]
        if len(block) < 3:
            problems.append(Problem(source, f"line {block[0][0]}", f"sequence has {len(block)} of 3 lines"))
            break
        (l1, head), (l2, item_text), (l3, response_text) = block
        ticker(l3)
        found: list[Problem] = []
        length = int(head) if head.isdigit() else -1
        if length < 0:
            found.append(Problem(source, f"line {l1}", f"sequence length {head[:30]!r} is not a whole number"))
        items, bad_items = _ints(item_text)
        responses, bad_responses = _ints(response_text)
        checks = ((l2, items, bad_items, "item"), (l3, responses, bad_responses, "response"))
        for line, values, bad, what in checks:
            if bad:
                why = f"{len(bad)} {what}(s) not whole numbers, e.g. {bad[0]!r}"
                found.append(Problem(source, f"line {line}", why))
            elif length >= 0 and len(values) != length:
                why = f"{len(values)} {what}s, length says {length} (line {l1})"
                found.append(Problem(source, f"line {line}", why))
        wrong = sorted({r for r in responses if r not in (0, 1)})
        if wrong:
            found.append(Problem(source, f"line {l3}", f"responses must be 0 or 1, found {wrong[:5]}"))
        if found:
            problems += found
            # a length line that is no number is a record read out of step; other problems are the record's own
            bad_run = [*bad_run, l1][-MISALIGNED_BLOCKS:] if length < 0 else []
            if len(bad_run) == MISALIGNED_BLOCKS and start + 3 < len(numbered):
                problems.append(misaligned(source, bad_run[0], 3))
                break
            continue
        bad_run = []
        student = f"{prefix}-seq{seq}"
        for position, (item, response) in enumerate(zip(items, responses, strict=True)):
            out.append(
                student, position, f"{student}:{position}", str(item), str(item), float(response), None, origin, l2
            )
    ticker.done()
    if problems:
        raise MalformedInput(problems)
    return out.frame()


def read_dkvmn(path: Path, *, name: str | None = None, progress: LineProgress | None = None) -> pd.DataFrame:
    """Read a DKVMN 3-line file (gzipped or not); options as for :func:`parse_dkvmn`."""
    return parse_dkvmn(log_text(path), str(path), name=name, progress=progress)
