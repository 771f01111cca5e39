"""SharedLock: readers together, a swap alone, and a waiting swap ahead of new readers."""

from __future__ import annotations

import threading

from graph.shared_lock import SharedLock


def test_readers_hold_it_together() -> None:
    lock = SharedLock()
    inside = threading.Barrier(3, timeout=5)  # breaks unless all three readers are inside at once

    def read() -> None:
        with lock.shared():
            inside.wait()

    readers = [threading.Thread(target=read) for _ in range(3)]
    for r in readers:
        r.start()
    for r in readers:
        r.join()
    assert not inside.broken


def test_the_exclusive_holder_waits_for_readers_and_new_readers_wait_for_it() -> None:
    lock = SharedLock()
    order: list[str] = []
    reading, swap_waiting = threading.Event(), threading.Event()

    def swap() -> None:
        swap_waiting.set()
        with lock.exclusive():
            order.append("swap")

    def late_reader() -> None:
        with lock.shared():
            order.append("late reader")

    with lock.shared():
        reading.set()
        swapper = threading.Thread(target=swap)
        swapper.start()
        assert swap_waiting.wait(5)
        while not lock._exclusive:  # the swap has claimed the lock and waits for this reader
            threading.Event().wait(0.001)
        late = threading.Thread(target=late_reader)
        late.start()
        late.join(0.2)
        assert late.is_alive(), "a reader arriving behind a waiting swap must wait"
        order.append("first reader done")
    swapper.join(5)
    late.join(5)
    assert order == ["first reader done", "swap", "late reader"]
