"""Folders that hold personal data are the owner's alone (mode 0700).

Files were written with the process's umask (0644 in 0755 folders as a rule), so any
local user could read the store, the erasure log and every backup. A folder of mode
0700 keeps them out of everything beneath it, whatever the files' own modes, as
PostgreSQL asks of its data directory.

``is_inside`` says whether a path lies in a folder: a backup must not go into the data
folder it copies (every later backup would copy it), and a restore moves what lies in it.
"""

from __future__ import annotations

import logging
from pathlib import Path

__all__ = ["is_inside", "open_folder_warning", "private_folder"]

log = logging.getLogger("pathwise.folders")


def private_folder(path: Path) -> Path:
    """``path`` as a folder: created 0700; an existing one open to other users is logged, not changed.

    An operator may have pointed the data folder at a place whose mode others rely on
    (a home folder, a mount), so only a folder Pathwise creates gets its mode.

    Examples:
        >>> import tempfile
        >>> folder = private_folder(Path(tempfile.mkdtemp()) / "data")
        >>> oct(folder.stat().st_mode & 0o777)
        '0o700'
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=0o700, exist_ok=True)
        path.chmod(0o700)  # whatever the umask
    mode = path.stat().st_mode & 0o777
    if mode & 0o077 and path not in _warned:
        _warned.add(path)
        log.warning("%s holds student data and other users may read it (mode %s): chmod 700 it", path, oct(mode))
    return path


_warned: set[Path] = set()


def open_folder_warning(path: Path) -> None:
    """Log, once, that an existing folder of student data (a backup folder) is open to other users; create nothing.

    The docs promised this warning for the backup folder too, and none was logged for one
    of mode 0777: others could delete backups or plant folders among them.
    """
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:  # not there yet (the first backup creates it), or not reachable: nothing to say now
        return
    if mode & 0o077 and path not in _warned:
        _warned.add(path)
        log.warning("%s holds backups of student data and other users may enter it (mode %s): chmod 700 it",
                    path, oct(mode))  # fmt: skip


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies in it, once both are resolved (symbolic links followed).

    Examples:
        >>> data = Path("/nonexistent-pathwise/data")
        >>> is_inside(data / "backups" / "b1", data), is_inside(data, data), is_inside(data, data / "backups")
        (True, True, False)
        >>> is_inside(Path("/nonexistent-pathwise/data-old"), data)
        False
    """
    return path.resolve() == folder.resolve() or folder.resolve() in path.resolve().parents
