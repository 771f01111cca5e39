"""The ``Curriculum`` type: one concept scheme."""

from __future__ import annotations

import strawberry

from graph.model import Curriculum

__all__ = [
    "CreateCurriculumInput",
    "CsvFiles",
    "CurriculumType",
    "DeletedCurriculum",
    "UpdateCurriculumInput",
]


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
    translations: str = strawberry.field(
        description="`translations.csv`: each concept's label, definition and alternative labels in each language."
    )


@strawberry.input(description="A new, empty curriculum: concepts join it with `curriculumId`.")
class CreateCurriculumInput:
    id: strawberry.ID = strawberry.field(description="A slug ([A-Za-z0-9_.-]) or an absolute IRI.")
    title: str = strawberry.field(description="The title (one line, not blank).")
    description: str = strawberry.field(default="", description="What the curriculum covers.")


@strawberry.input(description="Fields left out (or null) keep their value.")
class UpdateCurriculumInput:
    id: strawberry.ID = strawberry.field(
        description='The curriculum to change (NOT_FOUND with `field: "id"` when there is none).'
    )
    title: str | None = strawberry.field(default=None, description="The new title; null: unchanged.")
    description: str | None = strawberry.field(
        default=None, description='The new description ("" removes it); null: unchanged.'
    )


@strawberry.type(description="A deleted curriculum: its concepts stay, in no curriculum.")
class DeletedCurriculum:
    id: strawberry.ID = strawberry.field(description="The curriculum deleted.")
    concepts: int = strawberry.field(
        description="Concepts it held, now in no curriculum (with their prerequisites, materials and estimates)."
    )
