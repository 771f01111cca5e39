"""A school's time zone by its IANA name: where its days, weeks and months start."""

from __future__ import annotations

import difflib
import zoneinfo
from functools import cache

from graph.errors import InvalidInput

__all__ = ["time_zone"]


_ABBREVIATIONS = {
    "CST": "America/Chicago", "CDT": "America/Chicago", "EDT": "America/New_York", "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles", "MDT": "America/Denver", "AKST": "America/Anchorage", "BST": "Europe/London",
    "CEST": "Europe/Berlin", "EEST": "Europe/Athens", "IST": "Asia/Kolkata", "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul", "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "NZST": "Pacific/Auckland",
}  # fmt: skip
"""Abbreviations people write for a zone, which name none (CST is also China's): the place to give instead."""


@cache
def _names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone(name: str, *, field: str = "timeZone") -> zoneinfo.ZoneInfo:
    """The zone of an IANA name (``Europe/Berlin``, ``America/Chicago``, ``UTC``).

    An offset such as ``-05:00`` is refused: it is wrong for half the year where clocks
    change, and a trend's weeks would start at 11 pm all summer.

    Examples:
        >>> time_zone("America/Chicago").key
        'America/Chicago'
        >>> try:
        ...     time_zone("america/chicago")
        ... except InvalidInput as wrong:
        ...     print(wrong.message)
        unknown time zone 'america/chicago': did you mean 'America/Chicago'? (an IANA name, e.g. Europe/Berlin)
        >>> try:
        ...     time_zone("CST")
        ... except InvalidInput as wrong:
        ...     print(wrong.message.split("; ")[1])
        give the place, e.g. 'America/Chicago'
    """
    cleaned = name.strip()
    if cleaned in _names():
        return zoneinfo.ZoneInfo(cleaned)
    place = _ABBREVIATIONS.get(cleaned.upper())
    if place is not None:
        raise InvalidInput(
            f"unknown time zone {name!r}: an abbreviation names no zone (and changes with daylight saving); "
            f"give the place, e.g. '{place}'",
            field=field,
        )
    by_case = {n.lower(): n for n in _names()}
    guess = by_case.get(cleaned.lower()) or next(iter(difflib.get_close_matches(cleaned, _names(), n=1)), None)
    hint = f": did you mean '{guess}'?" if guess else ""
    raise InvalidInput(f"unknown time zone {name!r}{hint} (an IANA name, e.g. Europe/Berlin)", field=field)
