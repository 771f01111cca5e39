"""An operating system's refusal (a path, a permission, a full disk) in words that say what to do.

``str(OSError)`` reads "[Errno 17] File exists: 'out'" where ``pathwise export out/x.ttl``
met a file named ``out``: true, and no help.
"""

from __future__ import annotations

import errno
import os

__all__ = ["describe"]

_FIXES = {
    errno.EEXIST: "it is already there: name another path",
    errno.ENOTDIR: "a part of the path is a file, not a folder: name another path",
    errno.EISDIR: "it is a folder where a file is needed: name a file",
    errno.EACCES: "permission denied: choose a path you may write, or fix its permissions",
    errno.EPERM: "not permitted: choose a path you may write, or fix its permissions",
    errno.ENOENT: "no such file or folder",
    errno.EROFS: "the file system is read-only: choose another path",
    errno.ENOSPC: "no space left on the disk: free some, or choose another disk",
    errno.ENAMETOOLONG: "the name is too long: choose a shorter one",
}


def describe(error: OSError) -> str:
    """``path: what went wrong and what to do`` (the system's own words where there is no fix to give).

    Examples:
        >>> describe(FileExistsError(errno.EEXIST, "File exists", "/no/such/out"))
        '/no/such/out: it is already there: name another path'
        >>> describe(OSError(errno.EIO, "Input/output error", "/mnt/x"))
        '/mnt/x: Input/output error'
        >>> describe(OSError("no number"))
        'no number'
    """
    if error.errno is None:
        return str(error)
    said = _FIXES.get(error.errno, error.strerror or str(error))
    if error.errno == errno.EEXIST and error.filename is not None and os.path.isfile(error.filename):
        said = "it is a file where a folder is needed (the path goes through it): name another path"
    where = error.filename if error.filename is not None else None
    return f"{where}: {said}" if where is not None else said
