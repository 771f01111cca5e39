"""The ``Curriculum`` type: one concept scheme."""

from __future__ import annotations

import strawberry

from graph.model import Curriculum

__all__ = ["CurriculumType"]


@strawberry.type(name="Curriculum", description="A curriculum (a `skos:ConceptScheme`).")
class CurriculumType:
    id: strawberry.ID
    title: str
    description: str

    @classmethod
    def from_domain(cls, curriculum: Curriculum) -> CurriculumType:
        """Wrap a domain curriculum."""
        return cls(id=strawberry.ID(curriculum.id), title=curriculum.title, description=curriculum.description)
