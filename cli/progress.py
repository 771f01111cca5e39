"""Progress bars for long work, fed by the repository's ``ProgressHook`` calls."""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from tqdm import tqdm

__all__ = ["ProgressBars"]

log = logging.getLogger("pathwise.progress")


class ProgressBars:
    """One tqdm bar per stage, announced once in the log; drawn only on a terminal unless ``disable`` says."""

    def __init__(self, *, disable: bool | None = None, unit: str = "item") -> None:
        self.disable = (not sys.stderr.isatty()) if disable is None else disable
        self.unit = unit
        self.units = unit + ("es" if unit.endswith(("s", "x", "ch", "sh")) else "s")
        self._bars: dict[str, tqdm[None]] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self._bars.get(stage)
        if bar is None:
            log.info("%s: %d %s", stage, total, self.units)
            bar = tqdm(total=total, desc=stage, unit=self.unit, disable=self.disable, leave=True)
            self._bars[stage] = bar
        bar.total = max(total, done)
        bar.n = done
        bar.refresh()

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for bar in self._bars.values():
            bar.close()
