"""Generated curricula of any size: a random prerequisite DAG with materials.

Deterministic for a seed. Shaped like real curricula: concepts come in topics of
``topic_size``; a concept requires two or three of the few concepts just before it in
its topic, and about every other one also requires a concept of the parent topic
(topics form a tree, three children each). So there are about three prerequisites per
concept, chains are long (a topic's length times the tree's depth), and a closure holds
tens to a few hundred concepts, as in metacademy or Khan Academy, not the whole graph.
"""

from __future__ import annotations

import random
from pathlib import Path

from graph.bundle import CurriculumBundle
from graph.model import Concept, Curriculum, Material, MaterialType, Prerequisite
from ingest.csv_layout import write_curriculum_csv

__all__ = ["generate_bundle", "write_generated"]

_TYPES = [MaterialType.EXPLANATION, MaterialType.EXAMPLE, MaterialType.EXERCISE, MaterialType.VIDEO]


def generate_bundle(
    concepts: int, *, topic_size: int = 40, materials_per_concept: float = 1.0, seed: int = 1
) -> CurriculumBundle:
    """A curriculum of ``concepts`` concepts, about three prerequisites each."""
    rng = random.Random(seed)
    ids = [f"c{i:06d}" for i in range(concepts)]
    cs = tuple(
        Concept(cid, f"Concept {i}", f"Generated concept number {i}.", curriculum="generated")
        for i, cid in enumerate(ids)
    )
    edges: list[Prerequisite] = []
    for i in range(concepts):
        topic, position = divmod(i, topic_size)
        start = topic * topic_size
        local = range(max(start, i - 6), i)
        for j in rng.sample(local, min(len(local), rng.randint(2, 3))):
            edges.append(Prerequisite(ids[i], ids[j]))
        if topic > 0 and (position == 0 or rng.random() < 0.5):
            parent = (topic - 1) // 3
            j = parent * topic_size + rng.randrange(min(topic_size, concepts - parent * topic_size))
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
