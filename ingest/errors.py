"""Errors of reading outside files: every problem with its file, line or record, and reason."""

from __future__ import annotations

from dataclasses import dataclass

from graph.errors import ValidationFailed

__all__ = ["MalformedInput", "Problem", "not_utf8"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input: where (file, line or record) and why."""

    source: str
    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.location}: {self.reason}"


class MalformedInput(ValidationFailed):
    """An input file could not be read; nothing of it was applied.

    ``problems`` holds one line per problem, ``where`` the structured ``Problem`` list.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.where = problems
        super().__init__([str(p) for p in problems])


def not_utf8(source: str, raw: bytes, error: UnicodeDecodeError) -> Problem:
    """Where ``raw`` stops being UTF-8 (line and column, the byte) and how to fix the file.

    "invalid continuation byte at byte 93" counted from the start of the file and said
    nothing of what to do; a spreadsheet's "Unicode text" (UTF-16) failed at byte 0.
    """
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return Problem(
            source, "line 1", 'the file is UTF-16 (a spreadsheet\'s "Unicode text"): save it as UTF-8 ("CSV UTF-8")'
        )
    # The positions are in what the codec read: "utf-8-sig" reads past a byte-order mark, and counted in the
    # file they named the wrong byte, column and line (an audit).
    seen = bytes(error.object) if isinstance(error.object, bytes | bytearray) else raw
    start = seen.rfind(b"\n", 0, error.start) + 1
    line = seen.count(b"\n", 0, error.start) + 1
    column = len(seen[start : error.start].decode("utf-8", errors="replace")) + 1
    byte = seen[error.start]
    guess = "; Latin-1 or Windows-1252?" if 0x80 <= byte <= 0xFF else ""
    why = f"not UTF-8 text (byte 0x{byte:02X}: {error.reason}{guess}): save the file as UTF-8"
    return Problem(source, f"line {line}, column {column}", why)
