"""When a simulated student's attempts happen: sessions on distinct days, minutes apart.

The "Time" part of the model in :mod:`demo.simulate`'s docstring. Apart from the
student model because the dates only shape the history's timeline (spacing, sessions),
never which answers are right.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from demo.simulation_config import SimulationConfig

__all__ = ["schedule"]

_SESSION_WINDOW_MINUTES = 12 * 60
_MIN_GAP_SECONDS = 60
_MAX_GAP_SECONDS = 6 * 60


def schedule(rng: random.Random, count: int, config: SimulationConfig) -> list[datetime]:
    """Return ``count`` strictly increasing timestamps grouped into daily sessions."""
    sizes: list[int] = []
    remaining = count
    while remaining > 0:
        size = min(
            remaining,
            rng.randint(config.min_session_attempts, config.max_session_attempts),
        )
        sizes.append(size)
        remaining -= size
    first = rng.randrange(max(1, config.days // 6))
    available = range(first, config.days)
    if len(sizes) <= len(available):
        days = sorted(rng.sample(available, len(sizes)))
    else:
        days = sorted(rng.choices(range(config.days), k=len(sizes)))
    times: list[datetime] = []
    for day, size in zip(days, sizes, strict=True):
        moment = config.start + timedelta(days=day, minutes=rng.randrange(_SESSION_WINDOW_MINUTES))
        for _ in range(size):
            if times and moment <= times[-1]:
                moment = times[-1] + timedelta(seconds=_MIN_GAP_SECONDS)
            times.append(moment)
            moment += timedelta(seconds=rng.randint(_MIN_GAP_SECONDS, _MAX_GAP_SECONDS))
    return times
