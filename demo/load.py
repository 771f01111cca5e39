"""Load the bundled demo: the algebra curriculum and simulated student histories.

The service calls this on first start (an empty store); a second start finds the
curriculum there and loads nothing, so nothing is duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from demo.simulate import SimulationConfig, simulate_attempts
from graph.attempts import Estimator, record_attempts
from graph.model import Attempt
from graph.pseudonyms import Pseudonymizer, pseudonymise_attempts
from graph.repository import KnowledgeGraph, ProgressHook
from ingest.csv_layout import read_curriculum_csv

__all__ = ["CURRICULUM_DIR", "DemoLoad", "load_demo"]

CURRICULUM_DIR = Path(__file__).parent / "curriculum"
MODEL_DIR = Path(__file__).parent / "model"  # trained by `pathwise train mastery --demo`


@dataclass(frozen=True)
class DemoLoad:
    """What loading the demo wrote."""

    concepts: int
    prerequisites: int
    materials: int
    attempts: int


def demo_attempts(students: int = 200) -> list[Attempt]:
    """The simulated attempts of the demo's students (deterministic)."""
    bundle = read_curriculum_csv(CURRICULUM_DIR)
    return simulate_attempts(
        bundle.concepts, bundle.prerequisites, bundle.materials, SimulationConfig(students=students)
    )


def load_demo(
    kg: KnowledgeGraph,
    *,
    students: int = 200,
    progress: ProgressHook | None = None,
    estimate: Estimator | None = None,
    pseudonyms: Pseudonymizer | None = None,
    curriculum: bool = True,
) -> DemoLoad:
    """Import the demo curriculum and the simulated attempts of ``students`` students.

    With ``estimate`` (the mastery model), their mastery estimates are stored too. With
    ``pseudonyms`` (what the server and the CLI pass), the simulated students are
    stored under their keys like real ones, so ``student(id: "demo-student-000")`` finds them.
    Without ``curriculum`` only the students are recorded (finishing a load that was
    stopped between the two writes; attempts already stored count as duplicates).
    """
    bundle = read_curriculum_csv(CURRICULUM_DIR)
    if curriculum:
        kg.import_bundle(bundle, progress=progress)
    attempts = simulate_attempts(
        bundle.concepts, bundle.prerequisites, bundle.materials, SimulationConfig(students=students)
    )
    if pseudonyms is not None:
        attempts = pseudonymise_attempts(attempts, pseudonyms)
    accepted, _, _ = record_attempts(kg, attempts, estimate=estimate)
    return DemoLoad(len(bundle.concepts), len(bundle.prerequisites), len(bundle.materials), accepted)
