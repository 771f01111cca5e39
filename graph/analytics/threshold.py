"""The mastery threshold: its default, and the check every figure that takes one makes.

Apart because the mastery statistics, the at-risk rows and the trend all take a
threshold, and its check depends on suppression's grid, not on any one of those figures.
"""

from __future__ import annotations

from graph.analytics.suppression import GRID
from graph.errors import InvalidInput

DEFAULT_THRESHOLD = 0.8
"""The probability at or above which a concept counts as mastered."""


def check_threshold(threshold: float, field: str = "threshold", min_cell: int | None = None) -> None:
    """Refuse a mastery threshold that is not a probability (NaN included), or off the grid under suppression.

    On the grid means exactly the float a decimal multiple of 0.1 reads as (``round(t * GRID) / GRID``,
    which ``0.7`` sent by a client is). A margin of 1e-9 let 0.30000000001 through: estimates
    are stored to six decimals, and beside 0.3 it told apart the students stored at exactly 0.3.

    Examples:
        >>> check_threshold(0.8), check_threshold(0.83), check_threshold(0.7, min_cell=5)
        (None, None, None)
        >>> check_threshold(5)
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: threshold 5 is not in [0, 1]
        >>> check_threshold(0.83, min_cell=5)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: threshold 0.83 is not a multiple of 0.1: ... would single out students
        >>> check_threshold(0.30000000001, min_cell=5)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        graph.errors.InvalidInput: threshold 0.30000000001 is not a multiple of 0.1: ...
        >>> [check_threshold(k / 10, min_cell=5) for k in range(11)] == [None] * 11  # as clients send 0.7
        True
    """
    if not 0.0 <= threshold <= 1.0:
        raise InvalidInput(f"{field} {threshold} is not in [0, 1]", field=field)
    if min_cell and threshold != round(threshold * GRID) / GRID:
        raise InvalidInput(
            f"{field} {threshold} is not a multiple of {1 / GRID}: with a minimum cell size, finer thresholds "
            "would single out students",
            field=field,
        )
