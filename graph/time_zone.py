"""A school's time zone by its IANA name: where its days, weeks and months start."""

from __future__ import annotations

import difflib
import zoneinfo
from functools import cache

from graph.errors import InvalidInput

__all__ = ["time_zone"]


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
    """
    cleaned = name.strip()
    if cleaned in _names():
        return zoneinfo.ZoneInfo(cleaned)
    by_case = {n.lower(): n for n in _names()}
    guess = by_case.get(cleaned.lower()) or next(iter(difflib.get_close_matches(cleaned, _names(), n=1)), None)
    hint = f": did you mean '{guess}'?" if guess else ""
    raise InvalidInput(f"unknown time zone {name!r}{hint} (an IANA name, e.g. Europe/Berlin)", field=field)
