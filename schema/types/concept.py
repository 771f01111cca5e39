"""The ``Concept`` type: a skill or idea, with its prerequisites, dependents and materials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graph.model import Concept
from schema.context import Info
from schema.types.enums import MaterialKind

if TYPE_CHECKING:
    from schema.types.curriculum import CurriculumType
    from schema.types.material import MaterialType

__all__ = ["ConceptType", "PrerequisiteLink"]

MaterialRef = Annotated["MaterialType", strawberry.lazy("schema.types.material")]
CurriculumRef = Annotated["CurriculumType", strawberry.lazy("schema.types.curriculum")]


@strawberry.type(name="Concept", description="A concept of a curriculum (a `skos:Concept`).")
class ConceptType:
    id: strawberry.ID
    label: str
    definition: str
    alt_labels: list[str]
    curriculum_id: strawberry.ID | None
    domain: strawberry.Private[Concept]

    @classmethod
    def from_domain(cls, concept: Concept) -> ConceptType:
        """Wrap a domain concept."""
        return cls(
            id=strawberry.ID(concept.id),
            label=concept.label,
            definition=concept.definition,
            alt_labels=list(concept.alt_labels),
            curriculum_id=strawberry.ID(concept.curriculum) if concept.curriculum else None,
            domain=concept,
        )

    @strawberry.field(description="Concepts this one requires; with `transitive`, the whole closure, nearest first.")
    async def prerequisites(
        self, info: Info, transitive: bool = False, max_depth: int | None = None
    ) -> list[ConceptType]:
        loaders = info.context.loaders
        ids = await loaders.prerequisite_ids_by_concept.load((self.id, transitive, max_depth))
        return _wrap(await loaders.concept_by_id.load_many(ids))

    @strawberry.field(description="Direct prerequisites with the strength of each edge.")
    async def prerequisite_links(self, info: Info) -> list[PrerequisiteLink]:
        loaders = info.context.loaders
        ids = await loaders.prerequisite_ids_by_concept.load((self.id, False, None))
        found = await loaders.concept_by_id.load_many(ids)
        kg = info.context.kg
        return [
            PrerequisiteLink(prerequisite=ConceptType.from_domain(c), strength=kg.strength(self.id, c.id))
            for c in found
            if c is not None
        ]

    @strawberry.field(description="Concepts that require this one; with `transitive`, all of them.")
    async def dependents(self, info: Info, transitive: bool = False) -> list[ConceptType]:
        loaders = info.context.loaders
        ids = await loaders.dependent_ids_by_concept.load((self.id, transitive))
        return _wrap(await loaders.concept_by_id.load_many(ids))

    @strawberry.field(description="Broader concepts (`skos:broader`).")
    async def broader(self, info: Info) -> list[ConceptType]:
        return _wrap(await info.context.loaders.concept_by_id.load_many(list(self.domain.broader)))

    @strawberry.field(description="Materials that teach or assess this concept, optionally of one type.")
    async def materials(self, info: Info, type: MaterialKind | None = None) -> list[MaterialRef]:
        from schema.types.material import MaterialType

        loaders = info.context.loaders
        ids = await loaders.material_ids_by_concept.load(self.id)
        found = await loaders.material_by_id.load_many(ids)
        return [MaterialType.from_domain(m) for m in found if m is not None and (type is None or m.type == type)]

    @strawberry.field(description="The curriculum this concept belongs to.")
    async def curriculum(self, info: Info) -> CurriculumRef | None:
        from schema.types.curriculum import CurriculumType

        if self.domain.curriculum is None:
            return None
        found = await info.context.loaders.curriculum_by_id.load(self.domain.curriculum)
        return CurriculumType.from_domain(found) if found is not None else None


@strawberry.type(description="A direct prerequisite and how much it matters (strength in (0, 1]).")
class PrerequisiteLink:
    prerequisite: ConceptType
    strength: float


def _wrap(concepts: list[Concept | None]) -> list[ConceptType]:
    return [ConceptType.from_domain(c) for c in concepts if c is not None]
