"""Sizes and SHA-256 sums of a backup's files: recorded when it is taken, checked before a restore moves anything.

A restore checked only that the data folder's top-level entries were there: a flipped
byte in a model's weights was restored without a word and served NaN estimates, a
cut-off QA index stopped the next start. Files are read in chunks, never whole.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FileSum", "check_files", "check_sizes", "sum_files"]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileSum:
    """One file of a backup: its path under the backup folder (``data/...``, ``store/...``), size and SHA-256."""

    path: str
    size: int
    sha256: str

    def to_json(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files(folder: Path) -> Iterable[Path]:
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            yield Path(root) / name


def sum_files(backup: Path, parts: Sequence[str] = ("store", "data")) -> tuple[FileSum, ...]:
    """Every file under ``backup``'s ``parts``, with its size and SHA-256, in path order.

    Examples:
        >>> import tempfile
        >>> backup = Path(tempfile.mkdtemp())
        >>> (backup / "data").mkdir()
        >>> _ = (backup / "data" / "erasures.jsonl").write_text("")
        >>> sum_files(backup)[0].path, sum_files(backup)[0].sha256[:12]
        ('data/erasures.jsonl', 'e3b0c44298fc')
    """
    return tuple(
        FileSum(path.relative_to(backup).as_posix(), path.stat().st_size, _sha256(path))
        for part in parts
        for path in _files(backup / part)
    )


def _size_problem(backup: Path, entry: FileSum) -> str | None:
    path = backup / entry.path
    if not path.is_file():
        return f"{entry.path} is missing"
    size = path.stat().st_size
    if size != entry.size:
        how = "cut short" if size < entry.size else "grown"
        return f"{entry.path} is {how} ({size:,} bytes, {entry.size:,} when backed up)"
    return None


def check_sizes(backup: Path, sums: Sequence[FileSum]) -> list[str]:
    """What is missing or of another size than recorded: the quick check (a stat per file) for listings."""
    return [problem for entry in sums if (problem := _size_problem(backup, entry)) is not None]


def check_files(backup: Path, sums: Sequence[FileSum]) -> list[str]:
    """What is missing, of another size, or holds other bytes than recorded (every file read).

    Examples:
        >>> import tempfile
        >>> backup = Path(tempfile.mkdtemp())
        >>> (backup / "data").mkdir()
        >>> _ = (backup / "data" / "a").write_bytes(b"model")
        >>> sums = sum_files(backup)
        >>> _ = (backup / "data" / "a").write_bytes(b"mode!")
        >>> check_files(backup, sums)
        ['data/a holds other bytes than when backed up (its SHA-256 differs)']
    """
    problems = []
    for entry in sums:
        problem = _size_problem(backup, entry)
        if problem is None and _sha256(backup / entry.path) != entry.sha256:
            problem = f"{entry.path} holds other bytes than when backed up (its SHA-256 differs)"
        if problem is not None:
            problems.append(problem)
    return problems
