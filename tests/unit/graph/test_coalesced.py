"""Forgets arriving together share the store rewrites that cover them all."""

from __future__ import annotations

import threading

import pytest

from graph.coalesced import CoalescedRuns


class HeldRun:
    """Work that records each run and holds the first until released, so callers can arrive during it."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.in_first = threading.Event()
        self.release = threading.Event()
        self.runs = CoalescedRuns(self.work)

    def work(self) -> None:
        self.started.append(len(self.started))
        self.in_first.set()
        self.release.wait(timeout=30)

    def first_caller(self) -> threading.Thread:
        caller = threading.Thread(target=self.runs.run)
        caller.start()
        assert self.in_first.wait(timeout=30)
        return caller


def finish(*callers: threading.Thread) -> None:
    for caller in callers:
        caller.join(timeout=30)
        assert not caller.is_alive()


def test_callers_arriving_during_a_run_share_the_next_one() -> None:
    held = HeldRun()
    first = held.first_caller()
    late = [threading.Thread(target=held.runs.run) for _ in range(6)]
    for caller in late:
        caller.start()
    held.release.set()
    finish(first, *late)
    assert held.started == [0, 1], "six callers during the first run share one more, not six"
    assert held.runs.runs == 2


def test_no_caller_returns_on_a_run_that_began_before_it() -> None:
    """A forget's delete landing during a rewrite's copy is not covered by that rewrite."""
    held = HeldRun()
    first = held.first_caller()
    late = threading.Thread(target=held.runs.run)
    late.start()
    late.join(timeout=0.2)
    assert late.is_alive(), "the run in progress began before the call"
    held.release.set()
    finish(first, late)
    assert held.started == [0, 1]


def test_a_failed_run_raises_in_its_starter_and_the_waiting_callers_run_again() -> None:
    calls: list[int] = []
    in_first = threading.Event()
    release = threading.Event()

    def work() -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            in_first.set()
            release.wait(timeout=30)
            raise OSError("disk full")

    runs = CoalescedRuns(work)
    errors: list[BaseException] = []

    def first_caller() -> None:
        try:
            runs.run()
        except OSError as error:
            errors.append(error)

    first = threading.Thread(target=first_caller)
    first.start()
    assert in_first.wait(timeout=30)
    waiting = threading.Thread(target=runs.run)
    waiting.start()
    release.set()
    first.join(timeout=30)
    waiting.join(timeout=30)
    assert [str(e) for e in errors] == ["disk full"]
    assert calls == [0, 1], "the waiting caller started a run of its own"
    runs.run()
    assert calls == [0, 1, 2]


def test_a_lone_caller_runs_every_time() -> None:
    calls: list[None] = []
    runs = CoalescedRuns(lambda: calls.append(None))
    for _ in range(3):
        runs.run()
    assert len(calls) == 3
    with pytest.raises(ZeroDivisionError):
        CoalescedRuns(lambda: None if 1 / 0 else None).run()
