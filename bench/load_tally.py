"""What the load's clients saw, and the one-line figures and error counts benches print from it.

``Tally`` is filled by ``bench.load_clients`` and read by ``bench.load``'s report and
by the benches that run the load in the background (``bench.switch``, ``bench.forget``),
so it sits apart from both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from bench.load_mix import OPERATIONS
from bench.load_server import Server

__all__ = ["Tally", "describe", "percentile", "print_errors"]


@dataclass
class Tally:
    """What the clients saw: latencies per operation, errors, attempts acknowledged and in doubt."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})
    finished: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})  # monotonic
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    acknowledged: set[datetime] = field(default_factory=set)
    in_doubt: set[datetime] = field(default_factory=set)
    batches_in_doubt: list[frozenset[datetime]] = field(default_factory=list)  # each all stored or none
    sent: int = 0
    seconds: float = 0.0
    began: float = 0.0

    def window(self, op: str, start: float, end: float) -> list[float]:
        """Latencies of ``op`` requests that finished between ``start`` and ``end`` seconds into the run."""
        return [v for v, t in zip(self.latencies[op], self.finished[op], strict=True) if start <= t - self.began < end]

    def merge(self, other: Tally) -> None:
        for op, values in other.latencies.items():
            self.latencies.setdefault(op, []).extend(values)
        for op, values in other.finished.items():
            self.finished.setdefault(op, []).extend(values)
        self.errors.update(other.errors)
        self.samples.extend(other.samples[: max(0, 10 - len(self.samples))])
        self.acknowledged |= other.acknowledged
        self.in_doubt |= other.in_doubt
        self.batches_in_doubt += other.batches_in_doubt
        self.sent += other.sent

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` by rank (``int(q * n)``, capped at the last); NaN when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def describe(values: list[float], seconds: float, what: str = "requests") -> str:
    """Count, rate, p50, p95 and max of the latencies of a time window, on one line."""
    if not values:
        return f"no {what} finished"
    return (
        f"{len(values):5d} {what} ({len(values) / seconds:6.1f}/s), p50 {percentile(values, 0.5) * 1000:7.1f} ms, "
        f"p95 {percentile(values, 0.95) * 1000:7.1f} ms, max {max(values) * 1000:8.1f} ms"
    )


def print_errors(tally: Tally, server: Server) -> int:
    """Print the failed replies and the server's error lines; how many there were in all."""
    logged = len(server.log_errors())
    print(f"errors: {tally.error_count} replies, {logged} server log lines")
    return tally.error_count + logged
