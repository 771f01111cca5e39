"""Curriculum (concept scheme) writes: create, retitle, delete, for designers."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph import curriculum_writes
from graph.model import Curriculum
from graph.text import tidy
from schema.api.common import guarded
from schema.context import Info
from schema.types.curriculum import CreateCurriculumInput, CurriculumType, DeletedCurriculum, UpdateCurriculumInput
from schema.types.errors import CurriculumError

__all__ = ["CurriculumSchemeMutation"]

CurriculumResult = Annotated[
    CurriculumType | CurriculumError,
    strawberry.union(
        "CurriculumResult",
        description="The curriculum as stored now (`Curriculum`), or why the change "
        "was refused (`CurriculumError`: nothing written).",
    ),
]
DeleteCurriculumResult = Annotated[
    DeletedCurriculum | CurriculumError,
    strawberry.union(
        "DeleteCurriculumResult",
        description="What was deleted with the curriculum "
        "(`DeletedCurriculum`), or why nothing was (`CurriculumError`).",
    ),
]


@strawberry.type
class CurriculumSchemeMutation:
    @strawberry.mutation(description="Create an empty curriculum (a DUPLICATE id is refused).")
    def create_curriculum(
        self,
        info: Info,
        input: Annotated[CreateCurriculumInput, strawberry.argument(description="The new curriculum.")],
    ) -> CurriculumResult | None:
        new = Curriculum(str(input.id), tidy(input.title), tidy(input.description))
        return guarded(lambda: CurriculumType.from_domain(curriculum_writes.create_curriculum(info.context.kg, new)))

    @strawberry.mutation(description="Change a curriculum's title or description.")
    def update_curriculum(
        self,
        info: Info,
        input: Annotated[UpdateCurriculumInput, strawberry.argument(description="The curriculum and its changes.")],
    ) -> CurriculumResult | None:
        return guarded(
            lambda: CurriculumType.from_domain(
                curriculum_writes.update_curriculum(
                    info.context.kg,
                    str(input.id),
                    title=tidy(input.title) if input.title is not None else None,
                    description=tidy(input.description) if input.description is not None else None,
                )
            )
        )

    @strawberry.mutation(
        description="Delete a curriculum. Its concepts stay, in no curriculum, with their prerequisites, materials "
        "and students' estimates (`deleteConcept` removes a concept with those)."
    )
    def delete_curriculum(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description='The curriculum (NOT_FOUND with `field: "id"` when there is none).'),
        ],
    ) -> DeleteCurriculumResult | None:
        def run() -> DeletedCurriculum:
            deleted = curriculum_writes.delete_curriculum(info.context.kg, str(id))
            return DeletedCurriculum(id=strawberry.ID(deleted.id), concepts=deleted.concepts)

        return guarded(run)
