"""Stored estimates an attempt moved but did not name, rewritten off the request path.

The network reads a student's whole history, so an attempt on one concept moves the
estimate of every other (``resolvers.recording.settle``). Rewriting them inside each
``recordAttempts`` made the service's mixed load a quarter slower (``bench.load``: 0.74x
the throughput of c9dd607 where 22708fd had 1.37x), since a student answering every few
seconds had dozens rewritten each time. The settler rewrites a student's once they
have been quiet for ``quiet`` seconds (30: one write per pause, not per answer), and
at least every ``at_most`` seconds (120) while they keep answering, a few students per
write so no request waits long behind one; a stop settles every student still waiting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

__all__ = ["EstimateSettler"]

log = logging.getLogger("pathwise.settling")


class EstimateSettler:
    """Students whose stored estimates wait to be settled, and the thread that settles them."""

    def __init__(
        self,
        settle: Callable[[Sequence[str]], int],
        *,
        quiet: float = 30.0,
        at_most: float = 120.0,
        chunk: int = 4,
    ) -> None:
        self._settle = settle
        self.quiet, self.at_most, self.chunk = quiet, at_most, chunk
        self._pending: dict[str, tuple[float, float]] = {}  # student -> (first noted, last noted), monotonic
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="estimate-settler", daemon=True)

    def start(self) -> EstimateSettler:
        """Settle in the background from now on."""
        self._thread.start()
        return self

    def note(self, students: Sequence[str]) -> None:
        """These students' attempts were just recorded: settle their other estimates soon."""
        now = time.monotonic()
        with self._lock:
            for student in students:
                first, _ = self._pending.get(student, (now, now))
                self._pending[student] = (first, now)
        self._wake.set()

    def waits_for(self, student: str) -> bool:
        """Whether ``student``'s stored estimates may lag the model now (an attempt moved them; not settled yet)."""
        with self._lock:
            return student in self._pending

    @property
    def waiting(self) -> int:
        """How many students wait to be settled."""
        with self._lock:
            return len(self._pending)

    def settle_due(self, *, everyone: bool = False) -> int:
        """Settle one chunk of the students that are due (``everyone``: whoever waits); how many were taken."""
        now = time.monotonic()
        with self._lock:
            due = [
                student
                for student, (first, last) in self._pending.items()
                if everyone or now - last >= self.quiet or now - first >= self.at_most
            ][: self.chunk]
            for student in due:
                del self._pending[student]
        if due:
            self._settle(due)
        return len(due)

    def close(self, timeout: float = 30.0) -> None:
        """Stop the thread, then settle every student still waiting (for at most ``timeout`` seconds)."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        ends = time.monotonic() + timeout
        while time.monotonic() < ends and self.settle_due(everyone=True):
            pass

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(min(self.quiet, self.at_most) / 2 or 0.05)
            self._wake.clear()
            try:
                while not self._stop.is_set() and self.settle_due():
                    pass
            except Exception:  # a failed settle must not end the thread: the student's next attempt settles them
                log.exception("settling stored estimates failed")
