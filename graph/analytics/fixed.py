"""Parameters an analyst may not move: each value cuts the students anew, and two cuts differenced isolate a few.

Under suppression each answer alone passes the rule, but ``stuck`` after 1 attempt and
after 2 differ by the students who made exactly one (6 and 5: one student), and a trend
by week in UTC and in Etc/GMT-12 differ by whoever answered in the hours between (24 and
23 attempts, 8 and 7 students). A threshold is kept to a grid whose counts are sums of
whole cells (``graph.analytics.cells``); these have no such grid, so for an analyst they
are fixed: at their defaults, and a trend's days at the school's time zone. Anyone else
may set them freely.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from importlib import resources
from pathlib import Path

from graph.errors import InvalidInput

DEFAULT_STREAK = 3
"""Correct answers in a row that count as mastery: the usual "three in a row"."""
DEFAULT_STUCK_AFTER = 5
"""Attempts without mastery after which a student counts as stuck."""
DEFAULT_WINDOW = 5
"""How many of a student's latest attempts their rolling success averages."""
DEFAULT_INTERVAL = "week"
"""A trend's buckets: weeks from Monday."""


def check_fixed(field: str, value: object, default: object, min_cell: int | None, why: str) -> None:
    """Refuse, under suppression, a parameter moved off its default, naming the field and why.

    Examples:
        >>> check_fixed("streak", 2, 3, None, "..."), check_fixed("streak", 3, 3, 5, "...")
        (None, None)
        >>> check_fixed("streak", 2, 3, 5, "why")
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: streak is fixed at 3 with a minimum cell size, not 2: why
    """
    if min_cell and value != default:
        said, was = _as_written(default), _as_written(value)
        raise InvalidInput(f"{field} is fixed at {said} with a minimum cell size, not {was}: {why}", field=field)


def _as_written(value: object) -> str:
    """A value as a GraphQL request writes it ("false", not Python's "False")."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def trend_zone(asked: str | None, school: str, min_cell: int | None, field: str = "timeZone") -> str:
    """The time zone a trend's days start in: the one asked for, else the school's; under suppression the school's.

    Examples:
        >>> trend_zone(None, "America/Chicago", 5), trend_zone("Asia/Tokyo", "UTC", None)
        ('America/Chicago', 'Asia/Tokyo')
        >>> trend_zone("Etc/GMT-12", "UTC", 5)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: timeZone is fixed at UTC with a minimum cell size, not Etc/GMT-12: ...
        >>> trend_zone("Etc/UTC", "UTC", 5)  # another name of the same zone is the school's
        'UTC'
    """
    zone = school if asked is None or same_zone(asked.strip(), school) else asked.strip()
    why = "the school's; weeks that start a few hours apart differ by whoever answered in between"
    check_fixed(field, zone, school, min_cell, why)
    return zone


_ZONE_KEY = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")


def same_zone(first: str, second: str) -> bool:
    """Whether two IANA names are one zone: ``Etc/UTC`` is ``UTC``, ``US/Central`` is ``America/Chicago``.

    An analyst whose school keeps ``UTC`` was refused ``Etc/UTC``. tzdata writes a link
    as a copy of its target's file, so equal files are one zone; an unknown name is
    equal to itself only.

    Examples:
        >>> same_zone("Etc/UTC", "UTC"), same_zone("UTC", "UTC"), same_zone("Asia/Tokyo", "UTC")
        (True, True, False)
    """
    if first == second:
        return True
    rules = _zone_file(first)
    return rules is not None and rules == _zone_file(second)


@lru_cache(maxsize=64)
def _zone_file(key: str) -> bytes | None:
    """The compiled rules of a zone name, from the system's zone files or the tzdata package."""
    if not _ZONE_KEY.fullmatch(key) or ".." in key:  # a name, never a path
        return None
    for root in zoneinfo.TZPATH:
        path = Path(root, key)
        if path.is_file():
            return path.read_bytes()
    try:
        package, _, name = f"tzdata.zoneinfo.{key.replace('/', '.')}".rpartition(".")
        return resources.files(package).joinpath(name).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None
