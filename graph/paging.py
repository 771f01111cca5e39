"""One page of an ordered listing of ids (``first``/``after``), for every listing the graph offers.

Apart from ``graph.repository`` because paging is the same for concepts, materials
and students (``resolvers/student_reads.py`` pages its own listing with it).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Page", "paginate"]


@dataclass(frozen=True)
class Page:
    """One page of ids from an ordered listing."""

    ids: list[str]
    total: int
    has_next: bool
    has_previous: bool


def paginate(ordered: Sequence[str], first: int, after: str | None) -> Page:
    """The ``first`` ids after ``after`` (an id, not necessarily listed) in ``ordered``, with where the page sits.

    Examples:
        >>> paginate(["a", "b", "c", "d"], 2, "a")
        Page(ids=['b', 'c'], total=4, has_next=True, has_previous=True)
    """
    start = 0
    if after is not None:
        start = bisect.bisect_right(ordered, after)
    ids = list(ordered[start : start + first])
    return Page(ids, len(ordered), start + first < len(ordered), start > 0)
