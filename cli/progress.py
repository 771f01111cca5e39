"""Progress bars for long work, fed by the repository's ``ProgressHook`` calls."""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType

from tqdm import tqdm

__all__ = ["ProgressBars"]

log = logging.getLogger("pathwise.progress")


LOG_EVERY_SECONDS = 30.0
"""Without a terminal, how often a stage's progress is logged (a cron job's log had one line, then nothing)."""


class ProgressBars:
    """One tqdm bar per stage, announced once in the log; drawn only on a terminal unless ``disable`` says.

    Without a bar (no terminal: cron, CI, a container's log) a stage's progress is logged
    every ``LOG_EVERY_SECONDS`` and when it ends.
    """

    def __init__(
        self, *, disable: bool | None = None, unit: str = "item", log_every: float = LOG_EVERY_SECONDS
    ) -> None:
        self.disable = (not sys.stderr.isatty()) if disable is None else disable
        self.unit = unit
        self.units = unit + ("es" if unit.endswith(("s", "x", "ch", "sh")) else "s")
        self.log_every = log_every
        self._bars: dict[str, tqdm[None]] = {}
        self._logged: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self._bars.get(stage)
        now = time.monotonic()
        if bar is None:
            log.info("%s: %d %s", stage, total, self.units)
            bar = tqdm(total=total, desc=stage, unit=self.unit, disable=self.disable, leave=True)
            self._bars[stage] = bar
            self._logged[stage] = now
        bar.total = max(total, done)
        bar.n = done
        bar.refresh()
        finished = done >= total and self._logged[stage] != float("inf")
        if self.disable and done and (finished or now - self._logged[stage] >= self.log_every):
            self._logged[stage] = float("inf") if done >= total else now
            log.info("%s: %d of %d %s (%d%%)", stage, done, max(total, done), self.units, 100 * done // max(total, 1))

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for bar in self._bars.values():
            bar.close()
