"""The mastery model as the service holds it: the current version, switchable at run time.

Students' states are built lazily: the first time a student is asked about, their
stored attempts are replayed (``history`` is a callback into the graph, given by the
caller, so ``ml/`` stays out of storage). A switch to another version is prepared
beside the served predictor (``load``, then replays outside the lock) and served at
once (``serve``); meanwhile a ``Journal`` notes the attempts recorded and the students
forgotten, for the new predictor to catch up with.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from graph.model import Attempt
from ml.mastery.predict import MasteryPredictor, OnlineMastery
from ml.mastery.switch_progress import SwitchProgress
from ml.mastery.versions import ModelVersions, folder_damage

__all__ = ["SHIPPED", "HistoryLoader", "Journal", "MasteryService", "NoModel", "UnreadableModel", "load_version"]

log = logging.getLogger("pathwise.mastery")

HistoryLoader = Callable[[Sequence[str]], dict[str, list[Attempt]]]


@dataclass
class Journal:
    """What changed students' data while a switch was being prepared: the new model must catch up."""

    attempts: list[Attempt] = field(default_factory=list)  # recorded, in the order the served model saw them
    forgotten: set[str] = field(default_factory=set)

    @property
    def students(self) -> set[str]:
        return {a.student for a in self.attempts} | self.forgotten


class NoModel(LookupError):
    """No trained mastery model is installed."""


class UnreadableModel(NoModel):
    """A model version's files cannot be loaded (a weights file missing or cut short, a bad config)."""

    def __init__(self, version: str, error: BaseException) -> None:
        super().__init__(f"model version {version!r} cannot be loaded: {type(error).__name__}: {error}")
        self.version = version


def load_version(versions: ModelVersions, version: str) -> OnlineMastery:
    """Load ``version``.

    Raises:
        KeyError: no such version.
        UnreadableModel: its files do not load.
    """
    if version not in versions.list():
        raise KeyError(version)
    damage = folder_damage(versions.path(version))
    if damage is not None:  # weights holding NaN load, and served NaN estimates
        raise UnreadableModel(version, ValueError(damage))
    try:
        return MasteryPredictor.load(versions.path(version))
    except Exception as error:  # a damaged folder: whatever torch, safetensors or json raise
        raise UnreadableModel(version, error) from error


SHIPPED = "demo"
"""The version name of the model shipped with the demo, installed from ``fallback``."""


class MasteryService:
    """Holds the served ``MasteryPredictor``; thread-safe switching and lazy replay."""

    def __init__(self, versions: ModelVersions, *, fallback: Path | None = None, threads: int = 1) -> None:
        import torch

        torch.set_num_threads(threads)
        self.versions = versions
        self.fallback = fallback
        self.lock = threading.RLock()
        self._switching = threading.Lock()
        self._journal: Journal | None = None  # while a switch is being prepared
        self.switch: SwitchProgress | None = None  # the running switch, else the last one since the start
        if versions.current() is None and fallback is not None and (fallback / "config.json").exists():
            versions.install(fallback, SHIPPED)
        current = versions.current()
        gone = versions.missing_pin()
        if gone is not None:  # it started on the newest without a word, the operator believing the pin held
            log.warning("pinned mastery model %s is not in %s: serving %s", gone, versions.root, current or "none")
        self._predictor: OnlineMastery | None = None
        self.load_error: str | None = None
        if current:
            try:
                self._predictor = load_version(versions, current)
            except UnreadableModel as error:  # serve the curriculum anyway; attempts are refused until it is fixed
                self.load_error = str(error)
                if versions.pinned() != current:  # the newest, not a version the operator chose: an older may do
                    self._predictor = self._newest_loadable(versions, current)
                if self._predictor is None:
                    log.error("%s; serving without a mastery model (`pathwise models use` another version)", error)
                else:
                    log.error("%s; serving %s, the newest that loads", error, self._predictor.version)
                    self.load_error = None

    @staticmethod
    def _newest_loadable(versions: ModelVersions, damaged: str) -> OnlineMastery | None:
        """The newest version older than ``damaged`` whose files load, when none is pinned.

        A start served no model at all when the newest version's weights were cut short,
        with a loadable one beside it (an audit); a pinned version is the operator's
        choice, and a damaged one is not replaced behind their back.
        """
        for version in reversed([v for v in versions.list() if v != damaged]):
            try:
                return load_version(versions, version)
            except UnreadableModel as error:
                log.error("%s", error)
        return None

    @property
    def predictor(self) -> OnlineMastery:
        """The served predictor. Raises ``NoModel`` when none is installed."""
        if self._predictor is None:
            raise NoModel(self.load_error or "no mastery model is installed: run `pathwise train mastery`")
        return self._predictor

    @property
    def version(self) -> str | None:
        """The served version, if any."""
        return self._predictor.version if self._predictor is not None else None

    def with_shipped(self, version: str) -> None:
        """Install the shipped model as ``demo`` when that is the version asked for and it is not there yet.

        It is copied in only at a start that finds no version: a folder trained in before
        its first start never held ``demo``, and switching to it (as the training warning
        advises) was NOT_FOUND (an audit).
        """
        shipped = self.fallback
        if version != SHIPPED or shipped is None or version in self.versions.list():
            return
        if (shipped / "config.json").exists():
            self.versions.install(shipped, SHIPPED)

    def load(self, version: str) -> OnlineMastery:
        """A predictor for ``version``, not served yet.

        Raises:
            KeyError: no such version.
            UnreadableModel: its files do not load.
        """
        return load_version(self.versions, version)

    def serve(self, version: str, predictor: OnlineMastery) -> None:
        """Serve ``predictor`` (loaded for ``version``) from now on, pinned across restarts.

        A switch's journal ends here: ``record`` updates the served predictor itself.
        """
        with self.lock:
            self.versions.use(version)
            self._predictor = predictor
            self.load_error = None  # /healthz said why no model was served after the switch had served one
            self._journal = None

    @contextmanager
    def switching(self) -> Iterator[None]:
        """One switch at a time; while it lasts, a ``Journal`` collects what changes students' data."""
        with self._switching:
            with self.lock:
                self._journal = Journal()
            try:
                yield
            finally:
                with self.lock:
                    self._journal = None

    def note_recorded(self, attempts: Iterable[Attempt]) -> None:
        """Attempts just stored and observed by the served model (the caller holds ``lock``)."""
        if self._journal is not None:
            self._journal.attempts.extend(attempts)

    def note_forgotten(self, student: str) -> None:
        """A student whose data was just deleted (the caller holds ``lock``)."""
        if self._journal is not None:
            self._journal.forgotten.add(student)

    def stop_switch(self, timeout: float) -> bool:
        """Ask a running switch to end at its next chunk and wait up to ``timeout`` s; whether it ended.

        A stop must not close the store under a switch still writing estimates. What it
        leaves undone is redone: before it served, nothing changed; after, a start
        re-estimates what the old model estimated.
        """
        switch = self.switch
        if switch is None or not switch.running:
            return True
        switch.stop.set()
        return switch.finished.wait(timeout)

    def take_journal(self) -> Journal:
        """What was noted since the switch began or since the last take (the caller holds ``lock``)."""
        taken = self._journal or Journal()
        if self._journal is not None:
            self._journal = Journal()
        return taken

    def ready(self, students: Sequence[str], history: HistoryLoader) -> OnlineMastery:
        """The predictor, with state for ``students`` (replayed from storage if new)."""
        with self.lock:
            predictor = self.predictor
            missing = [s for s in dict.fromkeys(students) if not predictor.knows(s)]
            if missing:
                predictor.replay(history(missing))
            return predictor
