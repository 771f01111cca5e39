"""The JSON of an xAPI statement file: each statement with the line it starts on.

A statement file comes as JSON lines, a JSON array (most often pretty-printed), one
statement object, or an LRS's ``{"statements": [...]}`` answer, and people fix a file by
its line numbers: so every statement keeps the line (or array index) it was read from,
every bad line of JSON lines is reported rather than the first, and a key given twice
(which ``json`` would keep silently) is an error.
"""

from __future__ import annotations

import json
from typing import Any

from ingest.errors import Problem

__all__ = ["statements"]


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json`` keeps the last of a repeated key silently; a statement with two actors is invalid."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(f"key {key!r} appears twice")
        out[key] = value
    return out


def _loads(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_no_duplicates)


def _one_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _json_lines(body: str, source: str, problems: list[Problem]) -> list[tuple[str, Any]]:
    out = []
    for number, line in enumerate(body.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            out.append((f"line {number}", _loads(line)))
        except ValueError as error:
            problems.append(Problem(source, f"line {number}", f"not JSON: {error}"))
    return out


def statements(text: str, source: str, problems: list[Problem]) -> list[tuple[str, Any]]:
    """(location, statement) pairs from JSON lines, an array, one object or ``{"statements": [...]}``.

    The text is read as one JSON document first; when that fails and it looks like JSON
    lines (a whole object followed by more, or a line that is an object on its own), it
    is read line by line so that every bad line is reported.
    """
    body = text.lstrip("\ufeff")
    stripped = body.strip()
    if not stripped:
        return []
    try:
        data = _loads(body)
    except (json.JSONDecodeError, _DuplicateKeyError) as error:
        multi_line = stripped[0] == "{" and "\n" in stripped
        extra = isinstance(error, json.JSONDecodeError) and error.msg == "Extra data"
        if multi_line and (extra or any(_one_object(line) for line in stripped.split("\n") if line.startswith("{"))):
            return _json_lines(body, source, problems)
        if isinstance(error, json.JSONDecodeError):
            problems.append(Problem(source, f"line {error.lineno}", f"not JSON: {error.msg} (column {error.colno})"))
        else:
            problems.append(Problem(source, "statement" if stripped[0] == "{" else "-", str(error)))
        return []
    if isinstance(data, dict) and isinstance(data.get("statements"), list):
        data = data["statements"]  # an LRS GET /statements answer
    if isinstance(data, list):
        lines = _element_lines(body) if stripped[0] == "[" else None
        if lines is not None and len(lines) == len(data) and len(set(lines)) == len(lines):
            return [(f"line {n}", s) for n, s in zip(lines, data, strict=True)]  # one statement a line or more
        return [(f"index {i}", s) for i, s in enumerate(data)]
    return [("statement", data)]


def _element_lines(body: str) -> list[int] | None:
    """The line each element of a top-level JSON array starts on (``None`` if it cannot be walked).

    Most real statement sets are pretty-printed arrays: their problems, and the items the
    graph lacks, were named by array index, or not located at all.
    """
    decoder = json.JSONDecoder()
    position = body.index("[") + 1
    line, counted = 1, 0
    out: list[int] = []
    try:
        while True:
            while position < len(body) and body[position] in " \t\r\n,":
                position += 1
            if position >= len(body) or body[position] == "]":
                return out
            line += body.count("\n", counted, position)
            counted = position
            out.append(line)
            _, position = decoder.raw_decode(body, position)
    except ValueError:
        return None
