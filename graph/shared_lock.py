"""A lock many readers hold at once, or one writer alone.

The embedded store swaps its directory after a staged write or a rewrite; a query
running in another thread (question answering, a model switch) must not touch the
store object while it is closed and reopened, yet queries need not wait for each other.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SharedLock"]


class SharedLock:
    """``shared()`` for readers, ``exclusive()`` for the one who swaps; a waiting swap goes first.

    Not reentrant: a thread holding ``shared`` must not ask for ``exclusive``.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._exclusive = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._exclusive)
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                if not self._readers:
                    self._condition.notify_all()

    @property
    def swap_waiting(self) -> bool:
        """Whether a swap waits (or runs): a long reader should give way, as new readers wait behind it."""
        return self._exclusive

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._exclusive)
            self._exclusive = True  # readers arriving from now on wait
            self._condition.wait_for(lambda: not self._readers)
        try:
            yield
        finally:
            with self._condition:
                self._exclusive = False
                self._condition.notify_all()
