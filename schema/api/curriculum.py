"""Curriculum API: concepts, prerequisites, materials, curricula, import and export."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from graph.material_filter import MaterialFilter
from graph.model import Prerequisite
from resolvers import concepts, curricula, materials
from schema.api.accessibility import AccessibilityFeatureArg, AccessModeArg, LanguageArg, OrphansArg, WithoutHazardArg
from schema.api.common import AfterArg, FirstArg, guarded, page_info
from schema.context import Info
from schema.types.concept import ConceptType
from schema.types.curriculum import CsvFiles, CurriculumType
from schema.types.enums import ExportFormat, MaterialKind
from schema.types.inputs import (
    CreateConceptInput,
    CreateMaterialInput,
    ImportCurriculumInput,
    LinkRelation,
    UpdateConceptInput,
    UpdateMaterialInput,
)
from schema.types.material import MaterialType
from schema.types.pagination import (
    ConceptConnection,
    ConceptEdge,
    MaterialConnection,
    MaterialEdge,
    check_first,
    decode_cursor,
    encode_cursor,
)
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

__all__ = ["CurriculumMutation", "CurriculumQuery"]

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


@strawberry.type
class CurriculumQuery:
    @strawberry.field(
        description="One concept by id; null when there is none (null beside an entry in `errors`: a nested "
        "argument was refused)."
    )
    def concept(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The concept's id.")]
    ) -> ConceptType | None:
        return ConceptType.from_id(str(id)) if concepts.concept_exists(info.context.kg, str(id)) else None

    @strawberry.field(
        description="Concepts in id order, optionally matching `search` (any case, with or without accents) in "
        "the label, an alternative label, a label in another language or the id."
    )
    def concepts(
        self,
        info: Info,
        first: FirstArg = 20,
        after: AfterArg = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Text to find, in any case and with or without accents, in the id, the label or an "
                'alternative label or a label in another language; null or "" (or only spaces): every concept.'
            ),
        ] = None,
        curriculum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description='Only the concepts of this curriculum (NOT_FOUND with `field: "curriculumId"` when '
                "unknown); null: every curriculum's."
            ),
        ] = None,
        without_curriculum: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only the concepts in no curriculum (what `deleteCurriculum` or an import with "
                "`allowDangling` and an unknown scheme leaves); false: only those in one; not with `curriculumId`."
            ),
        ] = None,
    ) -> ConceptConnection:
        page, found = concepts.list_concepts(
            info.context.kg,
            first=check_first(first),
            after=decode_cursor("concept", after),
            search=search,
            curriculum=str(curriculum_id) if curriculum_id is not None else None,
            without_curriculum=without_curriculum,
        )
        return ConceptConnection(
            edges=[ConceptEdge(cursor=encode_cursor("concept", c.id), node=ConceptType.from_domain(c)) for c in found],
            page_info=page_info("concept", page.ids, page.has_next, page.has_previous),
            total_count=page.total,
        )

    @strawberry.field(description="One material by id; null when there is none.")
    async def material(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The material's id.")]
    ) -> MaterialType | None:
        found = await info.context.loaders.material_by_id.load(str(id))
        return MaterialType.from_domain(found) if found is not None else None

    @strawberry.field(
        description="Materials in id order, optionally of one type, linked to one concept, or by what their "
        "accessibility metadata states (every argument given must hold; a list argument needs each of its values)."
    )
    def materials(
        self,
        info: Info,
        first: FirstArg = 20,
        after: AfterArg = None,
        type: Annotated[
            MaterialKind | None, strawberry.argument(description="Only materials of this type; null: every type.")
        ] = None,
        concept_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only materials that teach or assess this concept (an unknown one is an error with "
                '`field: "conceptId"`); null: every material.'
            ),
        ] = None,
        accessibility_feature: AccessibilityFeatureArg = None,
        without_hazard: WithoutHazardArg = None,
        access_mode: AccessModeArg = None,
        language: LanguageArg = None,
        orphans: OrphansArg = None,
        curriculum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only materials that teach or assess a concept of this curriculum (NOT_FOUND with "
                '`field: "curriculumId"` when unknown); null: every curriculum\'s.'
            ),
        ] = None,
    ) -> MaterialConnection:
        where = MaterialFilter.checked(
            features=accessibility_feature or (),
            without_hazards=without_hazard or (),
            access_modes=access_mode or (),
            language=language,
            orphans=orphans,
        )
        page, found = materials.list_materials(
            info.context.kg,
            first=check_first(first),
            after=decode_cursor("material", after),
            type=type.value if type is not None else None,
            concept=str(concept_id) if concept_id is not None else None,
            where=where,
            curriculum=str(curriculum_id) if curriculum_id is not None else None,
        )
        return MaterialConnection(
            edges=[
                MaterialEdge(cursor=encode_cursor("material", m.id), node=MaterialType.from_domain(m)) for m in found
            ],
            page_info=page_info("material", page.ids, page.has_next, page.has_previous),
            total_count=page.total,
        )

    @strawberry.field(description="Every curriculum.")
    def curricula(self, info: Info) -> list[CurriculumType]:
        return [CurriculumType.from_domain(c) for c in curricula.list_curricula(info.context.kg)]

    @strawberry.field(
        description="The curriculum part of the graph (or one curriculum) as an RDF document, "
        "or one curriculum as a CASE package (`format: CASE` needs `curriculumId`)."
    )
    async def export_curriculum(
        self,
        info: Info,
        format: Annotated[
            ExportFormat, strawberry.argument(description="The document's format (default TURTLE).")
        ] = ExportFormat.TURTLE,
        curriculum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this curriculum: its concepts, their materials and prerequisite edges (an unknown "
                'one is an error with `field: "curriculumId"`); null: the whole curriculum part of the graph. '
                "CASE needs it."
            ),
        ] = None,
    ) -> str:
        # off the event loop: a whole-store export reads every triple (seconds with many attempts), and
        # every other request waited for it
        kg, only = info.context.kg, str(curriculum_id) if curriculum_id is not None else None
        return await asyncio.to_thread(curricula.export_curriculum, kg, format.value, only)

    @strawberry.field(
        description="The curriculum part of the graph (or one curriculum) as the CSV layout's files, for a "
        "spreadsheet: edit them and send them back to `importCurriculum` while the service runs. Translations "
        "are in `translations`."
    )
    async def export_curriculum_csv(
        self,
        info: Info,
        curriculum_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description='Only this curriculum (an unknown one is an error with `field: "curriculumId"`); '
                "null: the whole curriculum part of the graph."
            ),
        ] = None,
    ) -> CsvFiles:
        kg, only = info.context.kg, str(curriculum_id) if curriculum_id is not None else None
        files = await asyncio.to_thread(curricula.export_curriculum_csv, kg, only)  # as export_curriculum
        return CsvFiles(
            concepts=files["concepts"],
            prerequisites=files["prerequisites"],
            materials=files["materials"],
            curricula=files["curricula"],
            translations=files["translations"],
        )


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
    ) -> ConceptResult:
        kg = info.context.kg
        return guarded(
            lambda: ConceptType.from_domain(
                concepts.create_concept(kg, input.to_domain(), [str(p) for p in input.prerequisites])
            )
        )

    @strawberry.mutation(description="Change some fields of a concept.")
    def update_concept(
        self,
        info: Info,
        input: Annotated[
            UpdateConceptInput, strawberry.argument(description="The concept's id and the fields to change.")
        ],
    ) -> ConceptResult:
        kg = info.context.kg
        return guarded(lambda: ConceptType.from_domain(concepts.update_concept(kg, str(input.id), input.changes())))

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
    ) -> DeleteResult:
        kg = info.context.kg

        def run() -> Deleted:
            deletion = concepts.delete_concept(kg, str(id))
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
    ) -> PrerequisiteResult:
        kg = info.context.kg
        return guarded(
            lambda: _edge(
                info, concepts.add_prerequisite(kg, str(concept_id), str(prerequisite_id), strength, provenance)
            )
        )

    @strawberry.mutation(description="Remove a prerequisite edge.")
    def remove_prerequisite(
        self, info: Info, concept_id: RequiringArg, prerequisite_id: RequiredArg
    ) -> PrerequisiteResult:
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
    ) -> MaterialResult:
        kg = info.context.kg
        return guarded(lambda: MaterialType.from_domain(materials.create_material(kg, input.to_domain())))

    @strawberry.mutation(description="Change some fields of a material.")
    def update_material(
        self,
        info: Info,
        input: Annotated[
            UpdateMaterialInput, strawberry.argument(description="The material's id and the fields to change.")
        ],
    ) -> MaterialResult:
        kg = info.context.kg
        return guarded(lambda: MaterialType.from_domain(materials.update_material(kg, str(input.id), input.changes())))

    @strawberry.mutation(description="Delete a material and its links.")
    def delete_material(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description='The material (NOT_FOUND with `field: "id"` when there is none).'),
        ],
    ) -> DeleteResult:
        kg = info.context.kg
        return guarded(lambda: Deleted(id=strawberry.ID(materials.delete_material(kg, str(id)))))

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
    ) -> MaterialResult:
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
    ) -> MaterialResult:
        return _link(info, str(material_id), str(concept_id), relation, unlink=True)

    @strawberry.mutation(description="Import a small curriculum document; validated whole, applied whole.")
    async def import_curriculum(
        self,
        info: Info,
        input: Annotated[
            ImportCurriculumInput,
            strawberry.argument(description="The document (or CSV files), its format and how to apply it."),
        ],
    ) -> ImportResult:
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
                )
            ),
        )
