"""Kill -9 in the middle of a large import: the store reopens holding exactly what it held."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import write_generated
from graph.repository import KnowledgeGraph
from graph.store import OxigraphStore, open_store
from tests.conftest import small_bundle

ROOT = Path(__file__).resolve().parents[2]


def snapshot(spec: str) -> tuple[int, set[object]]:
    kg = KnowledgeGraph(open_store(spec))
    try:
        return kg.revision, set(kg.export_graph())
    finally:
        kg.store.close()


def test_killed_import_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    spec = f"oxigraph:{tmp_path / 'store'}"
    kg = KnowledgeGraph(open_store(spec))
    kg.import_bundle(small_bundle())
    kg.store.close()
    before = snapshot(spec)

    # Large enough to take the staged path and to run for seconds on 2 cores.
    folder = write_generated(tmp_path / "big", 12_000)
    assert OxigraphStore.STAGED_THRESHOLD < 12_000 * 10
    log_path = tmp_path / "import.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "--store", spec, "import", str(folder)],
            cwd=ROOT,
            stdout=log,
            stderr=log,
            env={**os.environ, "PATHWISE_LOAD_DEMO": "false"},
        )
        # Kill while the batch is being bulk-loaded into the staged copy.
        deadline = time.monotonic() + 120
        while not (tmp_path / "store.staging").exists():
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL, "the import finished before it could be killed"
    assert not (tmp_path / "store.commit").exists(), "killed after the commit point: lower the delay"
    assert (tmp_path / "store.staging").exists()

    assert snapshot(spec) == before
    assert not (tmp_path / "store.staging").exists()  # opening discarded the uncommitted copy

    # The store is usable afterwards: the same import now completes.
    done = subprocess.run(
        [sys.executable, "-m", "cli", "--store", spec, "import", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    revision, triples = snapshot(spec)
    assert revision == before[0] + 1
    assert len(triples) > len(before[1]) + 100_000
