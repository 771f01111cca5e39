"""Room for a restore: checked before anything moves, and named when finishing one fails.

A restore copies the backup beside the data folder, then rewrites the store once (a
second copy while the first is still there, plus RocksDB's own files): about three
times the store's size on its disk, measured 2.5-3. Into a 30 MB file system a 12 MB
backup failed in the rewrite, with RocksDB's "No space left on device", and the
interrupted restore then stopped the next start with a traceback.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from graph.backup_manifest import BackupManifest
from graph.errors import InvalidInput, Unavailable

__all__ = ["REWRITE_FACTOR", "RestoreUnfinished", "check_room", "first_line", "mount_point", "unfinished_hint"]

REWRITE_FACTOR = 3
"""Free space a restored store needs on its disk, in multiples of its size (the copy, then the rewrite)."""

_MB = 1_000_000


class RestoreUnfinished(Unavailable):
    """A restore swapped in could not be finished (a full disk in the rewrite); its marker is kept for the next try."""


def _megabytes(size: int, *, up: bool = True) -> str:
    """In MB, rounded up (what is needed) or down (what is free), so the two never read alike when short."""
    return f"{(-(-size // _MB) if up else size // _MB):,} MB"


def _sizes(files: Iterable[Path]) -> int:
    return sum(path.stat().st_size for path in files if path.is_file())


def _part_sizes(backup: Path, manifest: BackupManifest) -> tuple[int, int]:
    """Bytes of the backup's data folder and of its store (from the manifest, or the files of a format-1 backup)."""
    if manifest.contents is None:
        return _sizes((backup / "data").rglob("*")), _sizes((backup / "store").rglob("*"))
    store = sum(entry.size for entry in manifest.contents if entry.path.startswith("store/"))
    return sum(entry.size for entry in manifest.contents) - store, store


def mount_point(path: Path) -> Path:
    """The mount point of the file system ``path`` (or its nearest existing folder) is on.

    Examples:
        >>> mount_point(Path("/")) == Path("/")
        True
    """
    path = path.resolve()
    while not path.exists():
        path = path.parent
    device = path.stat().st_dev
    while path.parent != path and path.parent.stat().st_dev == device:
        path = path.parent
    return path


def check_room(backup: Path, manifest: BackupManifest, *, data_dir: Path, store_path: Path) -> None:
    """Refuse a restore the disks have no room for: its data folder once, its store ``REWRITE_FACTOR`` times.

    Raises:
        InvalidInput: a file system has less free space than the restore needs there (nothing was changed).
    """
    data, store = _part_sizes(backup, manifest)
    needs: dict[Path, int] = {}
    for folder, size in ((data_dir.parent, data), (store_path.parent, store * REWRITE_FACTOR)):
        mount = mount_point(folder)
        needs[mount] = needs.get(mount, 0) + size
    for mount, need in needs.items():
        free = shutil.disk_usage(mount).free
        if free < need:
            raise InvalidInput(
                f"the restore needs about {_megabytes(need)} free on {mount} (the backup's copy, and its store "
                f"written once more), {_megabytes(free, up=False)} are: free space there and restore again; "
                "nothing was changed"
            )


def unfinished_hint(store_path: Path, marker: Path) -> str:
    """What to do when finishing a restore failed: room for the rewrite, then start again."""
    store = _sizes(store_path.rglob("*")) if store_path.exists() else 0
    room = f" (about {_megabytes(store * (REWRITE_FACTOR - 1))})" if store else ""
    return (
        f"Free space on {mount_point(store_path.parent)}{room} and start again (`pathwise serve` or "
        f"`pathwise restore` finish it); the unfinished restore is kept ({marker})"
    )


def first_line(error: BaseException) -> str:
    """An error in one line (RocksDB's run over several)."""
    return (str(error).strip() or type(error).__name__).splitlines()[0]
