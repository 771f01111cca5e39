"""Curriculum edits: concepts, prerequisites, materials and their links, and imports."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from graph.model import Prerequisite
from resolvers import concepts, curricula, materials
from schema.api.common import guarded
from schema.context import Info
from schema.types.concept import ConceptType
from schema.types.inputs import (
    CreateConceptInput,
    CreateMaterialInput,
    ImportCurriculumInput,
    LinkRelation,
    UpdateConceptInput,
    UpdateMaterialInput,
)
from schema.types.material import MaterialType
from schema.types.payloads import (
    ConceptDeletionCounts,
    ConceptResult,
    Deleted,
    DeleteResult,
    ImportResult,
    ImportSummary,
    MaterialResult,
    PrerequisiteEdge,
    PrerequisiteResult,
)

__all__ = ["CurriculumMutation"]

RequiringArg = Annotated[
    strawberry.ID,
    strawberry.argument(
        description='The concept that requires the other (NOT_FOUND with `field: "conceptId"` when unknown).'
    ),
]
RequiredArg = Annotated[
    strawberry.ID,
    strawberry.argument(description='The concept it requires (NOT_FOUND with `field: "prerequisiteId"` when unknown).'),
]
LinkedMaterialArg = Annotated[
    strawberry.ID,
    strawberry.argument(description='The material (NOT_FOUND with `field: "materialId"` when unknown).'),
]
LinkedConceptArg = Annotated[
    strawberry.ID,
    strawberry.argument(description='The concept (NOT_FOUND with `field: "conceptId"` when unknown).'),
]


def _edge(info: Info, edge: Prerequisite) -> PrerequisiteEdge:
    kg = info.context.kg
    return PrerequisiteEdge(
        concept=ConceptType.from_domain(kg.concept(edge.concept)),
        prerequisite=ConceptType.from_domain(kg.concept(edge.prerequisite)),
        strength=edge.strength,
        provenance=edge.provenance,
    )


def _link(info: Info, material: str, concept: str, relation: LinkRelation, *, unlink: bool) -> MaterialResult:
    assesses = relation is LinkRelation.ASSESSES
    return guarded(
        lambda: MaterialType.from_domain(
            materials.link_material(info.context.kg, material, concept, assesses=assesses, unlink=unlink)
        )
    )


@strawberry.type
class CurriculumMutation:
    @strawberry.mutation(description="Create a concept, with its direct prerequisites.")
    def create_concept(
        self,
        info: Info,
        input: Annotated[
            CreateConceptInput, strawberry.argument(description="The new concept and its direct prerequisites.")
        ],
    ) -> ConceptResult | None:
        kg = info.context.kg
        return guarded(
            lambda: ConceptType.from_domain(
                concepts.create_concept(
                    kg, input.to_domain(), [str(p) for p in input.prerequisites], info.context.warnings
                )
            )
        )

    @strawberry.mutation(description="Change some fields of a concept.")
    def update_concept(
        self,
        info: Info,
        input: Annotated[
            UpdateConceptInput, strawberry.argument(description="The concept's id and the fields to change.")
        ],
    ) -> ConceptResult | None:
        kg = info.context.kg
        return guarded(
            lambda: ConceptType.from_domain(
                concepts.update_concept(kg, str(input.id), input.changes(), input.if_version)
            )
        )

    @strawberry.mutation(
        description="Delete a concept with its prerequisite edges, material links and students' estimates of it; "
        "`removed` counts them."
    )
    def delete_concept(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description='The concept (NOT_FOUND with `field: "id"` when there is none).'),
        ],
    ) -> DeleteResult | None:
        kg = info.context.kg

        def run() -> Deleted:
            deletion = concepts.delete_concept(kg, str(id), info.context.mastery)
            return Deleted(id=strawberry.ID(deletion.id), removed=ConceptDeletionCounts.from_domain(deletion))

        return guarded(run)

    @strawberry.mutation(
        description="Record that `conceptId` requires `prerequisiteId`; a cycle is refused. "
        "Adding an edge that exists sets its strength and provenance."
    )
    def add_prerequisite(
        self,
        info: Info,
        concept_id: RequiringArg,
        prerequisite_id: RequiredArg,
        strength: Annotated[
            float,
            strawberry.argument(
                description="How much the prerequisite matters, in (0, 1] (outside it: INVALID with "
                '`field: "strength"`).'
            ),
        ] = 1.0,
        provenance: Annotated[
            str,
            strawberry.argument(description="Where the edge comes from (stored as given, as the edge's `provenance`)."),
        ] = "designer",
    ) -> PrerequisiteResult | None:
        kg = info.context.kg
        return guarded(
            lambda: _edge(
                info, concepts.add_prerequisite(kg, str(concept_id), str(prerequisite_id), strength, provenance)
            )
        )

    @strawberry.mutation(description="Remove a prerequisite edge.")
    def remove_prerequisite(
        self, info: Info, concept_id: RequiringArg, prerequisite_id: RequiredArg
    ) -> PrerequisiteResult | None:
        kg = info.context.kg
        return guarded(lambda: _edge(info, concepts.remove_prerequisite(kg, str(concept_id), str(prerequisite_id))))

    @strawberry.mutation(description="Create a material linked to existing concepts.")
    def create_material(
        self,
        info: Info,
        input: Annotated[
            CreateMaterialInput,
            strawberry.argument(description="The new material and the concepts it teaches and assesses."),
        ],
    ) -> MaterialResult | None:
        kg = info.context.kg
        return guarded(
            lambda: MaterialType.from_domain(materials.create_material(kg, input.to_domain(), info.context.warnings))
        )

    @strawberry.mutation(description="Change some fields of a material.")
    def update_material(
        self,
        info: Info,
        input: Annotated[
            UpdateMaterialInput, strawberry.argument(description="The material's id and the fields to change.")
        ],
    ) -> MaterialResult | None:
        kg = info.context.kg
        return guarded(
            lambda: MaterialType.from_domain(
                materials.update_material(kg, str(input.id), input.changes(), input.if_version, info.context.mastery)
            )
        )

    @strawberry.mutation(description="Delete a material and its links.")
    def delete_material(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description='The material (NOT_FOUND with `field: "id"` when there is none).'),
        ],
    ) -> DeleteResult | None:
        kg = info.context.kg
        return guarded(lambda: Deleted(id=strawberry.ID(materials.delete_material(kg, str(id), info.context.mastery))))

    @strawberry.mutation(description="Link a material to a concept it teaches (or assesses).")
    def link_material(
        self,
        info: Info,
        material_id: LinkedMaterialArg,
        concept_id: LinkedConceptArg,
        relation: Annotated[
            LinkRelation,
            strawberry.argument(
                description="Whether the material teaches the concept or assesses it (default TEACHES)."
            ),
        ] = LinkRelation.TEACHES,
    ) -> MaterialResult | None:
        return _link(info, str(material_id), str(concept_id), relation, unlink=False)

    @strawberry.mutation(description="Remove a link between a material and a concept.")
    def unlink_material(
        self,
        info: Info,
        material_id: LinkedMaterialArg,
        concept_id: LinkedConceptArg,
        relation: Annotated[
            LinkRelation,
            strawberry.argument(
                description="Which link to remove (default TEACHES); NOT_FOUND when the material has no such link."
            ),
        ] = LinkRelation.TEACHES,
    ) -> MaterialResult | None:
        return _link(info, str(material_id), str(concept_id), relation, unlink=True)

    @strawberry.mutation(description="Import a small curriculum document; validated whole, applied whole.")
    async def import_curriculum(
        self,
        info: Info,
        input: Annotated[
            ImportCurriculumInput,
            strawberry.argument(description="The document (or CSV files), its format and how to apply it."),
        ],
    ) -> ImportResult | None:
        kg = info.context.kg
        csv_files = None
        if input.csv is not None:
            csv_files = {
                k: v
                for k, v in {
                    "concepts": input.csv.concepts,
                    "prerequisites": input.csv.prerequisites,
                    "materials": input.csv.materials,
                    "curricula": input.csv.curricula,
                    "translations": input.csv.translations,
                }.items()
                if v is not None
            }
        # 3,000 concepts took 2.2 s to validate and write, and held every other request meanwhile
        return await asyncio.to_thread(
            guarded,
            lambda: ImportSummary.from_domain(
                curricula.import_curriculum(
                    kg,
                    input.format.value,
                    content=input.content,
                    csv_files=csv_files,
                    replace_existing=input.replace_existing,
                    break_cycles=input.break_cycles,
                    allow_dangling=input.allow_dangling,
                    prune=input.prune,
                    dry_run=input.dry_run,
                    id_prefix=input.id_prefix,
                    mastery=info.context.mastery,
                )
            ),
        )
