"""A backup's manifest, and the backups a folder holds by their manifests: listed, damaged, unfinished, pruned.

A manifest (``backup.json``) is written last, so a folder without one is not a backup;
everything that decides whether a folder is one, and which of a folder's backups to
keep, reads it. Separate from ``graph.backup`` (taking a backup) and ``graph.restore``
(putting one back), which both read manifests; the service's metrics list backups too.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from graph.backup_files import FileSum
from graph.erasures import Tokens
from graph.errors import InvalidInput
from graph.vocab import PW, RDF

__all__ = [
    "FORMAT",
    "MANIFEST",
    "BackupManifest",
    "damaged_backups",
    "fingerprint",
    "list_backups",
    "prune_backups",
    "read_manifest",
    "remove_unfinished_backups",
    "store_figures",
]

MANIFEST = "backup.json"
FORMAT = 2
"""Format 2 lists every file with its size and SHA-256 (``contents``); format 1 named the data folder's entries only."""
READABLE = (1, 2)
PRUNING = ".pruning-"  # a backup being deleted is renamed first, so it stops being one at once


@dataclass(frozen=True)
class BackupManifest:
    """What a backup holds; written last, so a folder without one is not a backup."""

    created_at: datetime
    triples: int
    students: int
    fingerprint: str
    files: tuple[str, ...]  # the data folder's entries copied
    contents: tuple[FileSum, ...] | None = None  # every file copied; None in a format-1 backup (not verifiable)
    format: int = FORMAT

    def to_json(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {
            **asdict(self),
            "created_at": self.created_at.isoformat(),
            "files": list(self.files),
            "contents": None if self.contents is None else [entry.to_json() for entry in self.contents],
        }


def fingerprint(tokens: Tokens) -> str:
    """A keyed token of a fixed string: equal for the same pseudonym secret, and reveals nothing of it."""
    return tokens.opaque("pathwise-backup", "fingerprint")


def store_figures(store_dir: Path) -> tuple[int, int]:
    """Triples and students in a store folder (opened read-only)."""
    store = ox.Store.read_only(str(store_dir))
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{RDF.type}> <{PW.Student}> }} }}"
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    students = next(iter(result))[0]
    assert isinstance(students, ox.Literal)
    return len(store), int(students.value)


def read_manifest(backup: Path) -> BackupManifest:
    """The manifest of a backup folder.

    Raises:
        InvalidInput: no manifest (not a backup, or an unfinished one), or one this version cannot read.
    """
    path = backup / MANIFEST
    if not path.exists():
        raise InvalidInput(f"{backup} is not a Pathwise backup (no {MANIFEST}; an interrupted backup has none)")
    try:
        raw = json.loads(path.read_text())
        contents = raw.get("contents") if int(raw["format"]) >= 2 else None
        manifest = BackupManifest(
            created_at=datetime.fromisoformat(raw["created_at"]),
            triples=int(raw["triples"]),
            students=int(raw["students"]),
            fingerprint=str(raw["fingerprint"]),
            files=tuple(str(f) for f in raw["files"]),
            contents=None if contents is None else tuple(_file_sum(entry) for entry in contents),
            format=int(raw["format"]),
        )
        if manifest.format >= 2 and manifest.contents is None:
            raise KeyError("contents")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvalidInput(f"{path} is not a backup manifest ({error})") from None
    if manifest.format not in READABLE:
        readable = " and ".join(map(str, READABLE))
        raise InvalidInput(f"{path}: backup format {manifest.format}, this version reads formats {readable}")
    return manifest


def _file_sum(entry: dict[str, object]) -> FileSum:
    path, size, sha256 = entry["path"], entry["size"], entry["sha256"]
    if not isinstance(path, str) or not isinstance(size, int) or not isinstance(sha256, str):
        raise TypeError(f"a listed file is {entry}")
    if Path(path).is_absolute() or ".." in Path(path).parts:  # verified files stay inside the backup
        raise ValueError(f"a listed file is outside the backup: {path}")
    return FileSum(path, size, sha256)


def list_backups(folder: Path) -> list[tuple[Path, BackupManifest]]:
    """The finished backups directly in ``folder``, oldest first (by when each was taken).

    Folders without a readable manifest (an interrupted backup, anything else) are left out.
    """
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        if not entry.is_dir() or entry.name.startswith(".") or not (entry / MANIFEST).exists():
            continue
        try:
            found.append((entry, read_manifest(entry)))
        except (InvalidInput, OSError):  # not a backup, or one being pruned as we read
            continue
    return sorted(found, key=lambda pair: (pair[1].created_at, pair[0].name))


def damaged_backups(folder: Path) -> list[tuple[Path, str]]:
    """Folders in ``folder`` with a manifest that does not read, and why.

    ``list_backups`` and ``prune_backups`` leave them alone (they may not be backups at
    all), but one may be a backup whose manifest was damaged, still holding personal
    data: ``pathwise backups list`` names them so that someone looks.
    """
    if not folder.is_dir():
        return []
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not entry.name.startswith(".") and (entry / MANIFEST).exists():
            try:
                read_manifest(entry)
            except InvalidInput as error:
                found.append((entry, error.message))
    return found


def remove_unfinished_backups(folder: Path) -> list[Path]:
    """Delete the ``<name>.partial`` copies a killed backup left in ``folder``; return them.

    Such a copy holds every student of its time, and nothing listed, counted or pruned
    it: a student forgotten later stayed in it for good. Call only where no backup can
    be running (a service starting, or its backups serialized: ``backupData``).
    """
    found = sorted(p for p in folder.glob("*.partial") if p.is_dir()) if folder.is_dir() else []
    for leftover in found:
        shutil.rmtree(leftover, ignore_errors=True)
    return found


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest finished backups in ``folder``; return the deleted ones.

    ``keep`` 0 keeps every backup. Only folders with a manifest are counted or deleted,
    so an unfinished backup or a folder someone else put there is never touched. Each
    is renamed before it is deleted: two prunes at once delete it once, and a half-deleted
    folder is never taken for a backup.

    Raises:
        InvalidInput: ``keep`` is negative.
    """
    if keep < 0:
        raise InvalidInput(f"keep must be 0 (keep every backup) or more, not {keep}")
    if keep == 0:
        return []
    backups = list_backups(folder)
    deleted = []
    for path, _ in backups[: max(0, len(backups) - keep)]:
        doomed = path.with_name(PRUNING + path.name)
        try:
            path.rename(doomed)
        except FileNotFoundError:  # another prune took it
            continue
        shutil.rmtree(doomed)
        deleted.append(path)
    for leftover in folder.glob(PRUNING + "*"):  # a prune that was killed part-way
        shutil.rmtree(leftover, ignore_errors=True)
    return deleted
