"""An attempt log's text, and progress through it: shared by every attempt reader.

Exports are often gzipped (``log.csv.gz``), so a gzip file is read as the log it holds,
whatever its name. A byte that is not UTF-8 is reported with its line, like any other
problem of the file. Readers report how far they are every ``PROGRESS_EVERY`` lines, so
a bar moves while one large file parses rather than once per file.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable
from pathlib import Path

from ingest.errors import MalformedInput, Problem, not_utf8

__all__ = [
    "MISALIGNED_BLOCKS",
    "PROGRESS_EVERY",
    "LineProgress",
    "LineTicker",
    "first_lines",
    "line_count",
    "log_text",
    "misaligned",
]

PROGRESS_EVERY = 20_000

LineProgress = Callable[[str, int, int], None]
"""``(file name, lines read, lines in the file)``, called as a file is read."""


def log_text(path: Path) -> str:
    """The UTF-8 text of a log file (without a byte order mark), decompressed first when it is gzip.

    Raises:
        MalformedInput: a damaged gzip file, or text that is not UTF-8 (with its line).
    """
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except EOFError:
            raise MalformedInput([Problem(str(path), "-", "the gzip file ends early: is it truncated?")]) from None
        except (OSError, zlib.error) as error:
            raise MalformedInput([Problem(str(path), "-", f"a damaged gzip file ({error})")]) from None
    try:
        return raw.decode("utf-8-sig")  # a BOM (Excel, Notepad) read as text broke an AKT or DKVMN first line
    except UnicodeDecodeError as error:
        raise MalformedInput([not_utf8(str(path), raw, error)]) from None


def first_lines(path: Path, count: int = 3) -> list[str]:
    """The first lines of a log (gzipped or not) as text; [] if unreadable or not UTF-8 (UTF-16 read as a header)."""
    try:
        with path.open("rb") as raw:
            head = raw.read(2)
        opener = gzip.open if head == b"\x1f\x8b" else open
        with opener(path, "rt", encoding="utf-8-sig") as text:
            return [line for _, line in zip(range(count), text, strict=False)]
    except (OSError, EOFError, UnicodeDecodeError):
        return []


def line_count(text: str) -> int:
    """How many lines ``text`` has (a last line without a newline counts)."""
    return text.count("\n") + (0 if not text or text.endswith("\n") else 1)


class LineTicker:
    """Calls a ``LineProgress`` every ``PROGRESS_EVERY`` lines of one file, and once at its end."""

    def __init__(self, name: str, lines: int, progress: LineProgress | None) -> None:
        self.name = name
        self.progress = progress
        self.total = lines
        self.next = PROGRESS_EVERY

    def __call__(self, line: int) -> None:
        """The reader has reached ``line``."""
        if self.progress is not None and line >= self.next:
            self.progress(self.name, line, self.total)
            self.next = line + PROGRESS_EVERY

    def done(self) -> None:
        """The whole file is read."""
        if self.progress is not None:
            self.progress(self.name, self.total, self.total)


MISALIGNED_BLOCKS = 3
"""Bad records in a row after which a file of fixed-size records (AKT's 4 lines, DKVMN's 3) is out of step."""


def misaligned(source: str, first_line: int, size: int) -> Problem:
    """The problem that ends the reading of a file whose records lost their alignment at ``first_line``.

    One line missing or extra shifts every record after it: a file with one dropped line
    was reported as 175 to 240 problems, none of them the line at fault.
    """
    return Problem(
        source,
        f"line {first_line}",
        f"the {size}-line records are out of step from here on (a line missing or extra before it?): "
        "the lines after it are not checked",
    )
