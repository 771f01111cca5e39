"""Load the bundled demo: the algebra curriculum and simulated student histories.

The service calls this on first start (an empty store); a second start finds the
curriculum there and loads nothing, so nothing is duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from demo.simulate import SimulationConfig, simulate_attempts
from graph.attempts import record_attempts
from graph.repository import KnowledgeGraph, ProgressHook
from ingest.csv_layout import read_curriculum_csv

__all__ = ["CURRICULUM_DIR", "DemoLoad", "load_demo"]

CURRICULUM_DIR = Path(__file__).parent / "curriculum"


@dataclass(frozen=True)
class DemoLoad:
    """What loading the demo wrote."""

    concepts: int
    prerequisites: int
    materials: int
    attempts: int


def load_demo(kg: KnowledgeGraph, *, students: int = 200, progress: ProgressHook | None = None) -> DemoLoad:
    """Import the demo curriculum and the simulated attempts of ``students`` students."""
    bundle = read_curriculum_csv(CURRICULUM_DIR)
    kg.import_bundle(bundle, progress=progress)
    attempts = simulate_attempts(
        bundle.concepts, bundle.prerequisites, bundle.materials, SimulationConfig(students=students)
    )
    accepted, _ = record_attempts(kg, attempts)
    return DemoLoad(len(bundle.concepts), len(bundle.prerequisites), len(bundle.materials), accepted)
