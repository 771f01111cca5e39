"""The mastery model as the service holds it: the current version, switchable at run time.

Students' states are built lazily: the first time a student is asked about, their
stored attempts are replayed (``history`` is a callback into the graph, given by the
caller, so ``ml/`` stays out of storage).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from graph.model import Attempt
from ml.mastery.predict import MasteryPredictor, OnlineMastery
from ml.mastery.versions import ModelVersions

__all__ = ["HistoryLoader", "MasteryService", "NoModel"]

HistoryLoader = Callable[[Sequence[str]], dict[str, list[Attempt]]]


class NoModel(LookupError):
    """No trained mastery model is installed."""


class MasteryService:
    """Holds the served ``MasteryPredictor``; thread-safe switching and lazy replay."""

    def __init__(self, versions: ModelVersions, *, fallback: Path | None = None, threads: int = 1) -> None:
        import torch

        torch.set_num_threads(threads)
        self.versions = versions
        self.lock = threading.RLock()
        if versions.current() is None and fallback is not None and (fallback / "config.json").exists():
            versions.install(fallback, "demo")
        current = versions.current()
        self._predictor = MasteryPredictor.load(versions.path(current)) if current else None

    @property
    def predictor(self) -> OnlineMastery:
        """The served predictor. Raises ``NoModel`` when none is installed."""
        if self._predictor is None:
            raise NoModel("no mastery model is installed: run `pathwise train mastery`")
        return self._predictor

    @property
    def version(self) -> str | None:
        """The served version, if any."""
        return self._predictor.version if self._predictor is not None else None

    def switch(self, version: str) -> OnlineMastery:
        """Serve another version from now on (pinned across restarts)."""
        with self.lock:
            self.versions.use(version)
            self._predictor = MasteryPredictor.load(self.versions.path(version))
            return self._predictor

    def ready(self, students: Sequence[str], history: HistoryLoader) -> OnlineMastery:
        """The predictor, with state for ``students`` (replayed from storage if new)."""
        with self.lock:
            predictor = self.predictor
            missing = [s for s in dict.fromkeys(students) if not predictor.knows(s)]
            if missing:
                predictor.replay(history(missing))
            return predictor
