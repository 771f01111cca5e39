"""Generated curricula of any size: a random prerequisite DAG with materials.

Deterministic for a seed. Each concept requires about ``fan_in`` earlier concepts,
picked mostly from nearby ids (like real curricula, where chains are local) so
closures stay realistic (tens to hundreds of ancestors, not the whole graph).
"""

from __future__ import annotations

import random
from pathlib import Path

from graph.bundle import CurriculumBundle
from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite
from ingest.csv_layout import write_curriculum_csv

__all__ = ["generate_bundle", "write_generated"]

_TYPES = [MaterialType.EXPLANATION, MaterialType.EXAMPLE, MaterialType.EXERCISE, MaterialType.VIDEO]


def generate_bundle(concepts: int, *, fan_in: int = 3, materials_per_concept: float = 1.0, seed: int = 1) -> CurriculumBundle:
    """A curriculum of ``concepts`` concepts, about ``fan_in`` prerequisites each."""
    rng = random.Random(seed)
    ids = [f"c{i:06d}" for i in range(concepts)]
    cs = tuple(
        Concept(cid, f"Concept {i}", f"Generated concept number {i}.", curriculum="generated")
        for i, cid in enumerate(ids)
    )
    edges: list[Prerequisite] = []
    for i in range(1, concepts):
        k = min(i, rng.randint(max(1, fan_in - 1), fan_in + 1))
        window = max(k, min(i, 50))
        for j in rng.sample(range(i - window, i), k):
            edges.append(Prerequisite(ids[i], ids[j]))
    ms = []
    for n in range(int(concepts * materials_per_concept)):
        target = ids[rng.randrange(concepts)]
        mtype = _TYPES[n % len(_TYPES)]
        ms.append(
            Material(
                f"m{n:06d}",
                f"Material {n}",
                mtype,
                rng.randint(1, 5),
                rng.randint(3, 20),
                f"Text of generated material {n}.",
                teaches=(target,) if mtype is not MaterialType.EXERCISE else (),
                assesses=(target,) if mtype is MaterialType.EXERCISE else (),
            )
        )
    return CurriculumBundle((Curriculum("generated", "Generated curriculum"),), cs, tuple(edges), tuple(ms))


def write_generated(folder: Path, concepts: int, **options: float) -> Path:
    """Write a generated curriculum in the CSV layout; return the folder."""
    write_curriculum_csv(generate_bundle(concepts, **options), folder)  # type: ignore[arg-type]
    return folder
