"""``python -m bench`` runs end to end, twice, beside a developer's own data folder.

Each of its servers drew a new pseudonym secret in the caller's data folder: the second
met the first one's check file and refused to start, and the benchmark then polled a
dead server for five minutes. ``make bench`` failed on every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_twice_and_leaves_the_callers_data_alone(tmp_path: Path) -> None:
    own = tmp_path / "my-data"
    env = {**os.environ, "PATHWISE_DATA_DIR": str(own), "PATHWISE_TORCH_THREADS": "1"}
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-m", "bench", "--sizes", "60,80", "--seconds", "0.5", "--clients", "1"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert run.stdout.count("GraphQL closure") == 2
        assert "errors 0" in run.stdout
    assert not own.exists(), "the benchmark's servers keep their own data folders"
