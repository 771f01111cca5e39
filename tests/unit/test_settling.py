"""The settler: students' other estimates rewritten once they are quiet, or every so often while they are not."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from resolvers.settling import EstimateSettler


class Calls:
    def __init__(self) -> None:
        self.settled: list[list[str]] = []
        self.done = threading.Event()

    def __call__(self, students: Sequence[str]) -> int:
        self.settled.append(list(students))
        self.done.set()
        return len(students)


def test_a_student_is_settled_once_quiet_and_at_most_every_so_often() -> None:
    calls = Calls()
    settler = EstimateSettler(calls, quiet=60.0, at_most=60.0)
    settler.note(["ann", "bob"])
    settler.note(["ann"])
    assert settler.settle_due() == 0  # neither quiet nor waiting long: nothing yet
    settler.quiet = 0.0
    assert settler.settle_due() == 2
    assert calls.settled == [["ann", "bob"]]  # once each, however many attempts
    assert settler.waiting == 0
    busy = EstimateSettler(calls, quiet=60.0, at_most=0.0)  # answering all the time: still settled
    busy.note(["cat"])
    assert busy.settle_due() == 1


def test_the_thread_settles_and_a_stop_settles_whoever_waits() -> None:
    calls = Calls()
    settler = EstimateSettler(calls, quiet=0.01, at_most=1.0).start()
    settler.note(["ann"])
    assert calls.done.wait(5)
    settler.close()
    assert calls.settled[0] == ["ann"]
    waiting = EstimateSettler(calls, quiet=60.0, at_most=60.0, chunk=1)
    waiting.note(["x", "y", "z"])
    waiting.close(timeout=5)  # never started: close settles all of them, a chunk at a time
    assert calls.settled[-3:] == [["x"], ["y"], ["z"]]


def test_a_failing_settle_does_not_end_the_thread() -> None:
    seen: list[str] = []

    def flaky(students: Sequence[str]) -> int:
        seen.extend(students)
        if len(seen) == 1:
            raise RuntimeError("store busy")
        return len(students)

    settler = EstimateSettler(flaky, quiet=0.0, at_most=1.0).start()
    settler.note(["ann"])
    for _ in range(200):
        if seen:
            break
        time.sleep(0.01)
    settler.note(["bob"])
    for _ in range(200):
        if "bob" in seen:
            break
        time.sleep(0.01)
    settler.close()
    assert seen[:2] == ["ann", "bob"]
