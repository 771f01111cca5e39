"""How a switch of the served mastery model is going, for ``masteryModelSwitch`` and ``/healthz``.

Why: a switch replays every stored attempt into the new model and then rewrites every
stored estimate: minutes on a district's store (15,280 students: 108 s to serve the new
model, 196 s more to rewrite the estimates), longer than a proxy keeps a request open.
``startMasteryModelSwitch`` runs it in the background, and whoever started it follows
it here; a stop sets ``stop``, and the switch ends at its next chunk of students.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = ["SwitchPhase", "SwitchProgress", "SwitchStopped"]


class SwitchPhase(enum.Enum):
    """Where a switch is: the first three while it runs, then how it ended."""

    REPLAYING = "REPLAYING"  # every stored student's attempts into the new model; the old one serves
    CATCHING_UP = "CATCHING_UP"  # what was recorded or forgotten meanwhile; the old one serves
    REWRITING_ESTIMATES = "REWRITING_ESTIMATES"  # the new model serves; stored estimates are rewritten
    DONE = "DONE"
    FAILED = "FAILED"  # see ``error``; before ``served_at`` the old model still serves
    STOPPED = "STOPPED"  # the service stopped first; a start re-estimates what is left when it served


class SwitchStopped(Exception):
    """The service is stopping: the switch ends between two chunks of students."""


@dataclass
class SwitchProgress:
    """One switch's figures, updated by the thread that runs it (reads see a recent state)."""

    version: str
    previous: str | None
    students: int = 0
    replayed: int = 0
    estimates_rewritten: int = 0
    phase: SwitchPhase = SwitchPhase.REPLAYING
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    served_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    stop: threading.Event = field(default_factory=threading.Event, repr=False)
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def running(self) -> bool:
        """Whether the switch has not ended yet."""
        return not self.finished.is_set()

    def check_stop(self) -> None:
        """Raise ``SwitchStopped`` when the service asked the switch to end."""
        if self.stop.is_set():
            raise SwitchStopped(f"the service stopped during the switch to {self.version}")

    def end(self, phase: SwitchPhase, error: str | None = None) -> None:
        """Record how the switch ended and wake whoever waits for it."""
        self.phase, self.error = phase, error
        self.finished_at = datetime.now(UTC)
        self.finished.set()
