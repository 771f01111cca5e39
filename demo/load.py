"""Load the bundled demo: the algebra curriculum and simulated student histories.

The service calls this on first start (an empty store); a second start finds the
curriculum there and loads nothing, so nothing is duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from demo.qa_index import seed_qa_index
from demo.simulate import SimulationConfig, simulate_attempts
from graph.attempts import Estimator, record_attempts
from graph.model import Attempt
from graph.pseudonyms import Pseudonymizer, pseudonymise_attempts
from graph.repository import KnowledgeGraph, ProgressHook
from ingest.csv_layout import read_curriculum_csv

__all__ = ["CURRICULUM_DIR", "DEMO_MARKER", "DemoLoad", "demo_unfinished", "load_demo", "load_demo_marked"]

DEMO_MARKER = "demo-loading"
"""A file in the data folder while the demo's load runs: the load is two writes (curriculum, then students)."""

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


def demo_unfinished(kg: KnowledgeGraph, data_dir: Path) -> bool:
    """Whether a demo load was stopped between its two writes (the curriculum stored, its students not).

    Such a store is not empty, so a later start (or ``pathwise demo load``) took it for a
    loaded demo and left it without students. The marker lies in the data folder, which
    ``--store`` can point away from: a store without the demo's concepts is not the one
    it speaks of.
    """
    if not (data_dir / DEMO_MARKER).exists() or kg.is_empty():
        return False
    projection = kg.projection
    return all(projection.has_concept(c.id) for c in read_curriculum_csv(CURRICULUM_DIR).concepts)


def load_demo_marked(
    kg: KnowledgeGraph,
    data_dir: Path,
    *,
    students: int = 200,
    progress: ProgressHook | None = None,
    estimate: Estimator | None = None,
    pseudonyms: Pseudonymizer | None = None,
) -> DemoLoad:
    """``load_demo`` into an empty store, or finish one ``demo_unfinished`` says was stopped half way.

    The marker file stays if the load is stopped (Ctrl-C, a crash), so the next start or
    ``pathwise demo load`` knows to record the students alone. The demo's question index
    is copied in beside the store (``demo.qa_index``), unless one is there.
    """
    unfinished = demo_unfinished(kg, data_dir)
    marker = data_dir / DEMO_MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    loaded = load_demo(
        kg, students=students, progress=progress, estimate=estimate, pseudonyms=pseudonyms, curriculum=not unfinished
    )
    seed_qa_index(data_dir)
    marker.unlink()
    return loaded
