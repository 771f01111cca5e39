"""The curriculum as the simulator reads it: indexed once, before any student is simulated.

Every simulated student walks the same prerequisite DAG, draws targets from the same
deep concepts and picks from the same exercises; indexing that once (edges, a
topological order, ancestors, depths, exercises per concept) keeps each student cheap.
Apart from the student model because it is pure graph bookkeeping with no randomness.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from graph.model import Concept, Material, MaterialType, Prerequisite

__all__ = ["Curriculum"]


@dataclass(frozen=True, slots=True)
class Curriculum:
    """The curriculum, indexed once so each simulated student costs little.

    Attributes:
        ids: Concept ids in input order, without duplicates.
        requires: Direct prerequisites of each concept with their strengths.
        rank: Each concept's position in the topological order.
        ancestors: Each concept's transitive prerequisites.
        exercises: Exercise materials assessing each concept, in input order.
        targets: Concepts a student may aim at.
        target_weights: Sampling weights of ``targets`` (depth + 1).
    """

    ids: tuple[str, ...]
    requires: dict[str, tuple[tuple[str, float], ...]]
    rank: dict[str, int]
    ancestors: dict[str, frozenset[str]]
    exercises: dict[str, tuple[Material, ...]]
    targets: tuple[str, ...]
    target_weights: tuple[float, ...]

    @classmethod
    def build(
        cls,
        concepts: Sequence[Concept],
        prerequisites: Sequence[Prerequisite],
        materials: Sequence[Material],
    ) -> Curriculum:
        """Index concepts, prerequisite edges and exercises."""
        ids = tuple(dict.fromkeys(concept.id for concept in concepts))
        position = {cid: i for i, cid in enumerate(ids)}
        strongest: dict[str, dict[str, float]] = {cid: {} for cid in ids}
        for edge in prerequisites:
            if edge.concept in position and edge.prerequisite in position and edge.concept != edge.prerequisite:
                known = strongest[edge.concept].get(edge.prerequisite, 0.0)
                strongest[edge.concept][edge.prerequisite] = max(known, edge.strength)
        requires = {
            cid: tuple(sorted(reqs.items(), key=lambda item: position[item[0]])) for cid, reqs in strongest.items()
        }
        order = _topological_order(ids, requires)
        rank = {cid: i for i, cid in enumerate(order)}
        ancestors = {cid: _ancestors(cid, requires) for cid in ids}
        depth: dict[str, int] = {}
        for cid in order:
            below = [depth[q] for q, _ in requires[cid] if rank[q] < rank[cid]]
            depth[cid] = 1 + max(below) if below else 0
        exercises: dict[str, list[Material]] = {cid: [] for cid in ids}
        for material in materials:
            if material.type is MaterialType.EXERCISE:
                for cid in dict.fromkeys(material.assesses):
                    if cid in exercises:
                        exercises[cid].append(material)
        deepest = max(depth.values(), default=0)
        targets = tuple(cid for cid in ids if 2 * depth[cid] >= deepest)
        return cls(
            ids=ids,
            requires=requires,
            rank=rank,
            ancestors=ancestors,
            exercises={cid: tuple(found) for cid, found in exercises.items()},
            targets=targets,
            target_weights=tuple(float(depth[cid] + 1) for cid in targets),
        )


def _topological_order(ids: Sequence[str], requires: dict[str, tuple[tuple[str, float], ...]]) -> list[str]:
    """Order concepts prerequisites-first (Kahn), ties and cycles by input order."""
    position = {cid: i for i, cid in enumerate(ids)}
    dependents: dict[str, list[str]] = {cid: [] for cid in ids}
    missing = {cid: len(requires[cid]) for cid in ids}
    for cid in ids:
        for prerequisite, _ in requires[cid]:
            dependents[prerequisite].append(cid)
    ready = [position[cid] for cid in ids if missing[cid] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        cid = ids[heapq.heappop(ready)]
        order.append(cid)
        for dependent in dependents[cid]:
            missing[dependent] -= 1
            if missing[dependent] == 0:
                heapq.heappush(ready, position[dependent])
    placed = set(order)
    order.extend(cid for cid in ids if cid not in placed)
    return order


def _ancestors(cid: str, requires: dict[str, tuple[tuple[str, float], ...]]) -> frozenset[str]:
    """Return every concept ``cid`` transitively requires (never ``cid`` itself)."""
    seen: set[str] = set()
    stack = [q for q, _ in requires[cid]]
    while stack:
        q = stack.pop()
        if q not in seen and q != cid:
            seen.add(q)
            stack.extend(p for p, _ in requires[q])
    return frozenset(seen)
