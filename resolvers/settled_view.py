"""What a read shows while a student's estimates wait for the settler: what the settler will leave.

An attempt moves the estimates of every concept of its student; the settler rewrites,
a little later, those the model moved by more than ``SETTLED_WITHIN`` and leaves the
rest. A read in between estimated every concept afresh, so a figure the settler then
left stored changed on the student's screen with no new answer (0.9126, then 0.9051).
"""

from __future__ import annotations

__all__ = ["SETTLED_WITHIN", "settled"]

SETTLED_WITHIN = 0.02
"""How far a stored estimate of a concept an attempt did not name may drift from the model's before it is rewritten."""


def settled(stored: float | None, fresh: float) -> float:
    """The stored estimate where the model's is within ``SETTLED_WITHIN`` of it, as the settler leaves it; else fresh.

    Examples:
        >>> settled(0.9051, 0.9126), settled(0.84, 0.928), settled(None, 0.5)
        (0.9051, 0.928, 0.5)
    """
    return stored if stored is not None and abs(fresh - stored) <= SETTLED_WITHIN else fresh
