"""Callers who each need a fresh run of some work share the runs that satisfy them all.

Erasing a student's data rewrites the embedded store so the deleted strings leave its
files. Each forget needs a rewrite that starts after its delete; ten forgets arriving
together need not cost ten rewrites of a store of millions of triples: the one running
when they arrive does not cover them, the next one covers every one of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["CoalescedRuns"]


class CoalescedRuns:
    """``run()`` returns once a run of ``work`` that began after the call has finished.

    At most one run is in progress. Callers arriving during a run wait for it and then
    share the next one, which one of them starts. A failed run raises in the caller that
    started it; the callers waiting on it start another.

    Examples:
        >>> runs = []
        >>> shared = CoalescedRuns(lambda: runs.append(len(runs)))
        >>> shared.run(); shared.run()
        >>> runs, shared.runs
        ([0, 1], 2)
    """

    def __init__(self, work: Callable[[], None]) -> None:
        self._work = work
        self._condition = threading.Condition()
        self._started = 0
        self._finished = 0  # the number of the last run that finished (they run one at a time)
        self._running = False

    @property
    def runs(self) -> int:
        """How many runs have finished or failed so far (for tests and the bench)."""
        with self._condition:
            return self._started - self._running

    @property
    def running(self) -> bool:
        """Whether a run is in progress now."""
        with self._condition:
            return self._running

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no run is in progress (at most ``timeout`` seconds); whether none is.

        A closing store waits for its rewrite; a retried erasure waits for the rewrite its
        first call started rather than start another.
        """
        with self._condition:
            return self._condition.wait_for(lambda: not self._running, timeout)

    def run(self) -> None:
        """Start a run, or wait for one that a later caller's need also starts; return when it is done."""
        with self._condition:
            needed = self._started + 1  # the run in progress began before this call: it does not count
            while self._finished < needed:
                if self._running:
                    self._condition.wait()
                    continue
                self._running = True
                self._started += 1
                this_run = self._started
                self._condition.release()
                try:
                    self._work()
                finally:
                    self._condition.acquire()
                    self._running = False
                    self._condition.notify_all()
                self._finished = this_run
