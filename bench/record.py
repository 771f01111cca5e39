"""``python -m bench.record``: one attempt recorded in process, as ``recordAttempts`` records it.

A student of the demo curriculum with ``--history`` earlier attempts spread over its 71
concepts (so each concept has a stored estimate) on an on-disk Oxigraph store, then
``--samples`` attempts recorded one call each, in time order (the path a phone answering
live takes), and as many backfills (each dated before the student's latest attempt).
Printed: p50 and p95 in ms per call, for a history of 60 attempts and of 2,000.
Compared with the baseline it names: the same run at commit 22708fd, which rewrote only
the estimates of the concepts an attempt named and read the latest time (and a
backfill's whole history) from the store at every call.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import torch

from demo.load import CURRICULUM_DIR, MODEL_DIR
from graph.model import Attempt
from graph.repository import KnowledgeGraph
from graph.store import open_store
from ingest.csv_layout import read_curriculum_csv
from ml.mastery.serving import MasteryService
from ml.mastery.versions import ModelVersions
from resolvers.students import record

#: ``python -m bench.record --samples 30`` at commit 22708fd (this file copied there), one thread,
#: 2026-11-30, two helpers' servers sharing the cores.
BASELINE_COMMIT = "22708fd"
BASELINE = {
    "in order, 60": 1.85,
    "backfill, 60": 10.18,
    "in order, 2000": 6.35,
    "backfill, 2000": 66.4,
}
START = datetime(2025, 1, 1, tzinfo=UTC)


def _timed(history: int, samples: int, seed: int) -> dict[str, list[float]]:
    """Seconds per call: in order, then backfills, for one student with ``history`` attempts."""
    folder = Path(tempfile.mkdtemp(prefix="pathwise-bench-record-"))
    kg = KnowledgeGraph(open_store(f"oxigraph:{folder / 'store'}"))
    kg.import_bundle(read_curriculum_csv(CURRICULUM_DIR))
    service = MasteryService(ModelVersions(folder / "models"), fallback=MODEL_DIR)
    concepts = sorted(kg.projection.dag.nodes)
    rng = random.Random(seed)

    def attempt(name: str, when: datetime) -> Attempt:
        return Attempt(name, "kid", when, float(rng.random() < 0.6), None, (rng.choice(concepts),))

    past = [attempt(f"h{i}", START + timedelta(minutes=i)) for i in range(history)]
    for first in range(0, len(past), 500):
        record(kg, service, past[first : first + 500])
    late = START + timedelta(days=60)
    out: dict[str, list[float]] = {"in order": [], "backfill": []}
    for n in range(samples):
        begun = time.perf_counter()
        record(kg, service, [attempt(f"n{n}", late + timedelta(minutes=n))])
        out["in order"].append(time.perf_counter() - begun)
    for n in range(samples):
        earlier = START + timedelta(minutes=rng.randrange(max(history, 1)), seconds=30)
        begun = time.perf_counter()
        record(kg, service, [attempt(f"b{n}", earlier)])
        out["backfill"].append(time.perf_counter() - begun)
    return out


def _ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.record", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=40, help="calls of each kind per history")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"baseline: commit {BASELINE_COMMIT}; p50 / p95 ms per call, one attempt a call")
    for history in (60, 2000):
        timings = _timed(history, args.samples, args.seed)
        for kind, samples in timings.items():
            p50, name = _ms(samples, 0.5), f"{kind}, {history}"
            ratio = f"x{p50 / BASELINE[name]:.2f} of the baseline's {BASELINE[name]}" if name in BASELINE else ""
            print(f"  {name:>16} attempts: p50 {p50:6.2f}  p95 {_ms(samples, 0.95):6.2f}  {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
