"""Per-request DataLoaders: every nested field goes through one of these.

Each batch function makes at most one store round trip for all the keys gathered in
one tick and returns results in key order (saleor's ``<Thing>By<Key>Loader``).
Built per request in ``get_context``; never module level, or they would cache for
the life of the server.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from strawberry.dataloader import DataLoader

from graph.attempts import materials_attempted
from graph.mastery import read_estimates
from graph.model import Concept, Curriculum, MasteryEstimate, Material, Translation
from graph.repository import KnowledgeGraph

if TYPE_CHECKING:
    from ml.mastery.predict import Evidence
    from ml.mastery.serving import MasteryService

__all__ = ["Loaders", "build_loaders", "require_mastery"]

PrerequisiteKey = tuple[str, bool, int | None]
T = TypeVar("T")


@dataclass(frozen=True)
class Loaders:
    """The loaders of one request."""

    concept_by_id: DataLoader[str, Concept | None]
    material_by_id: DataLoader[str, Material | None]
    material_ids_by_concept: DataLoader[str, list[str]]
    prerequisite_ids_by_concept: DataLoader[PrerequisiteKey, list[str]]
    dependent_ids_by_concept: DataLoader[tuple[str, bool], list[str]]
    curriculum_by_id: DataLoader[str, Curriculum | None]
    evidence_by_student_concept: DataLoader[tuple[str, str, int], list[Evidence]]
    stored_estimates_by_student: DataLoader[str, list[MasteryEstimate]]
    translations_by_concept: DataLoader[str, list[Translation]]
    attempted_materials_by_student: DataLoader[str, frozenset[str]]

    def clear_all(self) -> None:
        """Forget every cached load: after a write, the next reads go to the store."""
        for loader in vars(self).values():
            loader.clear_all()


def build_loaders(kg: KnowledgeGraph, mastery: MasteryService | None = None) -> Loaders:
    """Fresh loaders over ``kg`` (and the mastery model) for one request."""

    async def concepts(ids: list[str]) -> Sequence[Concept | None]:
        return kg.concepts_by_ids(ids)

    async def materials(ids: list[str]) -> Sequence[Material | None]:
        return kg.materials_by_ids(ids)

    async def material_ids(ids: list[str]) -> Sequence[list[str]]:
        return kg.material_ids_for(ids)

    async def prerequisite_ids(keys: list[PrerequisiteKey]) -> Sequence[list[str]]:
        return [kg.prerequisites_of(c, transitive=t, max_depth=d) for c, t, d in keys]

    async def dependent_ids(keys: list[tuple[str, bool]]) -> Sequence[list[str]]:
        return [kg.dependents_of(c, transitive=t) for c, t in keys]

    async def curricula(ids: list[str]) -> Sequence[Curriculum | None]:
        found = {c.id: c for c in kg.curricula()}
        return [found.get(i) for i in ids]

    async def evidence_rows(keys: list[tuple[str, str, int]]) -> Sequence[list[Evidence] | BaseException]:
        from resolvers.students import evidence

        def rows(student: str, concept: str, limit: int) -> list[Evidence]:
            return evidence(kg, require_mastery(mastery), student, concept, limit)

        # a partial, not a lambda with defaults: mypy infers no type for those
        return [_guard(partial(rows, s, c, n)) for s, c, n in keys]

    async def stored_estimates(students: list[str]) -> Sequence[list[MasteryEstimate]]:
        found = read_estimates(kg.store, students)
        return [found[s] for s in students]

    async def translations(ids: list[str]) -> Sequence[list[Translation]]:
        return kg.translations(ids)

    async def attempted(students: list[str]) -> Sequence[frozenset[str]]:
        return [materials_attempted(kg, s) for s in students]  # one student per request: their own

    return Loaders(
        concept_by_id=DataLoader(load_fn=concepts),
        material_by_id=DataLoader(load_fn=materials),
        material_ids_by_concept=DataLoader(load_fn=material_ids),
        prerequisite_ids_by_concept=DataLoader(load_fn=prerequisite_ids),
        dependent_ids_by_concept=DataLoader(load_fn=dependent_ids),
        curriculum_by_id=DataLoader(load_fn=curricula),
        evidence_by_student_concept=DataLoader(load_fn=evidence_rows),
        stored_estimates_by_student=DataLoader(load_fn=stored_estimates),
        translations_by_concept=DataLoader(load_fn=translations),
        attempted_materials_by_student=DataLoader(load_fn=attempted),
    )


def require_mastery(mastery: MasteryService | None) -> MasteryService:
    """The mastery service. Raises ``NoModel`` where this service runs without one."""
    if mastery is None:
        from ml.mastery.serving import NoModel

        raise NoModel("this service runs without a mastery model")
    return mastery


def _guard(run: Callable[[], T]) -> T | BaseException:
    """A batch function returns an exception per failed key instead of failing the batch."""
    try:
        return run()
    except Exception as error:
        return error
