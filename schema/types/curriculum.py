"""The ``Curriculum`` type: one concept scheme."""

from __future__ import annotations

import strawberry

from graph.model import Curriculum

__all__ = ["CsvFiles", "CurriculumType"]


@strawberry.type(name="Curriculum", description="A curriculum (a `skos:ConceptScheme`).")
class CurriculumType:
    id: strawberry.ID = strawberry.field(description="A slug ([A-Za-z0-9_.-]) or an absolute IRI kept from elsewhere.")
    title: str = strawberry.field(description="The title.")
    description: str = strawberry.field(description='What the curriculum covers; "" when nothing is said.')

    @classmethod
    def from_domain(cls, curriculum: Curriculum) -> CurriculumType:
        """Wrap a domain curriculum."""
        return cls(id=strawberry.ID(curriculum.id), title=curriculum.title, description=curriculum.description)


@strawberry.type(
    description="The files of the CSV layout as text, as `pathwise export --format csv` writes them: give them back "
    "to `importCurriculum(input: {format: CSV, csv: {...}})` as they are."
)
class CsvFiles:
    concepts: str = strawberry.field(description="`concepts.csv`.")
    prerequisites: str = strawberry.field(description="`prerequisites.csv`.")
    materials: str = strawberry.field(description="`materials.csv`.")
    curricula: str = strawberry.field(description="`curricula.csv`.")
